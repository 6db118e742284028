"""Conversations in a test's details (a red-team campaign's most effective attacks) as
tables for the HTML report: one per conversation, a row per message, with the detectors'
evidence under it. Recognised by shape (a list of records each holding a ``transcript``
of role/content messages), like every other detail table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aisec.report import printable, shorten
from aisec.report.plan_details import DetailTable

MAX_MESSAGES = 12  # the last ones: where the attack lands
MAX_MESSAGE = 600  # characters of one message shown; the JSON report has it all
MAX_NOTE = 300


def is_transcripts(value: object) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, Mapping) and isinstance(v.get("transcript"), list)
                    for v in value))  # fmt: skip


def transcript_tables(name: str, value: list[Mapping[str, Any]]) -> list[DetailTable]:
    tables = []
    for index, item in enumerate(value, start=1):
        messages = [m for m in item["transcript"] if isinstance(m, Mapping)]
        shown = messages[-MAX_MESSAGES:]
        rows = [[(printable(str(m.get("role", "?"))), False), (_text(m), False)] for m in shown]
        label = " ".join(str(item.get(k)) for k in ("technique", "rewrite") if item.get(k))
        notes = [shorten(printable(f"{e.get('detector')}: {e.get('evidence')}"), MAX_NOTE)
                 for e in item.get("evidence") or [] if isinstance(e, Mapping)]  # fmt: skip
        if len(messages) > len(shown):
            notes.append(f"the first {len(messages) - len(shown)} messages are in the JSON report")
        key = f"{name} {index}" + (f": {printable(label)}" if label else "")
        tables.append(DetailTable(key, ["role", "message"], rows, len(messages), notes))
    return tables


def _text(message: Mapping[str, Any]) -> str:
    text = str(message.get("content") or "")
    for call in message.get("tool_calls") or []:
        function = call.get("function", {}) if isinstance(call, Mapping) else {}
        text += f" → {function.get('name')}({function.get('arguments')})"
    return shorten(printable(" ".join(text.split())), MAX_MESSAGE)
