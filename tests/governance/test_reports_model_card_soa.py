"""Model card and ISO/IEC 42001 statement of applicability."""

from __future__ import annotations

from test_reports_support import (
    HOSTILE,
    NOW,
    check_html,
    measurement,
    needs_reportlab,
    pdf_text,
    risk,
)

from aisec.governance.catalogs import load_catalogue
from aisec.governance.reports import ModelCardInput, model_card, statement_of_applicability
from aisec.governance.reports.model_card import SECTIONS, fairness_by_group

CONTROLS = [item.id for item in load_catalogue("iso-42001").of_kind("control")]
GROUPS = [
    measurement("fairness.selection_rate", 0.40, 0.35, 0.45, sensitive_feature="sex", group="f"),
    measurement("fairness.selection_rate", 0.48, 0.43, 0.53, sensitive_feature="sex", group="m"),
    measurement("fairness.accuracy", 0.90, 0.87, 0.93, sensitive_feature="sex", group="f"),
    measurement("fairness.demographic_parity_ratio", 0.83, 0.70, 0.95, sensitive_feature="sex"),
]


def card() -> ModelCardInput:
    return ModelCardInput(
        model={"name": "scorer", "version": "2", "format": "onnx", "digest": "sha256:ff"},
        intended_use="Rank credit applications for human review.",
        training_data=[{"name": "applications-2025", "records": 120000}],
        measurements=[measurement("evasion.clean_accuracy", 0.91, 0.89, 0.93), *GROUPS],
        limitations=["Not tested on business loans."],
        risks=[risk("Evasion")],
    )


def test_model_card_sections_and_content() -> None:
    page = check_html(model_card(card(), generated_at=NOW))
    assert page.headings[1:] == list(SECTIONS)
    text = " ".join(page.text)
    assert "[0.89, 0.93]" in text and "applications-2025" in text
    assert "fairness.demographic_parity_ratio" in text and "Not tested on business loans." in text


def test_fairness_by_group_has_one_row_per_group() -> None:
    table = fairness_by_group(GROUPS)
    assert table is not None
    assert table.header == ["Feature", "Group", "selection_rate", "accuracy"]
    assert table.rows == [
        ["sex", "f", "0.4 [0.35, 0.45]", "0.9 [0.87, 0.93]"],
        ["sex", "m", "0.48 [0.43, 0.53]", "–"],
    ]
    assert fairness_by_group([]) is None


def test_empty_model_card_is_all_prompts() -> None:
    doc = model_card(ModelCardInput(model={}), generated_at=NOW)
    assert all(any(i.status == "missing" for i in s.items) for s in doc.sections)
    check_html(doc)


def test_model_card_pdf() -> None:
    needs_reportlab()
    data = ModelCardInput(model={"name": HOSTILE}, limitations=[HOSTILE], measurements=GROUPS)
    text = pdf_text(model_card(data, generated_at=NOW))
    for heading in SECTIONS:
        assert heading in text


def test_soa_lists_all_38_controls_and_marks_unassessed() -> None:
    assert len(CONTROLS) == 38
    supplied = [
        {
            "control": "A.2.2",
            "applicable": True,
            "justification": "policy in place",
            "implementation": "AI policy v3",
            "evidence": ["doc:policy-v3"],
        },
        {"control": "ISO42001:A.10.4", "applicable": False, "justification": "no customers"},
        {"control": "A.6.2.4", "applicable": True},
        {"control": "A.99", "applicable": True, "justification": "typo"},
    ]
    doc = statement_of_applicability(supplied, organisation="Bank AG", generated_at=NOW)
    rows = {row[0]: row for s in doc.sections for t in s.tables for row in t.rows}
    assert sorted(rows) == sorted(CONTROLS)
    assert rows["A.2.2"][2:] == ["yes", "policy in place", "AI policy v3", "doc:policy-v3"]
    assert rows["A.10.4"][2] == "no"
    assert rows["A.6.2.4"][3:5] == ["missing — to complete", "missing — to complete"]
    assert rows["A.3.2"][2] == "not yet assessed"
    summary = {i.label: i.text for i in doc.sections[0].items}
    assert summary["Controls not yet assessed"] == "35"
    assert summary["Entries for ids not in Annex A"] == "A.99"
    text = " ".join(check_html(doc).text)
    assert "A.6.2.8" in text and "AI system recording of event logs" in text


def test_soa_pdf_has_all_38_control_ids() -> None:
    needs_reportlab()
    supplied = [{"control": "A.2.2", "applicable": True, "justification": HOSTILE}]
    text = pdf_text(statement_of_applicability(supplied, generated_at=NOW))
    for control in CONTROLS:
        assert f" {control} " in f" {text} ", control
