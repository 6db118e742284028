"""Scrubbing the secrets a target was given out of everything it hands back.

Servers echo what they were sent: an "incorrect API key: sk-..." error, a debugging
endpoint that reflects headers, a model told the key in its system prompt. What reaches
errors, answers and transcripts passes through here first, and so is also made safe to
encode (:func:`~aisec.llm.targets.base.clean_text`).

A secret is every header value read from the environment (and its last word, the token
of ``Bearer <token>``), the password of the URL and the values of its query string.
Values shorter than :data:`MIN_SECRET` characters are not scrubbed: a header such as
``X-Debug: true`` is no secret, and replacing every "true" would corrupt the answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import unquote

from aisec.core.errors import AisecError, TargetAnswerInvalid
from aisec.llm.targets.base import (
    MAX_JSON_DEPTH,
    ChatAnswer,
    ToolCallOut,
    clean,
    clean_text,
    too_deep,
)

MIN_SECRET = 8
E = TypeVar("E", bound=AisecError)


def header_secrets(values: Iterable[str]) -> list[str]:
    """Each header value, and its last word: a server may echo the token alone."""
    secrets = []
    for value in values:
        secrets.append(value)
        words = value.split()
        if words:
            secrets.append(words[-1])
    return secrets


def url_secrets(url: str) -> list[str]:
    """The password of ``url`` and the values of its query string (a bare ``?token``
    too), as written and percent-decoded."""
    rest = url.partition("://")[2]
    found = []
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        found.append(authority.rpartition("@")[0].partition(":")[2])
    query = rest.partition("?")[2].partition("#")[0]
    for pair in query.split("&") if query else []:
        key, eq, value = pair.partition("=")
        found.append(value if eq else key)
    return [form for value in found for form in {value, unquote(value)}]


class Redactor:
    """Replaces every secret sent to the target by ``***`` in text and decoded JSON."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len,
                              reverse=True)  # fmt: skip

    def text(self, value: str, *, partial: bool = False) -> str:
        """``value`` scrubbed (and made encodable). ``partial``: it is the start of a
        longer text, so an end that begins a secret is scrubbed too."""
        value = clean_text(value)
        for secret in self.secrets:
            value = value.replace(secret, "***")
        if partial:
            for secret in self.secrets:
                for size in range(min(len(secret) - 1, len(value)), 0, -1):
                    if value.endswith(secret[:size]):
                        value = value[:-size] + "***"
                        break
        return value

    def cut(self, value: str, limit: int) -> str:
        """At most ``limit`` characters of ``value``, scrubbed before it is cut, so that no
        cut leaves the start of a secret behind."""
        return self.text(value)[:limit]

    def value(self, value: Any, _depth: int = 0) -> Any:
        if _depth > MAX_JSON_DEPTH:
            raise TargetAnswerInvalid(f"the answer nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v, _depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, _depth + 1) for v in value]
        return value

    def answer(self, answer: ChatAnswer) -> ChatAnswer:
        """``answer`` with every string in it scrubbed: content, tool calls, raw."""
        calls = tuple(
            ToolCallOut(self.text(c.id), self.text(c.name), self.text(c.arguments))
            for c in answer.tool_calls
        )
        raw = answer.raw
        if raw is not None:
            raw = self.value(clean(raw)) if not too_deep(raw) else {"truncated": True}
        finish = answer.finish_reason
        return replace(answer, content=self.text(answer.content), tool_calls=calls,
                       finish_reason=None if finish is None else self.text(finish),
                       raw=raw)  # fmt: skip

    def error(self, error: E) -> E:
        """``error`` with its message and hint scrubbed, in place (its type, status and
        retry settings are kept)."""
        error.message = self.text(error.message)
        if error.hint:
            error.hint = self.text(error.hint)
        error.args = (error.message,)
        return error
