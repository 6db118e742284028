"""Improper output handling (OWASP LLM05): active content in answers.

The application repeats what customers give it, as support assistants do: their name in
a greeting, a delivery note, a tracking number it cannot find, text to format. With
``improper_output`` on, whatever that text holds reaches the answer as it is: HTML and
script, markdown images whose URL carries data out when rendered, SQL and shell. Off, and
in the hardened variant, the output stage escapes HTML, removes images and
``javascript:`` links and replaces SQL and shell fragments, anywhere in the answer.
"""

from __future__ import annotations

import html
import re

_I = re.IGNORECASE
# The rest of an injected statement: up to the end of the line or of the sentence.
_REST = r"(?:(?!\.\s)[^\n]){0,200}"
ACTIVE = re.compile(
    r"(?P<image>!\[[^\]\n]{0,200}\]\([^)\n]{1,1000}\))"
    r"|(?P<tag><\s*/?\s*[a-z][^>\n]{0,500}>)"
    r"|(?P<js>\bjavascript\s*:)"
    rf"|(?P<sql>['\"]\s*(?:;|--|\)|\bor\b|\bunion\b|\band\b){_REST}"
    rf"|;\s*(?:drop|delete|insert|update|alter|truncate|exec|shutdown)\b{_REST}"
    rf"|\bunion\s+(?:all\s+)?select\b{_REST})"
    r"|(?P<shell>\$\([^)\n]{0,200}\)|`[^`\n]{1,200}`|(?:;|&&|\|\|?)\s*(?:rm|curl|wget|bash|sh"
    rf"|nc|ncat|python\d?|perl|chmod|cat|powershell|iex)\b{_REST})",
    _I,
)


def _neutral(match: re.Match[str]) -> str:
    if match.group("image"):
        return "[image removed]"
    if match.group("tag"):
        return html.escape(match.group(0))
    if match.group("js"):
        return ""
    return "[command removed]"


def has_active(text: str) -> bool:
    return ACTIVE.search(text) is not None


def sanitise(text: str) -> str:
    """``text`` with every piece of active content escaped, removed or replaced."""
    return ACTIVE.sub(_neutral, text)


_NAME = re.compile(r"\bmy name is\s+(?P<x>[^\n]{1,200}?)\s*(?:[.!?]\s|[.!?]?$)", _I)
_NOTE = re.compile(
    r"\b(?:add|leave|attach|save|set|put|include)\b[^:\n]{0,40}?\b(?:delivery )?"
    r"(?:note|instructions?|message|comment|remark)s?\b[^:\n]{0,40}?:\s*(?P<x>[^\n]{1,500})",
    _I,
)
_FORMAT = re.compile(
    r"\b(?:format|render|convert|turn|reformat|display|lay out)\b[^:\n]{0,60}?"
    r"\b(?:html|markdown|table|json|bullet(?: points)?|list|nicely)\b[^:\n]{0,20}?:\s*"
    r"(?P<x>[^\n].{0,1000})",
    _I | re.DOTALL,
)


# Asked to produce something: an assistant builds it from what the customer supplied.
_PRODUCE = re.compile(
    r"\b(?:write|give|generate|create|produce|draft|compose|make|add|include|insert|append"
    r"|end|finish|copy|paste|use|show|build|print)\b",
    _I,
)


def reflected(text: str) -> tuple[str, str] | None:
    """(task, the customer's text) when the turn asks for something the answer repeats."""
    for task, pattern in (("name", _NAME), ("note", _NOTE), ("format", _FORMAT)):
        if match := pattern.search(text):
            return task, match.group("x").strip()
    if (active := ACTIVE.search(text)) and _PRODUCE.search(text):
        # From where the customer's text starts ("...: [link](javascript:...)"), not from
        # inside it, so that a link or tag reaches the answer whole.
        line = text.rfind("\n", 0, active.start()) + 1
        colon = text.rfind(": ", line, active.start())
        start = colon + 2 if colon >= 0 else line
        return "build", text[start:].strip()
    return None


def reflection_answer(task: str, fragment: str) -> str:
    if task == "name":
        return f"Nice to meet you, {fragment}! How can I help with your parcel today?"
    if task == "note":
        return f"Done: I have added this delivery note to your order: {fragment}"
    if task == "build":
        return f"Here you go, built with the details you gave me:\n\n{fragment}"
    return f"Here is your text, formatted:\n\n{fragment}"
