"""EU AI Act classification scenarios: tier, key obligations and a rationale ref each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aisec.governance.classify import Classification, classify
from classify_answers import complete

AS_OF = date(2026, 11, 28)
BOTH = ("provider", "deployer")
HR_PROVIDER = [f"EU-AI-Act:Art.{n}" for n in (9, 10, 11, 12, 13, 14, 15, 17, 49, 72, 73)]


def run(
    roles: tuple[str, ...] = BOTH, as_of: date = AS_OF, amended: bool = True, **given: object
) -> Classification:
    return classify(complete(**given), roles=roles, as_of=as_of, use_amended_dates=amended)


def cited(result: Classification) -> set[str]:
    return {ref for reason in result.rationale for ref in reason.refs}


def duty(result: Classification, role: str, ref: str) -> Any:
    found = [d for d in result.obligations[role] if d.ref == f"EU-AI-Act:{ref}"]
    assert found, f"{ref} not among {result.refs(role)}"
    return found[0]


SYSTEM = {"subject": "ai-system"}


def test_credit_scoring_by_a_bank_is_high_risk_with_fria() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.5(b)"])
    assert result.system_tiers == ("high-risk",)
    assert result.annex_iii == ("EU-AI-Act:AnnexIII.5(b)",)
    assert set(HR_PROVIDER) <= set(result.refs("provider"))
    assert {"EU-AI-Act:Art.26", "EU-AI-Act:Art.27"} <= set(result.refs("deployer"))
    # A private bank is no public authority: it does not register its use.
    assert "EU-AI-Act:Art.49" not in result.refs("deployer")
    assert {"EU-AI-Act:AnnexIII.5(b)", "EU-AI-Act:Art.6(2)", "EU-AI-Act:Art.27"} <= cited(result)


def test_spam_filter_is_minimal_with_literacy_only() -> None:
    result = run(**SYSTEM)
    assert result.tiers == ("minimal",)
    assert result.refs("provider") == ["EU-AI-Act:Art.4"]
    assert result.refs("deployer") == ["EU-AI-Act:Art.4"]
    assert "EU-AI-Act:minimal" in cited(result)


def test_customer_service_chatbot_has_art_50_1() -> None:
    result = run(**SYSTEM, interacts_with_people=True)
    assert result.tiers == ("transparency",)
    assert "EU-AI-Act:Art.50(1)" in result.refs("provider")
    assert duty(result, "provider", "Art.50(1)").status == "in force since 2026-08-02"
    assert "EU-AI-Act:Art.50(1)" in cited(result)


def test_image_generator_must_mark_output() -> None:
    result = run(**SYSTEM, generates_content=True)
    assert result.tiers == ("transparency",)
    assert duty(result, "provider", "Art.50(2)").applies_from == date(2026, 8, 2)
    assert "EU-AI-Act:Art.50(2)" in cited(result)
    # Already on the market: the reported grace to 2 December 2026 applies.
    older = run(**SYSTEM, generates_content=True, on_market_before_2026_08_02=True)
    marking = duty(older, "provider", "Art.50(2)")
    assert marking.applies_from == date(2026, 12, 2)
    assert marking.status == "applies from 2026-12-02, 4 days from now (reported)"
    assert "EU-AI-Act:Date.2026-08-02.Art50(2)" in cited(older)


def test_workplace_emotion_recognition_is_prohibited() -> None:
    result = run(**SYSTEM, emotion_recognition=True, emotion_workplace=True)
    assert result.tiers == ("prohibited",)
    assert [d.ref for d in result.prohibited] == ["EU-AI-Act:Art.5(1)(f)"]
    assert result.prohibited[0].status == "in force since 2025-02-02"
    assert result.obligations == {"provider": (), "deployer": ()}
    assert "EU-AI-Act:Art.5(1)(f)" in cited(result)


def test_emotion_recognition_for_medical_reasons_is_high_risk() -> None:
    result = run(
        **SYSTEM, emotion_recognition=True, emotion_workplace=True, emotion_medical_or_safety=True
    )
    assert result.prohibited == ()
    assert result.system_tiers == ("high-risk", "transparency")
    assert result.annex_iii == ("EU-AI-Act:AnnexIII.1(c)",)
    assert "EU-AI-Act:Art.50(3)" in result.refs("deployer")
    assert "EU-AI-Act:Art.9" in result.refs("provider")
    assert {"EU-AI-Act:Art.5(1)(f)", "EU-AI-Act:AnnexIII.1(c)"} <= cited(result)


def test_social_scoring_is_prohibited() -> None:
    result = run(**SYSTEM, practices=["Art.5(1)(c)"])
    assert result.tiers == ("prohibited",)
    assert [d.ref for d in result.prohibited] == ["EU-AI-Act:Art.5(1)(c)"]
    assert "EU-AI-Act:Art.5(1)(c)" in cited(result)


def test_narrow_procedural_task_without_profiling_is_derogated() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], derogation=["Art.6(3)(a)"])
    assert result.tiers == ("minimal",)
    assert result.derogation is not None and result.derogation.applies
    assert result.derogation.claimed == ("EU-AI-Act:Art.6(3)(a)",)
    assert result.refs("provider") == [
        "EU-AI-Act:Art.4",
        "EU-AI-Act:Art.6(4)",
        "EU-AI-Act:Art.49(2)",
    ]
    assert "EU-AI-Act:Art.9" not in result.refs("provider")
    assert {"EU-AI-Act:Art.6(3)(a)", "EU-AI-Act:Art.6(4)", "EU-AI-Act:Art.49(2)"} <= cited(result)


def test_profiling_defeats_the_derogation() -> None:
    result = run(
        **SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], derogation=["Art.6(3)(a)"], profiling=True
    )
    assert result.tiers == ("high-risk",)
    assert result.derogation is not None and not result.derogation.applies
    assert "profiles natural persons" in result.derogation.reason
    assert set(HR_PROVIDER) <= set(result.refs("provider"))
    assert "EU-AI-Act:Art.6(3)" in cited(result)


def test_gpai_model_has_art_53() -> None:
    result = run(subject="gpai-model", gpai_training_flops=1e23)
    assert result.tiers == ("gpai",)
    assert result.system_tiers == ()
    assert "EU-AI-Act:Art.53" in result.refs("provider")
    assert not any(r.startswith("EU-AI-Act:Art.55") for r in result.refs("provider"))
    assert result.refs("deployer") == []
    assert duty(result, "provider", "Art.53").status == "in force since 2025-08-02"
    assert "EU-AI-Act:Art.53" in cited(result)


def test_gpai_model_above_compute_threshold_has_systemic_risk() -> None:
    result = run(subject="gpai-model", gpai_training_flops=3e25)
    assert result.tiers == ("gpai-systemic-risk",)
    assert {"EU-AI-Act:Art.53", "EU-AI-Act:Art.55"} <= set(result.refs("provider"))
    assert {"EU-AI-Act:Art.51", "EU-AI-Act:Art.55"} <= cited(result)


def test_open_source_gpai_model_is_spared_53_1_a_and_b() -> None:
    result = run(subject="gpai-model", gpai_open_source=True)
    assert result.refs("provider") == ["EU-AI-Act:Art.53(1)(c)", "EU-AI-Act:Art.53(1)(d)"]
    assert "EU-AI-Act:Art.53(2)" in cited(result)


def test_legacy_gpai_model_complies_by_2027() -> None:
    result = run(subject="gpai-model", gpai_on_market_before_2025_08_02=True)
    assert duty(result, "provider", "Art.53").applies_from == date(2027, 8, 2)
    assert "EU-AI-Act:Date.2027-08-02.GPAI" in cited(result)


@pytest.mark.parametrize(("amended", "day"), [(True, date(2028, 8, 2)), (False, date(2027, 8, 2))])
def test_annex_i_safety_component_is_high_risk_from_the_annex_i_date(
    amended: bool, day: date
) -> None:
    result = run(
        roles=("provider", "product-manufacturer"),
        amended=amended,
        **SYSTEM,
        annex_i_product=True,
        annex_i_third_party=True,
    )
    assert result.tiers == ("high-risk",)
    assert result.annex_i
    risk = duty(result, "provider", "Art.9")
    assert risk.applies_from == day
    assert risk.date_ref == "EU-AI-Act:Date.2027-08-02.AnnexI"
    # Only the amended date is the reported one; the original text's date is unchanged.
    assert risk.amendment_status == ("reported" if amended else "unchanged")
    assert risk.status.endswith(" (reported)") == amended
    assert risk.date_source == ("amended" if amended else "original")
    # Registration and the impact assessment belong to the Annex III regime only.
    assert "EU-AI-Act:Art.49" not in result.refs("provider")
    assert result.refs("product-manufacturer") == ["EU-AI-Act:Art.25(3)"]
    assert {"EU-AI-Act:Art.6(1)", "EU-AI-Act:AnnexI"} <= cited(result)


def test_annex_i_product_without_third_party_assessment_is_not_high_risk() -> None:
    result = run(**SYSTEM, annex_i_product=True, annex_i_third_party=False)
    assert result.tiers == ("minimal",)
    assert "EU-AI-Act:Art.6(1)" in cited(result)


def test_cv_screening_dates_amended_and_original() -> None:
    given = {**SYSTEM, "annex_iii_use_cases": ["AnnexIII.4(a)"]}
    amended = run(as_of=date(2026, 9, 1), **given)
    screening = duty(amended, "provider", "Art.9")
    assert amended.tiers == ("high-risk",)
    assert screening.applies_from == date(2027, 12, 2)
    assert not screening.in_force
    assert screening.status == "applies from 2027-12-02, 457 days from now (reported)"
    original = run(as_of=date(2026, 9, 1), amended=False, **given)
    screening = duty(original, "deployer", "Art.26")
    assert screening.in_force
    assert screening.status == "in force since 2026-08-02"
    # 4(a) does not trigger an impact assessment for a private deployer.
    assert "EU-AI-Act:Art.27" not in original.refs("deployer")
    assert "EU-AI-Act:AnnexIII.4(a)" in cited(amended)


def test_public_deployer_of_recruitment_tool_owes_fria_and_registration() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], deployer_public_authority=True)
    assert {"EU-AI-Act:Art.27", "EU-AI-Act:Art.49"} <= set(result.refs("deployer"))


def test_real_time_biometric_identification_for_police_is_prohibited() -> None:
    given = {**SYSTEM, "remote_biometric_id": True, "rbi_realtime_law_enforcement": True}
    result = run(**given, rbi_exception="none")
    assert result.tiers == ("prohibited",)
    assert [d.ref for d in result.prohibited] == ["EU-AI-Act:Art.5(1)(h)"]
    assert "EU-AI-Act:Art.5(1)(h)" in cited(result)
    excepted = run(**given, rbi_exception="victims")
    assert excepted.prohibited == ()
    assert excepted.tiers == ("high-risk",)
    assert excepted.annex_iii == ("EU-AI-Act:AnnexIII.1(a)",)
    assert "EU-AI-Act:Art.5(1)(h)" in cited(excepted)


def test_system_on_own_gpai_model_has_both_regimes() -> None:
    result = run(subject="both", interacts_with_people=True, gpai_training_flops=2e25)
    assert result.tiers == ("transparency", "gpai-systemic-risk")
    assert {"EU-AI-Act:Art.50(1)", "EU-AI-Act:Art.53", "EU-AI-Act:Art.55"} <= set(
        result.refs("provider")
    )


def test_omnibus_prohibition_dates() -> None:
    result = run(**SYSTEM, practices=["Art.5(1)(omnibus-ncii)"])
    upcoming = result.upcoming_prohibitions[0]
    assert upcoming.status == "applies from 2026-12-02, 4 days from now (reported)"
    original = run(amended=False, **SYSTEM, practices=["Art.5(1)(omnibus-ncii)"])
    assert original.upcoming_prohibitions[0].applies_from is None
    assert "original Regulation" in original.upcoming_prohibitions[0].status
