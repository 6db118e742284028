"""Hard-coded AI provider keys in text, and their redaction.

Keys are recognised by the prefixes providers put on them (and, for providers whose keys
have none, by an assignment naming the provider). A match is kept only in redacted form:
the provider's prefix and the last four characters, so no output, log or database row can
leak it. Regular expressions are the right tool here: keys are tokens in any text, not
constructs of one language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_EDGE = r"(?<![A-Za-z0-9_-])"
_END = r"(?![A-Za-z0-9_-])"


@dataclass(frozen=True)
class Provider:
    name: str
    prefix: str  # what stays visible of a key
    pattern: re.Pattern[str]  # group "key" is the key itself
    strong: bool = True  # the prefix alone identifies the provider


def _p(name: str, prefix: str, body: str, *, strong: bool = True) -> Provider:
    return Provider(name, prefix, re.compile(_EDGE + f"(?P<key>{body})" + _END), strong)


def _named(name: str, words: str, body: str) -> Provider:
    # key = "..." / KEY: '...' where the variable names the provider.
    pattern = re.compile(
        rf"(?i:{words})[A-Za-z0-9_]*\s*[=:]\s*[\"']?(?P<key>{body}){_END}",
    )
    return Provider(name, "", pattern, strong=False)


# Order matters: the first provider whose pattern matches at a position wins
# (``sk-ant-`` and ``sk-proj-`` are also ``sk-``).
PROVIDERS: tuple[Provider, ...] = (
    _p(
        "anthropic",
        "sk-ant-",
        r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}|sk-ant-[A-Za-z0-9_-]{32,}",
    ),
    _p("openai", "sk-proj-", r"sk-proj-[A-Za-z0-9_-]{20,}"),
    _p("openai", "sk-svcacct-", r"sk-svcacct-[A-Za-z0-9_-]{20,}"),
    _p("openai", "sk-admin-", r"sk-admin-[A-Za-z0-9_-]{20,}"),
    _p("openai", "sk-", r"sk-[A-Za-z0-9]{32,}"),
    _p("huggingface", "hf_", r"hf_[A-Za-z0-9]{30,}"),
    _p("google", "AIza", r"AIza[0-9A-Za-z_-]{35}"),
    _p("replicate", "r8_", r"r8_[A-Za-z0-9]{30,}"),
    _p("groq", "gsk_", r"gsk_[A-Za-z0-9]{40,}"),
    _p("xai", "xai-", r"xai-[A-Za-z0-9]{60,}"),
    _p("perplexity", "pplx-", r"pplx-[A-Za-z0-9]{40,}"),
    _named("cohere", r"cohere|co_api_key", r"[A-Za-z0-9]{40}"),
    _named("mistral", r"mistral", r"[A-Za-z0-9]{32}"),
)
_PLACEHOLDER = re.compile(r"(?i)x{6,}|\*{3,}|\.{3}|your|example|dummy|placeholder|redacted|0{8,}")


@dataclass(frozen=True)
class KeyMatch:
    provider: str
    redacted: str
    line: int
    column: int
    strong: bool


def redact(key: str, prefix: str = "") -> str:
    """The prefix and at most the last four characters; shorter keys show nothing."""
    tail = key[-4:] if len(key) - len(prefix) >= 16 else ""
    return f"{prefix}…{tail}"


def _plausible(key: str, prefix: str) -> bool:
    body = key[len(prefix) :]
    if _PLACEHOLDER.search(body):
        return False
    # A real key is random: many distinct characters, not "aaaa..." or "1234...".
    return len(set(body)) >= 8


def find_keys(text: str) -> Iterator[KeyMatch]:
    """Every plausible key in ``text``, with 1-based line and column."""
    taken: list[tuple[int, int]] = []
    for provider in PROVIDERS:
        for match in provider.pattern.finditer(text):
            start, end = match.span("key")
            if any(s < end and start < e for s, e in taken):
                continue
            key = match.group("key")
            if not _plausible(key, provider.prefix):
                continue
            taken.append((start, end))
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            yield KeyMatch(
                provider.name, redact(key, provider.prefix), line, column, provider.strong
            )


def redact_text(text: str) -> str:
    """``text`` with every key in it redacted (for values discovery keeps, such as the
    arguments of an MCP server)."""
    for provider in PROVIDERS:
        text = provider.pattern.sub(_Redactor(provider.prefix), text)
    return text


class _Redactor:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, match: re.Match[str]) -> str:
        key = match.group("key")
        return match.group(0).replace(key, redact(key, self.prefix))


def quick_reject(text: str) -> bool:
    """True when ``text`` cannot hold a key (most files): saves the full scan."""
    return not any(
        marker in text
        for marker in (
            "sk-",
            "hf_",
            "AIza",
            "r8_",
            "gsk_",
            "xai-",
            "pplx-",
            "ohere",
            "istral",
            "OHERE",
            "ISTRAL",
        )
    )
