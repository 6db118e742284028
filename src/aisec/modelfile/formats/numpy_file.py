"""NumPy ``.npy`` files (``.npz`` archives are zips of them).

Numeric arrays are data. An array of dtype ``object`` is stored as a pickle after the
header, which ``np.load`` unpickles when called with ``allow_pickle=True``: that pickle
is analysed like any other.
"""

from __future__ import annotations

import re
import struct
from math import prod
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats import note_trailing
from aisec.modelfile.pickle.machine import PickleMachine
from aisec.modelfile.reports import ArtefactReport

MAGIC = b"\x93NUMPY"
MAX_HEADER = 64 << 20  # numpy itself accepts large headers when allow_pickle=True


def _has_objects(descr: Any) -> bool:
    """Whether ``np.load`` would unpickle the data: any field of type object, in every
    spelling numpy accepts ('O', '|O', 'object', 'i4,O', list or tuple fields). A
    description this code does not understand counts as one (fail closed)."""
    if isinstance(descr, str):
        tokens = [t.strip().lstrip("<>|=") for t in descr.split(",")]
        return any(t.startswith(("O", "object")) for t in tokens)
    if isinstance(descr, (list, tuple)):
        fields = descr if isinstance(descr, list) else [descr]
        for field in fields:
            if not (isinstance(field, (list, tuple)) and len(field) >= 2):
                return True
            if _has_objects(field[1]):
                return True
        return False
    return True


_PY2_LONG = re.compile(r"(\d+)L\b")


def _itemsize(descr: Any) -> int | None:
    if not isinstance(descr, str) or "," in descr:
        return None
    code = descr.lstrip("<>|=")
    kind, digits = code[:1], code[1:].split("[")[0]
    if not digits.isdigit():
        return None
    return int(digits) * (4 if kind == "U" else 1)


def analyse_npy(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    facts = ArtefactReport(location, "numpy", len(blob))
    artefact = ctx.add_artefact(location, "numpy", len(blob))
    head = blob.head(12)
    major = head[6] if len(head) > 6 else 0
    width = 2 if major == 1 else 4
    if len(head) < 8 + width or major not in (1, 2, 3):
        facts.add("malformed", f"unsupported .npy version {major}", location.at(6))
        ctx.judge(facts)
        return True
    (size,) = struct.unpack("<H" if width == 2 else "<I", head[8 : 8 + width])
    start = 8 + width
    if size > MAX_HEADER or start + size > len(blob):
        detail = (
            f"header of {size} bytes is larger than {MAX_HEADER}"
            if size > MAX_HEADER
            else "header length runs past the end of the file"
        )
        facts.add("malformed", detail, location.at(8))
        ctx.judge(facts)
        return True
    import ast

    try:
        text = blob.read(start, size).decode("latin-1" if major < 3 else "utf-8")
        # numpy rewrites Python 2 long literals ("1L") before evaluating the header.
        header = ast.literal_eval(_PY2_LONG.sub(r"\1", text))
        descr, shape = header["descr"], tuple(header["shape"])
    except (
        ValueError,
        SyntaxError,
        KeyError,
        TypeError,
        UnicodeDecodeError,
        MemoryError,
        RecursionError,
    ):
        facts.add("malformed", "header is not the dictionary np.load expects", location.at(start))
        ctx.judge(facts)
        return True
    data_start = start + size
    if _has_objects(descr):
        artefact.format = "numpy-object"
        facts.format = "numpy-object"
        facts.add(
            "object-array",
            "object array: np.load unpickles it when allow_pickle=True",
            location.at(data_start),
            descr=str(descr)[:200],
        )
        report = PickleMachine(blob, location, ctx.policy, ctx.settings, deadline=ctx.deadline).run(
            data_start
        )
        ctx.judge(report)
    else:
        itemsize = _itemsize(descr)
        if itemsize is not None and all(isinstance(n, int) and n >= 0 for n in shape):
            expected = data_start + prod(shape) * itemsize
            if expected > len(blob):
                facts.add("malformed", "array data is truncated", location.at(len(blob)))
            else:
                what = "the array data are never read by np.load"
                note_trailing(facts, blob, expected, location, what)
    ctx.judge(facts)
    return True
