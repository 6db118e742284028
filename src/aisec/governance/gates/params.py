"""The keys each condition type takes, checked and normalised.

Each parser returns the condition's params, plus ``_describe``: the description used
when the policy gives none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from aisec.assurance.plans.spec import JUDGED_ON, Threshold
from aisec.core.severity import Severity
from aisec.governance.gates.policy import PolicyError, mapping, text, texts

RISK_LEVELS = ("low", "medium", "high", "critical")  # aisec.governance.risks.scoring

Params = dict[str, Any]
Parser = Callable[[Mapping[str, Any], str], Params]


def _days(spec: Mapping[str, Any], key: str, where: str) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(f"{where}.{key}", f"must be a whole number of days >= 0, got {value!r}")
    return value


def _severity(spec: Mapping[str, Any], where: str) -> Severity:
    value = spec.get("at_or_above", "critical")
    labels = [s.label for s in Severity]
    if not isinstance(value, str) or value.strip().lower() not in labels:
        raise PolicyError(f"{where}.at_or_above", f"must be one of {', '.join(labels)}")
    return Severity.parse(value)


def _aged(days: int | None) -> str:
    return "" if days is None else f" (at most {days} days old)"


def no_open_findings(spec: Mapping[str, Any], where: str) -> Params:
    level = _severity(spec, where)
    days = _days(spec, "max_scan_age_days", where)
    describe = f"no open findings at or above {level.label}{_aged(days)}"
    return {"at_or_above": level, "max_scan_age_days": days, "_describe": describe}


def findings_absent(spec: Mapping[str, Any], where: str) -> Params:
    check = text(spec.get("check"), f"{where}.check")
    days = _days(spec, "max_scan_age_days", where)
    describe = f"no open findings of {check}{_aged(days)}"
    return {"check": check, "max_scan_age_days": days, "_describe": describe}


def signatures_verified(spec: Mapping[str, Any], where: str) -> Params:
    return {"_describe": "every model's signature verified"}


def _bound(spec: Mapping[str, Any], key: str, where: str) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PolicyError(f"{where}.{key}", f"must be a finite number, got {value!r}")
    return float(value)


def measurement(spec: Mapping[str, Any], where: str) -> Params:
    metric = text(spec.get("metric"), f"{where}.metric")
    low, high = _bound(spec, "min", where), _bound(spec, "max", where)
    if low is None and high is None:
        raise PolicyError(where, "a measurement condition needs min, max or both")
    judge_on = spec.get("judge_on", "value")
    if judge_on not in JUDGED_ON:
        raise PolicyError(f"{where}.judge_on", f"must be one of {', '.join(JUDGED_ON)}")
    match = dict(mapping(spec.get("where", {}), f"{where}.where"))
    threshold = Threshold(metric, match, low, high, str(judge_on))
    days = _days(spec, "max_age_days", where)
    describe = f"{threshold.describe()}{_aged(days)}"
    return {"threshold": threshold, "max_age_days": days, "_describe": describe}


def assessment_done(spec: Mapping[str, Any], where: str) -> Params:
    kind = text(spec.get("kind"), f"{where}.kind")
    status = text(spec.get("status", "final"), f"{where}.status")
    days = _days(spec, "max_age_days", where)
    describe = f"a {status} {kind} assessment{_aged(days)}"
    return {"kind": kind, "status": status, "max_age_days": days, "_describe": describe}


def evidence_valid(spec: Mapping[str, Any], where: str) -> Params:
    if ("refs" in spec) == ("title" in spec):
        raise PolicyError(where, "an evidence_valid condition needs refs or title (one of them)")
    refs = texts(spec["refs"], f"{where}.refs") if "refs" in spec else ()
    if "refs" in spec and not refs:
        raise PolicyError(f"{where}.refs", "must name at least one ref")
    title = text(spec["title"], f"{where}.title") if "title" in spec else None
    days = _days(spec, "min_days_left", where) or 0
    what = f"evidence for {', '.join(refs)}" if refs else f"evidence titled {title}"
    left = f" valid for at least {days} more days" if days else " not expired"
    return {"refs": refs, "title": title, "min_days_left": days, "_describe": what + left}


def approval_present(spec: Mapping[str, Any], where: str) -> Params:
    scope = text(spec.get("scope"), f"{where}.scope")
    return {"scope": scope, "_describe": f"a current approval for {scope}"}


def no_overdue_incidents(spec: Mapping[str, Any], where: str) -> Params:
    return {"_describe": "no open incident past its deadline"}


def risks_treated(spec: Mapping[str, Any], where: str) -> Params:
    level = spec.get("at_or_above", "high")
    if level not in RISK_LEVELS:
        raise PolicyError(f"{where}.at_or_above", f"must be one of {', '.join(RISK_LEVELS)}")
    allow_empty = spec.get("allow_empty_register", False)
    if not isinstance(allow_empty, bool):
        raise PolicyError(f"{where}.allow_empty_register", "must be true or false")
    describe = f"every open risk at or above {level} has a treatment"
    return {"at_or_above": level, "allow_empty_register": allow_empty, "_describe": describe}


PARSERS: dict[str, tuple[set[str], Parser]] = {
    "no_open_findings": ({"at_or_above", "max_scan_age_days"}, no_open_findings),
    "findings_absent": ({"check", "max_scan_age_days"}, findings_absent),
    "signatures_verified": (set(), signatures_verified),
    "measurement": (
        {"metric", "where", "min", "max", "judge_on", "max_age_days"},
        measurement,
    ),
    "assessment_done": ({"kind", "status", "max_age_days"}, assessment_done),
    "evidence_valid": ({"refs", "title", "min_days_left"}, evidence_valid),
    "approval_present": ({"scope"}, approval_present),
    "no_overdue_incidents": (set(), no_overdue_incidents),
    "risks_treated": ({"at_or_above", "allow_empty_register"}, risks_treated),
}
