"""Red-team targets: what the runner sends conversations to (docs/redteam-targets.md).

Three kinds, one protocol (:class:`Target`): an OpenAI-compatible chat endpoint
(:class:`OpenAIChatTarget`, tools and streaming), any HTTP JSON endpoint described by a
template (:class:`HttpTemplateTarget`), and a Python function (:class:`CallableTarget`).
:class:`Guarded` puts a :class:`Policy` around any of them: rate limit, concurrency,
retries, a budget, a response cache (:class:`ResponseCache`) and a transcript
(:class:`TranscriptLog`). HTTP targets need ``pip install 'aisec[redteam]'``; httpx is
imported only when one is built.
"""

from aisec.core.errors import (
    BudgetExhausted,
    TargetAnswerInvalid,
    TargetError,
    TargetRefused,
    TargetUnavailable,
)
from aisec.llm.targets.base import ChatAnswer, ChatRequest, Target, ToolCallOut
from aisec.llm.targets.budget import Spent
from aisec.llm.targets.cache import ResponseCache
from aisec.llm.targets.http_template import HttpTemplateTarget
from aisec.llm.targets.openai import OpenAIChatTarget
from aisec.llm.targets.pacing import Clock, MonotonicClock
from aisec.llm.targets.policy import Guarded, Policy
from aisec.llm.targets.python_callable import CallableTarget
from aisec.llm.targets.transcript import TranscriptLog

__all__ = [
    "BudgetExhausted",
    "CallableTarget",
    "ChatAnswer",
    "ChatRequest",
    "Clock",
    "Guarded",
    "HttpTemplateTarget",
    "MonotonicClock",
    "OpenAIChatTarget",
    "Policy",
    "ResponseCache",
    "Spent",
    "Target",
    "TargetAnswerInvalid",
    "TargetError",
    "TargetRefused",
    "TargetUnavailable",
    "ToolCallOut",
    "TranscriptLog",
]
