"""extraction.distribution: is one client's traffic distributed like the training data?

drift.input pools every client of a model, so one extraction client among many benign
ones moves the pooled window little. Here each client fills windows of its own, tested
exactly as drift windows are (KS or chi², PSI, normalised Wasserstein per feature,
Benjamini-Hochberg across features, fired only when a change is both significant and
material), at a stricter alpha: there are many clients, and each is tested again and
again. What it catches: query sets built rather than observed. The assurance extraction's
queries (noisy blends of pairs of real rows) stay inside the data, so PRADA and the
coverage test see nothing, but the blends narrow every feature's spread.

A client whose real population differs from the training data (one hospital's older
patients) is flagged too: that is drift seen per client, and worth knowing, but tune
``alpha`` and the effect thresholds on replayed traffic before choosing ``block``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from aisec.runtime.detectors.drift import InputDriftDetector

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import Observation


class ClientDistributionDetector(InputDriftDetector):
    name: ClassVar[str] = "extraction.distribution"
    _moved = "differ from the training data"

    def __init__(
        self,
        reference: Reference,
        *,
        window: int = 200,
        alpha: float = 0.001,
        psi_threshold: float = 0.1,
        wasserstein_threshold: float = 0.1,
        max_clients: int = 10_000,
    ) -> None:
        self._max_clients = max_clients
        super().__init__(
            reference, window=window, alpha=alpha, psi_threshold=psi_threshold,
            wasserstein_threshold=wasserstein_threshold,
        )  # fmt: skip

    def _capacity(self) -> int:
        return self._max_clients

    def _key(self, obs: Observation) -> str:
        return f"{obs.model}\x00{obs.client}"

    def _subject(self, obs: Observation) -> str:
        return f"client {obs.client} on model {obs.model}"
