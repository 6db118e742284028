"""The questions on who owes which duty once the tier is known: the kind of deployer
(Arts. 27, 49(3)), systems already on the market (Art. 111(2)) and providers established
outside the Union (Arts. 22, 54)."""

from __future__ import annotations

from aisec.governance.classify import facts as f
from aisec.governance.classify import facts_duties as d
from aisec.governance.classify.q_classification import ANNEX_III
from aisec.governance.classify.questions import Question, q, refs

_PUBLIC = "the system is high-risk under Annex III for a use other than critical infrastructure"


def _public_asked(answers: f.Answers) -> bool:
    return f.high_risk_annex_iii(answers) and bool(d.outside_point_2(answers))


def _private_asked(answers: f.Answers) -> bool:
    # Credit scoring and insurance pricing owe the assessment whoever deploys them.
    return (
        _public_asked(answers) and not d.public_authority(answers) and not d.fria_use_cases(answers)
    )


def _system_high_risk(answers: f.Answers) -> bool:
    return f.is_system(answers) and f.high_risk(answers)


def questions() -> tuple[Question, ...]:
    return (
        q(
            "deployer_public_authority",
            "Is the deployer a public authority or an EU institution, body, office or "
            "agency, or someone acting on behalf of one?",
            "yes-no",
            "Such deployers register their use in the EU database and assess the impact "
            "on fundamental rights.",
            refs("Art.49(3)", "Art.27"),
            _PUBLIC,
            _public_asked,
            ANNEX_III,
        ),
        q(
            "deployer_private_public_service",
            "Is the deployer a private entity providing public services?",
            "yes-no",
            "Such deployers assess the impact on fundamental rights; they do not register "
            "their use.",
            refs("Art.27"),
            "as above, the deployer is no public authority, and no use case already "
            "requires the assessment",
            _private_asked,
            ("deployer_public_authority",),
        ),
        q(
            "placed_before_application",
            "Was the system placed on the market or put into service before the date its "
            "high-risk obligations apply?",
            "yes-no",
            "Art. 111(2) as published names 2 August 2026; check whether the Omnibus "
            "deferrals move that cut-off.",
            refs("Art.111(2)"),
            "the system is high-risk",
            _system_high_risk,
            ANNEX_III,
        ),
        q(
            "provider_outside_eu",
            "Is the provider established outside the European Union?",
            "yes-no",
            "A provider outside the Union needs an authorised representative in it.",
            refs("Art.22", "Art.54"),
            "the system is high-risk or a general-purpose AI model is assessed",
            d.provider_duties_abroad,
            ANNEX_III,
        ),
    )
