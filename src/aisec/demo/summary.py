"""What one run of the demo built and caught, as data (for the CLI, the server and tests)
and as the compact text the CLI prints at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.core.severity import Severity

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport
    from aisec.core.run import Measurement, Run
    from aisec.demo.artefacts import DemoFile
    from aisec.demo.detector_validation import DetectorValidation
    from aisec.demo.gateway_demo import GatewayDemo
    from aisec.demo.governing import Governed
    from aisec.demo.redteaming import RedteamDemo
    from aisec.demo.storing import Inventoried
    from aisec.services.data_checking import DataCheck


@dataclass(frozen=True)
class Caught:
    """The demo's own verdict: was each planted problem reported? A part that could not
    run for a missing extra counts as caught, with a note saying what to install."""

    trapped_files: bool
    personal_data: bool
    key: bool
    poisoning: bool
    tests_ran: bool
    attacks: bool = True  # the gateway flagged the extraction and blocked the probe

    @property
    def all(self) -> bool:
        return all(vars(self).values())


@dataclass
class DemoSummary:
    directory: Path
    files: list[DemoFile]
    tiers: dict[str, tuple[str, ...]]
    model_scan: Run  # the tumour-screening model files, two of them trapped
    data_scan: Run | None  # its intake extract (personal data, a key); None without extra
    other_scans: dict[str, Run]  # system -> the scan of its directory
    data_check: DataCheck | None  # the poisoned training set; None without the data extra
    plan: PlanReport | None  # the tumour model's tests; None without the assurance extra
    caught: Caught
    notes: list[str] = field(default_factory=list)
    store: str = ""  # the database, "" when not stored
    inventoried: list[Inventoried] = field(default_factory=list)
    governed: Governed | None = None
    bom: str = ""  # the tumour-screening system's AI-BOM (stored only)
    flagged: list[str] = field(default_factory=list)  # the files flagged at fail_on
    gateway: GatewayDemo | None = None  # the runtime part; None without the gateway extra
    # evasion.ood validated on evasions of the tumour model; None without the extras
    detector_validation: DetectorValidation | None = None
    # the shipped support assistant, red-teamed in both builds; None without numpy
    redteam: RedteamDemo | None = None

    @property
    def ok(self) -> bool:
        return self.caught.all

    @property
    def exit_code(self) -> int:
        """0 when every planted problem was caught and the tests ran; 1 otherwise."""
        return 0 if self.ok else 1

    def runs(self) -> list[Run]:
        found = [self.model_scan, *self.other_scans.values()]
        found += [r for r in (self.data_scan,) if r is not None]
        if self.data_check is not None:
            found.append(self.data_check.run)
        if self.plan is not None:
            found.append(self.plan.run)
        if self.detector_validation is not None:
            found.append(self.detector_validation.report.run)
        if self.redteam is not None:
            found += [self.redteam.vulnerable.run, self.redteam.hardened.run]
        return found

    def severities(self) -> Counter[Severity]:
        return Counter(f.severity for run in self.runs() for f in run.findings)


def render_summary(summary: DemoSummary) -> str:
    lines = [f"aisec demo: the sample organisation in {summary.directory}"]
    if summary.store:
        lines[0] += f", stored in {summary.store}"
    counts = {i.system: i for i in summary.inventoried}
    gates = {g.system: g for g in summary.governed.gates} if summary.governed else {}
    for system, tiers in summary.tiers.items():
        line = f"  {system:<24} {', '.join(tiers) or 'no tier':<12}"
        if system in counts:
            line += f" {counts[system].models} models, {counts[system].datasets} datasets"
        if system in gates:
            gate = gates[system]
            why = f" ({', '.join(gate.failed)})" if gate.failed else ""
            line += f"; release gate {gate.verdict}{why}"
        lines.append(line)
    found = summary.severities()
    lines.append("  findings: " + ", ".join(f"{found[s]} {s.label}" for s in _worst_first()))
    if summary.plan is not None:
        states = Counter(o.status.value for o in summary.plan.outcomes)
        tally = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        lines.append(f"  model tests: {len(summary.plan.outcomes)} run ({tally})")
    if summary.data_check is not None:
        fired = sorted(f.check_id.rsplit(".", 1)[-1] for f in summary.data_check.run.findings)
        lines.append(f"  data issues in the digit training set: {', '.join(fired) or 'none'}")
    if summary.gateway is not None:
        lines.append(_gateway_line(summary.gateway))
    if summary.detector_validation is not None:
        lines.append(_validation_line(summary.detector_validation))
    if summary.redteam is not None:
        lines.append(_redteam_line(summary.redteam))
    if summary.governed is not None:
        gov = summary.governed
        lines.append(f"  risks: {sum(gov.risks.values())} in the register ({gov.new_risks} new)")
        if gov.incident_deadline is not None:
            due = gov.incident_deadline.isoformat(timespec="minutes")
            lines.append(f"  incident: {gov.incident!r}: report due {due} ({gov.incident_basis})")
    caught = ", ".join(f"{k.replace('_', ' ')} {'yes' if v else 'NO'}"
                       for k, v in vars(summary.caught).items())  # fmt: skip
    lines.append(f"  caught: {caught}")
    lines += [f"  note: {n}" for n in summary.notes]
    return "\n".join(lines) + "\n"


def _gateway_line(g: GatewayDemo) -> str:
    if g.extraction_first_alarm is None:
        extraction = f"extraction NOT flagged in {g.extraction} queries"
    else:
        extraction = (f"extraction flagged after {g.extraction_first_alarm} of {g.extraction} "
                      f"queries ({', '.join(g.extraction_detectors)})")  # fmt: skip
    line = (
        f"  gateway: {g.benign} benign requests, {g.benign_alarms} alarms; {extraction}; "
        f"out-of-distribution probe {'blocked' if g.probe_blocked else 'NOT blocked'}"
    )
    if g.entries is not None:
        line += f"; traffic log {g.entries} entries, {'verified' if g.verified else 'NOT verified'}"
    return line


def _validation_line(v: DetectorValidation) -> str:
    from aisec.demo.detector_validation import DETECTOR, FPR

    found = v.detection()
    rate = "an unmeasurable share" if found is None else _percent(found)
    attacks = ", ".join(f"{name} {share:.0%}" for name, share in v.by_attack().items())
    line = (
        f"  detector validation: {DETECTOR} catches {rate} of evasions at {FPR:.0%} false "
        f"positives ({attacks}; {v.evasions} evasions, {v.benign} benign rows)"
    )
    return "".join([line, *(f"\n    caution: {note}" for note in v.caveats())])


def _redteam_line(r: RedteamDemo) -> str:
    wins, done, families = r.tally(r.vulnerable)
    safe, tried, _ = r.tally(r.hardened)
    return (
        f"  red team (support assistant): vulnerable build gave way to {wins} of {done} "
        f"attacks in {families} families; hardened build to {safe} of {tried}"
    )


def _percent(m: Measurement) -> str:
    if m.ci_low is None or m.ci_high is None:
        return f"{m.value:.0%}"
    return f"{m.value:.0%} [{m.ci_low:.0%}, {m.ci_high:.0%}]"


def _worst_first() -> list[Severity]:
    return sorted(Severity, key=int, reverse=True)
