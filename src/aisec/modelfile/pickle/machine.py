"""A symbolic pickle machine that follows CPython's C unpickler (``Modules/_pickle.c``).

It reads the stream the way ``pickle.load`` does — FRAME only checks that the frame's
bytes exist and then reads on linearly, marks fence the stack, POP may pop a mark, the
memo counts its entries for MEMOIZE, GLOBAL names are renamed for protocols below 3 and
may be dotted attribute paths — but it imports and calls nothing. Every callable the
real loader would call becomes a :class:`~aisec.modelfile.pickle.values.Call` on the
symbolic stack and a ``CallUse`` in the report; every name it would import becomes a
``GlobalUse``. Payloads (bytes, long strings) are skipped by offset, never copied, so
memory depends on the number of values kept, not on the file size.

Anything the real loader would reject (truncation, bad opcode, stack underflow, missing
memo entry) ends the stream with a ``malformed`` anomaly at its offset: everything
before it has been analysed, which is what matters, because the real loader has
already executed it by then.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import re
import struct
import time
import warnings
from typing import Any

from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.pickle.payload import suspicious_strings
from aisec.modelfile.pickle.policy import GlobalPolicy, Verdict
from aisec.modelfile.pickle.report import CallUse, GlobalUse, PickleReport
from aisec.modelfile.pickle.values import Call, Container, Global, Opaque, Persistent, describe

HIGHEST_PROTOCOL = 5
DECODE_LIMIT = 1 << 20  # strings longer than this are kept as placeholders
BYTES_LIMIT = 1 << 16  # so are byte strings longer than this
MAX_MEMO = 10_000_000  # memo entries; beyond this the stream is a resource attack
MAX_NESTING = 16  # pickles inside pickles (joblib object arrays)
_UNPACK_I = struct.Struct("<i").unpack_from
_UNPACK_H = struct.Struct("<H").unpack_from
_UNPACK_Q = struct.Struct("<Q").unpack_from
_UNPACK_D = struct.Struct(">d").unpack_from

_NO_FRAME = 1 << 62
DYNAMIC = Verdict("dangerous", "dynamic-call", "calls a value computed at load time")
OVERSIZED = Verdict("dangerous", "reflection", "a module or name too long to be a real one")
NOT_CALLABLE = Verdict("dangerous", "dynamic-call", "calls a value that is not a global")

OPCODE_NAMES = {
    0x28: "MARK",
    0x2E: "STOP",
    0x30: "POP",
    0x31: "POP_MARK",
    0x32: "DUP",
    0x46: "FLOAT",
    0x49: "INT",
    0x4A: "BININT",
    0x4B: "BININT1",
    0x4C: "LONG",
    0x4D: "BININT2",
    0x4E: "NONE",
    0x50: "PERSID",
    0x51: "BINPERSID",
    0x52: "REDUCE",
    0x53: "STRING",
    0x54: "BINSTRING",
    0x55: "SHORT_BINSTRING",
    0x56: "UNICODE",
    0x58: "BINUNICODE",
    0x61: "APPEND",
    0x62: "BUILD",
    0x63: "GLOBAL",
    0x64: "DICT",
    0x7D: "EMPTY_DICT",
    0x65: "APPENDS",
    0x67: "GET",
    0x68: "BINGET",
    0x69: "INST",
    0x6A: "LONG_BINGET",
    0x6C: "LIST",
    0x5D: "EMPTY_LIST",
    0x6F: "OBJ",
    0x70: "PUT",
    0x71: "BINPUT",
    0x72: "LONG_BINPUT",
    0x73: "SETITEM",
    0x74: "TUPLE",
    0x29: "EMPTY_TUPLE",
    0x75: "SETITEMS",
    0x47: "BINFLOAT",
    0x80: "PROTO",
    0x81: "NEWOBJ",
    0x82: "EXT1",
    0x83: "EXT2",
    0x84: "EXT4",
    0x85: "TUPLE1",
    0x86: "TUPLE2",
    0x87: "TUPLE3",
    0x88: "NEWTRUE",
    0x89: "NEWFALSE",
    0x8A: "LONG1",
    0x8B: "LONG4",
    0x42: "BINBYTES",
    0x43: "SHORT_BINBYTES",
    0x8C: "SHORT_BINUNICODE",
    0x8D: "BINUNICODE8",
    0x8E: "BINBYTES8",
    0x8F: "EMPTY_SET",
    0x90: "ADDITEMS",
    0x91: "FROZENSET",
    0x92: "NEWOBJ_EX",
    0x93: "STACK_GLOBAL",
    0x94: "MEMOIZE",
    0x95: "FRAME",
    0x96: "BYTEARRAY8",
    0x97: "NEXT_BUFFER",
    0x98: "READONLY_BUFFER",
}


class Malformed(Exception):
    """The real loader would stop here with an error."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class Limit(Exception):
    def __init__(self, limit: str, value: float, offset: int) -> None:
        super().__init__(f"{limit} reached ({value})")
        self.limit = limit
        self.offset = offset


