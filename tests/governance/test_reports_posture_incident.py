"""Posture summary and the Art. 73 incident report JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from test_reports_support import HOSTILE, NOW, check_html, needs_reportlab, pdf_text, risk

from aisec.governance.reports import PostureInput, incident_report_json, posture_summary
from aisec.governance.reports.incident import SCHEMA
from aisec.governance.reports.posture import SECTIONS, heat_map


def posture() -> PostureInput:
    return PostureInput(
        as_of="2026-11-28",
        systems=[
            {"name": "credit", "tiers": ["high-risk"]},
            {"name": "chat", "tiers": []},
            {"name": "faq", "tiers": ["transparency", "gpai"]},
        ],
        findings_by_severity={"critical": 1, "high": 3},
        risks=[risk("a", 5, 5), risk("b", 1, 1), risk("c", 5, 5, status="closed")],
        coverage=[{"framework": "ISO/IEC 42001", "covered": 19, "total": 38}],
        evidence=[
            {"name": "pen test", "system": "credit", "expires": "2026-12-10"},
            {"name": "old audit", "system": "chat", "expires": "2026-01-01"},
            {"name": "fresh", "system": "chat", "expires": "2027-06-01"},
        ],
        incidents=[
            {
                "id": "I-1",
                "title": "outage",
                "system": "credit",
                "report_type": "initial",
                "due": "2026-11-30",
                "status": "open",
            }
        ],
    )


def test_posture_sections_and_counts() -> None:
    doc = posture_summary(posture(), generated_at=NOW)
    page = check_html(doc)
    assert page.headings[1:] == list(SECTIONS)
    text = " ".join(page.text)
    assert "not classified" in text and "50%" in text and "I-1" in text
    assert "12 days left" in text and "expired" in text and "fresh" not in text


def test_heat_map_counts_open_risks_per_cell() -> None:
    table = heat_map([risk("a", 5, 5), risk("b", 5, 5), risk("c", 1, 2)])
    assert table.header[1:] == [f"impact {n}" for n in range(1, 6)]
    assert table.rows[0][0] == "likelihood 5" and table.rows[0][5] == "2 (critical)"
    assert table.rows[4][2] == "1 (low)"


def test_posture_closed_risks_are_not_counted() -> None:
    doc = posture_summary(posture(), generated_at=NOW)
    levels = {row[0]: row[1] for row in doc.sections[2].tables[0].rows}
    assert levels == {"critical": "1", "high": "0", "medium": "0", "low": "1"}


def test_posture_rates_risks_without_a_level() -> None:
    bare: list[dict[str, Any]] = [{"likelihood": 4, "impact": 4}, {"title": "unscored"}]
    doc = posture_summary(PostureInput(as_of="2026-11-28", risks=bare), generated_at=NOW)
    levels = {row[0]: row[1] for row in doc.sections[2].tables[0].rows}
    assert levels["critical"] == "1" and levels["unrated"] == "1"


def test_empty_posture_marks_missing() -> None:
    doc = posture_summary(PostureInput(as_of="2026-11-28"), generated_at=NOW)
    assert doc.missing >= 3
    assert not any(s.empty for s in doc.sections)
    check_html(doc)


def test_posture_pdf() -> None:
    needs_reportlab()
    data = posture()
    data.incidents.append({"id": HOSTILE, "title": HOSTILE, "due": HOSTILE})
    text = pdf_text(posture_summary(data, generated_at=NOW))
    for heading in SECTIONS:
        assert heading in text


INCIDENT = {
    "id": "I-7",
    "title": "grid controller misrouted load",
    "system": "grid-ai",
    "description": "wrong setpoints for 40 minutes",
    "categories": ["b"],
    "aware_at": "2026-11-27T09:00:00+01:00",
    "reporter": {"name": "ops"},
    "authority": "BNetzA",
    "corrective_actions": [{"action": "rolled back", "status": "done"}, "retrain with new limits"],
}


def test_incident_report_is_stable_json_with_deadline() -> None:
    text = incident_report_json(INCIDENT, generated_at=NOW)
    assert text == incident_report_json(dict(reversed(INCIDENT.items())), generated_at=NOW)
    out = json.loads(text)
    assert out["schema"] == SCHEMA == "aisec.incident-report/1"
    assert out["report_type"] == "initial" and out["missing"] == []
    assert out["deadline"]["due"].startswith("2026-11-29T23:59:59")
    assert out["deadline"]["legal_basis"] == "EU AI Act Art. 73(3)"
    assert out["serious_incident"]["categories"][0]["ref"] == "EU-AI-Act:Art.3(49)(b)"
    assert out["corrective_actions"][1] == {
        "action": "retrain with new limits",
        "date": None,
        "status": None,
    }


def test_complete_report_lists_what_is_missing() -> None:
    out = json.loads(incident_report_json({**INCIDENT, "report_type": "complete"}))
    assert out["missing"] == ["occurred_at", "causal_link", "root_cause", "affected"]


def test_death_deadline_and_stated_deadline() -> None:
    death = {"categories": ["a"], "death": True, "aware_at": "2026-11-01T10:00:00+00:00"}
    assert json.loads(incident_report_json(death))["deadline"]["days"] == 10
    stated = json.loads(incident_report_json({**death, "deadline": "2026-11-05"}))
    assert stated["deadline"] == {"due": "2026-11-05", "source": "stated"}


def test_incident_without_category_or_time_gets_no_deadline() -> None:
    out = json.loads(incident_report_json({"id": "I-1", "aware_at": "2026-11-01T10:00:00Z"}))
    assert out["deadline"]["due"] is None and "not a serious incident" in out["deadline"]["reason"]
    naive = json.loads(incident_report_json({"categories": ["c"], "aware_at": "2026-11-01"}))
    assert naive["deadline"]["due"] is None
    assert "aware_at" in json.loads(incident_report_json({"categories": ["c"]}))["missing"]


def test_incident_hostile_values_stay_valid_json() -> None:
    raw = {
        "id": HOSTILE,
        "categories": ["a", "zz"],
        "aware_at": datetime(2026, 11, 1, tzinfo=UTC),
        "extra": {"score": float("nan"), HOSTILE: {1, 2}},
    }
    text = incident_report_json(raw)
    text.encode("ascii")
    out = json.loads(text)
    assert out["incident"]["id"].startswith("<script>") and "\\ud800" in out["incident"]["id"]
    assert out["additional"]["extra"]["score"] is None
    assert out["deadline"]["due"] is None  # unknown category "zz"


def test_unknown_report_type_is_refused() -> None:
    with pytest.raises(ValueError, match="report_type"):
        incident_report_json({"report_type": "draft"})
