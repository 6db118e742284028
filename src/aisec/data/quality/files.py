"""The file side of the checks: read the datasets within their caps, then check them.

A reference is a snapshot JSON (from ``aisec data snapshot``) or another dataset, which
is read and sketched the same way. Whatever a cap left unread is said in the notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aisec.core.errors import MalformedInput
from aisec.data.quality.check import CheckOptions, check_frames, guess_label
from aisec.data.quality.columns import prepare
from aisec.data.quality.indicator import QualityReport
from aisec.data.quality.snapshot import build_snapshot, load_snapshot
from aisec.data.quality.table import ReadCaps, Table, check_readable, read_table


def check_dataset(
    train: Path,
    *,
    test: Path | None = None,
    reference: Path | None = None,
    options: CheckOptions | None = None,
) -> QualityReport:
    """Read the files (the reference may be a snapshot JSON or a dataset) and check them."""
    options = options or CheckOptions()
    caps = options.caps()
    tables = [read_table(train, caps=caps)]
    if test is not None:
        tables.append(read_table(test, caps=caps))
    snap = None
    if reference is not None:
        snap, ref_table = _reference(reference, options)
        tables += [ref_table] if ref_table is not None else []
    test_frame = tables[1].frame if test is not None else None
    report = check_frames(tables[0].frame, test=test_frame, reference=snap, options=options)
    report.path = str(train)
    report.notes += [truncation_note(t, caps) for t in tables if t.truncated]
    return report


def truncation_note(table: Table, caps: ReadCaps) -> str:
    return (
        f"only the first {len(table.frame)} rows of {table.path} were read (caps:"
        f" {caps.max_rows} rows, {caps.max_bytes} bytes of row data)"
    )


def _reference(path: Path, options: CheckOptions) -> tuple[dict[str, Any], Table | None]:
    check_readable(path, "reference")
    if path.suffix.lower() == ".json":
        try:
            with path.open("rb") as fh:
                looks_json = fh.read(64).lstrip().startswith(b"{")
        except OSError as exc:
            raise MalformedInput(f"{path}: cannot be read: {exc.strerror or exc}") from None
        if looks_json:
            return load_snapshot(path), None
    table = read_table(path, caps=options.caps())
    label = options.label or guess_label(table.frame)
    return build_snapshot(prepare(table.frame, label=label), table), table


def snapshot_file(
    path: Path,
    *,
    label: str | None = None,
    max_rows: int = 1_000_000,
    caps: ReadCaps | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The reference snapshot of one dataset file, and notes on what was left unread."""
    caps = caps or ReadCaps(max_rows=max_rows)
    table = read_table(path, caps=caps)
    snap = build_snapshot(prepare(table.frame, label=label or guess_label(table.frame)), table)
    return snap, [truncation_note(table, caps)] if table.truncated else []
