"""The console summary of ``aisec validate``: the detectors side by side at each operating
point, then per category, per time window and per rewrite family. Printed before the
plan-style list of requirements and findings."""

from __future__ import annotations

from typing import Any

from aisec.assurance.plans.result import PlanReport
from aisec.report import printable


def render_validation_summary(report: PlanReport) -> str:
    lines = [_data_line(report), ""]
    validations = [o for o in report.outcomes if o.type == "detector_validation"]
    if validations:
        lines += _leaderboard(validations)
    for outcome in validations:
        categories = outcome.details.get("evaluation", {}).get("categories") or []
        if categories:
            lines += ["", f"{printable(outcome.name)}: detection per category"]
            lines += _table(["category", "attacks", "detection rate"],
                            [[printable(c["category"]), str(c["positives"]),
                              _ci(c["detection_rate"])] for c in categories])  # fmt: skip
    for outcome in report.outcomes:
        if outcome.type == "detector_drift":
            lines += ["", *_windows(outcome.name, outcome.details["time"])]
        elif outcome.type == "detector_robustness" and "rewrites" in outcome.details:
            lines += ["", *_rewrites(outcome.name, outcome.details["rewrites"])]
        elif outcome.type == "detector_robustness" and "evasion" in outcome.details:
            lines += ["", *_evasion(outcome.name, outcome.details["evasion"])]
    return "\n".join(lines) + "\n\n"


def _data_line(report: PlanReport) -> str:
    data = report.data
    return (f"Data: {printable(str(data.get('name')))}: {data.get('rows')} rows, "
            f"{data.get('positives')} malicious, {data.get('negatives')} benign")  # fmt: skip


def _leaderboard(outcomes: list[Any]) -> list[str]:
    fprs = [p["target"] for p in outcomes[0].details["evaluation"]["operating_points"]
            if p["chosen_by"] == "fpr"]  # fmt: skip
    headers = ["detector", "ROC AUC", *(f"detection @ FPR {f:g}" for f in fprs),
               f"precision @ FPR {fprs[0]:g}"]  # fmt: skip
    rows = []
    ranked = sorted(outcomes, key=lambda o: -_first_rate(o))
    for outcome in ranked:
        evaluation = outcome.details["evaluation"]
        points = [p for p in evaluation["operating_points"] if p["chosen_by"] == "fpr"]
        rows.append([printable(outcome.name), _ci(evaluation["roc_auc"]),
                     *(_ci(p["detection_rate"]) if p["resolvable"] else UNRESOLVED
                       for p in points),
                     _ci(points[0]["precision"])])  # fmt: skip
    budget = [p for p in ranked[0].details["evaluation"]["operating_points"]
              if p["chosen_by"] == "budget"]  # fmt: skip
    out = _table(headers, rows)
    given = ranked[0].params.get("prevalence")
    if given is None:
        data = ranked[0].details["evaluation"]
        share = data["positives"] / max(data["rows"], 1)
        out.append(f"Precision at the data's share of malicious rows ({share:.1%}); production "
                   "traffic with fewer attacks gives lower precision (--prevalence).")  # fmt: skip
    else:
        out.append(f"Precision at a {float(given):.2%} share of malicious traffic (--prevalence).")
    if budget:
        out += ["", f"At {budget[0]['target']:g} alerts a day:"]
        out += _table(["detector", "detection rate", "precision", "alerts/day"], [
            [printable(o.name), *(_ci(p[k]) for k in ("detection_rate", "precision",
                                                      "alerts_per_day"))]
            for o in ranked for p in o.details["evaluation"]["operating_points"]
            if p["chosen_by"] == "budget"
        ])  # fmt: skip
    return out


UNRESOLVED = "n/a: too few benign rows"


def _first_rate(outcome: Any) -> float:
    value = outcome.details["evaluation"]["operating_points"][0]["detection_rate"]["value"]
    return float(value) if value is not None else -1.0


def _windows(name: str, found: dict[str, Any]) -> list[str]:
    verdict = "DEGRADED" if found["degraded"] else "no significant degradation"
    rows = [[str(w["index"] + 1), str(w["rows"]), str(w["positives"]), _ci(w["detection_rate"]),
             _ci(w["false_positive_rate"]),
             "-" if w["alerts_per_day"] is None else f"{w['alerts_per_day']:.0f}"]
            for w in found["windows"]]  # fmt: skip
    out = [f"{printable(name)} (threshold set at FPR {found['fpr']:g} on window 1): {verdict}"]
    out += _table(["window", "rows", "malicious", "detection rate", "false-positive rate",
                   "alerts/day"], rows)  # fmt: skip
    for c in found["comparisons"]:
        if c["significant"]:
            change = f"{c['metric']} {c['first']:.4f} -> {c['later']:.4f}"
            tests = f"p={c['p_value']:.2g}, Holm {c['adjusted']:.2g}"
            out.append(f"  window {c['window'] + 1}: {change} ({tests})")
    return out


def _rewrites(name: str, found: dict[str, Any]) -> list[str]:
    out = [f"{printable(name)}: {found['caught']} attacks caught in plain form at FPR "
           f"{found['fpr']:g}; share evading once rewritten"]  # fmt: skip
    rows = [[f["family"], str(f["rewritten"]), _ci(f["evasion_rate"])] for f in found["families"]]
    return out + _table(["family", "rewritten", "evasion rate"], rows)


def _evasion(name: str, found: dict[str, Any]) -> list[str]:
    fixed = [
        f"immutable {', '.join(found['immutable'])}" if found["immutable"] else "",
        f"only up {', '.join(found['increase_only'])}" if found["increase_only"] else "",
        f"only down {', '.join(found['decrease_only'])}" if found["decrease_only"] else "",
    ]
    rules = "; ".join(f for f in fixed if f) or "every feature free"
    out = [
        f"{printable(name)}: {found['caught']} attacks caught at FPR {found['fpr']:g}; share "
        f"evading a square attack within epsilon of each feature's range ({printable(rules)})"
    ]
    rows = [
        [f"{r['epsilon']:g}", str(r["attacked"]), _ci(r["evasion_rate"]), str(r["queries"])]
        for r in found["results"]
    ]
    return out + _table(["epsilon", "attacked", "evasion rate", "queries"], rows)


def _ci(estimate: dict[str, Any] | None) -> str:
    if not estimate or estimate.get("value") is None:
        return "-"
    value = float(estimate["value"])
    if estimate.get("ci_low") is None or estimate.get("ci_high") is None:
        return f"{value:.3f}"
    return f"{value:.3f} [{float(estimate['ci_low']):.3f}, {float(estimate['ci_high']):.3f}]"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]  # fmt: skip

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]
