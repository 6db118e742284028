"""The secret key behind keyed hashes and pseudonyms.

The key never comes from the rules file (rules are shared, reviewed and committed; a key
in them would be a key in version control). It is read from a file or an environment
variable, kept only in this object, and never shown: ``repr`` names its length alone.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from aisec.core.errors import ConfigError

MIN_KEY_BYTES = 16
MAX_KEY_FILE_BYTES = 4096
DEFAULT_KEY_ENV = "AISEC_ANONYMISE_KEY"
_CACHE_LIMIT = 200_000
# Domain separation: the digest of one value must never equal a block of the stream of
# another, so each use of the key puts its own label (ending in NUL) before the message.
_DIGEST_LABEL = b"aisec.anonymise.digest\0"
_STREAM_LABEL = b"aisec.anonymise.stream\0"


class HmacKey:
    """HMAC-SHA256 under one secret key, with a bounded memo of recent digests."""

    __slots__ = ("__key", "_memo", "source")

    def __init__(self, key: bytes, *, source: str = "memory") -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ConfigError(
                f"the anonymisation key from {source} is {len(key)} bytes; at least"
                f" {MIN_KEY_BYTES} are needed",
                hint="generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
            )
        self.__key = key
        self.source = source
        self._memo: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"HmacKey(<{len(self.__key)} bytes from {self.source}>)"

    def hexdigest(self, value: str) -> str:
        """HMAC-SHA256(key, label + UTF-8 of value) in hex: the same value always gives the
        same text."""
        found = self._memo.get(value)
        if found is None:
            message = _DIGEST_LABEL + value.encode("utf-8")
            found = hmac.new(self.__key, message, hashlib.sha256).hexdigest()
            if len(self._memo) >= _CACHE_LIMIT:  # bounded memory on high-cardinality columns
                self._memo.clear()
            self._memo[value] = found
        return found

    def stream(self, value: str, size: int) -> bytes:
        """At least ``size`` pseudo-random bytes determined by the key and value."""
        out = b""
        counter = 0
        while len(out) < size:
            message = _STREAM_LABEL + counter.to_bytes(4, "big") + value.encode("utf-8")
            out += hmac.new(self.__key, message, hashlib.sha256).digest()
            counter += 1
        return out[:size]


def load_key(*, key_file: Path | None = None, key_env: str | None = None) -> HmacKey | None:
    """The key from ``key_file`` or else from the environment variable ``key_env``.

    None when neither names a key; a ConfigError when the one named is missing or short.
    """
    if key_file is not None:
        try:
            with key_file.open("rb") as handle:
                data = handle.read(MAX_KEY_FILE_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"cannot read the key file {key_file}: {exc.strerror}") from None
        if len(data) > MAX_KEY_FILE_BYTES:
            raise ConfigError(f"the key file {key_file} is larger than {MAX_KEY_FILE_BYTES} bytes")
        # Editors add a final newline; it is not part of the key.
        return HmacKey(data.rstrip(b"\r\n"), source=f"file {key_file}")
    if key_env is not None:
        value = os.environ.get(key_env)
        if value is None:
            return None
        return HmacKey(value.encode("utf-8"), source=f"environment variable {key_env}")
    return None
