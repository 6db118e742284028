"""llm.prompt_injection: aisec's own prompt-injection model on prompts (or answers).

The model (``aisec.injection``) ships with the package and needs numpy only; it is
loaded once per process and shared by every instance. The score is the model's
probability; the default threshold is the one the model was calibrated to (1% false
positives on its validation data), read from the shipped metadata. Scoring costs about a
millisecond for a chat-sized prompt and grows linearly with length, so ``max_chars``
bounds the work done on the event loop; longer text is an error (the model's fail policy
decides), never a clean verdict on a part of it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.text import StagedText
from aisec.runtime.observation import INPUT, OUTPUT, Verdict

if TYPE_CHECKING:
    from aisec.injection.model import InjectionModel
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import Observation

FALLBACK_THRESHOLD = 0.5  # only if the shipped metadata cannot be read
DEFAULT_MAX_CHARS = 20_000


def _shipped_threshold() -> float:
    try:
        text = resources.files("aisec.injection").joinpath("data/prompt-injection.json")
        return float(json.loads(text.read_text(encoding="utf-8"))["threshold"])
    except (OSError, KeyError, ValueError, TypeError):
        return FALLBACK_THRESHOLD


# Read at import so the catalogue lists the real default among the parameters.
SHIPPED_THRESHOLD = _shipped_threshold()


@functools.cache
def shipped_model() -> InjectionModel:
    from aisec.injection.model import InjectionModel

    return InjectionModel.load()


class PromptInjectionDetector(StagedText):
    name: ClassVar[str] = "llm.prompt_injection"

    def __init__(
        self,
        reference: Reference | None = None,
        *,
        stage: str = INPUT,
        threshold: float = SHIPPED_THRESHOLD,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        if not 0 < threshold < 1:
            raise ConfigError(
                f"{self.name}: threshold must be between 0 and 1, not {threshold}",
                hint=f"the shipped model's 1%-FPR threshold is {SHIPPED_THRESHOLD:.4f}",
            )
        if max_chars < 1:
            raise ConfigError(f"{self.name}: max_chars must be >= 1, not {max_chars}")
        self.threshold, self.max_chars = float(threshold), max_chars
        self.model = shipped_model()

    def observe(self, obs: Observation) -> Verdict | None:
        text = self.text_of(obs)
        if text is None:
            return None
        where = "prompt" if self.stage == INPUT else "answer"
        details: dict[str, Any] = {"chars": len(text)}
        probability = self.model.score(text)
        fired = probability >= self.threshold
        if fired:
            signal = self.model.explain(text)
            details.update(view=signal.view, signals=list(signal.ngrams))
            reading = "" if signal.view == "plain" else f" in its {signal.view} reading"
            cues = (
                f" (strongest: {', '.join(repr(g) for g in signal.ngrams)})"
                if signal.ngrams
                else ""
            )
            explanation = (
                f"the {where} of client {obs.client} looks like a prompt injection{reading}: "
                f"probability {probability:.2f} >= {self.threshold:.2f}{cues}"
            )
        else:
            explanation = f"no prompt injection in the {where} (probability {probability:.2f})"
        return Verdict(
            detector=self.name,
            score=probability,
            threshold=self.threshold,
            fired=fired,
            explanation=explanation,
            details=details,
            stage=self.stage,
        )


class _PromptInjectionOutput(PromptInjectionDetector):
    stage: ClassVar[str] = OUTPUT


PromptInjectionDetector._variants = {INPUT: PromptInjectionDetector, OUTPUT: _PromptInjectionOutput}
