"""Severity levels shared by every finding, threshold and renderer."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that thresholds compare with ``>=``."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | Severity) -> Severity:
        if isinstance(text, Severity):
            return text
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            from aisec.core.errors import ConfigError

            raise ConfigError(f"unknown severity {text!r}", hint=f"use one of: {choices}") from None

    def __str__(self) -> str:
        return self.label
