"""Values that have a credential's shape but are documentation, templates or test fillers.

They are dropped rather than reported with a low confidence: a placeholder is not a
credential, and a training-data scan that listed every ``sk-xxxxxxxx`` in tutorials would
bury the real leaks. A value is a placeholder when the part after its public prefix

* names itself one (``EXAMPLE`` as in the AWS documentation's ``AKIAIOSFODNN7EXAMPLE``,
  ``placeholder``, ``dummy``, ``redacted``, ``changeme``, ``-your-``, ``_fake_``, ...),
* is a template (``<...>``, ``${...}``, ``{{...}}``) or elided (``...``, ``***``),
* repeats one character six times in a row, uses fewer than six distinct characters, or
  counts up through six consecutive characters (``123456``, ``abcdef``),
* or is one of the few public sample values published with a format (the jwt.io sample
  token, the Azure storage emulator's well-known account key), recognised by digest.

A random credential trips none of these by chance except with negligible probability (the
shortest rule, six equal characters in a row, has odds of about 1 in 10^6 for a 40-character
hexadecimal value and far less for the larger alphabets).
"""

from __future__ import annotations

import hashlib
import re
import string

_WORDS = re.compile(
    r"(?i)example|placeholder|dummy|redacted|changeme|replace_?me|insert_?your"
    r"|[_-](?:your|fake|here|test|xxxx)[_-]|<[^>]*>|\$\{|\{\{|\.\.\.|\*\*\*"
)
_REPEAT = re.compile(r"(.)\1{5}")
_RUN = 6  # ascending characters in a row
_MIN_DISTINCT = 6

# sha256 of public sample values (not secrets, but well known and everywhere in docs).
PUBLIC_SAMPLES = frozenset(
    {
        # jwt.io's sample HS256 token (signed with the key "your-256-bit-secret")
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
        # Azure storage emulator (Azurite) account key
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    }
)


def is_public_sample(value: str) -> bool:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return digest in PUBLIC_SAMPLES


def is_placeholder(body: str) -> bool:
    """True when ``body`` (a value without its public prefix) is filler, not a secret."""
    if _WORDS.search(body) or _REPEAT.search(body):
        return True
    if len(set(body)) < min(_MIN_DISTINCT, len(body)):
        return True
    return _counts_up(body)


def _ascending(alphabet: str) -> list[str]:
    return [alphabet[at : at + _RUN] for at in range(len(alphabet) - _RUN + 1)]


_COUNTING = re.compile(
    "|".join(
        _ascending(string.digits)
        + _ascending(string.ascii_lowercase)
        + _ascending(string.ascii_uppercase)
    )
)


def _counts_up(body: str) -> bool:
    return _COUNTING.search(body) is not None
