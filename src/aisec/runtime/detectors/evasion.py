"""evasion.ood and evasion.margin: single requests that do not look like the training data.

``evasion.ood``: the request's largest row Mahalanobis distance, graded by the reference's
out-of-fold distance distribution (a Pareto tail beyond its 95% quantile, so a 400-row
reference can still say "one in a million"); score = -log10(tail probability).
``evasion.margin``: the answer's lowest top-1 minus top-2 probability margin, graded by
the reference margins; adversarial examples are typically pushed just past the boundary.
Its ``quantile`` defaults to 0.0001, not 0.01: a per-request rule at the 1% quantile fires
on 1% of benign answers by construction (3 of the 143 breast-cancer test answers), and
at 0.001 one real held-out answer (margin 0.0016) still fired. A PGD row's margin is of
the same size, so one request cannot tell them apart: extraction.boundary, which counts
low margins per client, is what catches a PGD batch. Below
the ``TAIL_K``-th smallest reference margin the share is extrapolated linearly to 0 (the
margin density is about flat near 0), so a 400-answer reference can grade 1 in 1000.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import check_positive, scored
from aisec.runtime.detectors.ratetest import MAX_SCORE
from aisec.runtime.detectors.rows import margins_for, rows_for
from aisec.runtime.observation import INPUT, OUTPUT, Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import Observation

TOP_FEATURES = 3
TAIL_K = 10


class OodDetector:
    name: ClassVar[str] = "evasion.ood"
    stage: ClassVar[str] = INPUT
    needs_reference: ClassVar[bool] = True

    def __init__(self, reference: Reference, *, threshold: float = 4.0) -> None:
        check_positive(self.name, threshold=threshold)
        self.reference = reference
        self.threshold = threshold
        self.q999 = float(np.quantile(reference.distances, 0.999))
        # Default 4 (p < 1e-4), not 3: benign held-out rows reached 2.8 (breast cancer),
        # 3.9 (digits: rare pixel combinations) and 2.1 (diabetes); at 1000 requests/s a
        # 1e-3 rule would also raise about one alert per second on clean traffic.
        self.names = reference.names
        self._sorted = reference.distances.tolist()  # bisect on a list: no numpy call per row

    def observe(self, obs: Observation) -> Verdict | None:
        ref = self.reference
        rows = rows_for(obs, ref)
        if rows is None:
            return None
        z, d = rows.z, rows.d
        row = 0 if len(d) == 1 else int(np.argmax(d))
        far = float(d[row])
        tail = self._tail(far)
        score = min(-math.log10(tail), MAX_SCORE)
        fired = score >= self.threshold
        zrow = z[row]
        if fired:
            order = np.argsort(-np.abs(zrow))[:TOP_FEATURES].tolist()
        else:
            order = [int(np.argmax(np.abs(zrow)))]  # the full ranking only for alerts
        top = [{"feature": self.names[j], "z": round(float(zrow[j]), 2)} for j in order]
        lead = top[0]
        text = (
            f"row {row} is {far:.3g} Mahalanobis units from the training data "
            f"(reference 99.9% quantile {self.q999:.3g}, tail p={tail:.1g}); most unusual "
            f"feature {lead['feature']!r} (z={lead['z']:+.1f})"
        )
        return scored(
            self,
            score,
            text,
            "out-of-distribution input, possibly crafted",
            {
                "row": row,
                "distance": far,
                "tail_p": tail,
                "q999": self.q999,
                "rows": len(d),
                "top_features": top,
            },
        )

    def _tail(self, d: float) -> float:
        """Scalar form of ``Reference.distance_tail``."""
        ref = self.reference
        if d > ref.tail_start:
            return max(ref.tail_rate * float((d / ref.tail_start) ** -ref.tail_index), 1e-300)
        n = len(self._sorted)
        return (n - bisect_left(self._sorted, d) + 1.0) / (n + 1.0)


class MarginDetector:
    name: ClassVar[str] = "evasion.margin"
    stage: ClassVar[str] = OUTPUT
    needs_reference: ClassVar[bool] = True
    alarm: ClassVar[str] = "possibly an adversarial input pushed just across the boundary"

    def __init__(self, reference: Reference, *, quantile: float = 0.0001) -> None:
        if reference.margins is None:
            raise ConfigError(
                f"{self.name} needs answer probabilities in the reference",
                hint="build the reference with --probabilities (held-out predict_proba)",
            )
        if not 0 < quantile < 0.5:
            raise ConfigError(f"{self.name}: quantile must be in (0, 0.5), not {quantile}")
        self.sample = reference.margins
        self._sorted = self.sample.tolist()
        self.quantile = quantile
        n = len(self.sample)
        self.k = min(TAIL_K, n)
        self.m_k = max(float(self.sample[self.k - 1]), 1e-12)
        self.k_share = self.k / (n + 1.0)
        if quantile < self.k_share:
            self.limit = self.m_k * quantile / self.k_share
        else:
            self.limit = float(np.quantile(self.sample, quantile))
        self.threshold = -math.log10(quantile)

    def observe(self, obs: Observation) -> Verdict | None:
        m = margins_for(obs)
        if m is None:
            return None
        row = 0 if len(m) == 1 else int(np.argmin(m))
        low = float(m[row])
        share = (bisect_right(self._sorted, low) + 1.0) / (len(self._sorted) + 1.0)
        if low < self.m_k:
            share = min(share, self.k_share * low / self.m_k)
        share = max(share, 1e-300)
        score = min(-math.log10(share), MAX_SCORE)
        text = (
            f"row {row}'s answer margin (top-1 minus top-2 probability) is {low:.3g}; "
            f"a share {share:.2g} of reference answers are as close to a boundary "
            f"(fires below {self.limit:.3g}, the {self.quantile:.2g} quantile)"
        )
        return scored(
            self,
            score,
            text,
            "possibly an adversarial input pushed just across the boundary",
            {
                "row": row,
                "margin": low,
                "reference_share": share,
                "limit": self.limit,
                "rows": len(m),
            },
        )
