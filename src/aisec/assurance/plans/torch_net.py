"""The input standardisation layer of the plan's torch MLP, importable (so picklable).

Kept in its own module because importing it imports torch, which only a plan that asks
for ``torch_mlp`` should pay for.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray


class Standardise(torch.nn.Module):
    """(x - mean) / scale, so that the network takes raw features and gradients are in
    raw units."""

    def __init__(self, mean: NDArray[np.float64], scale: NDArray[np.float64]) -> None:
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32))

    def forward(self, x: Any) -> Any:
        return (x - self.mean) / self.scale
