"""The classification engine: what to ask next, and what the answers add up to.

Both functions are pure: answers in (a mapping of question id to answer), questions or a
:class:`Classification` out. Invalid input is a ConfigError; so is classifying before
every question asked has been answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from aisec.core.errors import ConfigError
from aisec.governance.classify import facts as f
from aisec.governance.classify import facts_duties as d
from aisec.governance.classify import (
    obligations,
    rationale,
    rationale_bans,
    rationale_scope,
    validate,
)
from aisec.governance.classify.questions import Question, by_id, walk
from aisec.governance.classify.result import Classification, Derogation, Duty, Reason

_SYSTEM_DATES = ("Date.2025-02-02", "Date.2026-08-02")


def next_questions(answers: Mapping[str, object]) -> list[Question]:
    """The questions to ask now, in order; empty once the questionnaire is complete."""
    states, _ = walk(validate.answers(answers))
    questions = by_id()
    return [questions[qid] for qid, state in states.items() if state == "pending"]


def classify(
    answers: Mapping[str, object],
    *,
    roles: Iterable[str],
    as_of: date,
    use_amended_dates: bool = True,
) -> Classification:
    """Tiers, matches, the roles' dated obligations and the rationale for a complete set
    of answers. ``use_amended_dates`` picks the reported Omnibus dates over the original."""
    given = validate.answers(answers)
    role_ids = validate.roles(roles)
    day = validate.as_of(as_of)
    states, a = walk(given)
    open_ = [qid for qid, state in states.items() if state in ("pending", "waiting")]
    if open_:
        raise ConfigError(
            "the questionnaire is not complete",
            hint=f"still to answer: {', '.join(open_)} (see next_questions)",
        )
    bans = obligations.prohibitions(f.banned(a), use_amended_dates, day)
    in_force = tuple(duty for duty in bans if duty.in_force)
    upcoming = tuple(duty for duty in bans if not duty.in_force)
    system_tiers = _system_tiers(a, bool(in_force))
    gpai_tier = ("gpai-systemic-risk" if f.systemic(a) else "gpai") if f.is_model(a) else None
    derogation = _derogation(a)
    case = obligations.Case(
        tiers=frozenset(system_tiers) | ({gpai_tier} if gpai_tier else set()),
        relevant_dates=frozenset(_relevant_dates(a)),
        transparency=tuple(f.transparency(a)),
        open_source_relief=f.is_model(a) and not f.systemic(a) and f.yes(a, "gpai_open_source"),
        fria=d.fria(a),
        public_authority=d.public_authority(a),
        derogation=derogation is not None and derogation.applies,
        eu_registration=d.eu_registration(a),
        national_registration=d.national_registration(a),
        outside_eu=d.outside_eu(a),
        legacy_condition=rationale_scope.legacy_condition(a),
    )
    return Classification(
        as_of=day,
        use_amended_dates=use_amended_dates,
        answers=a,
        system_tiers=system_tiers,
        gpai_tier=gpai_tier,
        prohibited=in_force,
        upcoming_prohibitions=upcoming,
        annex_i=f.annex_i(a),
        annex_iii=tuple(f.ref(u) for u in f.annex_iii(a)),
        derogation=derogation,
        obligations=obligations.for_roles(case, role_ids, use_amended_dates, day),
        rationale=tuple(_reasons(a, system_tiers, upcoming, use_amended_dates)),
        unused_answers=tuple(qid for qid in given if states[qid] == "skipped"),
    )


def _system_tiers(a: f.Answers, banned_now: bool) -> tuple[str, ...]:
    """Only a ban in force on the day makes a system prohibited. A ban still to come leaves
    the other tiers to assess, unless the questionnaire stopped on it (a ban of the original
    Regulation judged before 2 February 2025): then there is nothing else to go on."""
    if not f.is_system(a):
        return ()
    if banned_now:
        return ("prohibited",)
    if f.settled_bans(a):
        return ()
    tiers = []
    if f.high_risk(a):
        tiers.append("high-risk")
    if f.transparency(a):
        tiers.append("transparency")
    return tuple(tiers) or ("minimal",)


def _derogation(a: f.Answers) -> Derogation | None:
    claimed = f.chosen(a, "derogation")
    if not claimed:
        return None
    reasons = rationale.derogation(a)
    return Derogation(
        claimed=tuple(f.ref(c) for c in claimed),
        applies=f.derogation_applies(a),
        reason=" ".join(r.text for r in reasons),
        refs=tuple(dict.fromkeys(ref for r in reasons for ref in r.refs)),
    )


def _relevant_dates(a: f.Answers) -> list[str]:
    """The date ids that govern this case: the route to high risk decides between the
    Annex III and Annex I dates, and older systems and models get their grace dates."""
    found: list[str] = []
    if f.is_system(a):
        found.extend(_SYSTEM_DATES)
    if f.annex_iii(a):
        found.append("Date.2026-08-02.AnnexIII")
    if f.annex_i(a):
        found.append("Date.2027-08-02.AnnexI")
    if "Art.50(2)" in f.transparency(a) and f.yes(a, "on_market_before_2026_08_02"):
        found.append("Date.2026-08-02.Art50(2)")
    if f.is_model(a):
        legacy = f.yes(a, "gpai_on_market_before_2025_08_02")
        found.append("Date.2027-08-02.GPAI" if legacy else "Date.2025-08-02")
    return found


def _reasons(
    a: f.Answers, system_tiers: tuple[str, ...], upcoming: tuple[Duty, ...], use_amended: bool
) -> list[Reason]:
    reasons = rationale_bans.prohibitions(a, system_tiers, upcoming)
    if system_tiers and "prohibited" not in system_tiers:
        reasons += rationale.high_risk(a) + rationale_scope.duties(a) + rationale.transparency(a)
    if system_tiers == ("minimal",):
        reasons.append(rationale_scope.minimal(a, bool(upcoming)))
    reasons += rationale_scope.gpai(a)
    reasons.append(rationale_scope.dates_used(use_amended))
    return reasons
