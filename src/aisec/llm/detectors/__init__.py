"""Success detectors for LLM red-teaming: did the attack recorded in an
:class:`~aisec.llm.exchange.Exchange` succeed?

Each detector is a small class with class-level metadata (``id``, ``title``,
``description``, ``needs``: the Exchange fields it reads), a constructor that only stores
parameters, and ``judge(exchange) -> Verdict``; ``success`` means the *attack* succeeded.
:data:`DETECTORS` maps every id to its class::

    from aisec.llm.detectors import DETECTORS, judge_all
    verdicts = judge_all(exchange, ["llm.detector.canary", "llm.detector.refusal"])

Every detector reads a bounded amount of text and never raises on what a target says;
the LLM judge turns every failure into a verdict whose evidence starts with
``judge unavailable:``. Agreement with human labels is measured in ``bench/llm_detectors.py``
(docs/redteam-detectors.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from aisec.llm.detectors.base import Detector
from aisec.llm.detectors.canary import CanaryDetector
from aisec.llm.detectors.injection import InjectionChannelDetector, InjectionDetector
from aisec.llm.detectors.judge import JudgeDetector
from aisec.llm.detectors.length import LengthDetector
from aisec.llm.detectors.marker import MarkerDetector
from aisec.llm.detectors.payload import PayloadDetector
from aisec.llm.detectors.pii_secret import PiiSecretDetector
from aisec.llm.detectors.refusal import RefusalDetector, analyse
from aisec.llm.detectors.tool_called import ToolCalledDetector
from aisec.llm.exchange import Exchange, Verdict

DETECTORS: dict[str, type[Detector]] = {
    cls.id: cls
    for cls in (
        CanaryDetector,
        MarkerDetector,
        ToolCalledDetector,
        PayloadDetector,
        PiiSecretDetector,
        RefusalDetector,
        InjectionDetector,
        InjectionChannelDetector,
        LengthDetector,
        JudgeDetector,
    )
}


def judge_all(exchange: Exchange, ids: Iterable[str] | None = None) -> list[Verdict]:
    """The verdicts of the detectors ``ids`` (default: all but the LLM judge), each built
    with its default parameters."""
    chosen = [i for i in DETECTORS if i != JudgeDetector.id] if ids is None else list(ids)
    unknown = [i for i in chosen if i not in DETECTORS]
    if unknown:
        raise KeyError(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(DETECTORS)}")
    return [DETECTORS[i]().judge(exchange) for i in chosen]


__all__ = [
    "DETECTORS",
    "CanaryDetector",
    "Detector",
    "InjectionChannelDetector",
    "InjectionDetector",
    "JudgeDetector",
    "LengthDetector",
    "MarkerDetector",
    "PayloadDetector",
    "PiiSecretDetector",
    "RefusalDetector",
    "ToolCalledDetector",
    "analyse",
    "judge_all",
]
