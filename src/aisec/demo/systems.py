"""The sample organisation's AI systems: who owns them, what they are for, and how their
owners answered the EU AI Act questionnaire.

Three systems that an insurer with a clinical arm and a post room could plausibly run,
chosen so that the classification spans the tiers: a tumour-screening aid inside a
medical device (high-risk by Annex I), a claims-cost estimator that prices health cover
(high-risk by Annex III 5(c)), and a handwritten-digit reader that sorts mail (minimal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aisec.governance.classify.questions import Question

DEMO_SYSTEM = "tumour-screening-demo"
MAIL_SYSTEM = "mail-sorting-digits"
CLAIMS_SYSTEM = "claims-cost-estimator"


@dataclass(frozen=True)
class DemoSystem:
    name: str
    folder: str  # under the demo directory
    intended_purpose: str
    owner: str
    business_unit: str
    deployment_context: str
    role: str  # the organisation's EU AI Act role for the inventory
    roles: tuple[str, ...]  # the roles it is classified under
    answers: Mapping[str, Any] = field(default_factory=dict)  # the rest: "nothing special"
    lifecycle_stage: str = "operation"
    geography: tuple[str, ...] = ("EU",)


SYSTEMS: tuple[DemoSystem, ...] = (
    DemoSystem(
        name=DEMO_SYSTEM,
        folder="tumour-screening",
        intended_purpose="Flags breast-tissue samples for a pathologist's priority review; "
        "software inside a CE-marked diagnostic device.",
        owner="clinical-ai@example.org",
        business_unit="Clinical diagnostics",
        deployment_context="Hospital pathology labs; a pathologist reviews every flag.",
        role="provider",
        roles=("provider",),
        # A safety component of a medical device that needs a notified body: Art. 6(1).
        answers={"subject": "ai-system", "annex_i_product": True, "annex_i_third_party": True},
        lifecycle_stage="validation",
    ),
    DemoSystem(
        name=CLAIMS_SYSTEM,
        folder="claims-cost",
        intended_purpose="Estimates next year's health-claims cost of a policyholder from "
        "clinical measurements, as an input to premium pricing.",
        owner="pricing-analytics@example.org",
        business_unit="Health insurance pricing",
        deployment_context="Batch scoring of renewals; underwriters see the estimate.",
        role="provider",
        roles=("provider", "deployer"),
        answers={
            "subject": "ai-system",
            "annex_iii_use_cases": ["AnnexIII.5(c)"],  # pricing of health insurance
        },
    ),
    DemoSystem(
        name=MAIL_SYSTEM,
        folder="mail-sorting",
        intended_purpose="Reads handwritten postcode digits on scanned envelopes to route "
        "internal and inbound mail.",
        owner="operations-automation@example.org",
        business_unit="Facilities and post room",
        deployment_context="Sorting line; unreadable envelopes go to a person.",
        role="deployer",
        roles=("deployer",),
        answers={"subject": "ai-system"},
    ),
)


def complete_answers(given: Mapping[str, Any]) -> dict[str, Any]:
    """The questionnaire answered in full: every question the owner did not single out
    gets the "nothing special" answer, as the questionnaire discloses it step by step."""
    from aisec.governance.classify import next_questions

    answers = dict(given)
    while pending := next_questions(answers):
        for question in pending:
            answers[question.id] = _plain_answer(question)
    return answers


def _plain_answer(question: Question) -> Any:
    if question.kind == "one-of":
        return question.choices[0].value
    return {"yes-no": False, "many-of": [], "number": 0}[question.kind]
