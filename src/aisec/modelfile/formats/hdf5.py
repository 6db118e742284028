"""HDF5 files (Keras and tf.keras ``.h5`` models, ``.weights.h5``, generic data).

HDF5 is read through h5py (the optional ``h5`` extra, imported only when an HDF5 file is
scanned) in a forked child (``hdf5_isolated``): the HDF5 library is C code that crashes
on some corrupted files. Only metadata is read (``hdf5_read``): the root attributes
Keras writes, whose ``model_config`` and ``training_config`` are then analysed here as
Keras configurations, and the link tree, for data that lives in other files. Configs
that arrived before the reader crashed or stalled are analysed all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.keras_config import MAX_CONFIG_BYTES, analyse_config_bytes
from aisec.modelfile.reports import ArtefactReport

if TYPE_CHECKING:
    from aisec.modelfile.formats.keras_walk import Nested

SIGNATURE = b"\x89HDF\r\n\x1a\n"
INSTALL_HINT = "pip install 'aisec[h5]'"


def hdf5_offset(blob: Blob) -> int | None:
    """Where the HDF5 superblock starts: offset 0, or after a user block of 512 bytes
    or a power of two above, which is where the HDF5 library looks for it."""
    offset = 0
    while offset + len(SIGNATURE) <= len(blob):
        if blob.read(offset, len(SIGNATURE)) == SIGNATURE:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def analyse_hdf5(blob: Blob, location: Location, ctx: ScanContext, nested: Nested) -> bool:
    try:
        import h5py  # noqa: F401 - imported here so that forked readers inherit it loaded
    except ImportError:
        reason = f"HDF5 file: reading it needs h5py ({INSTALL_HINT})"
        ctx.skip(location, "hdf5", len(blob), reason)
        return True
    # Only now: the reader and the fork machinery cost start-up time for every scan.
    from aisec.modelfile.formats import hdf5_read
    from aisec.modelfile.formats.hdf5_isolated import Record, Watchdog, run_isolated

    def read(watchdog: Watchdog) -> Iterator[Record]:
        return hdf5_read.read_hdf5(blob, MAX_CONFIG_BYTES, ctx.deadline, watchdog)

    # What the reader can legitimately send, and no more: its largest JSON record and
    # each config attribute at its cap.
    max_bytes = len(hdf5_read.CONFIG_ATTRIBUTES) * MAX_CONFIG_BYTES
    outcome = run_isolated(
        read, ctx.deadline, max_json=hdf5_read.MAX_JSON_RECORD, max_bytes=max_bytes
    )
    found = outcome.result or {}
    if "open_error" in found and outcome.failure is None:
        reason = f"the HDF5 library cannot open it: {found['open_error']}"
        ctx.skip(location, "hdf5", len(blob), reason)
        return True
    configs = {k: v for k, v in outcome.blobs.items() if k in hdf5_read.CONFIG_ATTRIBUTES}
    fmt = "keras" if "model_config" in configs else "hdf5"
    ctx.add_artefact(location, fmt, len(blob))
    report = ArtefactReport(location, fmt, len(blob))
    if outcome.failure is not None:
        report.add("limit" if outcome.limit else "malformed", outcome.failure, location)
    _facts(found, report, ctx)
    ctx.judge(report)
    for name, data in configs.items():
        config_report = ArtefactReport(location.inner(name), "keras-config", len(data))
        analyse_config_bytes(data, config_report, ctx, nested, "h5")
        ctx.judge(config_report)
    return True


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _facts(found: dict[str, Any], report: ArtefactReport, ctx: ScanContext) -> None:
    """Turn the reader's plain data into anomalies and notes. The reader parsed hostile
    input: its output is checked for shape like any other input."""
    location = report.location
    report.notes.update({str(k): str(v) for k, v in _dict(found.get("notes")).items()})
    for entry in _list(found.get("limits")):
        name, detail = [*_list(entry), "", ""][:2]
        report.add("limit", str(detail), location.inner(str(name)))
    for item in map(_dict, _list(found.get("external"))):
        evidence = {k: item.get(k) for k in ("dataset", "how", "target", "object", "offset")}
        dataset, how, target = evidence["dataset"], evidence["how"], evidence["target"]
        detail = f"{dataset}: {how} reads {target!r} on the machine that loads the file"
        report.add("hdf5-external-data", detail, location.inner(str(dataset)), **evidence)
    if found.get("stopped"):
        report.add("limit", f"HDF5 link walk stopped: {found['stopped']}", location)
    problems = [str(p) for p in _list(found.get("unreadable"))]
    count = found.get("unreadable_count")
    total = max(count, len(problems)) if isinstance(count, int) else len(problems)
    if found.get("error"):
        problems.insert(0, str(found["error"]))
        total += 1
    if problems:
        more = f" and {total - 1} more" if total > 1 else ""
        ctx.mark_incomplete(location, f"HDF5 objects could not be read: {problems[0]}{more}")
