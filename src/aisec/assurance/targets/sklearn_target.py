"""A fitted scikit-learn classifier or pipeline held in memory.

Scores when the estimator has a working ``predict_proba`` (``SVC(probability=False)``
exposes the attribute but raises, hence the probe through ``hasattr``); gradients when
:mod:`aisec.assurance.targets.gradients` reproduces its forward pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.base import BaseTarget, Capability, FloatArray, IntArray

if TYPE_CHECKING:
    from numpy.typing import NDArray


class SklearnTarget(BaseTarget):
    name = "scikit-learn"

    def __init__(self, model: Any, *, budget: int | None = None, name: str | None = None) -> None:
        super().__init__(budget=budget, name=name or type(model).__name__)
        if not hasattr(model, "classes_"):
            raise ValueError("the scikit-learn model must be a fitted classifier (no classes_)")
        self.model = model
        from aisec.assurance.targets import gradients

        # Models whose forward pass aisec reproduces exactly answer labels from it.
        self._exact_forward = gradients.supports(model)

    @property
    def capabilities(self) -> frozenset[Capability]:
        from aisec.assurance.targets import gradients

        caps = {Capability.LABELS}
        if hasattr(self.model, "predict_proba"):
            caps.add(Capability.SCORES)
        if gradients.supports(self.model):
            caps.add(Capability.GRADIENTS)
        return frozenset(caps)

    @property
    def classes(self) -> NDArray[Any]:
        import numpy as np

        return np.asarray(self.model.classes_)

    def _labels(self, x: FloatArray) -> IntArray:
        import numpy as np

        from aisec.assurance.targets import gradients

        if self._exact_forward:
            return gradients.predicted_classes(self.model, self._checked(x))
        # The model's own predict, not argmax of scores: they differ for some estimators.
        raw = self.model.predict(x)
        return np.asarray(np.searchsorted(self.model.classes_, raw), dtype=np.int64)

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np

        return np.asarray(self.model.predict_proba(x), dtype=np.float64)

    def _gradient(self, x: FloatArray, y: IntArray) -> FloatArray:
        from aisec.assurance.targets import gradients

        return gradients.loss_gradient(self.model, self._checked(x), y)

    def _fused(self, x: FloatArray, y: IntArray) -> tuple[FloatArray, IntArray]:
        from aisec.assurance.targets import gradients

        return gradients.gradient_and_classes(self.model, self._checked(x), y)

    def _checked(self, x: FloatArray) -> FloatArray:
        """What scikit-learn's own validation would refuse, refused here too: aisec's
        forward pass would otherwise broadcast a wrong width or label a NaN row."""
        import numpy as np

        width = getattr(self.model, "n_features_in_", x.shape[1])
        if x.shape[1] != width:
            raise ValueError(f"rows have {x.shape[1]} features, the model expects {width}")
        if not np.isfinite(x).all():
            raise ValueError("rows contain NaN or infinite values")
        return x
