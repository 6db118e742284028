"""A risk of the register, checked on construction: a bad score, an acceptance without a
justification or a residual risk above the inherent one without a note is a ConfigError.

Ids are stable: a hash of the system, the threat (or ``-``) and the basis the proposal
came from (``findings``, ``findings:<check>``, ``measurements:<family>``,
``classification:<ref>``), so proposing again finds the same risk instead of a twin.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, NoReturn

from aisec.core.errors import ConfigError
from aisec.governance.risks import refs as r
from aisec.governance.risks.scoring import check_score, level

TREATMENTS = ("mitigate", "accept", "transfer", "avoid")
STATUSES = ("proposed", "open", "treated", "accepted", "closed")
SOURCE_KINDS = ("finding", "measurement", "classification")
# Fields a proposal sets; a person's edit of one of them survives a merge.
PROPOSED = ("title", "threat", "threat_reason", "related", "likelihood", "likelihood_rationale",
            "impact", "impact_rationale", "treatment", "controls")  # fmt: skip
# Fields only a person sets; a merge always keeps them.
DECISIONS = ("owner", "plan", "due", "justification", "residual_likelihood",
             "residual_impact", "residual_note", "status")  # fmt: skip


def risk_id(system: str, threat: str | None, basis: str) -> str:
    raw = "\x1f".join((system, threat or "-", basis))
    # surrogatepass: a name read from a hostile file may hold a lone surrogate.
    return "R-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@dataclass(frozen=True)
class Risk:
    id: str
    system: str
    title: str
    threat: str | None
    likelihood: int
    impact: int
    likelihood_rationale: str
    impact_rationale: str
    threat_reason: str = ""  # why there is no ATLAS technique, when threat is None
    related: tuple[str, ...] = ()
    owner: str = ""
    treatment: str | None = None
    plan: str = ""
    due: date | None = None
    justification: str = ""  # required to accept a risk
    controls: tuple[str, ...] = ()
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    residual_note: str = ""
    status: str = "proposed"
    sources: tuple[str, ...] = ()
    edited: tuple[str, ...] = field(default=())  # proposal fields a person changed

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return level(self.score)

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact

    @property
    def residual_level(self) -> str | None:
        score = self.residual_score
        return None if score is None else level(score)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out["due"] = self.due.isoformat() if self.due else None
        out |= {"score": self.score, "level": self.level}
        out |= {"residual_score": self.residual_score, "residual_level": self.residual_level}
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Risk:
        names = {f.name for f in fields(cls)}
        derived = {"score", "level", "residual_score", "residual_level"}
        unknown = set(raw) - names - derived
        if unknown:
            raise ConfigError(f"risk {raw.get('id')!r}: unknown keys {sorted(unknown)}")
        data: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in raw.items() if k in names
        }
        if isinstance(data.get("due"), str):
            try:
                data["due"] = date.fromisoformat(data["due"])
            except ValueError:
                raise ConfigError(f"risk {raw.get('id')!r}: due must be YYYY-MM-DD") from None
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(f"risk {raw.get('id')!r}: {exc}") from None


def edit(risk: Risk, **changes: Any) -> Risk:
    """``risk`` with a person's changes; proposal fields changed are marked ``edited`` so
    that :func:`merge` keeps them."""
    unknown = set(changes) - set(PROPOSED) - set(DECISIONS)
    if unknown:
        raise ConfigError(f"cannot edit {sorted(unknown)} of a risk", hint="id, system and "
                          "sources are derived; edit the other fields")  # fmt: skip
    marked = {k for k in changes if k in PROPOSED and changes[k] != getattr(risk, k)}
    return replace(risk, **changes, edited=tuple(sorted(set(risk.edited) | marked)))


def _validate(risk: Risk) -> None:
    def fail(message: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(f"risk {risk.id or '?'} ({risk.title or 'untitled'}): {message}",
                          hint=hint)  # fmt: skip

    if not risk.id or not risk.system.strip() or not risk.title.strip():
        fail("id, system and title must be non-empty")
    check_score("likelihood", risk.likelihood)
    check_score("impact", risk.impact)
    if not risk.likelihood_rationale.strip() or not risk.impact_rationale.strip():
        fail("likelihood and impact each need a rationale")
    if risk.threat is None and not risk.threat_reason.strip():
        fail("a risk without an ATLAS technique must say why (threat_reason)")
    if risk.threat is not None and not r.is_technique(risk.threat):
        fail(f"threat {risk.threat!r} is not an ATLAS technique", "use an AML.T... id")
    for ref in (*risk.related, *risk.controls):
        if not r.resolves(ref):
            fail(f"ref {ref!r} is not in any catalogue", "see aisec.governance.catalogs")
    _validate_decisions(risk, fail)
    _validate_residual(risk, fail)
    for source in risk.sources:
        if source.partition(":")[0] not in SOURCE_KINDS or not source.partition(":")[2]:
            fail(f"source {source!r} must be <kind>:<ref>, kind one of {SOURCE_KINDS}")
    bad = set(risk.edited) - set(PROPOSED)
    if bad:
        fail(f"edited names fields that are not proposed: {sorted(bad)}")


def _validate_decisions(risk: Risk, fail: Callable[[str], NoReturn]) -> None:
    if risk.treatment is not None and risk.treatment not in TREATMENTS:
        fail(f"treatment {risk.treatment!r} is not one of {', '.join(TREATMENTS)}")
    if risk.status not in STATUSES:
        fail(f"status {risk.status!r} is not one of {', '.join(STATUSES)}")
    if risk.due is not None and not isinstance(risk.due, date):
        fail(f"due must be a date, not {risk.due!r}")
    if (risk.treatment == "accept" or risk.status == "accepted") and not risk.justification:
        fail("accepting a risk needs a justification")
    if risk.status == "accepted" and risk.treatment != "accept":
        fail("status accepted needs treatment accept")
    if risk.status != "proposed" and not risk.owner.strip():
        fail(f"a risk {risk.status} needs an owner (only proposals may be unowned)")


def _validate_residual(risk: Risk, fail: Callable[[str], NoReturn]) -> None:
    pair = (risk.residual_likelihood, risk.residual_impact)
    if pair.count(None) == 1:
        fail("give both residual likelihood and residual impact, or neither")
    if pair[0] is not None and pair[1] is not None:
        check_score("residual likelihood", pair[0])
        check_score("residual impact", pair[1])
        if pair[0] * pair[1] > risk.score and not risk.residual_note.strip():
            fail("residual risk above the inherent risk needs a residual_note")
    elif risk.status == "treated":
        fail("a treated risk needs its residual likelihood and impact")
