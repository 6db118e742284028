"""extraction.boundary: clients whose answers keep landing next to a decision boundary.

A surrogate-training (Jacobian augmentation, active learning) or boundary-walking client
(HopSkipJump, PGD probing) asks mostly where the model hesitates: the top-1 minus top-2
probability margin is small. Per client, the share of low-margin answers (below the
reference's 5% margin quantile) over the last ``window`` rows is tested against the
reference rate with a one-sided binomial test; score = -log10(p). Defaults (window 300,
threshold 4) were measured on the breast-cancer held-out set, whose benign scores stay
under 1.5; the assurance extraction's answers are ~9% low-margin against 5.3% in the
reference, which a 100-row window cannot tell apart from chance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import ClientStates, check_positive, scored
from aisec.runtime.detectors.ratetest import BinomialTable, RateWindow
from aisec.runtime.detectors.rows import margins_for
from aisec.runtime.observation import OUTPUT, Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import Observation


class BoundaryDetector:
    name: ClassVar[str] = "extraction.boundary"
    stage: ClassVar[str] = OUTPUT
    needs_reference: ClassVar[bool] = True
    alarm: ClassVar[str] = "the pattern of boundary-walking or surrogate-training queries"

    def __init__(
        self,
        reference: Reference,
        *,
        threshold: float = 4.0,
        window: int = 300,
        min_rows: int = 30,
        max_clients: int = 10_000,
    ) -> None:
        check_positive(self.name, threshold=threshold, window=window, min_rows=min_rows)
        if reference.margins is None:
            raise ConfigError(
                f"{self.name} needs answer probabilities in the reference",
                hint="build the reference with --probabilities (held-out predict_proba)",
            )
        self.low = reference.low_margin
        self.rate = reference.low_margin_rate
        self.threshold, self.window, self.min_rows = threshold, window, min(min_rows, window)
        self._table = BinomialTable(self.rate, window)
        self._clients: ClientStates[RateWindow] = ClientStates(
            lambda: RateWindow(window), max_clients
        )

    def observe(self, obs: Observation) -> Verdict | None:
        m = margins_for(obs)
        if m is None:
            return None
        flags = (m < self.low).tolist()
        with self._clients.lock:
            state = self._clients.get(obs.client)
            state.push(flags)
            n, k, rows = state.count, state.flagged, state.rows
        if n < self.min_rows:
            return None
        score = self._table.score(k, n)
        share = f"{k} of client {obs.client}'s last {n} answers"
        text = (
            f"{share} lie within margin {self.low:.3g} of a decision boundary "
            f"({k / n:.0%} vs {self.rate:.1%} in the reference, binomial p={10.0**-score:.1g})"
        )
        return scored(
            self,
            score,
            text,
            "the pattern of boundary-walking or surrogate-training queries",
            {
                "client": obs.client,
                "low_margin_rows": k,
                "window": n,
                "reference_rate": self.rate,
                "margin_threshold": self.low,
                "rows": rows,
            },
        )
