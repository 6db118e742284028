"""AWS and Google Cloud credentials.

AWS access key ids are four letters naming the kind of key (``AKIA`` long-term, ``ASIA``
temporary, ``ABIA``, ``ACCA``) and sixteen base-32 characters. The matching secret access key
is 40 characters of base 64 with no marker at all, so it is reported only where it is named
(``aws_secret_access_key = ...``, ``"SecretAccessKey": ...``) or, with a lower confidence,
next to an access key id (:mod:`aisec.data.secrets.aws_pairs`). Google API keys start with
``AIza`` and have 35 more characters; OAuth client secrets start with ``GOCSPX-``. Private keys
of service accounts are found with the other PEM blocks (:mod:`aisec.data.secrets.pem`).
"""

from __future__ import annotations

import re

from aisec.data.secrets.model import RegexDetector, token, with_body
from aisec.data.secrets.named import named, unless_placeholder
from aisec.data.secrets.placeholders import is_placeholder

_BASE32 = re.compile(r"[A-Z2-7]{16}")
_UPPER, _LOWER, _OTHER = re.compile("[A-Z]"), re.compile("[a-z]"), re.compile("[0-9/+]")
_HEX = re.compile("[0-9a-f]+|[0-9A-F]+")
AWS_SECRET = "[A-Za-z0-9/+]{40}"


def _access_key_id(body: str) -> float | None:
    if is_placeholder(body):
        return None
    # Real ids are base 32; other digits are a copy error or a look-alike.
    return 0.95 if _BASE32.fullmatch(body) else 0.7


def looks_random(value: str) -> bool:
    """Both cases and a digit or ``/`` or ``+``, as 40 random base-64 characters have but for
    odds of about 1 in 4000 (a hex digest or a word never has them)."""
    return (
        _UPPER.search(value) is not None
        and _LOWER.search(value) is not None
        and _OTHER.search(value) is not None
        and not is_placeholder(value)
    )


def _aws_secret(value: str, match: re.Match[str]) -> float | None:
    # The name says what it is: only a placeholder or a hex digest is turned down.
    if is_placeholder(value) or _HEX.fullmatch(value):
        return None
    return 0.9


CLOUD_DETECTORS: tuple[RegexDetector, ...] = (
    RegexDetector(
        "aws-access-key-id",
        "aws",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        token("AKIA|ASIA|ABIA|ACCA", "[A-Z0-9]{16}", after="(?![A-Za-z0-9])"),
        0.95,
        assess=with_body(_access_key_id),
    ),
    named(
        "aws-secret-access-key",
        "aws",
        (
            "secret_access_key",
            "SecretAccessKey",
            "secretAccessKey",
            "aws_secret_key",
            "secret-access-key",
        ),
        AWS_SECRET,
        0.9,
        assess=_aws_secret,
        value_chars="A-Za-z0-9/+",
    ),
    RegexDetector(
        "gcp-api-key",
        "gcp",
        ("AIza",),
        token("AIza", "[A-Za-z0-9_-]{35}"),
        0.95,
        assess=unless_placeholder(0.95),
    ),
    RegexDetector(
        "gcp-oauth-client-secret",
        "gcp",
        ("GOCSPX-",),
        token("GOCSPX-", "[A-Za-z0-9_-]{28}"),
        0.95,
        assess=unless_placeholder(0.95),
    ),
)
