"""drift.input and drift.output: has the traffic of a model moved away from its reference?

Per model (not per client), rows accumulate into a window; when it is full, every feature
is tested once (KS or chi², PSI, normalised Wasserstein; see ``drift_tests``), so the cost
per request is a row copy. The verdict is returned on the request that completes a window
and None on the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import ClientStates, check_positive
from aisec.runtime.detectors.drift_tests import FeatureDrift, feature_drift, judge
from aisec.runtime.detectors.rows import probability_rows, rows_for
from aisec.runtime.observation import INPUT, OUTPUT, Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import FeatureStats, Reference
    from aisec.runtime.observation import FloatArray, Observation

MAX_MODELS = 64
REPORTED = 20  # features listed in details, most drifted first


class _Window:
    __slots__ = ("n", "rows", "windows")

    def __init__(self, size: int, width: int) -> None:
        self.rows = np.empty((size, width))
        self.n = 0
        self.windows = 0


class _DriftBase:
    needs_reference: ClassVar[bool] = True
    name: ClassVar[str]
    stage: ClassVar[str]

    def __init__(
        self,
        reference: Reference,
        *,
        window: int = 500,
        alpha: float = 0.01,
        psi_threshold: float = 0.1,
        wasserstein_threshold: float = 0.1,
    ) -> None:
        check_positive(
            self.name,
            window=window,
            alpha=alpha,
            psi_threshold=psi_threshold,
            wasserstein_threshold=wasserstein_threshold,
        )
        if window < 20 or alpha >= 1:
            raise ConfigError(f"{self.name}: window must be >= 20 and alpha < 1")
        self.window, self.alpha = window, alpha
        self.psi_min, self.w_min = psi_threshold, wasserstein_threshold
        self.reference = reference
        self.columns = self._columns(reference)
        width = len(self.columns)
        self._models: ClientStates[_Window] = ClientStates(
            lambda: _Window(window, width), self._capacity()
        )

    def _capacity(self) -> int:
        return MAX_MODELS

    def _key(self, obs: Observation) -> str:
        """Whose traffic fills a window: the model's (all its clients together)."""
        return obs.model

    def _subject(self, obs: Observation) -> str:
        return f"model {obs.model}"

    def _columns(self, reference: Reference) -> tuple[FeatureStats, ...]:
        raise NotImplementedError

    def _values(self, obs: Observation) -> FloatArray | None:
        raise NotImplementedError

    def observe(self, obs: Observation) -> Verdict | None:
        values = self._values(obs)
        if values is None:
            return None
        full: FloatArray | None = None
        with self._models.lock:
            w = self._models.get(self._key(obs))
            i = 0
            while i < len(values):
                take = min(len(values) - i, self.window - w.n)
                w.rows[w.n : w.n + take] = values[i : i + take]
                w.n, i = w.n + take, i + take
                if w.n == self.window:  # a huge batch judges only its last full window
                    full = w.rows.copy()
                    w.n, w.windows = 0, w.windows + 1
            windows = w.windows
        if full is None:
            return None
        results = [feature_drift(f, full[:, j]) for j, f in enumerate(self.columns)]
        return self._verdict(obs, judge(results, self.alpha, self.psi_min, self.w_min), windows)

    def _verdict(self, obs: Observation, results: list[FeatureDrift], windows: int) -> Verdict:
        drifted = sorted(
            (r for r in results if r.drifted), key=lambda r: -max(r.psi, r.wasserstein)
        )
        ranked = sorted(results, key=lambda r: (not r.drifted, r.p_value))[:REPORTED]
        if drifted:
            named = ", ".join(
                f"{r.name!r} (PSI {r.psi:.2f}, {r.test} p={r.p_value:.1g})" for r in drifted[:3]
            )
            text = (
                f"{self._subject(obs)}: {len(drifted)} of {len(results)} {self._what} "
                f"{self._moved} over the last {self.window} rows, most: {named}"
            )
        else:
            text = f"{self._subject(obs)}: no material drift over the last {self.window} rows"
        return Verdict(
            detector=self.name,
            score=float(len(drifted)),
            threshold=1.0,
            fired=bool(drifted),
            explanation=text,
            details={
                "model": obs.model,
                "window": self.window,
                "windows": windows,
                "alpha": self.alpha,
                "features": [r.as_json() for r in ranked],
            },
            stage=self.stage,
        )

    _what = "features"
    _moved = "drifted"


class InputDriftDetector(_DriftBase):
    name: ClassVar[str] = "drift.input"
    stage: ClassVar[str] = INPUT

    def _columns(self, reference: Reference) -> tuple[FeatureStats, ...]:
        return reference.features

    def _values(self, obs: Observation) -> FloatArray | None:
        found = rows_for(obs, self.reference)  # shared with OOD/coverage: validated once
        return None if found is None else found.x


class OutputDriftDetector(_DriftBase):
    """Predicted-class shares (chi²) or, for regression, predicted values (KS, PSI)."""

    name: ClassVar[str] = "drift.output"
    stage: ClassVar[str] = OUTPUT
    _what = "outputs"

    def _columns(self, reference: Reference) -> tuple[FeatureStats, ...]:
        if reference.prediction is None:
            raise ConfigError(
                f"{self.name} needs predictions in the reference",
                hint="build the reference with the model's predictions",
            )
        return (reference.prediction,)

    def _values(self, obs: Observation) -> FloatArray | None:
        p = obs.predictions
        if isinstance(p, np.ndarray) and p.ndim == 1 and len(p) and np.isfinite(p).all():
            return np.asarray(p, dtype=np.float64).reshape(-1, 1)
        probs = probability_rows(obs)
        if probs is not None:
            labels: FloatArray = np.argmax(probs, axis=1).astype(np.float64)
            return labels.reshape(-1, 1)
        return None
