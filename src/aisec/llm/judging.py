"""Deciding whether an attempt worked: the attempt's detectors, from the registry, asked
about the exchange. A detector that fails is a verdict saying so, never a crash: one
broken detector must not lose the rest of a campaign."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aisec.core.errors import ConfigError
from aisec.llm.attempt import Attempt
from aisec.llm.exchange import Exchange, Verdict


class Judge:
    """Detectors by id, built once with their parameters (e.g. the LLM judge's endpoint)."""

    def __init__(
        self,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        substitutes: Mapping[str, str] | None = None,
    ) -> None:
        """``substitutes``: detector ids to use in place of others (an LLM judge in place
        of the refusal heuristic)."""
        self.params = dict(params or {})
        self.substitutes = dict(substitutes or {})
        self._built: dict[str, Any] = {}

    def detector(self, detector_id: str) -> Any:
        if detector_id not in self._built:
            from aisec.llm.detectors import DETECTORS

            if detector_id not in DETECTORS:
                raise ConfigError(f"no detector {detector_id!r}",
                                  hint=f"detectors: {', '.join(sorted(DETECTORS))}")  # fmt: skip
            self._built[detector_id] = DETECTORS[detector_id](**self.params.get(detector_id, {}))
        return self._built[detector_id]

    def __call__(self, attempt: Attempt, exchange: Exchange) -> Sequence[Verdict]:
        verdicts = []
        for wanted in attempt.detectors:
            detector_id = self.substitutes.get(wanted, wanted)
            detector = self.detector(detector_id)
            try:
                verdicts.append(detector.judge(exchange))
            except Exception as exc:  # a detector's own bug: recorded, not fatal
                failure = f"detector failed: {type(exc).__name__}: {exc}"
                verdicts.append(Verdict(detector_id, False, 0.0, failure, undecided=True))
        return verdicts
