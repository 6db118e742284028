"""What the answers establish: the facts both the questionnaire's conditions and the engine
read, kept in one place so that what is asked and what is concluded cannot drift apart.

Every function takes *effective* answers (those of questions actually asked; see
``questions.walk``), so a stale answer to a question no longer asked changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from aisec.governance.catalogs import Catalogue, load_catalogue

Answers = Mapping[str, object]

CATALOGUE_ID = "eu-ai-act"
EMOTION_PRACTICE = "Art.5(1)(f)"
RBI_PRACTICE = "Art.5(1)(h)"
RBI_USE_CASE = "AnnexIII.1(a)"
EMOTION_USE_CASE = "AnnexIII.1(c)"
CATEGORISATION_USE_CASE = "AnnexIII.1(b)"
# Critical infrastructure: registered nationally (Art. 49(5)), no impact assessment (Art. 27).
POINT_2 = "AnnexIII.2("
NO_RBI_EXCEPTION = "none"


@cache
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_ID)


def ref(item_id: str) -> str:
    return f"{catalogue().ref_prefix}{item_id}"


def title(item_id: str) -> str:
    item = catalogue().get(item_id)
    if item is None:
        return item_id
    return item.title or item.summary


def yes(answers: Answers, question: str) -> bool:
    return answers.get(question) is True


def chosen(answers: Answers, question: str) -> tuple[str, ...]:
    value = answers.get(question)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def is_system(answers: Answers) -> bool:
    return answers.get("subject") in ("ai-system", "both")


def is_model(answers: Answers) -> bool:
    return answers.get("subject") in ("gpai-model", "both")


def emotion_banned(answers: Answers) -> bool:
    return (
        yes(answers, "emotion_recognition")
        and yes(answers, "emotion_workplace")
        and not yes(answers, "emotion_medical_or_safety")
    )


def rbi_banned(answers: Answers) -> bool:
    return (
        yes(answers, "remote_biometric_id")
        and yes(answers, "rbi_realtime_law_enforcement")
        and answers.get("rbi_exception") == NO_RBI_EXCEPTION
    )


def banned(answers: Answers) -> list[str]:
    """Art. 5(1) practices matched, as catalogue ids in the catalogue's order."""
    if not is_system(answers):
        return []
    found = set(chosen(answers, "practices"))
    if emotion_banned(answers):
        found.add(EMOTION_PRACTICE)
    if rbi_banned(answers):
        found.add(RBI_PRACTICE)
    return [item.id for item in catalogue().of_kind("prohibited-practice") if item.id in found]


def reported(item_id: str) -> bool:
    item = catalogue().get(item_id)
    return item is not None and item.attributes.get("status") == "reported"


def settled_bans(answers: Answers) -> list[str]:
    """Matched practices of the Regulation as published, which apply from 2 February 2025.
    Only these stop the questionnaire; a ban added by the reported amendment applies
    later (or not at all under the original text), so the other tiers are still asked."""
    return [p for p in banned(answers) if not reported(p)]


def open_system(answers: Answers) -> bool:
    """A system that no settled ban rules out: only such a system has tiers worth
    assessing further."""
    return is_system(answers) and not settled_bans(answers)


def annex_i(answers: Answers) -> bool:
    return (
        open_system(answers)
        and yes(answers, "annex_i_product")
        and yes(answers, "annex_i_third_party")
    )


def annex_iii(answers: Answers) -> list[str]:
    """Annex III use cases matched, including those the biometric answers imply."""
    if not open_system(answers):
        return []
    found = set(chosen(answers, "annex_iii_use_cases"))
    if yes(answers, "remote_biometric_id"):
        found.add(RBI_USE_CASE)
    if yes(answers, "emotion_recognition"):
        found.add(EMOTION_USE_CASE)
    return [item.id for item in catalogue().of_kind("use-case") if item.id in found]


def derogation_applies(answers: Answers) -> bool:
    # Art. 6(3), last subparagraph: profiling natural persons always defeats the derogation.
    return bool(chosen(answers, "derogation")) and not yes(answers, "profiling")


def high_risk_annex_iii(answers: Answers) -> bool:
    return bool(annex_iii(answers)) and (annex_i(answers) or not derogation_applies(answers))


def high_risk(answers: Answers) -> bool:
    return annex_i(answers) or high_risk_annex_iii(answers)


def compute_threshold() -> float:
    tier = catalogue().get("gpai-systemic-risk")
    return float((tier.attributes if tier else {}).get("compute_threshold_flops", 1e25))


def flops_presumed(answers: Answers) -> bool:
    flops = answers.get("gpai_training_flops")
    return isinstance(flops, int | float) and flops > compute_threshold()


def systemic(answers: Answers) -> bool:
    return is_model(answers) and (flops_presumed(answers) or yes(answers, "gpai_designated"))


def transparency(answers: Answers) -> list[str]:
    """Art. 50 paragraphs the system triggers."""
    if not open_system(answers):
        return []
    found = []
    if yes(answers, "interacts_with_people"):
        found.append("Art.50(1)")
    if yes(answers, "generates_content"):
        found.append("Art.50(2)")
    if (
        yes(answers, "emotion_recognition")
        or yes(answers, "biometric_categorisation")
        or CATEGORISATION_USE_CASE in annex_iii(answers)
    ):
        found.append("Art.50(3)")
    if yes(answers, "deep_fakes"):
        found.append("Art.50(4)")
    return found
