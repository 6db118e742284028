"""Fundamental rights impact assessment (Art. 27) and DPIA (GDPR Art. 35(7))."""

from __future__ import annotations

from test_reports_support import (
    HOSTILE,
    NOW,
    check_html,
    classification,
    credit_scoring,
    measurement,
    needs_reportlab,
    pdf_text,
    risk,
)

from aisec.governance.reports import DpiaInput, FriaInput, SystemInfo, dpia, fria
from aisec.governance.reports.dpia import POINTS as DPIA_POINTS
from aisec.governance.reports.dpia import heading as dpia_heading
from aisec.governance.reports.fria import POINTS as FRIA_POINTS
from aisec.governance.reports.fria import heading as fria_heading

FRIA = [fria_heading(letter) for letter, _ in FRIA_POINTS]
DPIA = [dpia_heading(letter) for letter, _ in DPIA_POINTS]
FAIRNESS = [
    measurement("fairness.selection_rate", 0.4, 0.35, 0.45, sensitive_feature="sex", group="f"),
    measurement("fairness.demographic_parity_difference", 0.08, 0.02, 0.12),
]


def test_fria_has_points_a_to_f_and_the_trigger() -> None:
    doc = fria(FriaInput(SystemInfo("credit"), credit_scoring()), generated_at=NOW)
    page = check_html(doc)
    assert page.headings[1:] == ["When the assessment is required", *FRIA]
    text = " ".join(page.text)
    assert "Yes: Art. 27 is among the deployer's duties" in text
    assert "EU-AI-Act:Art.27" in text  # the rationale's ref


def test_fria_without_duty_says_so() -> None:
    doc = fria(FriaInput(SystemInfo("chat"), classification().to_dict()), generated_at=NOW)
    assert "not among the deployer duties" in " ".join(check_html(doc).text)


def test_fria_prompts_where_data_is_missing() -> None:
    doc = fria(FriaInput(SystemInfo("credit")), generated_at=NOW)
    assert all(any(i.status == "missing" for i in s.items) for s in doc.sections)
    text = " ".join(check_html(doc).text)
    assert "aisec classify" in text and "minors and vulnerable groups" in text


def test_fria_cites_risks_and_fairness() -> None:
    data = FriaInput(
        SystemInfo("credit"),
        credit_scoring(),
        affected_groups=["applicants"],
        risks=[risk("Unequal refusals")],
        measurements=FAIRNESS,
    )
    text = " ".join(check_html(fria(data, generated_at=NOW)).text)
    assert "Unequal refusals" in text and "fairness.demographic_parity_difference" in text
    assert "applicants" in text


def test_fria_pdf_has_points_a_to_f() -> None:
    needs_reportlab()
    text = pdf_text(
        fria(FriaInput(SystemInfo(HOSTILE), credit_scoring(), harms=HOSTILE), generated_at=NOW)
    )
    for heading in FRIA:
        assert heading in text


def test_dpia_has_points_a_to_d() -> None:
    page = check_html(dpia(DpiaInput(SystemInfo("credit")), generated_at=NOW))
    assert page.headings[1:] == DPIA


def test_dpia_cites_membership_inference_as_privacy_indicator() -> None:
    leak = measurement("privacy.mia.auc", 0.71, 0.66, 0.76)
    data = DpiaInput(
        SystemInfo("credit"),
        measurements=[leak, *FAIRNESS],
        risks=[risk("Re-identification", controls=["ISO42001:A.7.4"])],
        measures=["pseudonymised training data"],
    )
    text = " ".join(check_html(dpia(data, generated_at=NOW)).text)
    assert "Membership inference AUC 0.71" in text and "measurable leak" in text
    assert "fairness.selection_rate" in text
    assert "pseudonymised training data" in text and "ISO42001:A.7.4" in text


def test_dpia_reads_a_chance_level_auc_as_no_evidence() -> None:
    data = DpiaInput(
        SystemInfo("s"), measurements=[measurement("privacy.mia.auc", 0.5, 0.47, 0.53)]
    )
    assert "no evidence of a leak beyond chance" in " ".join(
        check_html(dpia(data, generated_at=NOW)).text
    )


def test_dpia_missing_data_is_marked() -> None:
    doc = dpia(DpiaInput(SystemInfo("s")), generated_at=NOW)
    assert all(any(i.status == "missing" for i in s.items) for s in doc.sections)
    assert "membership-inference" in " ".join(check_html(doc).text)


def test_dpia_pdf_has_points_a_to_d() -> None:
    needs_reportlab()
    data = DpiaInput(
        SystemInfo("s"),
        processing=HOSTILE,
        data_categories=[HOSTILE],
        measurements=[measurement("privacy.mia.auc", 0.6, 0.55, 0.65)],
    )
    text = pdf_text(dpia(data, generated_at=NOW))
    for heading in DPIA:
        assert heading in text
    assert "Membership inference AUC 0.6" in text