_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _named_risk(call: CallUse) -> bool:
    if call.target is None or call.verdict.allowed:
        return False
    return (
        call.verdict.dangerous
        or bool(call.suspicious_args)
        or bool(_IDENTIFIER_PATH.match(call.target))
    )


def _c_string(text: bytes) -> bytes:
    """Numeric arguments are parsed by C functions that stop at the first NUL."""
    return text.split(b"\x00", 1)[0]


def _not_a_tuple(value: Any) -> bool:
    """A literal that is certainly not a tuple; computed values (calls, imported objects)
    may be tuples or tuple subclasses, which the loader accepts."""
    return not isinstance(value, (tuple, Call, Global, Persistent, Opaque))


def _shifted(location: Location, shift: int) -> Location:
    offset = None if location.offset is None else location.offset + shift
    return location.at(offset, location.length, location.opcode_index)


def _require(target: Container, types: str | tuple[str, ...], method: str, at: int) -> None:
    """Containers only have the methods their type has; the loader fails otherwise."""
    if target.type not in ((types,) if isinstance(types, str) else types):
        raise Malformed(f"'{target.type}' object has no attribute '{method}'", at)


def _persistent(pid: Any, offset: int) -> Any:
    """torch's legacy ``persistent_load`` returns the class of a ``('module', cls, file,
    source)`` id: model it as that class, so calling it is judged as calling the class."""
    if (
        isinstance(pid, tuple)
        and len(pid) >= 2
        and pid[0] == "module"
        and isinstance(pid[1], Global)
    ):
        return pid[1]
    return Persistent(pid, offset)


class _Frame:
    """One pickle's machine state: stack, marks (fences), memo."""

    __slots__ = ("marks", "memo", "proto", "stack")

    def __init__(self) -> None:
        self.stack: list[Any] = []
        self.marks: list[int] = []
        self.memo: dict[int, Any] = {}
        self.proto = 0


