"""joblib writes numpy array data *inline*, right after the BUILD of each
``NumpyArrayWrapper``; its unpickler reads those bytes from the same stream before the
next opcode. A reader that does not skip them exactly (as ``pickletools`` does not)
stops at the first array and never sees what follows it — a known hiding place."""

from __future__ import annotations

import re
from math import prod
from typing import TYPE_CHECKING, Any

from aisec.modelfile.pickle.values import Call, Container, Global

if TYPE_CHECKING:
    from aisec.modelfile.pickle.machine import PickleMachine
    from aisec.modelfile.pickle.report import PickleReport

_TYPESTR = re.compile(r"^[<>|=]?([a-zA-Z])(\d*)")
_DEFAULT_SIZES = {
    "b": 1,
    "?": 1,
    "e": 2,
    "f": 8,
    "d": 8,
    "g": 16,
    "i": 8,
    "l": 8,
    "q": 8,
    "h": 2,
    "B": 1,
}


def _itemsize(dtype: Any) -> tuple[int, bool] | None:
    """(itemsize, has_objects) of a pickled ``numpy.dtype`` call, or None if unknown."""
    if not (
        isinstance(dtype, Call) and isinstance(dtype.func, Global) and dtype.func.name == "dtype"
    ):
        return None
    args = dtype.args
    if not (isinstance(args, tuple) and args and isinstance(args[0], str)):
        return None
    spec = args[0].strip()
    tokens = [t.strip().lstrip("<>|=") for t in spec.split(",")]
    has_objects = any(t.startswith(("O", "object")) for t in tokens)
    state = dtype.state
    flags = 0
    elsize = -1
    if isinstance(state, tuple) and len(state) >= 8:
        if isinstance(state[5], int):
            elsize = state[5]
        if isinstance(state[7], int):
            flags = state[7]
    has_objects = has_objects or bool(flags & 1)
    if has_objects:
        return max(elsize, 0), True  # object arrays are a nested pickle: no size needed
    if len(tokens) > 1 and elsize <= 0:
        # A structured spec without its pickled state: joblib asks numpy, which may say
        # "has objects". When unsure, read it as the nested pickle it may be.
        return 0, True
    match = _TYPESTR.match(spec)
    if not match:
        return None
    kind, digits = match.groups()
    if elsize > 0:
        return elsize, has_objects
    if digits:
        return int(digits) * (4 if kind == "U" else 1), has_objects
    size = _DEFAULT_SIZES.get(kind)
    return (size, has_objects) if size else None


def skip_inline_array(
    machine: PickleMachine, wrapper: Call, pos: int, st: Any, report: PickleReport, depth: int
) -> int:
    from aisec.modelfile.pickle.machine import Malformed

    state = wrapper.state.as_dict() if isinstance(wrapper.state, Container) else {}
    shape = state.get("shape")
    info = _itemsize(state.get("dtype"))
    if (
        not isinstance(shape, tuple)
        or not all(isinstance(n, int) and n >= 0 for n in shape)
        or info is None
    ):
        raise Malformed("joblib array wrapper with a layout that cannot be determined", pos)
    itemsize, has_objects = info
    if has_objects:
        # Object arrays are a complete pickle of their own, inline.
        return machine.nested(pos, report, depth)
    data = machine.blob.data
    end = machine.blob.end
    if state.get("numpy_array_alignment_bytes") is not None:
        if pos >= end:
            raise Malformed("pickle data was truncated in joblib array padding", pos)
        pos += 1 + data[pos]
    size = prod(shape) * itemsize
    if pos + size > end:
        raise Malformed("pickle data was truncated in joblib array data", pos)
    machine.probe_hidden(pos, size, report, st, depth)
    return pos + size
