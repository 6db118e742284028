"""EU AI Act classification: a questionnaire asked progressively (``next_questions``) and
an engine that turns its answers into tiers, dated obligations per role and a rationale
(``classify``). Pure Python over the ``eu-ai-act`` catalogue; storage and CLI live
elsewhere."""

from aisec.governance.classify.engine import classify, next_questions
from aisec.governance.classify.questions import Choice, Question, questionnaire
from aisec.governance.classify.result import Classification, Derogation, Duty, Reason

__all__ = [
    "Choice",
    "Classification",
    "Derogation",
    "Duty",
    "Question",
    "Reason",
    "classify",
    "next_questions",
    "questionnaire",
]
