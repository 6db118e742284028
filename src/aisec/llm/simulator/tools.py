"""The tools a client offers the application, read from OpenAI tool definitions.

The application knows no tool by name: like a model, it goes by the name's words and the
description. A tool that sends, deletes, pays or changes something is side-effecting,
the kind a policy says to confirm first; one that reads is not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_TOOLS = 128
MAX_PARAMETERS = 32

# Checked in this order: "send_money" is a payment before it is a message.
_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("transfer", frozenset({"transfer", "pay", "payment", "payout", "refund", "wire", "funds",
                            "money", "withdraw", "remit"})),
    ("delete", frozenset({"delete", "remove", "erase", "purge", "drop", "destroy", "wipe"})),
    ("email", frozenset({"email", "mail", "message", "notify", "sms", "send"})),
    ("fetch", frozenset({"fetch", "browse", "url", "web", "page", "http", "download",
                         "visit", "scrape", "website"})),
    ("search", frozenset({"search", "lookup", "find", "query", "retrieve", "knowledge",
                          "docs", "documents", "kb"})),
)  # fmt: skip
SIDE_EFFECT_KINDS = frozenset({"transfer", "delete", "email"})
_WRITE_WORDS = frozenset({
    "create", "update", "write", "post", "cancel", "book", "purchase", "buy", "execute",
    "run", "set", "grant", "publish", "upload", "submit", "modify", "change", "edit", "add",
    "insert", "approve", "disable", "enable", "reset", "shutdown", "deploy", "exec", "shell",
    "command", "revoke", "close", "transfer", "send", "delete",
})  # fmt: skip
_READ_WORDS = frozenset({"get", "read", "list", "search", "fetch", "find", "lookup", "view",
                         "show", "check", "query", "retrieve", "status", "track"})  # fmt: skip
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(text: str) -> frozenset[str]:
    """The lower-case words of a name or description: ``sendEmail`` and ``send_email``
    both give {"send", "email"}."""
    return frozenset(w.lower() for w in _WORD.findall(text[:2000]))


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: Mapping[str, Any]  # property name -> its JSON schema
    required: tuple[str, ...]
    kind: str  # transfer, delete, email, fetch, search or other
    side_effecting: bool


@dataclass(frozen=True)
class Action:
    """A call the application means to make."""

    tool: ToolSpec
    arguments: dict[str, Any]


def _kind(name_words: frozenset[str], description_words: frozenset[str]) -> str:
    for kind, vocabulary in _KINDS:
        if name_words & vocabulary:
            return kind
    for kind, vocabulary in _KINDS:
        if description_words & vocabulary:
            return kind
    return "other"


def spec(definition: object) -> ToolSpec | None:
    """A tool definition (``{"type": "function", "function": {...}}`` or the bare
    function object); None when it has no usable name."""
    if not isinstance(definition, Mapping):
        return None
    function = definition.get("function", definition)
    if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
        return None
    name = function["name"][:64]
    description = function.get("description")
    description = description[:2000] if isinstance(description, str) else ""
    schema = function.get("parameters")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    properties = dict(list(props.items())[:MAX_PARAMETERS]) if isinstance(props, Mapping) else {}
    required_raw = schema.get("required") if isinstance(schema, Mapping) else None
    required = tuple(
        r for r in (required_raw if isinstance(required_raw, list) else []) if isinstance(r, str)
    )
    name_words, description_words = words(name), words(description)
    kind = _kind(name_words, description_words)
    side = kind in SIDE_EFFECT_KINDS or (
        kind == "other"
        and bool(name_words & _WRITE_WORDS or
                 (description_words & _WRITE_WORDS and not name_words & _READ_WORDS))
    )  # fmt: skip
    return ToolSpec(name, description, properties, required, kind, side)


def specs(tools: object) -> tuple[ToolSpec, ...]:
    if not isinstance(tools, Sequence) or isinstance(tools, str | bytes):
        return ()
    found = (spec(t) for t in list(tools)[:MAX_TOOLS])
    return tuple(s for s in found if s is not None)


def by_kind(tools: Sequence[ToolSpec], kind: str) -> ToolSpec | None:
    return next((t for t in tools if t.kind == kind), None)


def by_name(tools: Sequence[ToolSpec], name: str) -> ToolSpec | None:
    wanted = name.lower()
    return next((t for t in tools if t.name.lower() == wanted), None)
