"""The reasons for a classification, one sentence each, citing the catalogue refs they rest
on. Sentences are aisec's own words; the refs point to the Regulation."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify.result import Reason

_TRANSPARENCY_WHY = {
    "Art.50(1)": "the system interacts directly with people",
    "Art.50(2)": "the system generates synthetic content",
    "Art.50(3)": "the system recognises emotions or categorises people biometrically",
    "Art.50(4)": "the system makes deep fakes or public-interest text",
}
_RBI_OBJECTIVES = {"victims": "(i)", "threat": "(ii)", "suspects": "(iii)"}


def _r(text: str, *ids: str) -> Reason:
    return Reason(text, tuple(f.ref(i) for i in ids))


def prohibitions(a: f.Answers) -> list[Reason]:
    reasons = []
    if f.yes(a, "emotion_workplace") and not f.emotion_banned(a):
        reasons.append(
            _r(
                "Emotion recognition at work or in education is used for medical or safety "
                "reasons, which Art. 5(1)(f) exempts, so it is not banned.",
                "Art.5(1)(f)",
            )
        )
    exception = a.get("rbi_exception")
    if isinstance(exception, str) and exception in _RBI_OBJECTIVES:
        reasons.append(
            _r(
                f"Real-time remote identification for law enforcement is claimed to serve "
                f"objective {_RBI_OBJECTIVES[exception]} of Art. 5(1)(h); it is lawful only "
                "with prior authorisation and the safeguards of Art. 5(2)-(7).",
                "Art.5(1)(h)",
            )
        )
    banned = f.banned(a)
    for practice in banned:
        reasons.append(
            _r(
                f"The system engages in a prohibited practice ({f.title(practice)}): it may not "
                "be placed on the market, put into service or used.",
                practice,
                "Art.5",
            )
        )
    if banned:
        reasons.append(
            _r(
                "Other tiers were not assessed: a banned system cannot lawfully be offered or "
                "used at all.",
                "prohibited",
            )
        )
    return reasons


def high_risk(a: f.Answers) -> list[Reason]:
    reasons = []
    if f.annex_i(a):
        reasons.append(
            _r(
                "The system is, or is a safety component of, an Annex I product that needs "
                "third-party conformity assessment, so it is high-risk.",
                "Art.6(1)",
                "AnnexI",
            )
        )
    elif f.yes(a, "annex_i_product"):
        reasons.append(
            _r(
                "The Annex I product needs no third-party conformity assessment, so Art. 6(1) "
                "does not make the system high-risk.",
                "Art.6(1)",
            )
        )
    for use_case in f.annex_iii(a):
        reasons.append(
            _r(
                f"Its intended use falls under Annex III ({f.title(use_case)}), which makes an "
                "AI system high-risk unless Art. 6(3) applies.",
                use_case,
                "Art.6(2)",
            )
        )
    reasons.extend(derogation(a))
    if f.fria(a):
        who = ", ".join(f.title(u) for u in f.fria_use_cases(a)) or "a public-service deployer"
        reasons.append(
            _r(
                f"Deployers must assess the impact on fundamental rights before first use ({who}).",
                "Art.27",
            )
        )
    return reasons


def derogation(a: f.Answers) -> list[Reason]:
    claimed = f.chosen(a, "derogation")
    if f.annex_iii(a) and f.annex_i(a):
        return [
            _r(
                "Art. 6(3) was not considered: Art. 6(1) makes the system high-risk anyway.",
                "Art.6(3)",
                "Art.6(1)",
            )
        ]
    if not claimed or not f.annex_iii(a):
        return []
    if f.yes(a, "profiling"):
        return [
            _r(
                "A derogation is claimed, but the system profiles natural persons, which "
                "rules the derogation out: it stays high-risk.",
                "Art.6(3)",
                *claimed,
            )
        ]
    return [
        _r(
            f"The provider claims the derogation ({'; '.join(f.title(c) for c in claimed)}) and "
            "the system does not profile people, so it is not high-risk.",
            "Art.6(3)",
            *claimed,
        ),
        _r(
            "The provider must document that assessment before placing the system on the "
            "market and register the system.",
            "Art.6(4)",
            "Art.49(2)",
        ),
    ]


def transparency(a: f.Answers) -> list[Reason]:
    reasons = [_r(f"Transparency duty: {_TRANSPARENCY_WHY[p]}.", p) for p in f.transparency(a)]
    if "Art.50(2)" in f.transparency(a) and f.yes(a, "on_market_before_2026_08_02"):
        reasons.append(
            _r(
                "Already on the market before 2 August 2026, the system gets the reported "
                "grace period for marking its output.",
                "Date.2026-08-02.Art50(2)",
            )
        )
    return reasons


def gpai(a: f.Answers) -> list[Reason]:
    if not f.is_model(a):
        return []
    reasons = [
        _r(
            "As a general-purpose AI model, it carries the obligations of all GPAI providers.",
            "gpai",
            "Art.53",
        )
    ]
    if f.flops_presumed(a):
        reasons.append(
            _r(
                f"Its training compute ({a.get('gpai_training_flops'):.3g} FLOPs) exceeds the "
                "10^25 FLOPs presumption, so it has systemic risk.",
                "Art.51",
                "Art.55",
            )
        )
    elif f.yes(a, "gpai_designated"):
        reasons.append(
            _r(
                "It is designated, or found, to have high-impact capabilities, so it "
                "has systemic risk.",
                "Art.51",
                "Art.55",
            )
        )
    elif f.yes(a, "gpai_open_source"):
        reasons.append(
            _r(
                "Released as free and open source without systemic risk, it is spared "
                "technical documentation and downstream information.",
                "Art.53(2)",
            )
        )
    if f.yes(a, "gpai_on_market_before_2025_08_02"):
        reasons.append(
            _r(
                "Placed on the market before 2 August 2025, it has until 2 August 2027 to comply.",
                "Date.2027-08-02.GPAI",
            )
        )
    return reasons


def minimal() -> Reason:
    return _r(
        "Nothing is prohibited, no high-risk route remains and no transparency case applies: "
        "the system is minimal risk, bound only by AI literacy, with voluntary codes of "
        "conduct encouraged.",
        "minimal",
        "Art.4",
        "Art.95",
    )


def dates_used(use_amended: bool) -> Reason:
    if use_amended:
        return _r(
            "Dates follow the amendments of Regulation (EU) 2026/1744 as reported; verify "
            "them against the consolidated text.",
            "Art.113",
        )
    return _r("Dates follow the Regulation as originally published.", "Art.113")
