"""Governance as users run it: classify an AI system under the EU AI Act and keep the
assessment (answers, result, rationale) in the store. One path for ``aisec govern
classify`` and the Python API, and later for the dashboard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from aisec.governance.classify import Classification, classify

if TYPE_CHECKING:
    from aisec.store.store import Store
    from aisec.store.tracking import StoredAssessment

KIND = "eu-ai-act-classification"
FRAMEWORK = "eu-ai-act"


@dataclass(frozen=True)
class Classified:
    classification: Classification
    assessment: StoredAssessment | None  # None when not saved


def classify_system(
    answers: Mapping[str, Any],
    *,
    roles: Iterable[str],
    as_of: date,
    use_amended_dates: bool = True,
    store: Store | None = None,
    system: str | None = None,
    assessor: str = "",
    status: str = "final",
) -> Classified:
    """Classify from ``answers``; with a store and a system, record the assessment too.

    The whole questionnaire must be answered (``next_questions`` says what is missing);
    the stored result is the classification's own JSON, so it reads back without the
    engine and stays what it was even if a later catalogue changes."""
    chosen = sorted(set(roles))
    result = classify(answers, roles=chosen, as_of=as_of, use_amended_dates=use_amended_dates)
    if store is None or system is None:
        return Classified(result, None)
    from aisec import __version__

    stored = store.assessments.record(
        system,
        KIND,
        framework=FRAMEWORK,
        answers=dict(result.answers),
        result=result.to_dict() | {"roles": chosen},
        rationale=[reason.text for reason in result.rationale],
        assessor=assessor or "unknown",
        as_of=as_of,
        status=status,
        tool_version=__version__,
    )
    return Classified(result, stored)
