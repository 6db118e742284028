"""Any model reachable through Python functions: ``predict`` and/or ``predict_proba``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.base import (
    BaseTarget,
    Capability,
    FloatArray,
    IntArray,
    answer_capabilities,
)

if TYPE_CHECKING:
    pass


class CallableTarget(BaseTarget):
    """``predict`` returns labels from ``classes`` (or class indices when ``classes`` is not
    given); ``predict_proba`` returns one column per class, in the order of ``classes``."""

    name = "callable"

    def __init__(
        self,
        *,
        predict: Callable[[Any], Any] | None = None,
        predict_proba: Callable[[Any], Any] | None = None,
        classes: Sequence[Any] | None = None,
        budget: int | None = None,
        name: str | None = None,
    ) -> None:
        if predict is None and predict_proba is None:
            raise ValueError("give predict, predict_proba or both")
        super().__init__(budget=budget, name=name)
        self._predict_fn = predict
        self._proba_fn = predict_proba
        self._classes = None if classes is None else list(classes)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return answer_capabilities(self._proba_fn is not None)

    def _labels(self, x: FloatArray) -> IntArray:
        import numpy as np

        if self._predict_fn is None:
            return super()._labels(x)
        raw = np.asarray(self._predict_fn(x)).reshape(-1)
        if self._classes is None:
            return raw.astype(np.int64)
        index = {label: i for i, label in enumerate(self._classes)}
        try:
            return np.asarray([index[v.item()] for v in raw], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"predict returned {exc.args[0]!r}, not one of the classes") from exc

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np

        assert self._proba_fn is not None  # guarded by the SCORES capability
        return np.asarray(self._proba_fn(x), dtype=np.float64)
