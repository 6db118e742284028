"""Renderers: one :class:`~aisec.core.run.Run`, several views of it.

``render(run, fmt, ...)`` dispatches to the console, JSON, SARIF 2.1.0 and JUnit XML
renderers; each returns a ``str`` that is valid Unicode and safe to write as UTF-8.

The text helpers below are the rules every renderer shares. Paths and messages are
attacker-influenced (a file name inside a hostile archive, a callable name from a pickle),
so before text reaches an output it loses lone surrogates (which cannot be encoded) and,
where a human reads it, the control and bidirectional characters that could forge lines,
colours or reading order.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

from aisec.report.render import FORMATS, render

__all__ = ["FORMATS", "printable", "render", "safe_text", "shorten", "text_console"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0/C1 controls, the Unicode line separators and the bidi overrides/isolates/marks that
# "Trojan Source" style spoofing relies on, the BOM and the XML-forbidden noncharacters.
_UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    # os.fsdecode maps an undecodable byte 0xNN to U+DCNN: show the byte that was there.
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` with lone surrogates replaced by visible escapes (``\\xff``)."""
    return _SURROGATE.sub(_escape_surrogate, text)


def printable(text: str) -> str:
    """``text`` made safe for a terminal or XML attribute: one line, no control characters."""
    return _UNPRINTABLE.sub(_escape_char, safe_text(text))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def text_console(*, color: bool, width: int | None) -> tuple[Any, StringIO]:
    """A Rich console that writes into a string buffer, as every console report needs:
    ANSI colours only when asked, no markup or emoji read into attacker-controlled text."""
    from rich.console import Console

    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    return console, buffer
