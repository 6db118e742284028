"""The gateway's API keys as text: made, hashed, and found in request headers.

A key is 256 random bits, so its SHA-256 needs no salt or slow hash: nobody can guess
a preimage, and one hash per request keeps authentication to a dictionary lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping

KEY_PREFIX = "aisg_"
KEY_LENGTH = len(KEY_PREFIX) + 43  # token_urlsafe(32): 43 characters, no padding
PREFIX_SHOWN = len(KEY_PREFIX) + 6  # the public start kept for lists
# Far longer than any key: a longer header value is refused before it is hashed, so a
# client cannot make the gateway hash megabytes per request.
MAX_HEADER = 512

_AUTHORIZATION, _API_KEY = 1, 2
_TEXT_NAMES = {"authorization": _AUTHORIZATION, "x-api-key": _API_KEY}
_BYTE_NAMES = {b"authorization": _AUTHORIZATION, b"x-api-key": _API_KEY}

HeaderSource = Mapping[str, str] | Iterable[tuple[bytes | str, bytes | str]]


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(key: str) -> str:
    return key[:PREFIX_SHOWN]


def token_from_headers(headers: HeaderSource) -> str | None:
    """The key a request presents, or None: ``Authorization: Bearer <key>`` first, else
    ``X-API-Key``. Takes a mapping (Starlette's Headers, a dict) or ASGI's raw
    ``(name, value)`` byte pairs; never raises, whatever the client sent."""
    bearer: str | None = None
    api_key: str | None = None
    try:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        for raw_name, raw_value in pairs:
            # Names compared undecoded (this runs for every header of every request),
            # bytes with bytes and text with text.
            if isinstance(raw_name, str):
                which = _TEXT_NAMES.get(raw_name.lower())
            elif isinstance(raw_name, bytes | bytearray):
                which = _BYTE_NAMES.get(bytes(raw_name).lower())
            else:
                continue
            if which == _AUTHORIZATION and bearer is None:
                bearer = _bearer(_text(raw_value))
            elif which == _API_KEY and api_key is None:
                api_key = _bare(_text(raw_value))
    except (TypeError, ValueError):
        return None  # not header pairs at all: a caller's bug, but still no key
    return bearer if bearer is not None else api_key


def _text(value: object) -> str:
    # HTTP header values are bytes; latin-1 maps every byte, so decoding cannot fail.
    if isinstance(value, bytes | bytearray):
        return bytes(value[: MAX_HEADER + 1]).decode("latin-1")
    return value if isinstance(value, str) else ""


def _bearer(value: str) -> str | None:
    if len(value) > MAX_HEADER:
        return None
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None  # Basic or another scheme: maybe meant for someone else, not a key
    return _bare(rest)


def _bare(value: str) -> str | None:
    if len(value) > MAX_HEADER:
        return None
    token = value.strip()
    return token or None
