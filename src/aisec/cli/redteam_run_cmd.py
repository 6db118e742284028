"""``aisec redteam run`` and ``aisec redteam probes``: attack an LLM application with the
probe families, and list them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.options import RecordDatabaseOption, RecordOption, SeverityName
from aisec.cli.scan_cmd import SystemOption
from aisec.cli.test_cmd import _extra_outputs, _write
from aisec.core.errors import UsageError

FORMATS = ("console", "json", "html", "junit", "sarif")
JOURNALS = Path(".aisec/redteam")  # one journal per campaign, named by its key


def run(
    target: Annotated[
        Path | None,
        typer.Option(help="The target described in a YAML file (docs/redteam.md#targets)."),
    ] = None,
    openai: Annotated[
        str | None,
        typer.Option(help="An OpenAI-compatible base URL, e.g. http://127.0.0.1:8500/v1."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="The model name for --openai.")] = None,
    api_key_env: Annotated[
        str | None, typer.Option(help="--openai: the environment variable holding the key.")
    ] = None,
    python: Annotated[
        str | None,
        typer.Option(
            "--callable",
            metavar="MODULE:FUNCTION",
            help="A Python function (messages, tools) -> answer, as the target.",
        ),
    ] = None,
    probe: Annotated[
        list[str] | None,
        typer.Option("--probe", help="A probe family (repeatable) [default: all of them]."),
    ] = None,
    rewrite: Annotated[
        list[str] | None,
        typer.Option(
            "--rewrite",
            help="Also send every attack rewritten by this evasive family (repeatable): "
            "base64, hex, rot13, homoglyph, zero_width, casing, spacing, leetspeak, "
            "payload_split, instruction_wrap.",
        ),
    ] = None,
    variants: Annotated[
        int | None, typer.Option(min=1, help="At most this many attacks per probe family.")
    ] = None,
    canary: Annotated[
        list[str] | None,
        typer.Option(
            "--canary",
            help="A secret or personal datum planted in the application, which it must never "
            "reveal (repeatable).",
        ),
    ] = None,
    canaries: Annotated[
        Path | None,
        typer.Option(help="A JSON file of planted canaries (what serve-target --canaries writes)."),
    ] = None,
    no_tools: Annotated[
        bool, typer.Option("--no-tools", help="The target takes no tool definitions.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the attacks: same seed, same attacks.")] = 0,
    trust: Annotated[
        bool,
        typer.Option(help="Allow a --target file to name Python code to import (kind: callable)."),
    ] = False,
    rate: Annotated[
        float | None, typer.Option(min=0.01, help="At most this many requests a second.")
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=256, help="Requests in flight [default: the target's, or 4]."),
    ] = None,
    max_requests: Annotated[
        int | None, typer.Option(min=1, help="Budget: requests sent (cached answers are free).")
    ] = None,
    max_tokens: Annotated[int | None, typer.Option(min=1, help="Budget: tokens.")] = None,
    max_cost: Annotated[
        float | None, typer.Option(min=0.0, help="Budget: cost, at the target's prices.")
    ] = None,
    cache: Annotated[
        bool,
        typer.Option("--cache/--no-cache", help="Reuse answers to identical requests on reruns."),
    ] = True,
    journal: Annotated[
        Path | None,
        typer.Option(
            help="Journal file: an interrupted run resumes from it [default: under .aisec/]."
        ),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Start over instead of resuming the journal.")
    ] = False,
    replay: Annotated[
        Path | None,
        typer.Option(
            help="Regression mode: re-run the successful attacks of this earlier JSON report "
            "against the target."
        ),
    ] = None,
    judge_url: Annotated[
        str | None,
        typer.Option(
            help="An LLM judge (OpenAI-compatible base URL) deciding jailbreak and multi-turn "
            "success instead of the refusal heuristic."
        ),
    ] = None,
    judge_model: Annotated[str | None, typer.Option(help="The judge's model name.")] = None,
    judge_key_env: Annotated[
        str | None, typer.Option(help="The environment variable holding the judge's key.")
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Highest attack success rate a family may show and pass."
        ),
    ] = 0.0,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"Report format: {', '.join(FORMATS)}.")
    ] = "console",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    also: Annotated[
        list[str] | None,
        typer.Option("--also", metavar="FORMAT=FILE", help="Another report (repeatable)."),
    ] = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option("--fail-on", help="Exit 1 on findings at or above this [default: high]."),
    ] = None,
    record: RecordOption = None,
    database: RecordDatabaseOption = None,
    system: SystemOption = None,
) -> int:
    """Attack an LLM application: prompt injection (direct and indirect), jailbreaks,
    system-prompt extraction, sensitive-data leakage, improper output handling, excessive
    agency and unbounded consumption, with multi-turn attacks and evasive rewrites. The
    report gives the attack success rate per family and per OWASP LLM risk, with the
    transcripts of the most effective attacks.

    Exit codes: 0 no family above --tolerance, 1 findings at or above --fail-on, 2 usage
    or configuration error, 3 the campaign is incomplete (attacks not run, or a family
    none of whose attacks could be decided) and nothing worse was found.
    """
    from aisec.core.settings import load_settings
    from aisec.core.severity import Severity
    from aisec.llm.probes.base import ProbeContext
    from aisec.llm.results import Options
    from aisec.llm.target_config import TargetOptions, build_target, read_canaries
    from aisec.services import redteaming

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    extra = _extra_outputs(also or [], FORMATS[1:])
    settings = load_settings({"record_runs": True if system and record is None else record})
    built = build_target(TargetOptions(
        file=target, openai=openai, model=model, api_key_env=api_key_env, callable=python,
        rate=rate, concurrency=concurrency, max_requests=max_requests, max_tokens=max_tokens,
        max_cost=max_cost, cache=cache, seed=seed, trust=trust,
    ))  # fmt: skip
    planted = tuple(dict.fromkeys([*built.canaries, *read_canaries(canaries), *(canary or [])]))
    context = ProbeContext(seed=seed, canaries=planted, tools=built.tools and not no_tools)
    _check_rewrites(rewrite or [])
    spec = redteaming.RedteamSpec(
        target=built.target, probes=redteaming.select_probes(probe or [], variants),
        context=context, rewrites=tuple(rewrite or []),
        concurrency=built.target.policy.concurrency,
        journal=journal, journal_dir=JOURNALS, fresh=fresh, replay=replay,
        options=Options(tolerance=tolerance), judge=_judge(judge_url, judge_model, judge_key_env),
    )  # fmt: skip
    report = redteaming.redteam(spec, progress=_progress())
    sys.stderr.write("\n" if sys.stderr.isatty() else "")
    from aisec.report import printable

    for warning in report.run.warnings:
        sys.stderr.write(f"aisec: warning: {printable(warning)}\n")
    for error in report.run.errors:
        sys.stderr.write(f"aisec: error: {printable(error)}\n")
    verdict = Severity.parse(fail_on.value) if fail_on else Severity.HIGH
    out = _render(report, fmt, verdict, to_terminal=output is None)
    for extra_fmt, extra_file in extra:
        _write(extra_file, _render(report, extra_fmt, verdict, to_terminal=False))
    if output is not None:
        _write(output, out)
    else:
        sys.stdout.write(out)
    code = redteaming.exit_code(report, verdict)
    from aisec.cli.scan_cmd import record_after_report

    record_after_report(report.run, settings, code, database, system)
    return code


def probes() -> int:
    """List the probe families, their OWASP LLM Top 10 and MITRE ATLAS ids, and the
    detectors that decide their success."""
    from aisec.services.redteaming import registered_probes

    for probe in registered_probes():
        kind = type(probe)
        refs = ", ".join(kind.refs)
        sys.stdout.write(f"{kind.family:24} {kind.id:34} {kind.severity.label:8} {refs}\n")
        sys.stdout.write(f"{'':24} detectors: {', '.join(kind.detectors)}\n")
    return 0


def _judge(url: str | None, model: str | None, key_env: str | None) -> dict[str, Any] | None:
    if url is None:
        if model or key_env:
            raise UsageError("--judge-model and --judge-key-env need --judge-url")
        return None
    if not model:
        raise UsageError("--judge-url needs --judge-model NAME")
    return {"url": url, "model": model, "api_key_env": key_env}


def _check_rewrites(families: list[str]) -> None:
    from aisec.validation.rewrites import FAMILIES

    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise UsageError(f"--rewrite {unknown[0]!r}: the families are {', '.join(FAMILIES)}")


def _render(report: Any, fmt: str, verdict: Any, *, to_terminal: bool) -> str:
    if fmt == "sarif":
        from aisec.llm.probes.base import probe_classes
        from aisec.report.render import render

        return render(report.run, "sarif", fail_on=verdict, rules=probe_classes())
    from aisec.cli.test_cmd import _render as render_plan

    out: str = render_plan(report, fmt, to_terminal=to_terminal)
    if fmt == "console":
        from aisec.report.redteam_console import render_redteam_summary

        out = render_redteam_summary(report) + out
    return out


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    count = {"done": 0, "hits": 0}

    def tick(result: Any) -> None:
        count["done"] += 1
        count["hits"] += 1 if result.success else 0
        sys.stderr.write(f"\raisec: {count['done']} attacks sent, {count['hits']} succeeded")
        sys.stderr.flush()

    return tick
