"""The console summary of ``aisec redteam run``: attack success per probe family and per
OWASP LLM risk with intervals, then the most effective attack of each family that had
one. Printed before the plan-style list of findings."""

from __future__ import annotations

from typing import Any

from aisec.assurance.plans.result import PlanReport
from aisec.report import printable
from aisec.report.validation_console import _table

SNIPPET = 160


def render_redteam_summary(report: PlanReport) -> str:
    data = report.data
    lines = [f"Target: {printable(report.target)}: {data.get('completed')} of "
             f"{data.get('planned')} attacks completed"
             + (f", {data['not_run']} not run" if data.get("not_run") else ""), ""]  # fmt: skip
    families = [o for o in report.outcomes if o.type.startswith("redteam_") and
                o.type != "redteam_owasp"]  # fmt: skip
    rows = []
    for outcome in families:
        rate = _first(outcome.measurements, "attack_success_rate")
        details = outcome.details
        rows.append([printable(outcome.name.split(" (")[0]), _rate(rate),
                     f"{details.get('successes', 0)}/{details.get('attempts', 0)}",
                     str(details.get("errors", 0)), outcome.status.value])  # fmt: skip
    lines += _table(["probe family", "attack success [95% CI]", "succeeded", "errors",
                     "status"], rows)  # fmt: skip
    owasp = next((o for o in report.outcomes if o.type == "redteam_owasp"), None)
    if owasp is not None and owasp.measurements:
        lines += ["", *_table(["OWASP LLM risk", "attack success [95% CI]", "attacks"],
                              [[m.params["owasp"], _rate(m), str(m.n)]
                               for m in owasp.measurements])]  # fmt: skip
    for outcome in families:
        top = outcome.details.get("top_attacks") or []
        if top:
            lines += ["", *_attack(outcome.name.split(" (")[0], top[0])]
    return "\n".join(lines) + "\n\n"


def _first(measurements: list[Any], name: str) -> Any:
    return next((m for m in measurements if m.name == name), None)


def _rate(m: Any) -> str:
    if m is None:
        return "n/a"
    if m.ci_low is None or m.ci_high is None:
        return f"{m.value:.1%}"
    return f"{m.value:.1%} [{m.ci_low:.1%}, {m.ci_high:.1%}]"


def _attack(family: str, attack: dict[str, Any]) -> list[str]:
    rewrite = f", rewritten {attack['rewrite']}" if attack.get("rewrite") else ""
    lines = [f"{printable(family)}: most effective: {printable(str(attack['technique']))}{rewrite}"]
    for message in attack.get("transcript", [])[-4:]:
        text = str(message.get("content") or "")
        calls = message.get("tool_calls") or []
        if calls:
            text += " " + ", ".join(f"-> {c['function']['name']}({c['function']['arguments']})"
                                    for c in calls)  # fmt: skip
        flat = " ".join(text.split())
        cut = flat[:SNIPPET] + ("…" if len(flat) > SNIPPET else "")
        lines.append(f"  {message.get('role', '?'):9} {printable(cut)}")
    for evidence in attack.get("evidence", [])[:2]:
        lines.append(f"  evidence  {printable(evidence['detector'])}: "
                     f"{printable(str(evidence['evidence'])[:SNIPPET])}")  # fmt: skip
    return lines
