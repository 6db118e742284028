"""``aisec validate``: how good is a security detector, really, and does it stay good?"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.options import RecordDatabaseOption, RecordOption, SeverityName
from aisec.cli.scan_cmd import SystemOption
from aisec.cli.test_cmd import (
    AlsoOption,
    FormatOption,
    OutputOption,
    PlanFormat,
    _extra_outputs,
    _render,
    _write,
)
from aisec.core.errors import InputError, UsageError

_REQUIRE = re.compile(
    r"^\s*(?P<metric>[a-z_]+)(?:\[(?P<where>[^\]]*)\])?\s*(?P<op>>=|<=)\s*(?P<value>[-+0-9.eE]+)"
    r"\s*(?:on\s+(?P<on>value|ci_low|ci_high))?\s*$"
)


def validate(
    data: Annotated[
        Path, typer.Argument(help="Labelled data: CSV, Parquet or JSON lines.", show_default=False)
    ],
    label: Annotated[str, typer.Option("--label", help="The column saying malicious or not.")],
    positive: Annotated[
        str | None,
        typer.Option(help="The label value meaning malicious [default: 1/true/malicious]."),
    ] = None,
    scores: Annotated[
        list[str] | None,
        typer.Option(
            "--scores",
            help="A column holding a detector's scores, higher = more malicious (repeatable: "
            "several detectors side by side).",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="A tabular detector's model file (.onnx; .joblib/.pkl with --trust), scanned "
            "(and its signature verified where required) before it is loaded."
        ),
    ] = None,
    features: Annotated[
        str | None,
        typer.Option(help="Feature columns for --model, comma-separated [default: all others]."),
    ] = None,
    model_positive: Annotated[
        str | None,
        typer.Option(help="The model's class meaning malicious [default: its last class]."),
    ] = None,
    trust: Annotated[
        bool, typer.Option(help="Allow a pickled model to load, after a clean scan.")
    ] = False,
    detector: Annotated[
        str | None,
        typer.Option(help="A detector shipped with aisec, on --text: prompt-injection."),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="The text column for --detector and text --recipe.")
    ] = None,
    train: Annotated[
        list[Path] | None,
        typer.Option(
            "--train",
            help="Train on this labelled file (same --label), test on DATA: the "
            "generalisation test (repeatable; with --recipe).",
        ),
    ] = None,
    recipe: Annotated[
        list[str] | None,
        typer.Option(
            "--recipe",
            help="What --train fits (repeatable): logistic-regression, random-forest, "
            "gradient-boosting, isolation-forest (on --features); prompt-injection, "
            "tfidf-logistic (on --text).",
        ),
    ] = None,
    python: Annotated[
        str | None,
        typer.Option(
            "--callable",
            metavar="MODULE:FUNCTION",
            help="A Python function (module:function or file.py:function) called with a "
            "DataFrame of the --inputs columns, answering one score per row.",
        ),
    ] = None,
    command: Annotated[
        str | None,
        typer.Option(
            help="A command (no shell) reading one JSON object per line on stdin (the "
            "--inputs columns) and printing one score per line."
        ),
    ] = None,
    http: Annotated[
        str | None,
        typer.Option(
            help='A detector endpoint: POST {"inputs": [record, ...]} (the --inputs '
            'columns), answered with {"scores": [...]}.'
        ),
    ] = None,
    http_header: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME=VARIABLE",
            help="--http: a header whose value is read from an environment variable "
            "(repeatable), e.g. Authorization=DETECTOR_TOKEN.",
        ),
    ] = None,
    inputs: Annotated[
        str | None, typer.Option(help="Columns sent to --command or --http, comma-separated.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Attack-category column: detection per category.")
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option("--time", help="Time column (seconds, or dates): rates per time window."),
    ] = None,
    time_unit: Annotated[
        str,
        typer.Option(help="What a numeric --time counts: s, ms, us or ns (dates need none)."),
    ] = "s",
    windows: Annotated[
        int | None, typer.Option(min=2, help="Time windows of equal row counts.")
    ] = None,
    window_seconds: Annotated[
        float | None, typer.Option(help="Time windows of this many seconds (86400: days).")
    ] = None,
    fpr: Annotated[
        list[float] | None,
        typer.Option("--fpr", help="Operating false-positive rates [default: 0.01 and 0.001]."),
    ] = None,
    alerts_per_day: Annotated[
        float | None, typer.Option(help="Alert budget: precision at this many alerts a day …")
    ] = None,
    requests_per_day: Annotated[
        float | None, typer.Option(help="… given this much traffic a day.")
    ] = None,
    prevalence: Annotated[
        float | None,
        typer.Option(help="Share of malicious traffic in production [default: the data's]."),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(min=0, max=100_000, help="Bootstrap resamples for the intervals.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    rewrites: Annotated[
        bool,
        typer.Option(
            "--rewrites",
            help="Text detectors: rewrite the attacks they catch (encodings, homoglyphs, "
            "zero-width characters, spacing, leetspeak, splitting, wrapping) and measure "
            "the evasion rate per family.",
        ),
    ] = False,
    evasion: Annotated[
        bool,
        typer.Option(
            "--evasion",
            help="Model-file detectors: attack the caught malicious rows (square attack, "
            "scores only) within --epsilon of each feature's range, and measure how many "
            "get past the threshold.",
        ),
    ] = False,
    immutable: Annotated[
        str | None, typer.Option(help="--evasion: features the attacker cannot change.")
    ] = None,
    increase_only: Annotated[
        str | None, typer.Option(help="--evasion: features that can only grow.")
    ] = None,
    decrease_only: Annotated[
        str | None, typer.Option(help="--evasion: features that can only shrink.")
    ] = None,
    epsilon: Annotated[
        list[float] | None,
        typer.Option(
            help="--evasion: budgets as a share of each feature's range [default: 0.05, 0.1, 0.2]."
        ),
    ] = None,
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            metavar="METRIC[WHERE]>=VALUE",
            help="A policy threshold (repeatable), e.g. 'detection_rate[fpr=0.01]>=0.8 on "
            "ci_low' or 'ece<=0.05'. Not met: a finding.",
        ),
    ] = None,
    fmt: FormatOption = PlanFormat.console,
    output: OutputOption = None,
    also: AlsoOption = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option("--fail-on", help="Exit 1 on findings at or above this [default: high]."),
    ] = None,
    record: RecordOption = None,
    database: RecordDatabaseOption = None,
    system: SystemOption = None,
) -> int:
    """Validate a security detector on labelled data: detection rate at fixed
    false-positive rates, precision at an alert budget, ROC/PR curves, calibration and
    per-category detection with bootstrap intervals; rates over time windows with a
    degradation test.

    Exit codes: 0 every requirement met, 1 findings at or above --fail-on, 2 usage or
    input error.
    """
    from aisec.core.settings import load_settings
    from aisec.core.severity import Severity
    from aisec.services import validating
    from aisec.validation.evaluate import DEFAULT_FPRS, Options
    from aisec.validation.tabular_evasion import DEFAULT_EPSILONS

    if not data.is_file():
        raise InputError(f"no such data file: {data}", hint="check the path")
    extra = _extra_outputs(also or [])
    settings = load_settings({"record_runs": True if system and record is None else record})
    try:
        options = Options(
            fprs=tuple(fpr or DEFAULT_FPRS), alerts_per_day=alerts_per_day,
            requests_per_day=requests_per_day, prevalence=prevalence, n_boot=bootstrap,
            seed=seed,
        )  # fmt: skip
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    time_spec = _time_spec(time_column, windows, window_seconds, time_unit)
    sources = _sources(data, scores or [], model, features, model_positive, trust, detector,
                       text, command, inputs, label, category, time_column, settings)  # fmt: skip
    if http is not None:
        sources.append(_http_source(http, inputs, http_header or []))
    if python is not None:
        sources.append(_callable_source(python, inputs))
    taken = [label, category, time_column, *(scores or [])]
    sources += _trained_sources(train or [], recipe or [], data, label, positive, features,
                                text, taken, seed)  # fmt: skip
    if not sources:
        raise UsageError(
            "nothing to validate: give --scores COLUMN, --model FILE, --detector NAME, "
            "--command CMD, --http URL, --callable MODULE:FUNCTION or --train FILE"
        )
    spec = validating.ValidationSpec(
        data=data, label=label, positive=positive, sources=sources, category=category,
        time=time_spec, options=options, thresholds=[parse_requirement(r) for r in require or []],
        rewrites=rewrites, evasion=_constraints(evasion, immutable, increase_only, decrease_only),
        epsilons=tuple(epsilon or DEFAULT_EPSILONS),
    )  # fmt: skip
    try:
        report = validating.validate(spec)
    except ValueError as exc:  # the metrics' own refusals (one class only, ...)
        raise InputError(f"{data}: {exc}") from None
    from aisec.report import printable

    for warning in report.run.warnings:
        sys.stderr.write(f"aisec: warning: {printable(warning)}\n")
    out = _render(report, fmt.value, to_terminal=output is None)
    if fmt is PlanFormat.console:
        from aisec.report.validation_console import render_validation_summary

        out = render_validation_summary(report) + out
    for extra_fmt, extra_file in extra:
        _write(extra_file, _render(report, extra_fmt, to_terminal=False))
    if output is not None:
        _write(output, out)
    else:
        sys.stdout.write(out)
    code = validating.exit_code(report, Severity.parse(fail_on.value) if fail_on else None)
    from aisec.cli.scan_cmd import record_after_report

    record_after_report(report.run, settings, code, database, system)
    return code


def _sources(
    data: Path, scores: list[str], model: Path | None, features: str | None,
    model_positive: str | None, trust: bool, detector: str | None, text: str | None,
    command: str | None, inputs: str | None, label: str, category: str | None,
    time_column: str | None, settings: Any,
) -> list[Any]:  # fmt: skip
    from aisec.validation import sources as src

    found: list[Any] = [src.ColumnScores(column) for column in scores]
    if model is not None:
        taken = [label, category, time_column, *scores]
        columns = _split(features) if features else _other_columns(data, taken)
        found.append(src.ModelScores(model, columns, model_positive, trust, settings))
    if detector is not None:
        if detector != "prompt-injection":
            raise UsageError(f"--detector {detector!r}: the detectors are: prompt-injection")
        if text is None:
            raise UsageError("--detector prompt-injection needs --text COLUMN")
        found.append(src.PromptInjectionScores(text))
    if command is not None:
        if not inputs:
            raise UsageError("--command needs --inputs COLUMNS")
        found.append(src.CommandScores(command, _split(inputs)))
    return found


def _callable_source(spec: str, inputs: str | None) -> Any:
    from aisec.validation.callable_source import CallableScores

    if not inputs:
        raise UsageError("--callable needs --inputs COLUMNS")
    return CallableScores(spec, _split(inputs))


def _trained_sources(
    train: list[Path], recipes: list[str], data: Path, label: str, positive: str | None,
    features: str | None, text: str | None, taken: list[str | None], seed: int,
) -> list[Any]:  # fmt: skip
    from aisec.validation.recipes import RECIPES
    from aisec.validation.trained import TrainedScores

    if not train:
        if recipes:
            raise UsageError("--recipe needs --train FILE")
        return []
    if not recipes:
        raise UsageError(f"--train needs --recipe NAME: one of {', '.join(RECIPES)}")
    unknown = [r for r in recipes if r not in RECIPES]
    if unknown:
        raise UsageError(f"--recipe {unknown[0]!r}: the recipes are {', '.join(RECIPES)}")
    tabular = any(RECIPES[r].kind == "tabular" for r in recipes)
    columns = []
    if tabular:
        columns = _split(features) if features else _other_columns(data, [*taken, text])
    # Two training files of one name in different folders: named by their paths, else
    # their measurements would merge under one detector name.
    plain = [p.name for p in train]
    return [
        TrainedScores(r, path, label, positive, features=columns, text=text, seed=seed,
                      name=f"{r} trained on {path.name if plain.count(path.name) == 1 else path}")
        for path in train
        for r in recipes
    ]  # fmt: skip


def _time_spec(column: str | None, windows: int | None, seconds: float | None, unit: str) -> Any:
    from aisec.services.validating import TIME_UNITS, TimeSpec

    if column is None:
        if windows is not None or seconds is not None:
            raise UsageError("--windows and --window-seconds need --time COLUMN")
        return None
    if (windows is None) == (seconds is None):
        raise UsageError("--time needs --windows N or --window-seconds S (one of them)")
    if unit not in TIME_UNITS:
        raise UsageError(f"--time-unit {unit!r}: expected one of {', '.join(TIME_UNITS)}")
    return TimeSpec(column, windows, seconds, unit=unit)


def _http_source(url: str, inputs: str | None, headers: list[str]) -> Any:
    from aisec.validation.sources import HttpScores

    if not inputs:
        raise UsageError("--http needs --inputs COLUMNS")
    named = {}
    for spec in headers:
        name, sep, variable = spec.partition("=")
        if not sep or not name.strip() or not variable.strip():
            raise UsageError(f"--http-header {spec!r}: expected NAME=VARIABLE")
        named[name.strip()] = variable.strip()
    return HttpScores(url, _split(inputs), named)


def _constraints(
    evasion: bool, immutable: str | None, increase: str | None, decrease: str | None
) -> Any:
    from aisec.validation.tabular_evasion import Constraints

    if not evasion:
        if immutable or increase or decrease:
            raise UsageError("--immutable, --increase-only and --decrease-only need --evasion")
        return None
    return Constraints(tuple(_split(immutable or "")), tuple(_split(increase or "")),
                       tuple(_split(decrease or "")))  # fmt: skip


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _other_columns(data: Path, exclude: list[str | None]) -> list[str]:
    from aisec.data.quality.table import ReadCaps, read_table

    head = read_table(data, caps=ReadCaps(max_rows=1)).frame
    return [str(c) for c in head.columns if c not in exclude]


NUMERIC_KEYS = frozenset({"fpr", "alerts_per_day", "window"})


def _where_value(key: str, value: str, text: str) -> Any:
    """Numbers where the measurements hold numbers; names (category, family) as text, so
    that category 1 matches the category written "1"."""
    if key not in NUMERIC_KEYS:
        return value
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"--require {text!r}: {key}={value!r} is not a number") from None


def parse_requirement(text: str) -> Any:
    """``metric[key=value, ...] >= number [on value|ci_low|ci_high]`` as a threshold."""
    from aisec.assurance.plans.spec import Threshold

    match = _REQUIRE.match(text)
    if match is None:
        raise UsageError(
            f"--require {text!r}: expected METRIC[KEY=VALUE,...]>=NUMBER or <=NUMBER, "
            "optionally followed by 'on ci_low' or 'on ci_high'"
        )
    where: dict[str, Any] = {}
    for part in _split(match["where"] or ""):
        key, sep, value = part.partition("=")
        if not sep:
            raise UsageError(f"--require {text!r}: {part!r} is not KEY=VALUE")
        where[key.strip()] = _where_value(key.strip(), value.strip(), text)
    try:
        bound = float(match["value"])
    except ValueError:
        raise UsageError(f"--require {text!r}: {match['value']!r} is not a number") from None
    op = match["op"]
    return Threshold(
        metric=match["metric"], where=where, min=bound if op == ">=" else None,
        max=bound if op == "<=" else None, judge_on=match["on"] or "value",
    )  # fmt: skip
