"""What a classification yields: tiers, matches, the derogation, dated duties per role and
the reasons, all plain data with a JSON-safe ``to_dict`` for storage and output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    """One sentence of the rationale and the catalogue refs it rests on."""

    text: str
    refs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True, slots=True)
class Duty:
    """An obligation (or a prohibition) and when it bites.

    ``applies_from`` is None only for a date the chosen text does not have (the Omnibus
    prohibition read against the original Regulation). ``amendment_status`` is "reported"
    when the date comes from the reported amendment (and moved) or the duty itself is
    reported, else "unchanged"; ``status`` then ends with " (reported)"."""

    ref: str
    title: str
    date_ref: str
    applies_from: date | None
    date_source: str  # "original" or "amended": which text the date was taken from
    amendment_status: str
    in_force: bool
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "date_ref": self.date_ref,
            "applies_from": self.applies_from.isoformat() if self.applies_from else None,
            "date_source": self.date_source,
            "amendment_status": self.amendment_status,
            "in_force": self.in_force,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Derogation:
    """The Art. 6(3) claim: the conditions claimed, whether it holds, and why."""

    claimed: tuple[str, ...]
    applies: bool
    reason: str
    refs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimed": list(self.claimed),
            "applies": self.applies,
            "reason": self.reason,
            "refs": list(self.refs),
        }


@dataclass(frozen=True)
class Classification:
    as_of: date
    use_amended_dates: bool
    answers: dict[str, object]
    # Tiers of the AI system (empty when only a model is assessed): "prohibited", or
    # "high-risk" and/or "transparency", or "minimal".
    system_tiers: tuple[str, ...]
    # The separate regime of Chapter V: "gpai", "gpai-systemic-risk" or None.
    gpai_tier: str | None
    # Bans in force on the as-of day; a ban still to come is in ``upcoming_prohibitions``.
    prohibited: tuple[Duty, ...]
    annex_i: bool
    annex_iii: tuple[str, ...]
    derogation: Derogation | None
    obligations: dict[str, tuple[Duty, ...]]
    rationale: tuple[Reason, ...]
    unused_answers: tuple[str, ...] = field(default=())
    # Matched practices not banned yet on the as-of day (the reported Omnibus ban before
    # 2 December 2026, or under the original text): they do not make the tier prohibited.
    upcoming_prohibitions: tuple[Duty, ...] = field(default=())

    @property
    def tiers(self) -> tuple[str, ...]:
        return self.system_tiers + ((self.gpai_tier,) if self.gpai_tier else ())

    @property
    def high_risk(self) -> bool:
        return "high-risk" in self.system_tiers

    def refs(self, role: str) -> list[str]:
        return [duty.ref for duty in self.obligations.get(role, ())]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "use_amended_dates": self.use_amended_dates,
            "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in self.answers.items()},
            "tiers": list(self.tiers),
            "system_tiers": list(self.system_tiers),
            "gpai_tier": self.gpai_tier,
            "prohibited": [d.to_dict() for d in self.prohibited],
            "upcoming_prohibitions": [d.to_dict() for d in self.upcoming_prohibitions],
            "annex_i": self.annex_i,
            "annex_iii": list(self.annex_iii),
            "derogation": self.derogation.to_dict() if self.derogation else None,
            "obligations": {
                role: [d.to_dict() for d in duties] for role, duties in self.obligations.items()
            },
            "rationale": [r.to_dict() for r in self.rationale],
            "unused_answers": list(self.unused_answers),
        }
