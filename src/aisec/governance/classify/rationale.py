"""The reasons for a classification, one sentence each, citing the catalogue refs they rest
on. Sentences are aisec's own words; the refs point to the Regulation."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify import facts_duties as d
from aisec.governance.classify.result import Reason

_TRANSPARENCY_WHY = {
    "Art.50(1)": "the system interacts directly with people",
    "Art.50(2)": "the system generates synthetic content",
    "Art.50(3)": "the system recognises emotions or sorts people into categories from "
    "biometric data, and its deployers must tell the people exposed to it",
    "Art.50(4)": "the system makes deep fakes or public-interest text",
}


def reason(text: str, *ids: str) -> Reason:
    return Reason(text, tuple(f.ref(i) for i in ids))


def high_risk(a: f.Answers) -> list[Reason]:
    reasons = []
    if f.annex_i(a):
        reasons.append(
            reason(
                "The system is, or is a safety component of, an Annex I product that needs "
                "third-party conformity assessment, so it is high-risk.",
                "Art.6(1)",
                "AnnexI",
            )
        )
    elif f.yes(a, "annex_i_product"):
        reasons.append(
            reason(
                "The Annex I product needs no third-party conformity assessment, so Art. 6(1) "
                "does not make the system high-risk.",
                "Art.6(1)",
            )
        )
    for use_case in f.annex_iii(a):
        reasons.append(
            reason(
                f"Its intended use falls under Annex III ({f.title(use_case)}), which makes an "
                "AI system high-risk unless Art. 6(3) applies.",
                use_case,
                "Art.6(2)",
            )
        )
    reasons.extend(derogation(a))
    if d.fria(a):
        reasons.append(
            reason(
                f"Deployers must assess the impact on fundamental rights before first use "
                f"({_fria_why(a)}).",
                "Art.27",
            )
        )
    return reasons + registration(a)


def _fria_why(a: f.Answers) -> str:
    if d.fria_use_cases(a):
        return ", ".join(f.title(u) for u in d.fria_use_cases(a))
    if d.public_authority(a):
        return "the deployer is a public authority or acts for one"
    return "the deployer is a private entity providing public services"


def registration(a: f.Answers) -> list[Reason]:
    if d.national_registration(a):
        return [
            reason(
                "Critical infrastructure (Annex III point 2) is registered at national level, "
                "not in the EU database: the provider registers the system with the Member "
                "State, and deployers register no use.",
                "Art.49(5)",
                "AnnexIII.2",
            )
        ]
    if not d.eu_registration(a):
        return []
    reasons = [
        reason(
            "The provider registers the system in the EU database before placing it on the "
            "market or putting it into service.",
            "Art.49(1)",
        )
    ]
    if d.public_authority(a):
        reasons.append(
            reason(
                "A public-authority deployer also registers its use of the system there.",
                "Art.49(3)",
            )
        )
    return reasons


def derogation(a: f.Answers) -> list[Reason]:
    claimed = f.chosen(a, "derogation")
    if f.annex_iii(a) and f.annex_i(a):
        return [
            reason(
                "Art. 6(3) was not considered: Art. 6(1) makes the system high-risk anyway.",
                "Art.6(3)",
                "Art.6(1)",
            )
        ]
    if not claimed or not f.annex_iii(a):
        return []
    if f.yes(a, "profiling"):
        return [
            reason(
                "A derogation is claimed, but the system profiles natural persons, which "
                "rules the derogation out: it stays high-risk.",
                "Art.6(3)",
                *claimed,
            )
        ]
    return [
        reason(
            f"The provider claims the derogation ({'; '.join(f.title(c) for c in claimed)}) and "
            "the system does not profile people, so it is not high-risk.",
            "Art.6(3)",
            *claimed,
        ),
        reason(
            "The provider must document that assessment before placing the system on the "
            "market and register the system.",
            "Art.6(4)",
            "Art.49(2)",
        ),
    ]


def transparency(a: f.Answers) -> list[Reason]:
    reasons = [reason(f"Transparency duty: {_TRANSPARENCY_WHY[p]}.", p) for p in f.transparency(a)]
    if "Art.50(2)" in f.transparency(a) and f.yes(a, "on_market_before_2026_08_02"):
        reasons.append(
            reason(
                "Already on the market before 2 August 2026, the system gets the reported "
                "grace period for marking its output.",
                "Date.2026-08-02.Art50(2)",
            )
        )
    return reasons
