"""llm.pii and llm.secrets: personal data and credentials in prompts or answers.

Input stage looks at the prompt (data leaving to a third-party model), output stage at the
answer (training-data or context leakage). One class per stage keeps ``stage`` a class
attribute as the protocol wants; ``stage="output"`` in the constructor picks the output
variant, and ``spans(text)`` gives what the gateway should redact. Details carry counts
per entity or kind, never the values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from aisec.core.errors import ConfigError
from aisec.data.pii.detector import PiiDetector
from aisec.data.secrets.scanner import find_secrets
from aisec.runtime.observation import INPUT, OUTPUT, Verdict

if TYPE_CHECKING:
    from typing import Self

    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import Observation

Span = tuple[int, int, str]


class StagedText:
    """A detector of the prompt (input) or the answer (output): ``stage="output"`` in the
    constructor picks the class's output variant (``_variants``), and :meth:`text_of`
    gives the text it judges, bounded by ``max_chars``."""

    name: ClassVar[str]
    stage: ClassVar[str] = INPUT
    needs_reference: ClassVar[bool] = False
    _variants: ClassVar[dict[str, type[StagedText]]]
    max_chars: int

    def __new__(cls, reference: Reference | None = None, **params: Any) -> Self:
        stage = params.get("stage", INPUT)
        if stage not in (INPUT, OUTPUT):
            raise ConfigError(
                f"{cls.name}: stage must be 'input' or 'output', not {stage!r}",
                hint="use stage: both in the gateway config for one of each",
            )
        target = cls._variants.get(stage, cls) if "_variants" in cls.__dict__ else cls
        return cast("Self", super().__new__(target))

    def text_of(self, obs: Observation) -> str | None:
        """The prompt or the answer; None when there is none. Text over ``max_chars`` is
        an error: text left unjudged must not pass as clean (padding a prompt past the
        limit would slip anything through), so the model's fail policy decides."""
        text = obs.text_in if self.stage == INPUT else obs.text_out
        if not isinstance(text, str) or not text:
            return None
        if len(text) > self.max_chars:
            raise ValueError(f"{len(text)} characters, more than max_chars={self.max_chars}")
        return text


class _TextDetector(StagedText):
    _what: ClassVar[str]

    def __init__(
        self,
        reference: Reference | None = None,
        *,
        stage: str = INPUT,
        threshold: int = 1,
        max_chars: int = 200_000,
    ) -> None:
        if threshold < 1 or max_chars < 1:
            raise ConfigError(f"{self.name}: threshold and max_chars must be >= 1")
        self.threshold, self.max_chars = threshold, max_chars

    def spans(self, text: str) -> list[Span]:
        raise NotImplementedError

    def observe(self, obs: Observation) -> Verdict | None:
        text = self.text_of(obs)
        if text is None:
            return None
        found = self.spans(text)
        counts = Counter(label for _, _, label in found)
        fired = len(found) >= self.threshold
        where = "prompt" if self.stage == INPUT else "answer"
        listed = ", ".join(f"{n} {label}" for label, n in counts.most_common())
        text_out = (
            f"the {where} of client {obs.client} contains {self._what}: {listed}"
            if found
            else f"no {self._what} in the {where}"
        )
        return Verdict(
            detector=self.name,
            score=float(len(found)),
            threshold=float(self.threshold),
            fired=fired,
            explanation=text_out,
            details={"counts": dict(counts), "chars": len(text)},
            stage=self.stage,
        )


class PiiTextDetector(_TextDetector):
    name: ClassVar[str] = "llm.pii"
    _what = "personal data"

    def __init__(
        self,
        reference: Reference | None = None,
        *,
        stage: str = INPUT,
        threshold: int = 1,
        max_chars: int = 200_000,
        entities: Sequence[str] | None = None,
        min_score: float = 0.5,
    ) -> None:
        super().__init__(reference, stage=stage, threshold=threshold, max_chars=max_chars)
        self._engine = PiiDetector(entities=entities, min_score=min_score)

    def spans(self, text: str) -> list[Span]:
        return [(m.start, m.end, m.entity) for m in self._engine.find(text)]


class SecretTextDetector(_TextDetector):
    name: ClassVar[str] = "llm.secrets"
    _what = "credentials"

    def spans(self, text: str) -> list[Span]:
        return [(m.start, m.end, m.kind) for m in find_secrets(text)]


class _PiiOutput(PiiTextDetector):
    stage: ClassVar[str] = OUTPUT


class _SecretOutput(SecretTextDetector):
    stage: ClassVar[str] = OUTPUT


PiiTextDetector._variants = {INPUT: PiiTextDetector, OUTPUT: _PiiOutput}
SecretTextDetector._variants = {INPUT: SecretTextDetector, OUTPUT: _SecretOutput}
