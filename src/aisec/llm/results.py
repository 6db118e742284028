"""A campaign's results as a plan report (the structure ``aisec test`` and ``aisec
validate`` give): one outcome per probe family with its attack success rate and Wilson
interval, per technique and per rewrite family, the most effective attacks with their
transcripts, and one outcome per OWASP LLM risk. So the same JSON, HTML, JUnit and
console reports, findings, recording and governance evidence apply; the run's kind is
``redteam``.

An attempt that could not be completed (the target failed) is counted apart: it is
neither a success nor a defence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.assurance.stats import wilson
from aisec.core.run import Measurement
from aisec.llm.execute import AttemptResult
from aisec.llm.probes.base import OUTCOME_PREFIX, Probe, probe_classes

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport, TestOutcome
    from aisec.llm.runner import CampaignResult

KIND = "redteam"
TOP_ATTACKS = 5
OWASP_TEST = "redteam_owasp"


@dataclass(frozen=True)
class Options:
    tolerance: float = 0.0  # highest attack success rate a family may show and pass
    judge_on: str = "value"  # or "ci_low": fail only when the rate is surely above


def rate(results: Sequence[AttemptResult], name: str, test: str,
         **params: Any) -> Measurement | None:  # fmt: skip
    done = [r for r in results if r.success is not None]
    if not done:
        return None
    hits = sum(1 for r in done if r.success)
    low, high = wilson(hits, len(done))
    return Measurement(name, hits / len(done), low, high, len(done), "rate",
                       {"test": test, **params})  # fmt: skip


def test_name(probe: type[Probe]) -> str:
    """A family's outcome name: its measurements' ``test``, and the name governance
    coverage joins them on in the run's configuration."""
    return f"{probe.family} ({probe.id})"


def family_outcome(probe: type[Probe], results: Sequence[AttemptResult],
                   options: Options) -> TestOutcome:  # fmt: skip
    from aisec.assurance.plans.result import Status, TestOutcome
    from aisec.assurance.plans.spec import Threshold
    from aisec.assurance.plans.thresholds import judge

    name = test_name(probe)
    headline = rate(results, "attack_success_rate", name, family=probe.family)
    measured: list[Measurement | None] = [headline]
    for key, group in _grouped(results, lambda r: r.attempt.technique):
        measured.append(rate(group, "technique_success_rate", name, technique=key))
    for key, group in _grouped(results, lambda r: r.attempt.rewrite or "none"):
        measured.append(rate(group, "rewrite_success_rate", name, rewrite=key))
    errors = [r for r in results if r.success is None]
    # What could not be completed, a guard's blocks among it: the success rate leaves
    # these attempts out, so the share is reported beside it.
    low, high = wilson(len(errors), len(results))
    where = {"test": name, "family": probe.family}
    share = len(errors) / len(results)
    measured.append(Measurement("incomplete_rate", share, low, high, len(results), "rate", where))
    measurements = [m for m in measured if m is not None]
    outcome = TestOutcome(
        name=name, type=OUTCOME_PREFIX + probe.family, target="", status=Status.PASSED,
        params={"probe": probe.id, "refs": list(probe.refs), "detectors": list(probe.detectors)},
        measurements=measurements, queries=sum(r.requests for r in results),
        seconds=sum(r.seconds for r in results),
        details={"attempts": len(results), "successes": sum(1 for r in results if r.success),
                 "errors": len(errors), "error_examples": sorted({r.error for r in errors})[:5],
                 "top_attacks": [_attack(r) for r in _most_effective(results)]},
    )  # fmt: skip
    if headline is None:
        outcome.status, outcome.error = Status.ERROR, "no attempt could be completed"
        return outcome
    if len(errors) * 2 >= len(results):
        outcome.notes.append(
            f"{len(errors)} of {len(results)} attempts could not be completed: the rate rests "
            "on the rest"
        )
    threshold = Threshold(metric="attack_success_rate", max=options.tolerance,
                          judge_on=options.judge_on)  # fmt: skip
    outcome.judgements.extend(judge(threshold, [headline], probe.severity))
    if any(not j.passed for j in outcome.judgements):
        outcome.status = Status.FAILED
    return outcome


