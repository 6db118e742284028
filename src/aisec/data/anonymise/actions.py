"""What happens to one value: keep, drop, replace, mask, keyed hash, pseudonym.

Every action maps text to text (or to null) and keeps no state of its own; anything
secret or expensive (the key, the PII detectors) comes in through :class:`Context`. The
keyed actions all rest on the same HMAC of the value, so one person gets one pseudonym in
every column, every file and every run that uses the same key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    from aisec.data.anonymise.keys import HmacKey
    from aisec.data.anonymise.scrub import SpanFinder

_NOT_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Context:
    """What actions may need besides the value."""

    key: HmacKey | None = None
    finders: Sequence[SpanFinder] = ()
    hints: frozenset[str] = frozenset()  # entities the current column's name announces

    def require_key(self) -> HmacKey:
        if self.key is None:
            raise ConfigError(
                "the rules hash or pseudonymise values but no key was given",
                hint="pass --key-file FILE or set AISEC_ANONYMISE_KEY",
            )
        return self.key


class Action(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def needs_key(self) -> bool: ...

    def apply(self, value: str, ctx: Context) -> str | None: ...


def normalised(value: str, steps: Sequence[str]) -> str:
    """The value as the keyed actions see it, so that "A@x.org " and "a@x.org" can meet."""
    for step in steps:
        if step == "strip":
            value = value.strip()
        elif step == "lower":
            value = value.casefold()
        elif step == "digits":
            value = "".join(ch for ch in value if ch.isdigit())
    return value


def prefix_for(name: str) -> str:
    """A pseudonym prefix from a column or entity name: "Full Name" -> "full_name"."""
    return _NOT_NAME.sub("_", name.lower()).strip("_") or "id"


@dataclass(frozen=True, slots=True)
class Keep:
    name: str = "keep"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        return value


@dataclass(frozen=True, slots=True)
class Drop:
    """The column leaves the output (as a span action: the text is removed)."""

    name: str = "drop"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        return ""


@dataclass(frozen=True, slots=True)
class Replace:
    """Every value becomes ``text`` (None: null)."""

    text: str | None = "<REDACTED>"
    name: str = "replace"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        return self.text


@dataclass(frozen=True, slots=True)
class Mask:
    """Hide all but the first and last few characters. A value too short to show that many
    is masked whole: revealing it all would not be masking. ``preserve`` characters
    (separators such as "-" or "@") stay where they are."""

    show_first: int = 0
    show_last: int = 0
    char: str = "*"
    preserve: str = ""
    name: str = "mask"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        shown = self.show_first + self.show_last
        first, last = (self.show_first, self.show_last) if len(value) > shown else (0, 0)
        end = len(value) - last
        middle = "".join(ch if ch in self.preserve else self.char for ch in value[first:end])
        return value[:first] + middle + value[end:]


@dataclass(frozen=True, slots=True)
class Hash:
    """HMAC-SHA256 of the value under the key, in hex, truncated to ``length`` digits."""

    length: int = 64
    normalise: tuple[str, ...] = ()
    allow_collisions: bool = False
    name: str = "hash"
    needs_key: bool = True

    def apply(self, value: str, ctx: Context) -> str | None:
        return ctx.require_key().hexdigest(normalised(value, self.normalise))[: self.length]


@dataclass(frozen=True, slots=True)
class Pseudonym:
    """A stable stand-in for the value.

    ``token``: "<prefix>-<hex>"; ``email``: the local part becomes a token and the domain
    stays; ``shape``: digits become digits and letters letters of the same case, the rest
    stays (phone numbers and identifiers keep their look, not their checksums). A shape
    has as few possible outputs as the value has digits and letters, so short values
    collide often: the run counts such collisions per column.
    """

    @property
    def keyed_digest(self) -> bool:
        """True when distinct values are expected to stay distinct (token and email)."""
        return self.style != "shape"

    prefix: str = "id"
    length: int = 16
    style: str = "token"
    normalise: tuple[str, ...] = field(default=())
    allow_collisions: bool = False
    name: str = "pseudonym"
    needs_key: bool = True

    def apply(self, value: str, ctx: Context) -> str | None:
        key = ctx.require_key()
        basis = normalised(value, self.normalise)
        if self.style == "shape":
            return _shaped(value, key.stream(basis, len(value)))
        token = f"{self.prefix}-{key.hexdigest(basis)[: self.length]}"
        if self.style == "email" and "@" in value:
            return f"{token}@{value.rsplit('@', 1)[1]}"
        return token


def _shaped(value: str, noise: bytes) -> str:
    out = []
    for ch, byte in zip(value, noise, strict=True):
        if ch.isdigit():
            out.append(chr(48 + byte % 10))
        elif ch.isalpha():  # non-ASCII letters too: keeping "ü" would keep a clue
            out.append(chr((65 if ch.isupper() else 97) + byte % 26))
        else:
            out.append(ch)
    return "".join(out)
