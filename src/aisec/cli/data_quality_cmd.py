"""``aisec data check`` and ``aisec data snapshot``: poisoning and quality indicators.

``check`` makes a run (kind ``data-check``): each indicator that fired is a finding of
its ``data.quality.*`` check, rendered like ``aisec scan``'s report and recorded in the
store like a scan (``--record``, ``--database``, ``--system``). The console report keeps
the list of every indicator, fired or not, with its statistic, ahead of the findings;
JSON is the run's report with the indicators under ``quality``.

Exit codes of ``check``: 0 no finding at or above ``--fail-on``; 1 one or more;
2 usage or configuration error (a missing path, a bad option); 3 an input could not be
analysed (a malformed or unreadable dataset or snapshot, a line over the byte cap).
``snapshot`` exits 0, 2 or 3 alike.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from aisec.cli.options import Format, RecordDatabaseOption, RecordOption, SeverityName

if TYPE_CHECKING:
    from aisec.core.errors import AnalysisError
    from aisec.core.settings import Settings
    from aisec.data.quality import QualityReport
    from aisec.services.data_checking import DataCheck

SystemOption = Annotated[
    str | None,
    typer.Option(
        "--system",
        metavar="NAME",
        help="Link the recorded run to this AI system of the inventory (implies --record).",
    ),
]


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
        SeverityName | None,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above this severity [default: high]."
        ),
    ] = None,
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
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    record: RecordOption = None,
    database: RecordDatabaseOption = None,
    system: SystemOption = None,
) -> int:
    """Check training data for poisoning and quality problems: duplicates and near
    duplicates with conflicting labels, label issues, outliers, label leakage, trigger
    phrases, train/test overlap, and shifts against a reference. Each indicator that
    fires is a finding of its data.quality check. Exit 1 on findings at or above
    --fail-on; 2 on a usage error, 3 when an input cannot be analysed."""
    from aisec.core.settings import load_settings
    from aisec.data.quality import CheckOptions
    from aisec.services.data_checking import check_data

    overrides: dict[str, Any] = {
        "fail_on": fail_on.value if fail_on else None,
        # --system asks for the run as evidence: it is recorded unless --no-record says not.
        "record_runs": True if system and record is None else record,
    }
    settings = load_settings(overrides)
    options = CheckOptions(
        label=label,
        sample_cap=sample_cap,
        max_rows=max_rows,
        max_bytes=max_mib * 1024 * 1024,
        max_line_bytes=max_line_kib * 1024,
        seed=seed,
    )
    done = check_data(train, test=test, reference=reference, options=options, settings=settings)
    for error in done.run.errors:
        sys.stderr.write(f"aisec: error {error}\n")
    _write(_render(done, fmt.value, settings, to_terminal=output is None), output)
    if output is not None and fmt is not Format.console:
        typer.echo(_render(done, "console", settings, to_terminal=False), nl=False, err=True)
    code = done.run.exit_code(settings.fail_on)
    from aisec.cli.scan_cmd import record_after_report

    record_after_report(done.run, settings, code, database, system)
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


def _render(done: DataCheck, fmt: str, settings: Settings, *, to_terminal: bool) -> str:
    from aisec.cli.scan_cmd import render_report
    from aisec.core.registry import default_registry

    rules = default_registry().enabled()
    text = render_report(done.run, fmt, settings.fail_on, rules, to_terminal=to_terminal)
    if fmt == "json":
        from aisec.report.json_report import jsonable, report_dict

        data = report_dict(done.run, settings.fail_on)
        data["quality"] = jsonable(done.report.to_dict()) if done.report else None
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "console" and done.report is not None:
        return _text(done.report) + "\n\n" + text
    return text


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from aisec.core.errors import InputError

    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {output}: {exc.strerror}", hint="check the directory"
        ) from None


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
