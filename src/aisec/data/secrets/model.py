"""What a secret detector is and what it reports.

A detector is tried at the positions where one of its *anchors* (a literal that every value
of its kinds contains at a known place) occurs; it answers with a :class:`Hit` or nothing.
Most detectors are one regular expression (:class:`RegexDetector`); structured formats (PEM
blocks, JWTs) have their own code.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aisec.data.redact import redact

# Characters that continue a token in most credential alphabets: a match must not start or
# end next to one, so a key is never cut out of a longer token.
TOKEN_CHARS = "A-Za-z0-9_-"
TOKEN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_-")
BEFORE = rf"(?<![{TOKEN_CHARS}])"
AFTER = rf"(?![{TOKEN_CHARS}])"


@dataclass(frozen=True, slots=True)
class SecretMatch:
    kind: str  # stable id, e.g. "openai-api-key", "aws-access-key-id"
    provider: str  # "openai", "aws", ...
    start: int  # character offsets of the value in the text given
    end: int
    redacted: str  # never the full value
    digest: str  # sha256 hex of the value (de-duplication across runs without storing it)
    confidence: float


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    provider: str
    start: int
    end: int
    confidence: float
    keep_prefix: str = ""  # the public part of the format, shown in the redacted form
    tail: int = 4

    def to_match(self, text: str) -> SecretMatch:
        value = text[self.start : self.end]
        return SecretMatch(
            kind=self.kind,
            provider=self.provider,
            start=self.start,
            end=self.end,
            redacted=redact(value, self.keep_prefix, self.tail),
            digest=hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest(),
            confidence=self.confidence,
        )


class Detector(Protocol):
    @property
    def kinds(self) -> tuple[str, ...]: ...

    @property
    def anchors(self) -> tuple[str, ...]: ...

    @property
    def bounded(self) -> bool:
        """True when no value starts right after a token character (see ``BEFORE``)."""
        ...

    def at(self, text: str, start: int) -> Hit | None:
        """The secret whose anchor occurs at ``start``, if there is one."""
        ...


# Given the value (and the match, for its groups): the confidence, or None to drop it.
Assess = Callable[[str, "re.Match[str]"], float | None]


@dataclass(frozen=True)
class RegexDetector:
    """One kind whose values a regular expression describes.

    ``pattern`` is matched where an anchor occurs, minus each of ``leads`` (how far before the
    anchor the value may begin); its group ``v`` is the value and group ``p``, when present,
    the public prefix kept in the redacted form.
    """

    kind: str
    provider: str
    anchors: tuple[str, ...]
    pattern: re.Pattern[str]
    confidence: float
    assess: Assess | None = None
    leads: tuple[int, ...] = (0,)

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,)

    @property
    def bounded(self) -> bool:
        return self.leads == (0,) and self.pattern.pattern.startswith(BEFORE)

    def at(self, text: str, start: int) -> Hit | None:
        for lead in self.leads:
            if lead > start:
                continue
            match = self.pattern.match(text, start - lead)
            if match is None:
                continue
            value = match.group("v")
            confidence: float | None = self.confidence
            if self.assess is not None:
                confidence = self.assess(value, match)
            if confidence is None:
                return None
            prefix = match.groupdict().get("p") or ""
            begin, end = match.span("v")
            return Hit(self.kind, self.provider, begin, end, confidence, prefix)
        return None


def token(prefix: str, body: str, *, after: str = AFTER) -> re.Pattern[str]:
    """A value made of the literal-or-pattern ``prefix`` (kept visible) and ``body``."""
    return re.compile(rf"{BEFORE}(?P<v>(?P<p>{prefix}){body}){after}")


def with_body(check: Callable[[str], float | None]) -> Assess:
    """An :data:`Assess` that looks at the value after its visible prefix only."""

    def assess(value: str, match: re.Match[str]) -> float | None:
        prefix = match.groupdict().get("p") or ""
        return check(value[len(prefix) :])

    return assess
