"""extraction.prada: PRADA (Juuti, Szyller, Marchal, Asokan; EuroS&P 2019).

Per client, each query row's minimum L2 distance (standardised features) to the client's
earlier queries of the same predicted class ("growing sets"). Natural queries give roughly
normally distributed distances; synthetic extraction queries (Jacobian augmentation,
random perturbations of a few seeds) mix tiny and large steps, which Shapiro–Wilk rejects.

The predicted class is only known after the answer, so this is an output-stage detector.
Two departures from the paper, both measured on benign held-out replay (scikit-learn's
breast cancer and digits test splits, 20 shuffled orders each): z-scores are clipped to
±``clip`` (3), because one rare value of a skewed feature otherwise dominates the distance
(digits: benign W fell to 0.36 unclipped, 0.98 clipped); and ``delta`` defaults to 0.80,
not 0.95: the paper's images have thousands of dimensions where distances concentrate,
while on 30 skewed tabular features benign W ranged 0.81-0.92 over 100 shuffled orders of
the breast-cancer test split (0.85 fired on 12 of them, 0.80 on none). Jacobian
augmentation (JbDA) queries gave W 0.71 (breast cancer). Exact repeats (retries, cached
inputs) add no distance: a zero would collapse W without any new query having been made.
Uniform random queries look natural to PRADA; extraction.coverage and evasion.ood catch
those, and blends of real rows extraction.distribution.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from scipy import stats as sps  # type: ignore[import-untyped,unused-ignore]

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import ClientStates, check_positive
from aisec.runtime.detectors.reference import CATEGORICAL
from aisec.runtime.detectors.rows import rows_for
from aisec.runtime.observation import OUTPUT, Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import FloatArray, Observation


class _GrowingSet:
    """One predicted class's growing set (bounded FIFO) and its insertion distances."""

    __slots__ = ("count", "n", "norms", "rows", "seen", "sq", "total")

    def __init__(self, width: int, history: int) -> None:
        size = min(16, history)  # grows by doubling up to history: most clients send little
        self.rows = np.empty((size, width))
        self.norms = np.empty(size)
        self.n = 0  # rows stored
        self.seen = 0  # rows stored over the lifetime, to find the FIFO slot
        self.count, self.total, self.sq = 0, 0.0, 0.0  # distances of the rows added

    def threshold(self) -> float:
        """PRADA's T: a query closer than mean - std of the set's distances adds nothing."""
        if self.count < 2:
            return 0.0
        mean = self.total / self.count
        return mean - math.sqrt(max(self.sq / self.count - mean * mean, 0.0))


class _Client:
    __slots__ = ("dist", "dpos", "last_w", "sets", "tests")

    def __init__(self, window: int) -> None:
        self.sets: dict[float, _GrowingSet] = {}
        self.dist = np.empty(window)  # the last window minimum distances (ring)
        self.dpos = 0  # distances recorded over the lifetime
        self.tests = 0  # dpos at the last Shapiro–Wilk test
        self.last_w = 1.0


