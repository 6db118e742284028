"""The reasons that qualify the tiers: who owes a representative (Arts. 22, 54), the
transitional rule for systems already on the market (Art. 111(2)), the GPAI regime, the
minimal tier and which dates were used."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify import facts_duties as d
from aisec.governance.classify.rationale import reason
from aisec.governance.classify.result import Reason

_PUBLIC_DEADLINE = "2030-08-02"


def legacy_condition(a: f.Answers) -> str:
    """The proviso the high-risk duties of a system already on the market carry."""
    if not d.legacy(a):
        return ""
    if d.public_authority(a):
        return (
            f"applies only on significant change, or by {_PUBLIC_DEADLINE} for "
            "public-authority use (Art. 111(2))"
        )
    return "applies only on significant change (Art. 111(2))"


def duties(a: f.Answers) -> list[Reason]:
    reasons = []
    if d.legacy(a):
        reasons.append(
            reason(
                "The system was placed on the market or put into service before its "
                "high-risk rules applied: they bind it only once its design changes "
                "significantly after that date, except that a system meant for use by public "
                "authorities must comply by 2 August 2030 in any case.",
                "Art.111(2)",
            )
        )
    if d.outside_eu(a) and f.high_risk(a):
        reasons.append(
            reason(
                "The provider is established outside the Union, so it must mandate an "
                "authorised representative in the Union before making the system available.",
                "Art.22",
            )
        )
    return reasons


def minimal(a: f.Answers, upcoming: bool) -> Reason:
    ban = "No ban is in force yet" if upcoming else "Nothing is prohibited"
    if f.derogation_applies(a):
        return reason(
            f"{ban}, and the Annex III system is not high-risk because Art. 6(3) applies; "
            "the provider must still document that assessment before placing it on the "
            "market and register it, and AI literacy applies.",
            "Art.6(3)",
            "Art.6(4)",
            "Art.49(2)",
            "Art.4",
        )
    return reason(
        f"{ban}, no high-risk route remains and no transparency case applies: the system "
        "is minimal risk, bound only by AI literacy, with voluntary codes of conduct "
        "encouraged.",
        "minimal",
        "Art.4",
        "Art.95",
    )


def gpai(a: f.Answers) -> list[Reason]:
    if not f.is_model(a):
        return []
    reasons = [
        reason(
            "As a general-purpose AI model, it carries the obligations of all GPAI providers.",
            "gpai",
            "Art.53",
        )
    ]
    if f.flops_presumed(a):
        reasons.append(
            reason(
                f"Its training compute ({a.get('gpai_training_flops'):.3g} FLOPs) exceeds the "
                "10^25 FLOPs presumption, so it has systemic risk.",
                "Art.51",
                "Art.55",
            )
        )
    elif f.yes(a, "gpai_designated"):
        reasons.append(
            reason(
                "It is designated, or found, to have high-impact capabilities, so it "
                "has systemic risk.",
                "Art.51",
                "Art.55",
            )
        )
    elif f.yes(a, "gpai_open_source"):
        reasons.append(
            reason(
                "Released as free and open source without systemic risk, it is spared "
                "technical documentation and downstream information.",
                "Art.53(2)",
            )
        )
    if f.yes(a, "gpai_on_market_before_2025_08_02"):
        reasons.append(
            reason(
                "Placed on the market before 2 August 2025, it has until 2 August 2027 to comply.",
                "Date.2027-08-02.GPAI",
            )
        )
    if d.outside_eu(a) and not (f.yes(a, "gpai_open_source") and not f.systemic(a)):
        reasons.append(
            reason(
                "The provider is established outside the Union, so it must mandate an "
                "authorised representative in the Union before placing the model on the market.",
                "Art.54",
            )
        )
    return reasons


def dates_used(use_amended: bool) -> Reason:
    if use_amended:
        return reason(
            "Dates follow the amendments of Regulation (EU) 2026/1744 as reported; verify "
            "them against the consolidated text.",
            "Art.113",
        )
    return reason("Dates follow the Regulation as originally published.", "Art.113")
