"""extraction.coverage: clients whose queries leave the data manifold.

Extraction by random or synthetic queries (uniform in the feature box, T-RND) covers the
input space evenly, while real traffic stays on the data's manifold. Per client, the share
of recent rows whose Mahalanobis distance exceeds the reference's ``quantile`` (0.99) is
tested against the reference's own exceedance rate (out-of-fold, so it is the rate benign
held-out rows show) with a one-sided binomial test; score = -log10(p). Details also give
the query volume and the share of each feature's reference range the client has covered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import ClientStates, check_positive, scored
from aisec.runtime.detectors.ratetest import BinomialTable, RateWindow
from aisec.runtime.detectors.rows import rows_for
from aisec.runtime.observation import INPUT, Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import FloatArray, Observation


class _Client(RateWindow):
    __slots__ = ("high", "low", "requests")

    def __init__(self, window: int, width: int) -> None:
        super().__init__(window)
        self.low = np.full(width, np.inf)
        self.high = np.full(width, -np.inf)
        self.requests = 0


class CoverageDetector:
    name: ClassVar[str] = "extraction.coverage"
    stage: ClassVar[str] = INPUT
    needs_reference: ClassVar[bool] = True

    def __init__(
        self,
        reference: Reference,
        *,
        threshold: float = 6.0,
        quantile: float = 0.99,
        window: int = 100,
        min_rows: int = 30,
        max_clients: int = 10_000,
    ) -> None:
        check_positive(self.name, threshold=threshold, window=window, min_rows=min_rows)
        if not 0.5 <= quantile < 1:
            raise ConfigError(f"{self.name}: quantile must be in [0.5, 1), not {quantile}")
        self.reference = reference
        self.limit = float(np.quantile(reference.distances, quantile))
        n = len(reference.distances)
        self.rate = max(float(np.mean(reference.distances > self.limit)), 1.0 / (n + 1))
        self.threshold, self.window, self.min_rows = threshold, window, min(min_rows, window)
        self._table = BinomialTable(self.rate, window)
        span = np.array([_span(f.sample, f.categories) for f in reference.features])
        self._span = np.where(span > 0, span, np.inf)  # constant features cover nothing
        width = reference.n_features
        self._clients: ClientStates[_Client] = ClientStates(
            lambda: _Client(window, width), max_clients
        )

    def observe(self, obs: Observation) -> Verdict | None:
        found = rows_for(obs, self.reference)
        if found is None:
            return None
        x, flags = found.x, (found.d > self.limit).tolist()
        with self._clients.lock:
            c = self._clients.get(obs.client)
            c.push(flags)
            c.requests += 1
            lo, hi = (x[0], x[0]) if len(x) == 1 else (x.min(axis=0), x.max(axis=0))
            np.minimum(c.low, lo, out=c.low)
            np.maximum(c.high, hi, out=c.high)
            n, k, rows, requests = c.count, c.flagged, c.rows, c.requests
            if n < self.min_rows:
                return None
            score = self._table.score(k, n)
            fired = score >= self.threshold
            covered = self._covered(c) if fired else None  # only alerts need it
        text = (
            f"{k} of client {obs.client}'s last {n} query rows lie off the training data "
            f"(Mahalanobis > {self.limit:.3g}; {k / n:.0%} vs {self.rate:.1%} in the "
            f"reference, binomial p={10.0**-score:.1g})"
        )
        return scored(
            self,
            score,
            text,
            "the pattern of random or synthetic extraction queries",
            {
                "client": obs.client,
                "off_manifold_rows": k,
                "window": n,
                "reference_rate": self.rate,
                "distance_limit": self.limit,
                "rows": rows,
                "requests": requests,
                "median_range_covered": covered,
            },
        )

    def _covered(self, c: _Client) -> float:
        """Median share of each feature's reference range the client's rows have spanned."""
        return float(np.median(np.minimum((c.high - c.low) / self._span, 10.0)))


def _span(sample: FloatArray, categories: FloatArray) -> float:
    values = sample if len(sample) else categories
    return float(values.max() - values.min()) if len(values) else 0.0
