"""The target contract: what every model under test gives, and the query budget.

A target answers for a batch of rows (a 2-D float array): labels always, scores
(class probabilities) and input gradients of the loss only where its ``capabilities``
say so. Labels are class indices into ``classes``, so attacks never handle string labels.
Every row sent to the model counts as one query, gradients included, because that is what
an attacker would pay against a real endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aisec.assurance.targets.errors import CapabilityMissing, QueryBudgetExceeded

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]
else:
    FloatArray = Any
    IntArray = Any


class Capability(StrEnum):
    LABELS = "labels"
    SCORES = "scores"  # class probabilities
    GRADIENTS = "gradients"  # input gradient of the cross-entropy loss


@dataclass(slots=True)
class QueryBudget:
    """Counts rows sent to a target; ``limit=None`` counts without limiting."""

    limit: int | None = None
    used: int = 0

    def spend(self, rows: int) -> None:
        # Checked before the model is asked, so a spent budget never leaks one more answer.
        if self.limit is not None and self.used + rows > self.limit:
            raise QueryBudgetExceeded(self.limit, self.used, rows)
        self.used += rows

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.used


@runtime_checkable
class Target(Protocol):
    name: str
    budget: QueryBudget

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    @property
    def classes(self) -> NDArray[Any]: ...

    def predict(self, x: FloatArray) -> IntArray: ...

    def predict_proba(self, x: FloatArray) -> FloatArray: ...

    def loss_gradient(self, x: FloatArray, y: IntArray) -> FloatArray: ...


def as_batch(x: Any) -> FloatArray:
    """A 2-D float64 array from an array, a list of rows or a data frame."""
    import numpy as np

    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"a batch must be 2-D (rows x features), got shape {arr.shape}")
    return arr


def answer_capabilities(scores: bool) -> frozenset[Capability]:
    """What a black-box target that answers with labels, and maybe scores, allows."""
    if scores:
        return frozenset({Capability.LABELS, Capability.SCORES})
    return frozenset({Capability.LABELS})


class BaseTarget:
    """Counting, budget and capability checks; subclasses implement the ``_`` methods."""

    name: str = "target"
    # The class labels the caller declared, for targets that cannot tell them themselves.
    _classes: list[Any] | None = None

    def __init__(self, *, budget: int | None = None, name: str | None = None) -> None:
        self.budget = QueryBudget(budget)
        if name is not None:
            self.name = name

    @property
    def capabilities(self) -> frozenset[Capability]:
        raise NotImplementedError

    @property
    def classes(self) -> NDArray[Any]:
        import numpy as np

        if self._classes is None:
            raise ValueError(f"target {self.name!r} was built without classes")
        return np.asarray(self._classes)

    def predict(self, x: Any) -> IntArray:
        batch = as_batch(x)
        self.budget.spend(len(batch))
        return self._labels(batch)

    def predict_proba(self, x: Any) -> FloatArray:
        self._require(Capability.SCORES)
        batch = as_batch(x)
        self.budget.spend(len(batch))
        return self._scores(batch)

    def loss_gradient(self, x: Any, y: Any) -> FloatArray:
        """Gradient of the cross-entropy loss at ``x`` for true class indices ``y``."""
        import numpy as np

        self._require(Capability.GRADIENTS)
        batch = as_batch(x)
        labels = np.asarray(y, dtype=np.int64).reshape(-1)
        if len(labels) != len(batch):
            raise ValueError(f"{len(batch)} rows but {len(labels)} labels")
        self.budget.spend(len(batch))
        return self._gradient(batch, labels)

    def gradient_and_labels(self, x: Any, y: Any) -> tuple[FloatArray, IntArray]:
        """The loss gradient at ``x`` and the labels the model gives ``x``.

        Targets that compute both in one forward pass (scikit-learn with analytic
        gradients, torch) answer for one query per row, as an endpoint returning the
        gradient with its prediction would; others make two calls and spend two.
        """
        import numpy as np

        self._require(Capability.GRADIENTS)
        batch = as_batch(x)
        labels = np.asarray(y, dtype=np.int64).reshape(-1)
        if len(labels) != len(batch):
            raise ValueError(f"{len(batch)} rows but {len(labels)} labels")
        if type(self)._fused is BaseTarget._fused:
            return self.loss_gradient(batch, labels), self.predict(batch)
        self.budget.spend(len(batch))
        return self._fused(batch, labels)

    def _fused(self, x: FloatArray, y: IntArray) -> tuple[FloatArray, IntArray]:
        raise NotImplementedError

    def _require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            available = ", ".join(sorted(c.value for c in self.capabilities))
            raise CapabilityMissing(self.name, capability.value, available)

    def _labels(self, x: FloatArray) -> IntArray:
        # Default for score-giving targets; label-only targets override it.
        import numpy as np

        return np.asarray(self._scores(x).argmax(axis=1), dtype=np.int64)

    def _scores(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _gradient(self, x: FloatArray, y: IntArray) -> FloatArray:
        raise NotImplementedError
