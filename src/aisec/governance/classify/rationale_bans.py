"""The reasons about prohibited practices (Art. 5): exemptions claimed, bans in force on the
as-of day, and bans still to come, which leave the other tiers to be assessed."""

from __future__ import annotations

from aisec.governance.classify import dates
from aisec.governance.classify import facts as f
from aisec.governance.classify.rationale import reason
from aisec.governance.classify.result import Duty, Reason

_RBI_OBJECTIVES = {"victims": "(i)", "threat": "(ii)", "suspects": "(iii)"}


def prohibitions(
    a: f.Answers, system_tiers: tuple[str, ...], upcoming: tuple[Duty, ...]
) -> list[Reason]:
    reasons = _exemptions(a)
    later = {duty.ref: duty for duty in upcoming}
    for practice in f.banned(a):
        duty = later.get(f.ref(practice))
        if duty is None:
            reasons.append(
                reason(
                    f"The system engages in a prohibited practice ({f.title(practice)}): it "
                    "may not be placed on the market, put into service or used.",
                    practice,
                    "Art.5",
                )
            )
        else:
            reasons.append(_upcoming(practice, duty, assessed=bool(system_tiers)))
    if "prohibited" in system_tiers:
        reasons.append(
            reason(
                "Other tiers were not assessed: a banned system cannot lawfully be offered or "
                "used at all.",
                "prohibited",
            )
        )
    return reasons


def _upcoming(practice: str, duty: Duty, *, assessed: bool) -> Reason:
    date_ids = dates.listed(practice) or dates.listed("Art.5")
    if duty.applies_from is None:
        when = (
            "which the Regulation as originally published does not ban; the reported "
            "Regulation (EU) 2026/1744 adds the ban"
        )
    else:
        reported = " under the reported amendment" if duty.amendment_status == "reported" else ""
        when = f"which is banned only from {duty.applies_from.isoformat()}{reported}"
    then = (
        "so it is listed as an upcoming prohibition and the other tiers were assessed; the "
        "practice must stop before the ban applies"
        if assessed
        else "so it is listed as an upcoming prohibition; the other tiers were not assessed, "
        "as the ban applies before any of their duties"
    )
    return reason(
        f"The system engages in {f.title(practice)}, {when}: not in force on the as-of day, "
        f"{then}.",
        practice,
        "Art.5",
        *date_ids,
    )


def _exemptions(a: f.Answers) -> list[Reason]:
    reasons = []
    if f.yes(a, "emotion_workplace") and not f.emotion_banned(a):
        reasons.append(
            reason(
                "Emotion recognition at work or in education is used for medical or safety "
                "reasons, which Art. 5(1)(f) exempts, so it is not banned.",
                "Art.5(1)(f)",
            )
        )
    exception = a.get("rbi_exception")
    if isinstance(exception, str) and exception in _RBI_OBJECTIVES:
        reasons.append(
            reason(
                f"Real-time remote identification for law enforcement is claimed to serve "
                f"objective {_RBI_OBJECTIVES[exception]} of Art. 5(1)(h); it is lawful only "
                "with prior authorisation and the safeguards of Art. 5(2)-(7).",
                "Art.5(1)(h)",
            )
        )
    return reasons