class PickleMachine:
    def __init__(
        self,
        blob: Blob,
        location: Location,
        policy: GlobalPolicy,
        settings: Settings,
        *,
        deadline: float | None = None,
    ) -> None:
        self.blob = blob
        self.location = location
        self.policy = policy
        self.settings = settings
        self.deadline = deadline
        self.opcodes = 0
        self._index = 0  # index of the opcode being executed, for locations
        self._globals: list[Global] = []
        # Attributes set on imported objects by BUILD: later lookups of the same name
        # return what the stream put there, as they would in the real process.
        self._patches: dict[str, Any] = {}
        # Where byte strings came from, so that bytes handed to a loader can be analysed
        # as the model files they are (keyed by id; every bytes value registers itself).
        self._spans: dict[int, tuple[int, int]] = {}

    # -- public --------------------------------------------------------------------
    def run(self, start: int = 0) -> PickleReport:
        """Analyse the pickle that starts at relative offset ``start``."""
        return self._run_state(_Frame(), start, depth=0)

    def _run_state(self, state: _Frame, start: int, depth: int) -> PickleReport:
        report = PickleReport(self.location.at(start))
        self._globals = []
        before = self.opcodes
        try:
            end = self._execute(self.blob.start + start, state, report, depth=depth)
            report.end = end - self.blob.start
        except Malformed as exc:
            report.add(
                "malformed", str(exc), self._at(exc.offset), offset=exc.offset - self.blob.start
            )
        except Limit as exc:
            report.add("limit", str(exc), self._at(exc.offset), limit=exc.limit)
        except RecursionError:
            report.add("limit", "nesting too deep", self.location.at(start), limit="nesting")
        except Exception as exc:  # an analyser bug must not drop what was found before it
            report.add(
                "malformed",
                f"analysis stopped: {type(exc).__name__}: {exc}",
                self.location.at(start),
                internal=True,
            )
        report.protocol = state.proto
        report.opcodes = self.opcodes - before
        for glob in self._globals:
            report.globals.append(
                GlobalUse(
                    qualname=glob.qualname,
                    raw=glob.raw,
                    verdict=glob.verdict,
                    location=self._at(glob.offset, glob.index),
                    opcode_index=glob.index,
                    invoked=glob.invoked,
                    mutated=glob.mutated,
                )
            )
        return report

    # -- helpers -------------------------------------------------------------------
    def _at(self, offset: int, index: int | None = None) -> Location:
        return self.location.at(offset - self.blob.start, None, index)

    def _resolve(self, module: str, name: str, proto: int, offset: int) -> Any:
        raw = f"{module}.{name}"
        if raw in self._patches:
            return self._patches[raw]
        if proto < 3:
            mapped = _compat_pickle.NAME_MAPPING.get((module, name))
            if mapped is not None:
                module, name = mapped
            else:
                module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        verdict = self.policy.classify(module, name)
        glob = Global(module, name, offset, self._index, verdict, raw)
        self._globals.append(glob)
        return glob

    def _call(
        self, report: PickleReport, func: Any, args: Any, kwargs: Any, offset: int, opcode: str
    ) -> Call:
        call = Call(func, args, kwargs, offset, self._index)
        self._record_call(report, call, func, opcode, offset)
        if self._spans:
            self._note_embedded(report, func, args)
        if isinstance(func, Global):
            mutated = self.policy.mutators.get(func.qualname)
            if mutated and isinstance(args, tuple):
                for i in mutated:
                    if i < len(args) and isinstance(args[i], Global):
                        rest = args[i + 1 :]
                        self._mutate(
                            report,
                            args[i],
                            rest[0] if len(rest) == 1 else rest,
                            offset,
                            f"{opcode} via {func.qualname}",
                        )
            forwarded = self.policy.forwarders.get(func.qualname)
            if forwarded and isinstance(args, tuple):
                for i in forwarded:
                    # Imported names are what these helpers call; strings are names and
                    # computed values are instances they pass on (numpy's bit generators).
                    if i < len(args) and isinstance(args[i], (Global, Persistent)):
                        self._record_call(
                            report, call, args[i], f"{opcode} via {func.qualname}", offset
                        )
        return call

    def _note_embedded(self, report: PickleReport, func: Any, args: Any) -> None:
        """Bytes handed to a loader (``torch.storage._load_from_bytes``, ``pickle.loads``)
        or to any callable outside the allowlists, when they start like a model file, are
        analysed as a model file of their own."""
        if not isinstance(args, tuple):
            return
        loader = isinstance(func, Global) and func.qualname in self.policy.loaders
        allowed = isinstance(func, Global) and func.verdict.allowed
        for arg in args[:8]:
            span = self._spans.get(id(arg)) if isinstance(arg, (bytes, Opaque)) else None
            if span is None:
                continue
            offset, size = span
            head = self.blob.read(offset, 4)
            looks_loadable = head[:1] == b"\x80" or head[:4] == b"PK\x03\x04"
            if loader or (looks_loadable and not allowed):
                via = func.qualname if isinstance(func, Global) else "a computed callable"
                report.embedded.append((offset, size, via))

    def _record_call(
        self, report: PickleReport, call: Call, func: Any, opcode: str, offset: int
    ) -> None:
        if isinstance(func, Global):
            func.invoked = True
            target: str | None = func.qualname
            verdict = func.verdict
        else:
            target = None
            verdict = DYNAMIC if isinstance(func, (Call, Persistent, Opaque)) else NOT_CALLABLE
        suspicious: tuple[str, ...] = ()
        if not verdict.allowed:
            suspicious = suspicious_strings((call.args, call.kwargs))
        report.calls.append(
            CallUse(
                target, verdict, describe(call), self._at(offset, call.index), opcode, suspicious
            )
        )

    def _mutate(
        self, report: PickleReport, target: Any, value: Any, offset: int, opcode: str
    ) -> None:
        """BUILD/SETITEM/APPEND on an imported object changes it for the whole process."""
        if isinstance(target, Global):
            target.mutated = True
            if opcode.startswith("BUILD") or " via " in opcode:
                self._patch(target, value)
            report.mutations.append(
                CallUse(
                    target.qualname,
                    target.verdict,
                    f"{opcode} on {target.qualname} with {describe(value)}",
                    self._at(offset, self._index),
                    opcode,
                )
            )

    def _patch(self, target: Global, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:
            for part in state:
                self._patch(target, part)
            return
        if isinstance(state, Container) and state.type == "dict":
            for key, value in state.items:
                if isinstance(key, str) and len(self._patches) < 10_000:
                    self._patches[f"{target.qualname}.{key}"] = value

    def _oversized_name(self, at: int) -> Global:
        glob = Global("<oversized>", "<name>", at, self._index, OVERSIZED, "<oversized name>")
        self._globals.append(glob)
        return glob

    def _string(self, data: Any, start: int, size: int, encoding: str, offset: int) -> Any:
        if size > DECODE_LIMIT:
            return Opaque(f"str of {size} bytes at {start - self.blob.start}")
        try:
            return codecs.decode(
                data[start : start + size],
                encoding,
                "surrogatepass" if encoding == "utf-8" else "strict",
            )
        except UnicodeDecodeError as exc:
            raise Malformed(f"invalid {encoding} string: {exc.reason}", offset) from None

    def _bytes(self, data: Any, start: int, size: int) -> Any:
        offset = start - self.blob.start
        if size > BYTES_LIMIT:
            opaque = Opaque(f"bytes of {size} at {offset}")
            self._spans[id(opaque)] = (offset, size)
            return opaque
        value = bytes(data[start : start + size])
        if size >= 16:
            self._spans[id(value)] = (offset, size)
        return value

    # -- the machine ---------------------------------------------------------------
    def _execute(self, pos: int, st: _Frame, report: PickleReport, depth: int) -> int:  # noqa: PLR0912, PLR0915
        data = self.blob.data
        end = self.blob.end
        stack = st.stack
        marks = st.marks
        memo = st.memo
        max_ops = self.settings.max_pickle_opcodes
        ops = self.opcodes
        # One comparison per opcode: the next point at which to look at the caps.
        check_at = min(ops + 0x10000, max_ops + 1)
        unpack_i = _UNPACK_I
        unpack_h = _UNPACK_H
        push = stack.append

        def underflow(at: int) -> Malformed:
            return Malformed("unexpected MARK found" if marks else "unpickling stack underflow", at)

        def fence() -> int:
            return marks[-1] if marks else 0

        def pop_mark(at: int) -> list[Any]:
            if not marks:
                raise Malformed("could not find MARK", at)
            k = marks.pop()
            items = stack[k:]
            del stack[k:]
            return items

        def pop(at: int) -> Any:
            if len(stack) <= fence():
                raise underflow(at)
            return stack.pop()

        def top(at: int) -> Any:
            if len(stack) <= fence():
                raise underflow(at)
            return stack[-1]

        def line(at: int) -> bytes:
            nl = data.find(b"\n", at, end)
            if nl < 0:
                raise Malformed("pickle data was truncated (no end of line)", at)
            return bytes(data[at:nl])

        frame_end = _NO_FRAME
        at = pos
        try:
            while True:
                if pos >= frame_end:
                    # The C loader reads across frame ends; pure-Python readers fail there.
                    if pos != frame_end:
                        self._diverged(report, at, frame_end)
                    frame_end = _NO_FRAME
                if pos >= end:
                    raise Malformed("pickle data was truncated (no STOP)", pos)
                at = pos
                op = data[pos]
                pos += 1
                ops += 1
                if ops >= check_at:
                    self.opcodes = ops
                    check_at = min(ops + 0x10000, max_ops + 1)
                    if len(memo) > MAX_MEMO:
                        raise Limit("memo entries", MAX_MEMO, at)
                    if ops > max_ops:
                        raise Limit("max_pickle_opcodes", max_ops, at)
                    if self.deadline is not None and time.monotonic() > self.deadline:
                        raise Limit("timeout_seconds", self.settings.timeout_seconds, at)
                # Ordered roughly by frequency in real model files.
                if op == 0x71:  # BINPUT
                    if pos + 1 > end:
                        raise Malformed("pickle data was truncated", at)
                    memo[data[pos]] = top(at)
                    pos += 1
                elif op == 0x94:  # MEMOIZE
                    memo[len(memo)] = top(at)
                elif op == 0x4B:  # BININT1
                    if pos + 1 > end:
                        raise Malformed("pickle data was truncated", at)
                    push(data[pos])
                    pos += 1
                elif op == 0x4A:  # BININT
                    if pos + 4 > end:
                        raise Malformed("pickle data was truncated", at)
                    push(unpack_i(data, pos)[0])
                    pos += 4
                elif op == 0x4D:  # BININT2
                    if pos + 2 > end:
                        raise Malformed("pickle data was truncated", at)
                    push(unpack_h(data, pos)[0])
                    pos += 2
                elif op == 0x47:  # BINFLOAT
                    if pos + 8 > end:
                        raise Malformed("pickle data was truncated", at)
                    push(_UNPACK_D(data, pos)[0])
                    pos += 8
                elif op in {0x8C, 0x43, 0x55}:  # SHORT_BINUNICODE/BINBYTES/BINSTRING
                    if pos + 1 > end:
                        raise Malformed("pickle data was truncated", at)
                    size = data[pos]
                    pos += 1
                    if pos + size > end:
                        raise Malformed("pickle data was truncated", at)
                    if op == 0x8C:
                        push(self._string(data, pos, size, "utf-8", at))
                    elif op == 0x43:
                        push(self._bytes(data, pos, size))
                    else:
                        push(self._string(data, pos, size, "latin-1", at))
                    pos += size
                elif op in {0x58, 0x42, 0x54}:  # BINUNICODE/BINBYTES/BINSTRING
                    if pos + 4 > end:
                        raise Malformed("pickle data was truncated", at)
                    size = unpack_i(data, pos)[0]
                    if size < 0:
                        if op == 0x54:
                            raise Malformed("BINSTRING pickle has negative byte count", at)
                        size &= 0xFFFFFFFF  # BINUNICODE and BINBYTES lengths are unsigned in C
                    pos += 4
                    if pos + size > end:
                        raise Malformed("pickle data was truncated", at)
                    if op == 0x58:
                        push(self._string(data, pos, size, "utf-8", at))
                    elif op == 0x42:
                        push(self._bytes(data, pos, size))
                    else:
                        push(self._string(data, pos, size, "latin-1", at))
                    pos += size
                elif op in {0x8D, 0x8E, 0x96}:  # BINUNICODE8/BINBYTES8/BYTEARRAY8
                    if pos + 8 > end:
                        raise Malformed("pickle data was truncated", at)
                    size = _UNPACK_Q(data, pos)[0]
                    pos += 8
                    if pos + size > end:
                        raise Malformed("pickle data was truncated", at)
                    if op == 0x8D:
                        push(self._string(data, pos, size, "utf-8", at))
                    else:
                        push(self._bytes(data, pos, size))
                    pos += size
                elif op == 0x68:  # BINGET
                    if pos + 1 > end:
                        raise Malformed("pickle data was truncated", at)
                    idx = data[pos]
                    pos += 1
                    if idx not in memo:
                        raise Malformed(f"Memo value not found at index {idx}", at)
                    push(memo[idx])
                elif op == 0x6A:  # LONG_BINGET
                    if pos + 4 > end:
                        raise Malformed("pickle data was truncated", at)
                    idx = unpack_i(data, pos)[0] & 0xFFFFFFFF
                    pos += 4
                    if idx not in memo:
                        raise Malformed(f"Memo value not found at index {idx}", at)
                    push(memo[idx])
                elif op == 0x72:  # LONG_BINPUT
                    if pos + 4 > end:
                        raise Malformed("pickle data was truncated", at)
                    memo[unpack_i(data, pos)[0] & 0xFFFFFFFF] = top(at)
                    pos += 4
                elif op == 0x28:  # MARK
                    marks.append(len(stack))
                elif op == 0x65:  # APPENDS
                    items = pop_mark(at)
                    target = top(at)
                    if isinstance(target, Container):
                        if items:  # C returns early on an empty batch, whatever the target
                            _require(target, "list", "append", at)
                        target.extend(items)
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, items, at, "APPENDS")
                elif op == 0x61:  # APPEND
                    value = pop(at)
                    target = top(at)
                    if isinstance(target, Container):
                        _require(target, "list", "append", at)
                        target.extend([value])
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, value, at, "APPEND")
                elif op == 0x75:  # SETITEMS
                    items = pop_mark(at)
                    if len(items) % 2:
                        raise Malformed("odd number of items for SETITEMS", at)
                    target = top(at)
                    pairs = list(zip(items[::2], items[1::2], strict=True))
                    if isinstance(target, Container):
                        if pairs:
                            _require(target, ("dict", "list"), "__setitem__", at)
                        if target.type == "dict":
                            target.extend(pairs)
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, pairs, at, "SETITEMS")
                elif op == 0x73:  # SETITEM
                    value = pop(at)
                    key = pop(at)
                    target = top(at)
                    if isinstance(target, Container):
                        _require(target, ("dict", "list"), "__setitem__", at)
                        if target.type == "dict":
                            target.extend([(key, value)])
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, (key, value), at, "SETITEM")
                elif op == 0x29:  # EMPTY_TUPLE
                    push(())
                elif op == 0x85:  # TUPLE1
                    push((pop(at),))
                elif op == 0x86:  # TUPLE2
                    b = pop(at)
                    a = pop(at)
                    push((a, b))
                elif op == 0x87:  # TUPLE3
                    c = pop(at)
                    b = pop(at)
                    a = pop(at)
                    push((a, b, c))
                elif op == 0x74:  # TUPLE
                    push(tuple(pop_mark(at)))
                elif op == 0x5D:  # EMPTY_LIST
                    push(Container("list"))
                elif op == 0x7D:  # EMPTY_DICT
                    push(Container("dict"))
                elif op == 0x8F:  # EMPTY_SET
                    push(Container("set"))
                elif op == 0x4E:  # NONE
                    push(None)
                elif op == 0x88:  # NEWTRUE
                    push(True)
                elif op == 0x89:  # NEWFALSE
                    push(False)
                elif op == 0x95:  # FRAME
                    if pos + 8 > end:
                        raise Malformed("pickle data was truncated", at)
                    size = _UNPACK_Q(data, pos)[0]
                    pos += 8
                    if pos + size > end:
                        raise Malformed("FRAME length exceeds the data that follows", at)
                    if frame_end != _NO_FRAME:
                        self._diverged(report, at, frame_end)
                    frame_end = pos + size if size else _NO_FRAME
                elif op == 0x52:  # REDUCE
                    args = pop(at)
                    func = top(at)
                    if _not_a_tuple(args):
                        # The C loader raises TypeError here, *after* nothing was called.
                        raise Malformed("REDUCE argument is not a tuple", at)
                    self._index = ops - 1
                    stack[-1] = self._call(report, func, args, None, at, "REDUCE")
                elif op == 0x62:  # BUILD
                    state = pop(at)
                    target = top(at)
                    if isinstance(target, Call):
                        target.state = state
                        if pos == frame_end:
                            # joblib ends the frame before writing array bytes inline.
                            frame_end = _NO_FRAME
                        self._index = ops - 1
                        self.opcodes = ops
                        pos = self._after_build(
                            target, pos, st, report, depth, inside_frame=frame_end != _NO_FRAME
                        )
                        ops = self.opcodes  # a nested pickle counts towards the same cap
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, state, at, "BUILD")
                elif op == 0x81:  # NEWOBJ
                    args = pop(at)
                    cls = pop(at)
                    if _not_a_tuple(args):
                        raise Malformed("NEWOBJ expected an arg tuple", at)
                    self._index = ops - 1
                    push(self._call(report, cls, args, None, at, "NEWOBJ"))
                elif op == 0x92:  # NEWOBJ_EX
                    kwargs = pop(at)
                    args = pop(at)
                    cls = pop(at)
                    self._index = ops - 1
                    push(self._call(report, cls, args, kwargs, at, "NEWOBJ_EX"))
                elif op == 0x93:  # STACK_GLOBAL
                    name = pop(at)
                    module = pop(at)
                    if isinstance(name, Opaque) or isinstance(module, Opaque):
                        self._index = ops - 1
                        push(self._oversized_name(at))
                        continue
                    if type(name) is not str or type(module) is not str:
                        raise Malformed("STACK_GLOBAL requires str", at)
                    self._index = ops - 1
                    push(self._resolve(module, name, st.proto, at))
                elif op == 0x63:  # GLOBAL
                    module_line = line(pos)
                    pos += len(module_line) + 1
                    name_line = line(pos)
                    pos += len(name_line) + 1
                    if not module_line or not name_line:
                        raise Malformed("pickle data was truncated (empty GLOBAL line)", at)
                    self._index = ops - 1
                    push(
                        self._resolve(
                            self._utf8(module_line, at), self._utf8(name_line, at), st.proto, at
                        )
                    )
                elif op == 0x69:  # INST
                    module_line = line(pos)
                    pos += len(module_line) + 1
                    name_line = line(pos)
                    pos += len(name_line) + 1
                    args_list = pop_mark(at)
                    self._index = ops - 1
                    cls = self._resolve(
                        self._utf8(module_line, at), self._utf8(name_line, at), st.proto, at
                    )
                    push(self._call(report, cls, tuple(args_list), None, at, "INST"))
                elif op == 0x6F:  # OBJ
                    items = pop_mark(at)
                    if not items:
                        raise underflow(at)
                    self._index = ops - 1
                    push(self._call(report, items[0], tuple(items[1:]), None, at, "OBJ"))
                elif op == 0x30:  # POP
                    if marks and marks[-1] == len(stack):
                        marks.pop()
                    elif len(stack) <= fence():
                        raise underflow(at)
                    else:
                        stack.pop()
                elif op == 0x31:  # POP_MARK
                    pop_mark(at)
                elif op == 0x32:  # DUP
                    push(top(at))
                elif op == 0x6C:  # LIST
                    lst = Container("list")
                    lst.extend(pop_mark(at))
                    push(lst)
                elif op == 0x64:  # DICT
                    items = pop_mark(at)
                    if len(items) % 2:
                        raise Malformed("odd number of items for DICT", at)
                    dct = Container("dict")
                    dct.extend(list(zip(items[::2], items[1::2], strict=True)))
                    push(dct)
                elif op == 0x90:  # ADDITEMS
                    items = pop_mark(at)
                    target = top(at)
                    if isinstance(target, Container):
                        if items:
                            _require(target, "set", "add", at)
                        target.extend(items)
                    else:
                        self._index = ops - 1
                        self._mutate(report, target, items, at, "ADDITEMS")
                elif op == 0x91:  # FROZENSET
                    fz = Container("frozenset")
                    fz.extend(pop_mark(at))
                    push(fz)
                elif op == 0x80:  # PROTO
                    if pos + 1 > end:
                        raise Malformed("pickle data was truncated", at)
                    proto = data[pos]
                    pos += 1
                    if proto > HIGHEST_PROTOCOL:
                        raise Malformed(f"unsupported pickle protocol: {proto}", at)
                    st.proto = proto
                elif op == 0x2E:  # STOP
                    value = pop(at)
                    report.result = value
                    self.opcodes = ops
                    return pos
                elif op == 0x51:  # BINPERSID
                    pid = pop(at)
                    report.persistent_ids.append(pid)
                    push(_persistent(pid, at - self.blob.start))
                elif op == 0x50:  # PERSID
                    text = line(pos)
                    pos += len(text) + 1
                    try:
                        pid_text = text.decode("ascii")
                    except UnicodeDecodeError:
                        raise Malformed(
                            "persistent IDs in protocol 0 must be ASCII strings", at
                        ) from None
                    report.persistent_ids.append(pid_text)
                    push(Persistent(pid_text, at - self.blob.start))
                elif op in {0x67, 0x70}:  # GET / PUT (text index)
                    text = line(pos)
                    pos += len(text) + 1
                    try:
                        idx = int(_c_string(text))
                    except ValueError:
                        raise Malformed("invalid memo index", at) from None
                    if op == 0x67:
                        if idx not in memo:
                            raise Malformed(f"Memo value not found at index {idx}", at)
                        push(memo[idx])
                    else:
                        if idx < 0:
                            raise Malformed("negative PUT argument", at)
                        memo[idx] = top(at)
                elif op == 0x49:  # INT
                    text = line(pos)
                    pos += len(text) + 1
                    push(self._int_line(text, at))
                elif op == 0x4C:  # LONG
                    text = line(pos)
                    pos += len(text) + 1
                    push(self._int_line(text[:-1] if text.endswith(b"L") else text, at))
                elif op == 0x46:  # FLOAT
                    text = line(pos)
                    pos += len(text) + 1
                    try:
                        push(float(_c_string(text)))
                    except ValueError:
                        raise Malformed("could not convert string to float", at) from None
                elif op in {0x8A, 0x8B}:  # LONG1 / LONG4
                    width = 1 if op == 0x8A else 4
                    if pos + width > end:
                        raise Malformed("pickle data was truncated", at)
                    size = data[pos] if width == 1 else unpack_i(data, pos)[0]
                    pos += width
                    if size < 0:
                        raise Malformed("LONG pickle has negative byte count", at)
                    if pos + size > end:
                        raise Malformed("pickle data was truncated", at)
                    if size > 4096:
                        push(Opaque(f"int of {size} bytes"))
                    else:
                        push(int.from_bytes(data[pos : pos + size], "little", signed=True))
                    pos += size
                elif op == 0x53:  # STRING
                    text = line(pos)
                    pos += len(text) + 1
                    push(self._quoted(text, at))
                elif op == 0x56:  # UNICODE
                    text = line(pos)
                    pos += len(text) + 1
                    try:
                        push(text.decode("raw-unicode-escape"))
                    except UnicodeDecodeError:
                        raise Malformed("invalid raw-unicode-escape string", at) from None
                elif op in {0x82, 0x83, 0x84}:  # EXT1/2/4
                    width = {0x82: 1, 0x83: 2, 0x84: 4}[op]
                    if pos + width > end:
                        raise Malformed("pickle data was truncated", at)
                    code = int.from_bytes(data[pos : pos + width], "little", signed=(width == 4))
                    pos += width
                    report.add(
                        "extension-code",
                        f"extension code {code} names a global through the copyreg registry",
                        self._at(at, ops - 1),
                        code=code,
                    )
                    glob = Global(
                        "copyreg", f"extension({code})", at, ops - 1, DYNAMIC, f"EXT {code}"
                    )
                    self._globals.append(glob)
                    push(glob)
                elif op == 0x97:  # NEXT_BUFFER
                    raise Malformed(
                        "pickle stream refers to out-of-band data but no buffers were given", at
                    )
                elif op == 0x98:  # READONLY_BUFFER
                    top(at)
                else:
                    raise Malformed(f"invalid load key, {bytes([op])!r}", at)
        finally:
            self.opcodes = ops  # also when the stream ends in an error

    # -- opcode details --------------------------------------------------------------
    def _diverged(self, report: PickleReport, at: int, frame_end: int) -> None:
        if not any(a.kind == "frame-divergence" for a in report.anomalies):
            report.add(
                "frame-divergence",
                "an opcode or frame crosses the end of the current FRAME: the C unpickler "
                "reads on, the pure-Python one raises, so loaders see different streams",
                self._at(at),
                frame_end=frame_end - self.blob.start,
            )

    @staticmethod
    def _utf8(raw: bytes, at: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed("GLOBAL name is not UTF-8", at) from None

    @staticmethod
    def _int_line(text: bytes, at: int) -> Any:
        text = _c_string(text)
        if text == b"00":
            return False
        if text == b"01":
            return True
        try:
            return int(text, 0)
        except ValueError:
            try:
                return int(text)
            except ValueError:
                raise Malformed("invalid literal for int()", at) from None

    @staticmethod
    def _quoted(text: bytes, at: int) -> str:
        if len(text) >= 2 and text[0] == text[-1] and text[:1] in (b"'", b'"'):
            try:
                with warnings.catch_warnings():
                    # Invalid escapes only warn in CPython; the loader accepts them.
                    warnings.simplefilter("ignore")
                    raw = codecs.escape_decode(text[1:-1])[0]
            except ValueError:
                raise Malformed("invalid escape in STRING", at) from None
            return bytes(raw).decode("latin-1")
        raise Malformed("the STRING opcode argument must be quoted", at)

    def _after_build(
        self,
        target: Call,
        pos: int,
        st: _Frame,
        report: PickleReport,
        depth: int,
        *,
        inside_frame: bool,
    ) -> int:
        from aisec.modelfile.pickle.joblib_arrays import skip_inline_array

        func = target.func
        if isinstance(func, Global) and func.name == "NumpyArrayWrapper":
            if inside_frame:
                # joblib's pure-Python reader takes the array from after the frame and
                # resumes inside it; the C reader goes on in place. Follow the C reading
                # (the one that executes the bytes that follow) and say that they differ.
                report.add(
                    "frame-divergence",
                    "joblib array wrapper built inside a frame: joblib and pickle.load read "
                    "different bytes after it",
                    self._at(pos),
                )
                return pos
            return skip_inline_array(self, target, pos, st, report, depth)
        return pos

    def probe_hidden(
        self, start: int, size: int, report: PickleReport, st: _Frame, depth: int
    ) -> None:
        """joblib reads these bytes as array data; plain ``pickle.load`` reads them as
        opcodes, with the stack and memo built so far. Run them that way too, on a copy
        of the state, and report what they would do."""
        if size <= 0 or depth >= MAX_NESTING:
            return
        shift = start - self.blob.start
        fork = _Frame()
        fork.stack, fork.marks, fork.memo = list(st.stack), list(st.marks), dict(st.memo)
        fork.proto = st.proto
        with self.blob.slice(shift, shift + size) as window:
            probe = PickleMachine(
                window, self.location, self.policy, self.settings, deadline=self.deadline
            )
            probe._patches = dict(self._patches)
            hidden = probe._run_state(fork, 0, depth + 1)
        # Numeric data read as opcodes shuffles the stack at random; what counts is a
        # named callable outside the allowlists, which random bytes do not spell.
        calls = [c for c in hidden.calls if _named_risk(c)]
        mutations = [m for m in hidden.mutations if m.verdict.dangerous]
        dangerous = [
            g for g in hidden.globals if g.verdict.dangerous and _IDENTIFIER_PATH.match(g.qualname)
        ]
        if not (calls or mutations or dangerous):
            return
        for call in (*calls, *mutations):
            call.location = _shifted(call.location, shift)
        for use in dangerous:
            use.location = _shifted(use.location, shift)
        report.calls.extend(calls)
        report.mutations.extend(mutations)
        report.globals.extend(dangerous)
        report.add(
            "hidden-opcodes",
            f"{size} bytes joblib reads as array data are pickle opcodes to pickle.load "
            f"({len(calls)} call(s))",
            self.location.at(shift, size),
            length=size,
        )

    def nested(self, pos: int, report: PickleReport, depth: int) -> int:
        """Run a pickle embedded in the stream (joblib object arrays) with its own stack
        and memo, recording into the same report; returns the offset after it."""
        if depth + 1 > MAX_NESTING:
            raise Limit("nested pickles", MAX_NESTING, pos)
        return self._execute(pos, _Frame(), report, depth + 1)
