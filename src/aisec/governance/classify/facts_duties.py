"""What the answers establish about who owes the duties that turn on more than the tier:
registration (Art. 49), the impact assessment (Art. 27), an authorised representative
(Arts. 22, 54) and the transitional rule for systems already on the market (Art. 111(2)).
Like :mod:`facts`, every function takes effective answers."""

from __future__ import annotations

from aisec.governance.classify.facts import (
    POINT_2,
    Answers,
    annex_iii,
    catalogue,
    high_risk,
    high_risk_annex_iii,
    is_model,
    is_system,
    yes,
)


def outside_point_2(answers: Answers) -> list[str]:
    """Annex III use cases matched other than critical infrastructure (point 2)."""
    return [u for u in annex_iii(answers) if not u.startswith(POINT_2)]


def eu_registration(answers: Answers) -> bool:
    """Whether the system goes in the EU database (Art. 49(1), (3)): point 2 does not."""
    return high_risk_annex_iii(answers) and bool(outside_point_2(answers))


def national_registration(answers: Answers) -> bool:
    """Only critical infrastructure matched: registered nationally (Art. 49(5))."""
    return high_risk_annex_iii(answers) and not outside_point_2(answers)


def public_authority(answers: Answers) -> bool:
    return yes(answers, "deployer_public_authority")


def fria_use_cases(answers: Answers) -> list[str]:
    """Use cases whose deployers owe an impact assessment whoever they are (Art. 27(1):
    credit scoring and life and health insurance, marked ``fria_required``)."""
    found = []
    for use_case in annex_iii(answers):
        item = catalogue().get(use_case)
        if item is not None and item.attributes.get("fria_required"):
            found.append(use_case)
    return found


def fria(answers: Answers) -> bool:
    """Whether deployers owe a fundamental-rights impact assessment (Art. 27(1))."""
    if not high_risk_annex_iii(answers):
        return False
    if fria_use_cases(answers):
        return True
    # Public authorities and private entities providing public services owe one for every
    # Annex III use except critical infrastructure.
    public = public_authority(answers) or yes(answers, "deployer_private_public_service")
    return public and bool(outside_point_2(answers))


def provider_duties_abroad(answers: Answers) -> bool:
    """Whether an authorised representative could be owed (Arts. 22, 54)."""
    return (is_system(answers) and high_risk(answers)) or is_model(answers)


def outside_eu(answers: Answers) -> bool:
    return provider_duties_abroad(answers) and yes(answers, "provider_outside_eu")


def legacy(answers: Answers) -> bool:
    """A high-risk system already on the market before its rules applied (Art. 111(2))."""
    return high_risk(answers) and yes(answers, "placed_before_application")
