"""Duties that turn on more than the tier: registration (Art. 49), the impact assessment
(Art. 27), authorised representatives (Arts. 22, 54), systems already on the market
(Art. 111(2)), reported dates, bans still to come, the derogation and Art. 50(3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aisec.core.errors import ConfigError
from aisec.governance.classify import Classification, classify, next_questions
from classify_answers import complete

AS_OF = date(2026, 11, 28)
ROLES = ("provider", "deployer", "authorised-representative")
SYSTEM = {"subject": "ai-system"}
GRID = ["AnnexIII.2(a)"]  # critical infrastructure: water, gas, electricity, traffic
NCII = "Art.5(1)(omnibus-ncii)"


def run(as_of: date = AS_OF, amended: bool = True, **given: object) -> Classification:
    return classify(complete(**given), roles=ROLES, as_of=as_of, use_amended_dates=amended)


def asked(**given: object) -> set[str]:
    return set(complete(**given)) - set(given)


def refs(result: Classification, role: str) -> list[str]:
    return [r.removeprefix("EU-AI-Act:") for r in result.refs(role)]


def cited(result: Classification) -> set[str]:
    return {ref.removeprefix("EU-AI-Act:") for reason in result.rationale for ref in reason.refs}


def text(result: Classification) -> str:
    return " ".join(reason.text for reason in result.rationale)


def duty(result: Classification, role: str, ref: str) -> Any:
    found = [d for d in result.obligations[role] if d.ref == f"EU-AI-Act:{ref}"]
    assert found, f"{ref} not among {result.refs(role)}"
    return found[0]


# 1. Critical infrastructure registers nationally (Art. 49(5)), not in the EU database.
def test_critical_infrastructure_alone_registers_nationally() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=GRID)
    assert result.system_tiers == ("high-risk",)
    assert "Art.49" not in refs(result, "provider")
    assert "Art.49(5)" in refs(result, "provider")
    assert "Art.49" not in refs(result, "deployer")
    assert "Art.49(5)" not in refs(result, "deployer")
    assert "Art.49(5)" in cited(result)
    # Neither registration of use nor the impact assessment can apply: not asked.
    assert "deployer_public_authority" not in asked(**SYSTEM, annex_iii_use_cases=GRID)


def test_critical_infrastructure_with_another_use_registers_in_the_eu_database() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=[*GRID, "AnnexIII.4(a)"])
    assert "Art.49" in refs(result, "provider")
    assert "Art.49(5)" not in refs(result, "provider")
    assert "Art.49(1)" in cited(result)


# 2. Public authorities register their use and assess; private public services only assess.
def test_public_authority_deployer_registers_use_and_assesses() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], deployer_public_authority=True)
    assert {"Art.27", "Art.49"} <= set(refs(result, "deployer"))
    assert {"Art.27", "Art.49(3)"} <= cited(result)
    # The private-service question is moot for a public authority.
    given = {**SYSTEM, "annex_iii_use_cases": ["AnnexIII.4(a)"], "deployer_public_authority": True}
    assert "deployer_private_public_service" not in asked(**given)


def test_private_public_service_assesses_but_does_not_register_use() -> None:
    result = run(
        **SYSTEM, annex_iii_use_cases=["AnnexIII.5(d)"], deployer_private_public_service=True
    )
    assert "Art.27" in refs(result, "deployer")
    assert "Art.49" not in refs(result, "deployer")
    assert "Art.49" in refs(result, "provider")
    assert "private entity providing public services" in text(result)


def test_credit_scoring_needs_the_assessment_whoever_deploys_it() -> None:
    assert "deployer_private_public_service" not in asked(
        **SYSTEM, annex_iii_use_cases=["AnnexIII.5(b)"]
    )
    assert "Art.27" in refs(run(**SYSTEM, annex_iii_use_cases=["AnnexIII.5(b)"]), "deployer")
    # Critical infrastructure never owes it, even for a public authority.
    assert "Art.27" not in refs(run(**SYSTEM, annex_iii_use_cases=GRID), "deployer")


def test_the_old_combined_question_is_gone() -> None:
    with pytest.raises(ConfigError, match="deployer_public"):
        next_questions({**SYSTEM, "deployer_public": True})


# 3. Reported only where the amendment moved the date, or for a reported duty.
def test_amendment_status_says_reported_only_for_moved_dates() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], interacts_with_people=True)
    literacy = duty(result, "provider", "Art.4")
    assert literacy.date_source == "original"
    assert (literacy.amendment_status, literacy.status) == (
        "unchanged",
        "in force since 2025-02-02",
    )
    chatbot = duty(result, "provider", "Art.50(1)")
    assert chatbot.amendment_status == "unchanged"
    assert not chatbot.status.endswith("(reported)")
    risk = duty(result, "provider", "Art.9")
    assert (risk.date_source, risk.amendment_status) == ("amended", "reported")
    assert risk.status.endswith(" (reported)")
    original = duty(run(amended=False, **SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"]),
                    "provider", "Art.9")  # fmt: skip
    assert (original.amendment_status, original.status) == (
        "unchanged",
        "in force since 2026-08-02",
    )


# 4. A ban not yet in force does not end the classification.
def test_omnibus_ban_before_it_applies_is_upcoming_and_other_tiers_are_assessed() -> None:
    given = {**SYSTEM, "practices": [NCII]}
    # The questionnaire goes on past the reported ban.
    assert {"annex_iii_use_cases", "generates_content"} <= asked(**given)
    result = run(**given, generates_content=True)
    assert result.prohibited == ()
    assert result.system_tiers == ("transparency",)
    assert [d.ref for d in result.upcoming_prohibitions] == [f"EU-AI-Act:{NCII}"]
    assert result.upcoming_prohibitions[0].status.endswith("(reported)")
    assert "Art.50(2)" in refs(result, "provider")
    assert "upcoming prohibition" in text(result)
    assert NCII in cited(result)
    assert result.to_dict()["upcoming_prohibitions"][0]["ref"] == f"EU-AI-Act:{NCII}"


def test_omnibus_ban_once_in_force_makes_the_system_prohibited() -> None:
    result = run(as_of=date(2026, 12, 2), **SYSTEM, practices=[NCII])
    assert result.system_tiers == ("prohibited",)
    assert [d.ref for d in result.prohibited] == [f"EU-AI-Act:{NCII}"]
    assert result.upcoming_prohibitions == ()


def test_omnibus_ban_under_the_original_text_is_upcoming_without_a_date() -> None:
    result = run(amended=False, **SYSTEM, practices=[NCII])
    assert result.system_tiers == ("minimal",)
    (upcoming,) = result.upcoming_prohibitions
    assert upcoming.applies_from is None
    assert upcoming.status.startswith("not in the original Regulation")
    assert "Nothing is prohibited" not in text(result)


# 5. The derogation is no free pass: document and register.
def test_derogation_rationale_names_documentation_and_registration() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], derogation=["Art.6(3)(a)"])
    assert result.system_tiers == ("minimal",)
    assert "bound only by AI literacy" not in text(result)
    tier_reason = result.rationale[-2]  # before the dates reason
    assert "Art. 6(3)" in tier_reason.text and "register" in tier_reason.text
    assert {"EU-AI-Act:Art.6(4)", "EU-AI-Act:Art.49(2)"} <= set(tier_reason.refs)


# 7. An authorised representative only for providers outside the Union.
def test_representative_only_for_providers_outside_the_union() -> None:
    inside = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"])
    assert "Art.22" not in refs(inside, "provider")
    assert refs(inside, "authorised-representative") == []
    outside = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], provider_outside_eu=True)
    assert "Art.22" in refs(outside, "provider")
    assert "Art.22" in refs(outside, "authorised-representative")
    assert "Art.22" in cited(outside)
    # Not asked where no provider duty could call for one.
    assert "provider_outside_eu" not in asked(**SYSTEM)


def test_gpai_representative_spares_open_source_models() -> None:
    model = {"subject": "gpai-model", "provider_outside_eu": True}
    assert "Art.54" in refs(run(**model, gpai_training_flops=1e23), "provider")
    assert "Art.54" in refs(run(**model, gpai_training_flops=1e26), "provider")
    assert "Art.54" not in refs(run(**model, gpai_open_source=True), "provider")
    assert "Art.54" not in refs(run(subject="gpai-model"), "provider")


# 8. Systems already on the market (Art. 111(2)).
def test_legacy_high_risk_system_is_bound_only_on_significant_change() -> None:
    result = run(**SYSTEM, annex_iii_use_cases=["AnnexIII.4(a)"], placed_before_application=True)
    risk = duty(result, "provider", "Art.9")
    assert risk.status.startswith("applies only on significant change (Art. 111(2))")
    assert risk.status.endswith("(reported)")
    assert "only on significant change" not in duty(result, "provider", "Art.4").status
    assert "Art.111(2)" in cited(result)
    assert "2 August 2030" in text(result)
    public = run(
        **SYSTEM,
        annex_iii_use_cases=["AnnexIII.4(a)"],
        placed_before_application=True,
        deployer_public_authority=True,
    )
    assert "by 2030-08-02" in duty(public, "deployer", "Art.26").status
    assert "placed_before_application" not in asked(**SYSTEM, interacts_with_people=True)


# 9. Art. 50(3) reaches any biometric categorisation.
def test_any_biometric_categorisation_triggers_art_50_3() -> None:
    result = run(**SYSTEM, biometric_categorisation=True)
    assert result.system_tiers == ("transparency",)
    assert "Art.50(3)" in refs(result, "deployer")
    assert "Art.50(3)" in cited(result)


def test_a_published_ban_judged_before_it_applied_is_upcoming() -> None:
    # The questionnaire stops on a ban of the published text, so nothing else can be
    # assessed; before 2 February 2025 it is still not in force.
    result = run(as_of=date(2025, 1, 15), **SYSTEM, practices=["Art.5(1)(c)"])
    assert result.prohibited == ()
    assert result.system_tiers == ()
    assert [d.ref for d in result.upcoming_prohibitions] == ["EU-AI-Act:Art.5(1)(c)"]
    assert "other tiers were not assessed" in text(result)
    assert run(**SYSTEM, practices=["Art.5(1)(c)"]).system_tiers == ("prohibited",)
