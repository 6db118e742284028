"""``aisec data check`` and ``aisec data snapshot``: poisoning and quality indicators.

Exit codes of ``check``: 0 no indicator at or above ``--fail-on`` fired; 1 one did;
2 usage or configuration error (a missing path, a bad option); 3 an input could not be
analysed (a malformed or unreadable dataset or snapshot, a line over the byte cap).
``snapshot`` exits 0, 2 or 3 alike.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from aisec.cli.options import SeverityName

if TYPE_CHECKING:
    from aisec.core.errors import AnalysisError
    from aisec.data.quality import QualityReport


class Output(StrEnum):
    console = "console"
    json = "json"


def check(
    train: Annotated[Path, typer.Argument(help="Training data: CSV, Parquet or JSON lines.")],
    label: Annotated[
        str | None,
        typer.Option("--label", help="Label column [default: label, target, class or y]."),
    ] = None,
    test: Annotated[
        Path | None, typer.Option("--test", help="Test set to check for overlap with TRAIN.")
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            help="Reference snapshot (.json from `aisec data snapshot`) or dataset to"
            " compare class balance and feature distributions with.",
        ),
    ] = None,
    fail_on: Annotated[
        SeverityName,
        typer.Option("--fail-on", help="Exit 1 when an indicator of this severity fires."),
    ] = SeverityName.high,
    sample_cap: Annotated[
        int,
        typer.Option(
            "--sample-cap",
            min=10,
            help="Rows for neighbour searches and models; above it a random sample is used.",
        ),
    ] = 20_000,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Rows read from each file.")
    ] = 1_000_000,
    max_mib: Annotated[
        int,
        typer.Option("--max-mib", min=1, help="MiB of row data read from each file."),
    ] = 256,
    max_line_kib: Annotated[
        int,
        typer.Option(
            "--max-line-kib",
            min=1,
            help="KiB in one JSON line or CSV row; a longer one is an error.",
        ),
    ] = 4096,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 0,
    fmt: Annotated[Output, typer.Option("--format", "-f", help="Output format.")] = Output.console,
) -> int:
    """Check training data for poisoning and quality problems: duplicates and near
    duplicates with conflicting labels, label issues, outliers, label leakage, trigger
    phrases, train/test overlap, and shifts against a reference. Exit 1 when an
    indicator at or above --fail-on fires; 2 on a usage error, 3 when an input cannot be
    analysed."""
    from aisec.core.errors import AnalysisError
    from aisec.core.severity import Severity
    from aisec.data.quality import CheckOptions, check_dataset

    options = CheckOptions(
        label=label,
        sample_cap=sample_cap,
        max_rows=max_rows,
        max_bytes=max_mib * 1024 * 1024,
        max_line_bytes=max_line_kib * 1024,
        seed=seed,
    )
    try:
        report = check_dataset(train, test=test, reference=reference, options=options)
    except AnalysisError as exc:
        _not_analysed(exc)
    fired = report.fired_at(Severity.parse(fail_on.value))
    code = 1 if fired else 0
    if fmt is Output.json:
        typer.echo(json.dumps(report.to_dict() | {"exit_code": code}, indent=2))
    else:
        typer.echo(_text(report))
    if code:
        raise typer.Exit(code)
    return 0


def snapshot(
    path: Annotated[Path, typer.Argument(help="Dataset to describe: CSV, Parquet or JSON lines.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write.")],
    label: Annotated[
        str | None,
        typer.Option("--label", help="Label column [default: label, target, class or y]."),
    ] = None,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Rows read from the file.")
    ] = 1_000_000,
    max_mib: Annotated[
        int,
        typer.Option("--max-mib", min=1, help="MiB of row data read from the file."),
    ] = 256,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
) -> int:
    """Record a reference snapshot of a dataset (schema, row count, content hash, class
    balance, per-column distribution sketches) for `aisec data check --reference`.
    A snapshot is not anonymous: category values are unsalted digests that can be
    recovered by hashing guesses, and class labels and numeric quantiles are in clear;
    share it only with those who may see the data. Refuses to overwrite the dataset,
    and any existing OUTPUT unless --force."""
    from aisec.core.errors import AnalysisError
    from aisec.data.quality import snapshot_file
    from aisec.data.quality.output import check_output, write_atomically
    from aisec.data.quality.table import ReadCaps

    check_output(path, output, force=force)
    try:
        snap, notes = snapshot_file(
            path, label=label, caps=ReadCaps(max_rows=max_rows, max_bytes=max_mib * 1024 * 1024)
        )
    except AnalysisError as exc:
        _not_analysed(exc)
    write_atomically(output, json.dumps(snap, indent=1) + "\n")
    typer.echo(
        f"snapshot of {snap['source']['rows']} rows, {len(snap['columns'])} columns"
        f" written to {output}"
    )
    for note in notes:
        typer.echo(f"note: {note}")
    return 0


def _not_analysed(exc: AnalysisError) -> NoReturn:
    """Exit 3 (the input could not be analysed), not 2 (a usage error), with the message."""
    sys.stderr.write(f"aisec: error [{exc.code}]: {exc.message}\n")
    if exc.hint:
        sys.stderr.write(f"  hint: {exc.hint}\n")
    raise typer.Exit(3)


def _text(report: QualityReport) -> str:
    from aisec.report import printable

    lines = [
        f"{printable(report.path)}: {report.rows} rows, {len(report.columns)} columns,"
        f" label {printable(report.label or '-')}"
    ]
    for ind in report.indicators:
        mark = "FIRED" if ind.fired else "ok   "
        stat = ""
        if ind.statistic is not None:
            stat = f"; {ind.statistic.name} {ind.statistic.value:.4g}"
            if ind.statistic.p_value is not None:
                stat += f" (p={ind.statistic.p_value:.3g})"
        lines.append(f"  {mark} {ind.severity.label:<6} {ind.id}: {ind.count}/{ind.total}{stat}")
        if ind.fired and ind.rows:
            lines.append(f"        rows: {', '.join(map(str, ind.rows[:10]))}")
        lines += [f"        note: {printable(n)}" for n in ind.notes]
    lines += [f"  skipped {s.id}: {printable(s.reason)}" for s in report.skipped]
    lines += [f"  note: {printable(n)}" for n in report.notes]
    return "\n".join(lines)
