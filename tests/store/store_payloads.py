"""A harmless malicious pickle for the store's tests (never loaded)."""

from __future__ import annotations

import struct

ECHO = "echo aisec-test"  # the harmless command the pickle would run


def _short_unicode(value: str) -> bytes:
    data = value.encode()
    return b"\x8c" + struct.pack("<B", len(data)) + data


def system_payload(command: str = ECHO) -> bytes:
    """A protocol-4 pickle of ``os.system(command)``, assembled opcode by opcode and never
    loaded: PROTO, two SHORT_BINUNICODE, STACK_GLOBAL, the argument, TUPLE1, REDUCE, STOP."""
    return (
        b"\x80\x04"
        + _short_unicode("os")
        + _short_unicode("system")
        + b"\x93"
        + _short_unicode(command)
        + b"\x85R."
    )
