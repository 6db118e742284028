"""A model's request and answer read by its protocol into what the detectors see, and the
short summary of an answer that goes into the traffic log (counts, never content)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.runtime.protocols import chat, tabular

if TYPE_CHECKING:
    from aisec.runtime.observation import FloatArray
    from aisec.runtime.proxy.guard import ModelGuard

MAX_CLASSES_LISTED = 20


@dataclass(frozen=True, slots=True)
class Request:
    rows: FloatArray | None
    text: str | None


@dataclass(frozen=True, slots=True)
class Answer:
    predictions: FloatArray | None = None
    probabilities: FloatArray | None = None
    text: str | None = None

    @property
    def empty(self) -> bool:
        return self.predictions is None and self.probabilities is None and self.text is None


def read_request(guard: ModelGuard, parsed: Any) -> Request:
    """ProtocolError (422) for a body that is not the protocol's, or rows the schema
    refuses. Without declared features an unreadable predict body is passed on as it is
    (the gateway does not know better than the model), and the detectors see no rows."""
    config = guard.config
    if config.protocol == "openai":
        return Request(rows=None, text=chat.prompt_text(parsed))
    names = guard.features
    try:
        if config.protocol == "kserve-v2":
            rows = tabular.kserve_rows(parsed, names, config.max_rows)
        elif config.protocol == "mlflow":
            rows = tabular.mlflow_rows(parsed, names, config.max_rows)
        else:
            rows = tabular.custom_rows(parsed, names, config.custom, config.max_rows)
    except tabular.ProtocolError:
        if names:
            raise
        return Request(rows=None, text=None)
    problem = guard.invalid_row(rows)
    if problem is not None:
        raise tabular.ProtocolError(f"the feature schema refuses the request: {problem}")
    return Request(rows=rows, text=None)


def read_answer(guard: ModelGuard, request: Request, body: bytes) -> Answer:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return Answer()
    config = guard.config
    if config.protocol == "openai":
        return Answer(text=chat.answer_text(parsed))
    if request.rows is None:
        return Answer()
    rows = int(request.rows.shape[0])
    if config.protocol == "kserve-v2":
        predictions, probabilities = tabular.kserve_answers(parsed, rows)
    elif config.protocol == "mlflow":
        predictions, probabilities = tabular.list_answers(parsed, rows, "/predictions", None)
    else:
        shape = config.custom
        predictions, probabilities = tabular.list_answers(
            parsed, rows, shape.predictions, shape.probabilities
        )
    return Answer(predictions=predictions, probabilities=probabilities)


def summary(answer: Answer, digest: Callable[[bytes], str]) -> dict[str, Any]:
    if answer.text is not None:
        return {"chars": len(answer.text), "digest": digest(answer.text.encode())}
    if answer.predictions is None:
        return {"read": False}
    values = answer.predictions
    out: dict[str, Any] = {"rows": int(values.shape[0])}
    plain = values.tolist()  # a few rows per request: Python counts them faster than numpy
    counts = Counter(plain) if len(plain) <= 64 else None
    if (
        counts is not None
        and len(counts) <= MAX_CLASSES_LISTED
        and all(float(v).is_integer() for v in counts)
    ):
        out["classes"] = {str(int(k)): n for k, n in sorted(counts.items())}
    else:
        out["mean"] = round(float(values.mean()), 6)
        out["min"] = round(float(values.min()), 6)
        out["max"] = round(float(values.max()), 6)
    return out
