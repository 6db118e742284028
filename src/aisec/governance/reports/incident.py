"""A serious-incident report under EU AI Act Art. 73 as stable JSON
(schema ``aisec.incident-report/1``): an initial report, which Art. 73(5) allows to be
incomplete, or the complete one. The deadline comes from
:func:`aisec.governance.deadlines.incident_deadline` unless the incident states one;
fields still to supply are listed under ``missing``. Keys are sorted, the text is ASCII
(other characters are JSON escapes) and keys the schema does not know are kept under
``additional``, so nothing given is lost.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from aisec.governance.deadlines import SERIOUS_INCIDENT_CATEGORIES, incident_deadline
from aisec.governance.reports.document import now
from aisec.report import safe_text

SCHEMA = "aisec.incident-report/1"
REPORT_TYPES = ("initial", "complete")
_INCIDENT = (
    "id",
    "title",
    "system",
    "description",
    "occurred_at",
    "aware_at",
    "causal_link",
    "affected",
    "root_cause",
)
_KNOWN = {
    *_INCIDENT,
    "report_type",
    "categories",
    "death",
    "widespread",
    "deadline",
    "corrective_actions",
    "reporter",
    "authority",
    "member_state",
}
# What each report type needs before it is sent.
_REQUIRED = {
    "initial": (
        "id",
        "title",
        "system",
        "description",
        "aware_at",
        "categories",
        "reporter",
        "authority",
    ),
    "complete": (
        "id",
        "title",
        "system",
        "description",
        "occurred_at",
        "aware_at",
        "categories",
        "causal_link",
        "root_cause",
        "affected",
        "corrective_actions",
        "reporter",
        "authority",
    ),
}


def _plain(value: Any) -> Any:
    """``value`` as JSON-safe data: no lone surrogate, no NaN, dates as ISO text."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {safe_text(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return safe_text(str(value))


def _deadline(raw: Mapping[str, Any], categories: list[str]) -> dict[str, Any]:
    if raw.get("deadline"):
        return {"due": _plain(raw["deadline"]), "source": "stated"}
    try:
        aware = raw.get("aware_at")
        aware_at = aware if isinstance(aware, datetime) else datetime.fromisoformat(str(aware))
        d = incident_deadline(
            categories,
            aware_at,
            widespread=bool(raw.get("widespread")),
            death=bool(raw.get("death")),
        )
    except (TypeError, ValueError) as exc:
        return {"due": None, "source": "not computed", "reason": safe_text(str(exc))}
    return {
        "due": d.due.isoformat(),
        "source": "computed",
        "rule": d.rule,
        "legal_basis": d.legal_basis,
        "days": d.days,
    }


def _action(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return {
            "action": _plain(raw.get("action", "")),
            "status": _plain(raw.get("status")),
            "date": _plain(raw.get("date")),
        }
    return {"action": _plain(raw), "status": None, "date": None}


def incident_report(
    incident: Mapping[str, Any], *, generated_at: datetime | None = None
) -> dict[str, Any]:
    """The report as a dict (see :func:`incident_report_json`)."""
    report_type = str(incident.get("report_type") or "initial")
    if report_type not in REPORT_TYPES:
        raise ValueError(f"report_type must be one of {REPORT_TYPES}, not {report_type!r}")
    raw_categories = incident.get("categories") or []
    if isinstance(raw_categories, str):
        raw_categories = [raw_categories]
    categories = sorted({str(x) for x in raw_categories})
    present = {k for k, v in incident.items() if v not in (None, "", [], {})}
    missing = [k for k in _REQUIRED[report_type] if k not in present]
    return {
        "schema": SCHEMA,
        "report_type": report_type,
        "legal_basis": "EU AI Act Art. 73",
        "generated_at": now(generated_at).isoformat(timespec="seconds"),
        "incident": {k: _plain(incident.get(k)) for k in _INCIDENT},
        "serious_incident": {
            "categories": [
                {
                    "point": _plain(x),
                    "ref": f"EU-AI-Act:Art.3(49)({_plain(x)})",
                    "description": SERIOUS_INCIDENT_CATEGORIES.get(x, "unknown category"),
                }
                for x in categories
            ],
            "death": bool(incident.get("death")),
            "widespread": bool(incident.get("widespread")),
        },
        "deadline": _deadline(incident, categories),
        "corrective_actions": [_action(a) for a in incident.get("corrective_actions") or []],
        "reporter": _plain(incident.get("reporter")),
        "authority": _plain(incident.get("authority")),
        "member_state": _plain(incident.get("member_state")),
        "missing": missing,
        "additional": {str(k): _plain(v) for k, v in incident.items() if k not in _KNOWN},
    }


def incident_report_json(
    incident: Mapping[str, Any], *, generated_at: datetime | None = None
) -> str:
    """The Art. 73 report as JSON text: sorted keys, two-space indent, ASCII only."""
    report = incident_report(incident, generated_at=generated_at)
    return json.dumps(report, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False) + "\n"
