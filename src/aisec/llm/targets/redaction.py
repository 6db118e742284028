"""Scrubbing the secrets a target was given out of everything it hands back.

Servers echo what they were sent: an "incorrect API key: sk-..." error, a debugging
endpoint that reflects headers, a model told the key in its system prompt. What reaches
errors, answers and transcripts passes through here first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Redactor:
    """Replaces every secret sent to the target by ``***`` in text and decoded JSON."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, "***")
        return value

    def value(self, value: Any) -> Any:
        if not self.secrets:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value
