"""Redacted forms of sensitive values, for findings, samples, logs and exceptions.

A redacted value keeps only what identifies its kind to a reader, never enough to use it:

* :func:`redact` (credentials): the provider's public prefix (``ghp_``, ``AKIA``, ...) and at
  most the last ``tail`` characters, and only when the rest is at least four times as long as
  the tail (so never more than a quarter of the secret part); ``"ghp_…Ab12"``.
* :func:`redact_pii` (personal data) keeps less, because a few characters of a name or a
  phone number already narrow down a person: an e-mail address keeps the first character of
  the local part and the top-level domain (``"j…@…com"``), a card number its last four digits
  (``"…1234"``, as printed on receipts), an IBAN its country and last two characters, a MAC
  address its manufacturer part, an IP address its first block; other entities keep at most
  their last two characters, or nothing when the value is short.

The ellipsis always marks what was removed, so a redacted value can never be mistaken for a
whole one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

ELLIPSIS = "…"
# Below this many secret characters nothing of the secret part is shown.
_MIN_SECRET_FOR_TAIL = 16
_PII_TAIL = 2
_MIN_PII_FOR_TAIL = 8


def redact(value: str, keep_prefix: str = "", tail: int = 4) -> str:
    """``value`` with everything but ``keep_prefix`` and at most ``tail`` last characters
    removed.

    ``keep_prefix`` is shown only when ``value`` really starts with it (it is meant for the
    public, fixed part of a format). The tail is shown only when the part after the prefix is
    at least ``max(16, 4 * tail)`` characters long.
    """
    if tail < 0:
        raise ValueError(f"tail must be zero or positive, not {tail}")
    prefix = keep_prefix if keep_prefix and value.startswith(keep_prefix) else ""
    secret = value[len(prefix) :]
    shown = ""
    if tail and len(secret) >= max(_MIN_SECRET_FOR_TAIL, 4 * tail):
        shown = secret[-tail:]
    return f"{prefix}{ELLIPSIS}{shown}"


def redact_pii(entity: str, value: str) -> str:
    """A redacted form of a personal value of ``entity`` (the names of ``aisec.data.pii``)."""
    value = value.strip()
    special = _SPECIAL.get(entity)
    if special is not None:
        shown = special(value)
        if shown is not None:
            return shown
    return _last(value, _PII_TAIL, _MIN_PII_FOR_TAIL)


def _last(value: str, count: int, minimum: int) -> str:
    return ELLIPSIS + (value[-count:] if len(value) >= minimum else "")


def _email(value: str) -> str | None:
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    top = domain.rsplit(".", 1)[1]
    first = local[0] if len(local) >= 3 else ""
    return f"{first}{ELLIPSIS}@{ELLIPSIS}{top}"


def _card(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    return ELLIPSIS + digits[-4:] if len(digits) >= 12 else None


def _iban(value: str) -> str | None:
    compact = re.sub(r"\s", "", value)
    if len(compact) < 12 or not compact[:2].isalpha():
        return None
    return f"{compact[:2].upper()}{ELLIPSIS}{compact[-2:]}"


def _mac(value: str) -> str | None:
    parts = re.split(r"[:.-]", value)
    if len(parts) != 6:
        return None
    separator = value[2] if len(value) > 2 else ":"
    # The first three octets name the manufacturer (the OUI), not the device.
    return separator.join(parts[:3]) + separator + ELLIPSIS


def _ip(value: str) -> str | None:
    for separator in (".", ":"):
        head, sep, rest = value.partition(separator)
        if sep:
            # The first block only, and only when more than it follows (else it is the value).
            return f"{head}{separator}{ELLIPSIS}" if head and rest.strip(".:") else ELLIPSIS
    return None


def _person(value: str) -> str | None:
    return f"{value[0]}{ELLIPSIS}" if len(value) >= 4 and value[0].isalpha() else None


def _nothing(value: str) -> str:
    return ELLIPSIS


_SPECIAL: dict[str, Callable[[str], str | None]] = {
    "EMAIL_ADDRESS": _email,
    "CREDIT_CARD": _card,
    "IBAN_CODE": _iban,
    "MAC_ADDRESS": _mac,
    "IP_ADDRESS": _ip,
    "PERSON": _person,
    "DATE_OF_BIRTH": _nothing,
    "POSTAL_ADDRESS": _nothing,
}
