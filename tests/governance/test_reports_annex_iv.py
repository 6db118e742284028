"""Annex IV technical documentation draft."""

from __future__ import annotations

from test_reports_support import (
    HOSTILE,
    NOW,
    check_html,
    credit_scoring,
    measurement,
    needs_reportlab,
    pdf_text,
    risk,
)

from aisec.governance.reports import AnnexIVInput, SystemInfo, annex_iv
from aisec.governance.reports.annex_iv import SECTIONS

HEADINGS = [f"{n}. {title}" for n, title in SECTIONS]


def full() -> AnnexIVInput:
    return AnnexIVInput(
        system=SystemInfo(
            "credit-scorer",
            "2.1",
            provider="Bank AG",
            intended_purpose="Scores consumer credit applications.",
        ),
        classification=credit_scoring(),
        components=[
            {
                "kind": "model",
                "name": "scorer.onnx",
                "version": "2.1",
                "format": "onnx",
                "digest": "sha256:ab12",
                "licence": "proprietary",
            },
            {"kind": "dataset", "name": "applications-2025", "source": "core banking"},
        ],
        measurements=[
            measurement("evasion.robust_accuracy", 0.81, 0.77, 0.85, epsilon=0.1),
            measurement("privacy.mia.auc", 0.52, 0.49, 0.55),
        ],
        risks=[risk("Evasion of the scorer")],
        logging={"events": "every decision with inputs hash", "retention": "6 months"},
        monitoring={"plan": "monthly drift and fairness review"},
        changes=[{"date": "2026-10-01", "version": "2.1", "description": "retrained"}],
        standards=["ISO/IEC 42001:2023"],
        declaration_of_conformity="DoC-2026-17",
    )


def test_annex_iv_has_all_nine_sections_in_html() -> None:
    doc = annex_iv(full(), generated_at=NOW)
    assert [s.heading for s in doc.sections] == HEADINGS
    page = check_html(doc)
    assert page.headings[1:] == HEADINGS  # after "Contents"


def test_annex_iv_fills_sections_from_records() -> None:
    doc = annex_iv(full(), generated_at=NOW)
    text = " ".join(check_html(doc).text)
    assert "scorer.onnx" in text and "sha256:ab12" in text  # point 2: inventory
    assert "evasion.robust_accuracy" in text and "[0.77, 0.85]" in text  # point 4
    assert "Evasion of the scorer" in text  # point 5: risk register
    assert "high-risk" in text and "AnnexIII.5(b)" in text  # point 1: classification
    assert "DoC-2026-17" in text and "ISO/IEC 42001:2023" in text


def test_annex_iv_marks_missing_content_without_inventing_it() -> None:
    doc = annex_iv(AnnexIVInput(SystemInfo("bare")), generated_at=NOW)
    for section in doc.sections:
        assert any(item.status == "missing" for item in section.items), section.heading
        assert not section.empty
    text = " ".join(check_html(doc).text)
    assert "missing — to complete" in text and "To complete by the provider." in text
    assert "aisec classify" in text and "aisec test" in text


def test_annex_iv_pdf_has_all_nine_section_titles() -> None:
    needs_reportlab()
    text = pdf_text(annex_iv(full(), generated_at=NOW))
    for heading in HEADINGS:
        assert heading in text
    assert "scorer.onnx" in text


def test_annex_iv_survives_hostile_records() -> None:
    data = AnnexIVInput(
        SystemInfo(HOSTILE, HOSTILE, HOSTILE, intended_purpose=HOSTILE),
        components=[{"kind": "model", "name": HOSTILE, "digest": HOSTILE}],
        measurements=[measurement(HOSTILE, float("nan"), None, None, note=HOSTILE)],
        risks=[risk(HOSTILE, owner=HOSTILE)],
        logging={HOSTILE: HOSTILE},
        standards=[HOSTILE],
    )
    doc = annex_iv(data, generated_at=NOW)
    assert "<script>alert('x')</script>" in " ".join(check_html(doc).text)
    needs_reportlab()
    assert "9. Post-market monitoring system and plan" in pdf_text(doc)
