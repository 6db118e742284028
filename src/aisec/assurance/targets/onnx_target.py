"""An ONNX classifier file run with onnxruntime: a safe format, loaded in-process.

Converted scikit-learn classifiers have two outputs, labels and probabilities (a tensor,
or a list of ``{class: p}`` maps when converted with ZipMap); a network has one tensor
of logits or probabilities. The outputs are told apart by type: an integer or string
tensor is labels, a float tensor of one row per input is scores. With only labels, the
target gives only labels. Gradients are never available: onnxruntime has no autograd
for inference sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
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


class OnnxTarget(BaseTarget):
    name = "onnx"

    def __init__(
        self,
        path: str | Path,
        *,
        classes: Sequence[Any] | None = None,
        softmax: bool = False,
        budget: int | None = None,
        name: str | None = None,
    ) -> None:
        import onnxruntime as ort

        super().__init__(budget=budget, name=name or Path(path).name)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        self.session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.softmax = softmax  # the float output holds logits, not probabilities
        inputs = self.session.get_inputs()
        if len(inputs) != 1:
            raise ValueError(f"{path}: expected one input tensor, found {len(inputs)}")
        self._input = inputs[0]
        self._label_out: str | None = None
        self._score_out: str | None = None
        for out in self.session.get_outputs():
            kind = str(out.type)
            if kind.startswith("seq(map(") or kind in ("tensor(float)", "tensor(double)"):
                self._score_out = self._score_out or out.name
            elif kind.startswith("tensor("):
                self._label_out = self._label_out or out.name
        if self._label_out is None and self._score_out is None:
            raise ValueError(f"{path}: no label or score output")
        self._classes = None if classes is None else list(classes)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return answer_capabilities(self._score_out is not None)

    def _run(self, x: FloatArray, output: str) -> Any:
        import numpy as np

        dtype = np.float64 if "double" in str(self._input.type) else np.float32
        (result,) = self.session.run([output], {self._input.name: x.astype(dtype)})
        return result

    def _labels(self, x: FloatArray) -> IntArray:
        import numpy as np

        if self._label_out is None:
            return super()._labels(x)
        raw = np.asarray(self._run(x, self._label_out)).reshape(-1)
        if self._classes is None:
            return raw.astype(np.int64)
        return np.asarray(np.searchsorted(np.asarray(self._classes), raw), dtype=np.int64)

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np

        assert self._score_out is not None  # guarded by the SCORES capability
        raw = self._run(x, self._score_out)
        if isinstance(raw, list):  # ZipMap: one {class: probability} per row
            keys = sorted(raw[0]) if raw else []
            return np.asarray([[row[k] for k in keys] for row in raw], dtype=np.float64)
        scores = np.asarray(raw, dtype=np.float64)
        if self.softmax:
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            scores /= scores.sum(axis=1, keepdims=True)
        return scores
