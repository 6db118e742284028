"""``aisec data anonymise`` and ``aisec data privacy-report``.

anonymise writes a new file with the rules applied (never the input) and, given
quasi-identifiers, reports k-anonymity and l-diversity before and after. privacy-report
measures a file as it is. Exit codes: 0 done and every target reached; 1 a --k or --l
target is not reached, or the output would break a promise (every row suppressed, keyed
pseudonyms colliding) and is not written; 2 bad rules, options or key; 3 an input that
cannot be read or parsed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.tables import OutputFormat

QiOption = Annotated[
    str | None,
    typer.Option("--quasi-identifiers", "--qi", metavar="COL,COL",
                 help="Columns that together could single a person out (age, zip, gender)."),
]  # fmt: skip
SensitiveOption = Annotated[
    str | None,
    typer.Option("--sensitive", metavar="COL,COL",
                 help="Sensitive columns whose l-diversity to measure (diagnosis)."),
]  # fmt: skip
KOption = Annotated[
    int | None, typer.Option("--k", min=1, help="The k-anonymity the result must reach.")
]
LOption = Annotated[
    int | None, typer.Option("--l", min=1, help="The distinct l-diversity it must reach.")
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]


class DataFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


InputFormatOption = Annotated[
    DataFormat | None,
    typer.Option("--input-format", help="The input's format [default: by suffix and content]."),
]


def anonymise(
    source: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV, Parquet or JSON lines.")],
    rules: Annotated[Path, typer.Option("--rules", "-r", help="Rules file (YAML or TOML).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The new, anonymised file.")],
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="File holding the HMAC key.")
    ] = None,
    key_env: Annotated[
        str, typer.Option("--key-env", help="Environment variable holding the HMAC key.")
    ] = "AISEC_ANONYMISE_KEY",
    quasi_identifiers: QiOption = None,
    sensitive: SensitiveOption = None,
    k: KOption = None,
    l_target: LOption = None,
    suppress_below_k: Annotated[
        bool, typer.Option("--suppress-below-k", help="Leave out rows whose class is below k.")
    ] = False,
    input_format: InputFormatOption = None,
    output_format: Annotated[
        DataFormat | None,
        typer.Option("--output-format", help="The output's format [default: the input's]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
    fmt: FormatOption = OutputFormat.console,
) -> int:
    """Write an anonymised copy of a dataset: columns dropped, masked, hashed with a key,
    pseudonymised, generalised, or scrubbed of personal data and secrets.

    The key for hash and pseudonym comes from --key-file or the AISEC_ANONYMISE_KEY
    variable, never from the rules. Exit codes: 0 done; 1 --k or --l not reached, or
    no output written because every row was suppressed or keyed values collided; 2 bad
    rules, options or key; 3 unreadable or malformed input.
    """
    from aisec.data.anonymise import anonymise_file, load_key, load_rules

    _check_targets(quasi_identifiers, sensitive, k, l_target)
    result = anonymise_file(
        source, output, load_rules(rules),
        key=load_key(key_file=key_file, key_env=key_env),
        input_format=_value(input_format), output_format=_value(output_format),
        quasi_identifiers=_columns(quasi_identifiers), sensitive=_columns(sensitive),
        k=k, suppress_below_k=suppress_below_k, force=force,
    )  # fmt: skip
    if fmt is OutputFormat.json:
        from aisec.cli.tables import print_json

        print_json(result.to_dict())
    else:
        _print_run(result)
    return _verdict(result.after, k, l_target)


def privacy_report(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="CSV, Parquet or JSON lines.")],
    quasi_identifiers: QiOption = None,
    sensitive: SensitiveOption = None,
    k: KOption = None,
    l_target: LOption = None,
    input_format: InputFormatOption = None,
    fmt: FormatOption = OutputFormat.console,
) -> int:
    """Measure a dataset's k-anonymity over quasi-identifiers and the l-diversity of its
    sensitive columns. Exit codes: 0 targets reached (or none given); 1 --k or --l not
    reached; 2 bad options; 3 unreadable or malformed input."""
    from aisec.core.errors import UsageError
    from aisec.data.anonymise import measure_file

    _check_targets(quasi_identifiers, sensitive, k, l_target)
    qis = _columns(quasi_identifiers)
    if not qis:
        raise UsageError("name the quasi-identifiers", hint="--quasi-identifiers age,zip,gender")
    report = measure_file(source, qis, _columns(sensitive), k=k, input_format=_value(input_format))
    if fmt is OutputFormat.json:
        from aisec.cli.tables import print_json

        print_json(report.to_dict())
    else:
        _print_privacy([("measured", report)])
    return _verdict(report, k, l_target)


def _check_targets(
    qis: str | None, sensitive: str | None, k: int | None, l_target: int | None
) -> None:
    """A target that nothing measures would pass silently: refuse it."""
    from aisec.core.errors import UsageError

    if k is not None and not _columns(qis):
        raise UsageError("--k needs the quasi-identifiers to measure", hint="add --qi COL,COL")
    if l_target is not None and not _columns(sensitive):
        raise UsageError("--l needs the sensitive columns to measure", hint="add --sensitive COL")
    if l_target is not None and not _columns(qis):
        raise UsageError("--l needs the quasi-identifiers to measure", hint="add --qi COL,COL")


def _value(fmt: DataFormat | None) -> str | None:
    return None if fmt is None else fmt.value


def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _verdict(report: Any, k: int | None, l_target: int | None) -> int:
    if report is None:
        return 0
    if k is not None and report.k_anonymity.reached is False:
        return 1
    distinct = [d.distinct_l for d in report.l_diversity if d.distinct_l is not None]
    return 1 if l_target is not None and distinct and min(distinct) < l_target else 0


def _print_run(result: Any) -> None:
    from aisec.cli.tables import console, print_table
    from aisec.report import printable

    # soft_wrap: a long path must not split the summary line across lines
    console().print(
        printable(
            f"{result.input} ({result.input_format}) -> {result.output} ({result.output_format}):"
            f" {result.rows_in} rows in, {result.rows_out} written, {result.suppressed} suppressed"
        ),
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    rows = [
        (c.column, c.action, c.changed, c.nulled, "" if c.distinct_in is None else c.collisions)
        for c in result.columns
    ]
    print_table("Columns", ("column", "action", "changed", "nulled", "collisions"), rows)
    if result.before is not None:
        _print_privacy([("before", result.before), ("after", result.after)])


def _print_privacy(reports: list[tuple[str, Any]]) -> None:
    from aisec.cli.tables import print_table

    first = reports[0][1]
    target = first.k_anonymity.target
    lines: list[tuple[Any, ...]] = [
        ("k (smallest class)", *(r.k_anonymity.k for _, r in reports)),
        ("equivalence classes", *(r.k_anonymity.classes for _, r in reports)),
        ("rows", *(r.k_anonymity.rows for _, r in reports)),
    ]
    if target is not None:
        lines.append((f"rows in classes below k={target}",
                      *(r.k_anonymity.rows_below for _, r in reports)))  # fmt: skip
        lines.append((f"k={target} reached", *(r.k_anonymity.reached for _, r in reports)))
    for column in (d.column for d in first.l_diversity):
        lines.append((f"distinct l ({column})", *(_l(r, column, "distinct_l") for _, r in reports)))
        lines.append((f"entropy l ({column})", *(_l(r, column, "entropy_l") for _, r in reports)))
        lines.append((f"nulls left out ({column})", *(_l(r, column, "nulls") for _, r in reports)))
    title = "Privacy over " + ", ".join(first.quasi_identifiers)
    absent = reports[-1][1].absent
    if absent:
        title += " (not in the output: " + ", ".join(absent) + ")"
    print_table(title, ("measure", *(name for name, _ in reports)), lines)


def _l(report: Any, column: str, field: str) -> Any:
    for diversity in report.l_diversity:
        if diversity.column == column:
            value = getattr(diversity, field)
            return round(value, 3) if isinstance(value, float) else value
    return None  # the column is not in the output
