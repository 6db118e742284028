"""Evidence from a Lambda layer's marshalled bytecode, without unmarshalling it.

Keras stores a Lambda's function as base64 of ``marshal.dumps(code)``. Loading it means
``marshal.loads`` and a call: the scanner never does either. It only pulls the string
records out of the bytes (``co_names``, constants, the file name) with a bounded linear
scan, so a report can say "this lambda names ``os`` and ``system``".
"""

from __future__ import annotations

import binascii
from typing import Any

# Far beyond any real lambda (a few hundred bytes), small enough to scan in milliseconds.
MAX_CODE_TEXT = 4 * 1024 * 1024
MAX_STRINGS = 200
MAX_SHOWN_NAMES = 40
MAX_SHOWN_STRINGS = 20
MAX_STRING_CHARS = 200

_FLAG_REF = 0x80  # marshal marks objects it memoises by setting the type byte's top bit
_SHORT_TEXT = frozenset(b"zZ")  # short ASCII (interned): one length byte
_TEXT = frozenset(b"aAut")  # ASCII, interned ASCII, unicode, interned: four length bytes
_BYTES = ord("s")  # bytecode, line tables: opaque, skipped whole


def decode_code(text: str) -> bytes:
    """The marshalled bytes the way Keras's ``func_load`` recovers them: base64, and
    failing that the string's raw-unicode-escape encoding."""
    text = text[:MAX_CODE_TEXT]
    try:
        return binascii.a2b_base64(text.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        return text.encode("raw_unicode_escape", "replace")


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.isprintable():
        return None
    return text if len(text) <= MAX_STRING_CHARS else text[:MAX_STRING_CHARS] + "…"


def marshal_strings(raw: bytes) -> list[str]:
    """Printable string records of a marshal stream, in order (heuristic, bounded)."""
    found: list[str] = []
    pos, size = 0, len(raw)
    while pos < size and len(found) < MAX_STRINGS:
        kind = raw[pos] & (0xFF ^ _FLAG_REF)
        if kind in _SHORT_TEXT and pos + 1 < size:
            start, length = pos + 2, raw[pos + 1]
        elif (kind in _TEXT or kind == _BYTES) and pos + 5 <= size:
            start, length = pos + 5, int.from_bytes(raw[pos + 1 : pos + 5], "little")
        else:
            pos += 1
            continue
        end = start + length
        if length == 0 or end > size:
            pos += 1
            continue
        if kind == _BYTES:
            pos = end
            continue
        text = _printable(raw[start:end])
        if text is None:
            pos += 1
            continue
        found.append(text)
        pos = end
    return found


def describe_code(text: str, suspicious: frozenset[str]) -> dict[str, Any]:
    """Evidence for a Lambda: the names and strings its code refers to."""
    raw = decode_code(text)
    strings = list(dict.fromkeys(marshal_strings(raw)))
    names = [s for s in strings if s.isidentifier()]
    others = [s for s in strings if not s.isidentifier()]
    return {
        "code_bytes": len(raw),
        "names": names[:MAX_SHOWN_NAMES],
        "strings": others[:MAX_SHOWN_STRINGS],
        "suspicious_names": [n for n in names if n in suspicious],
    }
