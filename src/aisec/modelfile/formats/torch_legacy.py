"""The storage layout of PyTorch's legacy (pre-zip) format.

After the storage-keys pickle, ``torch.load`` reads, for each key in order, an 8-byte
element count and that many elements of the storage's type. Anything after the last
storage is never read by torch, and a stream that does not add up is not what torch
wrote.
"""

from __future__ import annotations

import struct
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats import note_trailing
from aisec.modelfile.pickle.machine import PickleMachine
from aisec.modelfile.pickle.report import PickleReport
from aisec.modelfile.pickle.values import Container, Global
from aisec.modelfile.reports import ArtefactReport

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

ELEMENT_SIZES = {
    "DoubleStorage": 8,
    "FloatStorage": 4,
    "HalfStorage": 2,
    "BFloat16Storage": 2,
    "LongStorage": 8,
    "IntStorage": 4,
    "ShortStorage": 2,
    "CharStorage": 1,
    "ByteStorage": 1,
    "BoolStorage": 1,
    "ComplexFloatStorage": 8,
    "ComplexDoubleStorage": 16,
    "QInt8Storage": 1,
    "QUInt8Storage": 1,
    "QInt32Storage": 4,
    "QUInt4x2Storage": 1,
    "QUInt2x4Storage": 1,
    "UntypedStorage": 1,
}


def storage_sizes(data_pickle: PickleReport) -> dict[str, int]:
    """Element size per storage key, from the ('storage', type, key, ...) persistent ids."""
    sizes: dict[str, int] = {}
    for pid in data_pickle.persistent_ids:
        if isinstance(pid, tuple) and len(pid) >= 3 and pid[0] == "storage":
            storage_type, key = pid[1], pid[2]
            if isinstance(storage_type, Global) and isinstance(key, str):
                size = ELEMENT_SIZES.get(storage_type.name)
                if size:
                    sizes[key] = size
    return sizes


def _keys(keys_pickle: PickleReport) -> list[Any] | None:
    result = keys_pickle.result
    if (
        isinstance(result, Container)
        and result.type == "list"
        and result.count == len(result.items)
    ):
        return list(result.items)
    return None


def check_legacy_storages(
    blob: Blob,
    start: int,
    data_pickle: PickleReport,
    keys_pickle: PickleReport,
    facts: ArtefactReport,
    location: Location,
) -> None:
    keys = _keys(keys_pickle)
    sizes = storage_sizes(data_pickle)
    if keys is None or any(k not in sizes for k in keys):
        facts.add(
            "layout-mismatch",
            "storage keys do not match the storages the data pickle declares",
            location.at(start),
        )
        return
    pos = start
    for key in keys:
        if pos + 8 > len(blob):
            facts.add("layout-mismatch", f"storage {key!r} is truncated", location.at(pos))
            return
        (count,) = struct.unpack("<q", blob.read(pos, 8))
        pos += 8 + max(count, 0) * sizes[key]
        if count < 0 or pos > len(blob):
            facts.add(
                "layout-mismatch",
                f"storage {key!r} runs past the end of the file",
                location.at(pos),
            )
            return
    note_trailing(facts, blob, pos, location, "the last storage are never read by torch.load")
    facts.notes["storages"] = len(keys)


def analyse_legacy_tar_member(name: str, blob: Blob, location: Location, ctx: ScanContext) -> bool:
    """The ``storages`` and ``tensors`` members of PyTorch's oldest (tar) format interleave
    small pickles with raw data; walk them exactly as ``torch.load`` does. Returns False
    when the member does not have that layout (it is then analysed generically)."""
    machine = PickleMachine(blob, location, ctx.policy, ctx.settings, deadline=ctx.deadline)
    first = machine.run(0)
    count = first.result
    if (
        not first.complete
        or first.end is None
        or not isinstance(count, int)
        or isinstance(count, bool)
    ):
        return False
    artefact = ctx.add_artefact(location, f"pytorch-legacy-{name}", len(blob))
    facts = ArtefactReport(location, artefact.format, len(blob))
    ctx.judge(first)
    pos = first.end
    for _ in range(max(0, min(count, ctx.settings.max_pickle_streams))):
        record = machine.run(pos)
        ctx.judge(record)
        if not record.complete or record.end is None:
            ctx.judge(facts)
            return True
        pos = record.end
        step = (
            _storage_step(blob, pos, record.result)
            if name == "storages"
            else _tensor_step(blob, pos)
        )
        if step is None:
            facts.add(
                "layout-mismatch", f"{name} record does not match torch's layout", location.at(pos)
            )
            ctx.judge(facts)
            return True
        pos = step
    if name == "storages":
        views = machine.run(pos)
        ctx.judge(views)
        if not views.complete or views.end is None:
            ctx.judge(facts)
            return True
        pos = views.end
    note_trailing(facts, blob, pos, location, "the last record are never read by torch.load")
    ctx.judge(facts)
    return True


def _storage_step(blob: Blob, pos: int, args: Any) -> int | None:
    if not (isinstance(args, tuple) and len(args) == 3 and isinstance(args[2], Global)):
        return None
    size = ELEMENT_SIZES.get(args[2].name)
    if size is None or pos + 8 > len(blob):
        return None
    (count,) = struct.unpack("<q", blob.read(pos, 8))
    end = pos + 8 + count * size
    return end if count >= 0 and end <= len(blob) else None


def _tensor_step(blob: Blob, pos: int) -> int | None:
    if pos + 8 > len(blob):
        return None
    (ndim,) = struct.unpack("<i", blob.read(pos, 4))
    end = pos + 8 + ndim * 16 + 8
    return end if 0 <= ndim <= 64 and end <= len(blob) else None
