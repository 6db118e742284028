"""A PyTorch classifier held in memory; torch is imported only when one is built.

The module maps a float batch to one row of logits per input (``outputs="logits"``, the
usual case) or to probabilities (``outputs="probabilities"``). Gradients come from
autograd, of the same cross-entropy loss the scikit-learn gradients use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from aisec.assurance.targets.base import BaseTarget, Capability, FloatArray, IntArray

if TYPE_CHECKING:
    from numpy.typing import NDArray


class TorchTarget(BaseTarget):
    name = "torch"

    def __init__(
        self,
        module: Any,
        *,
        outputs: Literal["logits", "probabilities"] = "logits",
        classes: Sequence[Any] | None = None,
        budget: int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(budget=budget, name=name or type(module).__name__)
        self.module = module.eval()  # dropout and batch norm must not move between queries
        self.outputs = outputs
        self._classes = None if classes is None else list(classes)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return frozenset({Capability.LABELS, Capability.SCORES, Capability.GRADIENTS})

    @property
    def classes(self) -> NDArray[Any]:
        import numpy as np

        if self._classes is not None:
            return np.asarray(self._classes)
        return np.arange(self._n_outputs())

    def _n_outputs(self) -> int:
        for parameter in reversed(list(self.module.parameters())):
            return int(parameter.shape[0])
        raise ValueError(f"target {self.name!r} has no parameters: give classes")

    def _log_probs(self, x: Any) -> Any:
        import torch

        out = self.module(x)
        if self.outputs == "logits":
            return torch.log_softmax(out, dim=1)
        return torch.log(out.clamp_min(1e-12))

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np
        import torch

        dtype = next(self.module.parameters()).dtype
        with torch.no_grad():
            log_p = self._log_probs(torch.as_tensor(x, dtype=dtype))
        return np.asarray(log_p.exp().double().numpy(), dtype=np.float64)

    def _gradient(self, x: FloatArray, y: IntArray) -> FloatArray:
        return self._fused(x, y)[0]

    def _fused(self, x: FloatArray, y: IntArray) -> tuple[FloatArray, IntArray]:
        import numpy as np
        import torch

        dtype = next(self.module.parameters()).dtype
        xt = torch.as_tensor(x, dtype=dtype).requires_grad_(True)
        # Summed, not averaged: each row's gradient is then that row's own loss gradient.
        log_p = self._log_probs(xt)
        loss = torch.nn.functional.nll_loss(log_p, torch.as_tensor(y), reduction="sum")
        (grad,) = torch.autograd.grad(loss, xt)
        labels = np.asarray(log_p.detach().argmax(dim=1).numpy(), dtype=np.int64)
        return np.asarray(grad.double().numpy(), dtype=np.float64), labels
