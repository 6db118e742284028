"""Builders of hostile (and benign) model files, generated in code for the tests.

Every payload here is harmless (``echo``, ``id``, ``true``) but calls a dangerous
callable, so a scanner must report it exactly as it would a real attack. Nothing in
this module ever unpickles or loads what it builds, and nothing is written anywhere but
the directory a test hands in (``tmp_path``).

Two ways of building pickles:

* ``asm(...)``: raw opcode assembly. Each part is ``bytes`` (an opcode or a ready-made
  fragment) and the helpers below return fragments (``sbu("os")`` is a
  SHORT_BINUNICODE, ``glob("os", "system")`` a GLOBAL...). This is how tricks that no
  pickler writes (memo games, non-adjacent STACK_GLOBAL operands, FRAME lies) are made.
* ``pickle.dumps`` of a :class:`Reduce` object: the stock pickler writes
  ``callable(*args)`` for any protocol, which is what real payloads look like.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

# -- opcodes ---------------------------------------------------------------------------
MARK = b"("
STOP = b"."
POP = b"0"
POP_MARK = b"1"
DUP = b"2"
NONE = b"N"
REDUCE = b"R"
BUILD = b"b"
APPEND = b"a"
APPENDS = b"e"
SETITEM = b"s"
SETITEMS = b"u"
TUPLE = b"t"
EMPTY_TUPLE = b")"
TUPLE1 = b"\x85"
TUPLE2 = b"\x86"
TUPLE3 = b"\x87"
EMPTY_DICT = b"}"
EMPTY_LIST = b"]"
DICT = b"d"
LIST = b"l"
OBJ = b"o"
NEWOBJ = b"\x81"
NEWOBJ_EX = b"\x92"
STACK_GLOBAL = b"\x93"
MEMOIZE = b"\x94"
NEWTRUE = b"\x88"
NEWFALSE = b"\x89"

ECHO = "echo aisec-test"  # the harmless command every shell payload runs


# -- assembly helpers ------------------------------------------------------------------
def asm(*parts: bytes | str) -> bytes:
    """Concatenate opcode fragments; a ``str`` part is taken as latin-1 bytes verbatim."""
    out = bytearray()
    for part in parts:
        out += part.encode("latin-1") if isinstance(part, str) else part
    return bytes(out)


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def sbu(text: str) -> bytes:
    """SHORT_BINUNICODE."""
    raw = text.encode("utf-8")
    assert len(raw) < 256
    return b"\x8c" + bytes([len(raw)]) + raw


def binunicode(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(raw)) + raw


def binunicode8(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"\x8d" + struct.pack("<Q", len(raw)) + raw


def string(text: str) -> bytes:
    """Protocol-0 STRING: a quoted repr on one line."""
    return b"S" + repr(text).encode("latin-1") + b"\n"


def short_binstring(text: str) -> bytes:
    raw = text.encode("latin-1")
    return b"U" + bytes([len(raw)]) + raw


def binstring(text: str) -> bytes:
    raw = text.encode("latin-1")
    return b"T" + struct.pack("<i", len(raw)) + raw


def unicode0(text: str) -> bytes:
    """Protocol-0 UNICODE (raw-unicode-escape, one line)."""
    return b"V" + text.encode("raw-unicode-escape") + b"\n"


def binint1(n: int) -> bytes:
    return b"K" + bytes([n])


def binint(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def glob(module: str, name: str) -> bytes:
    """GLOBAL (text operands, every protocol)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst(module: str, name: str) -> bytes:
    """INST (the MARK and the arguments come before it)."""
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def stack_global(module: str, name: str) -> bytes:
    return sbu(module) + sbu(name) + STACK_GLOBAL


def put(i: int) -> bytes:
    return b"p" + str(i).encode() + b"\n"


def get(i: int) -> bytes:
    return b"g" + str(i).encode() + b"\n"


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


def long_binput(i: int) -> bytes:
    return b"r" + struct.pack("<I", i)


def long_binget(i: int) -> bytes:
    return b"j" + struct.pack("<I", i)


def frame(length: int) -> bytes:
    """A FRAME opcode announcing ``length`` bytes (which may be a lie)."""
    return b"\x95" + struct.pack("<Q", length)


def framed(body: bytes) -> bytes:
    return frame(len(body)) + body


def ext(code: int, width: int) -> bytes:
    op = {1: b"\x82", 2: b"\x83", 4: b"\x84"}[width]
    return op + code.to_bytes(width, "little", signed=width == 4)


def call(module: str, name: str, *args: bytes, stack: bool = True) -> bytes:
    """``module.name(*args)`` via (STACK_)GLOBAL + MARK args TUPLE + REDUCE."""
    fn = stack_global(module, name) if stack else glob(module, name)
    return fn + MARK + b"".join(args) + TUPLE + REDUCE


def payload(module: str, name: str, *args: bytes, protocol: int = 4) -> bytes:
    """A complete pickle whose only content is ``module.name(*args)``."""
    head = proto(protocol) if protocol >= 2 else b""
    return head + call(module, name, *args, stack=protocol >= 4) + STOP