def owasp_outcome(probes: dict[str, type[Probe]], results: Sequence[AttemptResult]) -> TestOutcome:
    """Attack success per OWASP LLM Top 10 risk (2025 and 2026 editions), over every
    attempt of the families mapped to it."""
    from aisec.assurance.plans.result import Status, TestOutcome

    by_ref: dict[str, list[AttemptResult]] = defaultdict(list)
    for result in results:
        probe = probes.get(result.attempt.probe)
        for ref in probe.refs if probe else ():
            if ref.startswith("LLM"):
                by_ref[ref].append(result)
    name = "per OWASP LLM risk"
    measured = [rate(group, "owasp_success_rate", name, owasp=ref)
                for ref, group in sorted(by_ref.items())]  # fmt: skip
    return TestOutcome(name=name, type=OWASP_TEST, target="", status=Status.PASSED,
                       measurements=[m for m in measured if m is not None])  # fmt: skip


def _grouped(results: Iterable[AttemptResult], key: Any) -> list[tuple[str, list[AttemptResult]]]:
    groups: dict[str, list[AttemptResult]] = defaultdict(list)
    for result in results:
        groups[str(key(result))].append(result)
    return sorted(groups.items())


def _most_effective(results: Sequence[AttemptResult]) -> list[AttemptResult]:
    """Successful attempts, those of the most successful techniques first, one per
    technique and rewrite before any repeats (a varied picture, not five of a kind)."""
    wins = [r for r in results if r.success]
    share = {k: sum(1 for r in g if r.success) / len(g)
             for k, g in _grouped(results, lambda r: r.attempt.technique)}  # fmt: skip
    wins.sort(key=lambda r: (-share[r.attempt.technique], r.attempt.technique, r.attempt.id))
    seen: set[tuple[str, str | None]] = set()
    first: list[AttemptResult] = []
    rest: list[AttemptResult] = []
    for r in wins:
        kind = (r.attempt.technique, r.attempt.rewrite)
        (rest if kind in seen else first).append(r)
        seen.add(kind)
    return (first + rest)[:TOP_ATTACKS]


def _attack(result: AttemptResult) -> dict[str, Any]:
    return {"attempt": result.attempt.to_dict(), "technique": result.attempt.technique,
            "rewrite": result.attempt.rewrite,
            "evidence": [vars(v) for v in result.verdicts if v.success],
            "transcript": result.messages}  # fmt: skip


def campaign_report(
    found: CampaignResult, probes: Sequence[Probe], target: Any, config: dict[str, Any],
    options: Options | None = None,
) -> PlanReport:  # fmt: skip
    from aisec import __version__
    from aisec.assurance.plans.findings import outcome_findings
    from aisec.assurance.plans.result import PlanReport
    from aisec.core.run import Run

    options = options or Options()
    classes = {type(p).id: type(p) for p in probes}
    for result in found.results:  # a replayed attempt's probe may not be selected now
        if result.attempt.probe not in classes:
            classes.update(_registered(result.attempt.probe))
    run = Run(kind=KIND, targets=[target.name], tool_version=__version__, config=config)
    outcomes = []
    for probe_id, probe in classes.items():
        mine = [r for r in found.results if r.attempt.probe == probe_id]
        if mine:
            outcome = family_outcome(probe, mine, options)
            outcome.target = target.name
            outcomes.append(outcome)
    owasp = owasp_outcome(classes, found.results)
    owasp.target = target.name
    outcomes.append(owasp)
    for outcome in outcomes:
        run.measurements.extend(outcome.measurements)
        run.findings.extend(outcome_findings(outcome))
        if outcome.status.value == "error":  # undecided: the run did not answer for it
            run.errors.append(f"{outcome.name}: {outcome.error}")
    if found.stopped:
        # Attacks not sent leave the campaign incomplete (exit 3 when nothing worse).
        run.errors.append(f"stopped early, {found.not_run} attempts not run: {found.stopped}")
    if found.resumed:
        run.warnings.append(f"resumed: {found.resumed} attempts read back from the journal")
    run.finish()
    return PlanReport(plan=config.get("name") or f"redteam {target.name}", source="redteam",
                      target=target.name, data={"planned": found.planned,
                      "completed": len(found.results), "not_run": found.not_run},
                      run=run, outcomes=outcomes)  # fmt: skip


def _registered(probe_id: str) -> dict[str, type[Probe]]:
    return {c.id: c for c in probe_classes() if c.id == probe_id}
