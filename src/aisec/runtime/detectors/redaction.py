"""Replacing found values in a text before it is forwarded, answered or logged."""

from __future__ import annotations

from collections.abc import Iterable


def redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, entity)`` span replaced by ``[REDACTED:<ENTITY>]``.

    Overlapping spans are merged (the first entity names the merged span) so no part of
    either value survives; spans outside the text are clipped.
    """
    ordered = sorted((max(0, s), min(len(text), e), label) for s, e, label in spans if e > s)
    merged: list[tuple[int, int, str]] = []
    for start, end, label in ordered:
        if start >= end:
            continue
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, label))
    parts: list[str] = []
    cursor = 0
    for start, end, label in merged:
        parts.append(text[cursor:start])
        parts.append(f"[REDACTED:{label.upper()}]")
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