def system_payload(protocol: int = 4, command: str = ECHO) -> bytes:
    """``os.system(command)``: the reference payload."""
    arg = sbu(command) if protocol >= 4 else string(command)
    return payload("os", "system", arg, protocol=protocol)


# -- payloads through the stock pickler --------------------------------------------------
class Reduce:
    """An object that pickles as ``func(*args)`` without ever being loaded."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func = func
        self.args = args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.func, self.args


# -- files and containers ----------------------------------------------------------------
def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def torch_like_zip(data_pkl: bytes, *, prefix: str = "archive") -> dict[str, bytes]:
    """The member layout of a ``torch.save`` zip checkpoint with a given data.pkl."""
    return {
        f"{prefix}/data.pkl": data_pkl,
        f"{prefix}/byteorder": b"little",
        f"{prefix}/version": b"3\n",
    }


def _central_offset(data: bytes) -> int:
    eocd = data.rfind(b"PK\x05\x06")
    (offset,) = struct.unpack_from("<I", data, eocd + 16)
    return offset


def corrupt_crc(data: bytes) -> bytes:
    """Flip the CRC-32 recorded for every member, in the local and central headers."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) >= 0:
        out[pos + 14] ^= 0xFF
        pos += 4
    pos = _central_offset(data)
    while out[pos : pos + 4] == b"PK\x01\x02":
        out[pos + 16] ^= 0xFF
        name_len, extra_len, comment_len = struct.unpack_from("<3H", out, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
    return bytes(out)


def set_flag_bits(data: bytes, bits: int) -> bytes:
    """OR general-purpose flag bits into every local and central header."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) >= 0:
        (flags,) = struct.unpack_from("<H", out, pos + 6)
        struct.pack_into("<H", out, pos + 6, flags | bits)
        pos += 4
    pos = _central_offset(data)
    while out[pos : pos + 4] == b"PK\x01\x02":
        (flags,) = struct.unpack_from("<H", out, pos + 8)
        struct.pack_into("<H", out, pos + 8, flags | bits)
        name_len, extra_len, comment_len = struct.unpack_from("<3H", out, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
    return bytes(out)


def rename_local(data: bytes, old: str, new: str) -> bytes:
    """Change a member's name in its local header only (same length), so the local and
    central headers disagree."""
    assert len(old) == len(new)
    pos = data.find(old.encode())
    assert 0 <= pos < _central_offset(data)
    return data[:pos] + new.encode() + data[pos + len(old) :]


def seven_zip_bytes(members: dict[str, bytes]) -> bytes:
    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writef(io.BytesIO(data), name)
    return buf.getvalue()


def tar_bytes(members: dict[str, bytes], *, mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def compress(data: bytes, codec: str) -> bytes:
    """The stream joblib's compressors (and ``torch.save`` into gzip) would write."""
    if codec == "zlib":
        return zlib.compress(data)
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "bz2":
        return bz2.compress(data)
    if codec == "xz":
        return lzma.compress(data, format=lzma.FORMAT_XZ)
    if codec == "lzma":
        return lzma.compress(data, format=lzma.FORMAT_ALONE)
    if codec == "lz4":
        import lz4.frame

        return lz4.frame.compress(data)
    raise ValueError(codec)


CODECS = ("zlib", "gzip", "bz2", "xz", "lzma", "lz4")


def replace_stop(stream: bytes, extra: bytes) -> bytes:
    """Insert ``extra`` (opcodes that leave the stack as they found it) right before the
    final STOP of a pickle."""
    assert stream.endswith(STOP)
    return stream[:-1] + extra + STOP


def pop_call(module: str, name: str, *args: bytes) -> bytes:
    """Opcodes that call ``module.name(*args)`` and POP the result: appended inside
    another pickle, they execute and leave the stack unchanged."""
    return call(module, name, *args, stack=False) + POP


# -- scanning ------------------------------------------------------------------------------
def scan_bytes(directory: Path, name: str, data: bytes, settings: Any = None) -> Any:
    """Write ``data`` under ``directory`` and scan it; returns the run record."""
    from aisec.modelfile.scanner import scan

    return scan([write(directory, name, data)], settings)


def check_ids(run: Any, at_least: Any = None) -> set[str]:
    """The check ids of a run's findings (optionally only at or above a severity)."""
    return {f.check_id for f in run.findings if at_least is None or f.severity >= at_least}


def findings_of(run: Any, check_id: str) -> list[Any]:
    return [f for f in run.findings if f.check_id == check_id]


def describe_run(run: Any) -> str:
    """A compact listing for assertion messages."""
    lines = [
        f"{f.check_id} {f.severity.label} {f.location.display()}: {f.message[:160]}"
        for f in run.findings
    ]
    lines += [
        f"artefact {a.location.display()} {a.format} {a.status.value} {a.reason[:80]}"
        for a in run.artefacts
    ]
    lines += [f"error {e}" for e in run.errors]
    return "\n".join(lines)
