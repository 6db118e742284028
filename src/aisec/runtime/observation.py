"""What the gateway shows its detectors about one request, and what a detector answers.

Detectors see parsed values only (a feature matrix in schema order, predictions, the
prompt and answer text), never the raw HTTP exchange, so the same detector serves
KServe, MLflow and custom routes, and ``aisec gateway replay`` can feed it recorded
traffic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

INPUT = "input"  # judged before the request goes upstream (it can still be blocked)
OUTPUT = "output"  # judged on the answer


@dataclass(frozen=True, slots=True)
class Observation:
    model: str  # the configured model's name
    client: str  # the API key's name (never its secret), or "anonymous"
    at: float  # time.time() when the request arrived
    features: FloatArray | None = None  # (rows, features), schema order
    predictions: FloatArray | None = None  # (rows,) label or value per row
    probabilities: FloatArray | None = None  # (rows, classes), when the model returns them
    text_in: str | None = None  # LLM routes: every message of the prompt
    text_out: str | None = None  # LLM routes: the answer

    @property
    def rows(self) -> int:
        return 0 if self.features is None else int(self.features.shape[0])


@dataclass(frozen=True, slots=True)
class Verdict:
    detector: str  # "extraction.prada", "evasion.ood", "drift.input", "llm.pii", ...
    score: float
    threshold: float
    fired: bool  # the score crossed the threshold
    explanation: str  # one sentence a security engineer can act on
    details: Mapping[str, Any] = field(default_factory=dict)  # JSON-able
    stage: str = INPUT