class PradaDetector:
    """Shapiro–Wilk on each client's minimum query distances (see module docstring)."""

    name: ClassVar[str] = "extraction.prada"
    stage: ClassVar[str] = OUTPUT
    needs_reference: ClassVar[bool] = True

    def __init__(
        self,
        reference: Reference,
        *,
        delta: float = 0.80,
        clip: float = 3.0,
        min_queries: int = 100,
        window: int = 200,
        test_every: int = 10,
        history: int = 5000,
        max_clients: int = 1000,
    ) -> None:
        check_positive(
            self.name,
            delta=delta,
            clip=clip,
            min_queries=min_queries,
            window=window,
            test_every=test_every,
            history=history,
        )
        if not 0 < delta < 1 or min_queries < 3 or window < 3:
            raise ConfigError(f"{self.name}: need 0 < delta < 1, min_queries and window >= 3")
        self.reference = reference
        self.delta, self.min_queries, self.window = delta, min_queries, window
        self.test_every, self.history, self.clip = test_every, history, clip
        pred = reference.prediction
        # Growing sets per predicted class, as in the paper; the classes are the reference's
        # (anything else is pooled as -1) so a hostile upstream cannot create sets at will.
        self.classes = (
            frozenset(float(v) for v in pred.categories)
            if pred is not None and pred.kind == CATEGORICAL
            else frozenset()
        )
        self._clients: ClientStates[_Client] = ClientStates(lambda: _Client(window), max_clients)

    def observe(self, obs: Observation) -> Verdict | None:
        rows = rows_for(obs, self.reference)
        if rows is None:
            return None
        z = np.minimum(np.maximum(rows.z, -self.clip), self.clip)  # np.clip is slower
        labels = self._labels(obs.predictions, len(z))
        with self._clients.lock:
            client = self._clients.get(obs.client)
            for row, label in zip(z, labels, strict=True):
                self._add(client, row, label)
            recorded = client.dpos
            if recorded < self.min_queries:
                return None
            if client.tests == 0 or recorded - client.tests >= self.test_every:
                client.last_w = self._shapiro(client)
                client.tests = recorded
            w = client.last_w
        return self._verdict(obs.client, w, min(recorded, self.window), recorded)

    def _labels(self, p: object, n: int) -> list[float]:
        if not self.classes or not isinstance(p, np.ndarray) or p.shape != (n,):
            return [0.0] * n
        return [v if v in self.classes else -1.0 for v in p.tolist()]

    def _add(self, c: _Client, row: FloatArray, label: float) -> None:
        g = c.sets.get(label)
        if g is None:
            g = c.sets[label] = _GrowingSet(len(row), self.history)
        norm = float(row @ row)
        n = g.n
        if n:
            d2 = float((g.norms[:n] - 2.0 * (g.rows[:n] @ row)).min()) + norm
            if d2 <= 1e-12 * max(norm, 1.0):
                return  # an exact repeat (a retry, a cached input): no new query, no evidence
            d = math.sqrt(max(d2, 0.0))
            c.dist[c.dpos % self.window] = d
            c.dpos += 1
            if d <= g.threshold():
                return  # close to an earlier query: recorded, but the set does not grow
            g.count, g.total, g.sq = g.count + 1, g.total + d, g.sq + d * d
        if n < self.history:
            if n == len(g.rows):
                size = min(self.history, 2 * n)
                g.rows = np.resize(g.rows, (size, g.rows.shape[1]))
                g.norms = np.resize(g.norms, size)
            slot = n
            g.n += 1
        else:
            slot = g.seen % self.history  # FIFO: the oldest query leaves
        g.rows[slot], g.norms[slot] = row, norm
        g.seen += 1

    def _shapiro(self, c: _Client) -> float:
        d = c.dist[: min(c.dpos, self.window)]
        if float(np.ptp(d)) <= 1e-12 * max(1.0, float(np.abs(d).max())):
            return 1.0  # identical distances: Shapiro–Wilk is undefined, no evidence
        return shapiro_w(d)

    def _verdict(self, client: str, w: float, n: int, total: int) -> Verdict:
        fired = w < self.delta
        if fired:
            text = (
                f"client {client}'s last {n} query distances are not normal "
                f"(Shapiro-Wilk W={w:.2f} < {self.delta:.2f}): the pattern of synthetic "
                "model-extraction queries"
            )
        else:
            text = (
                f"client {client}'s last {n} query distances look natural "
                f"(Shapiro-Wilk W={w:.2f} >= {self.delta:.2f})"
            )
        return Verdict(
            detector=self.name,
            score=1.0 - w,
            threshold=1.0 - self.delta,
            fired=fired,
            explanation=text,
            details={
                "client": client,
                "w": w,
                "delta": self.delta,
                "window": n,
                "distances": total,
            },
            stage=self.stage,
        )


def shapiro_w(d: FloatArray) -> float:
    """Shapiro–Wilk W. scipy's public ``shapiro`` spends most of its time in generic input
    handling (about 0.5 ms for 200 values here); its own kernel is called directly, with
    the same preprocessing, falling back to the public function if scipy moves it."""
    if _swilk is None:
        return float(sps.shapiro(d).statistic)
    y = np.sort(d)
    y -= d[len(d) // 2]  # as scipy does (gh-15777)
    w, _, _ = _swilk(y, np.zeros(len(d) // 2), 0)
    return float(w)


try:
    from scipy.stats._ansari_swilk_statistics import (  # type: ignore[import-untyped,unused-ignore]
        swilk as _swilk,
    )
except ImportError:  # pragma: no cover - a future scipy layout
    _swilk = None
