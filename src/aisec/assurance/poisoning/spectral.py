"""Backdoor scan by spectral signatures (Tran, Li & Madry, NeurIPS 2018).

A backdoor trigger leaves a strong, shared direction in the learned representation of the
poisoned rows of the attacker's target class. Per class: centre the representations, take
the top right singular vector v, and score each row by its squared projection on v; the
top 1.5·ε of the class (ε = assumed share of poisoned rows) are flagged. Representations
are the input to the last linear layer of a torch module (forward hook), the last hidden
layer of a scikit-learn MLPClassifier (recomputed from ``coefs_``/``intercepts_``), and
otherwise the input features after the pipeline's scalers (or standardised).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.poisoning.retrain import FloatArray, IntArray
from aisec.assurance.targets.base import Target

_SCALERS = {"StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler"}
_ACTIVATIONS: dict[str, Any] = {
    "identity": lambda z: z,
    "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


@dataclass(frozen=True)
class ClassSignature:
    label: int
    rows: IntArray  # training-row indices of this class
    scores: FloatArray  # squared projection on the top singular vector, per row of ``rows``
    flagged: IntArray  # training-row indices flagged as suspect
    separation: float  # mean flagged score / median score of the class


def representations(target: Target, x: FloatArray) -> tuple[FloatArray, str]:
    """The rows as the model's penultimate representation, and which one was used."""
    module = getattr(target, "module", None)
    if module is not None:
        return _torch_penultimate(module, x), "torch: input to the last Linear layer"
    model: Any = getattr(target, "model", None)
    steps: list[Any] = [model]
    if type(model).__name__ == "Pipeline":
        steps = [s for _, s in model.steps if s not in (None, "passthrough")]
    if model is not None and all(type(s).__name__ in _SCALERS for s in steps[:-1]):
        h = x
        for step in steps[:-1]:
            h = np.asarray(step.transform(h), dtype=np.float64)
        last = steps[-1]
        if type(last).__name__ == "MLPClassifier" and last.activation in _ACTIVATIONS:
            return _mlp_last_hidden(last, h), "scikit-learn MLP: last hidden layer"
        if len(steps) > 1:
            return h, "scaled input features"
    spread = x.std(axis=0)
    scaled = (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return scaled, "standardised input features"


def _mlp_last_hidden(mlp: Any, x: FloatArray) -> FloatArray:
    act = _ACTIVATIONS[mlp.activation]
    h = x
    # All but the output layer: the output layer's input is the representation.
    for w, b in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1], strict=True):
        h = act(h @ w + b)
    return np.asarray(h, dtype=np.float64)


def _torch_penultimate(module: Any, x: FloatArray) -> FloatArray:
    import torch

    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        return x
    captured: list[Any] = []
    hook = linears[-1].register_forward_hook(lambda _m, inp, _out: captured.append(inp[0]))
    try:
        dtype = next(module.parameters()).dtype
        with torch.no_grad():
            module(torch.as_tensor(x, dtype=dtype))
    finally:
        hook.remove()
    return np.asarray(captured[-1].reshape(len(x), -1).double().numpy(), dtype=np.float64)


def outlier_scores(reps: FloatArray) -> FloatArray:
    """Squared projection of each centred row on the top right singular vector."""
    centred = reps - reps.mean(axis=0)
    if len(centred) < 2 or not np.any(centred):
        return np.zeros(len(reps), dtype=np.float64)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return np.asarray((centred @ vt[0]) ** 2, dtype=np.float64)


def separation_ratio(scores: FloatArray, n_flag: int) -> float:
    """How far the flagged scores stand out: mean of the top ``n_flag`` over the median."""
    if n_flag <= 0 or scores.size == 0:
        return float("nan")
    top = np.sort(scores)[-n_flag:]
    median = float(np.median(scores))
    return float(top.mean() / median) if median > 0 else float("inf")


def spectral_signatures(reps: FloatArray, y: IntArray, poison_rate: float) -> list[ClassSignature]:
    """Per class, the outlier scores, the flagged rows and their separation."""
    out: list[ClassSignature] = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label).astype(np.int64)
        scores = outlier_scores(reps[rows])
        n_flag = min(len(rows), int(np.ceil(1.5 * poison_rate * len(rows))))
        flagged = rows[np.argsort(-scores, kind="mergesort")[:n_flag]]
        sep = separation_ratio(scores, n_flag)
        out.append(ClassSignature(int(label), rows, scores, np.sort(flagged), sep))
    return out


def flagged_mask(signatures: list[ClassSignature], n_rows: int) -> NDArray[np.bool_]:
    mask = np.zeros(n_rows, dtype=bool)
    for sig in signatures:
        mask[sig.flagged] = True
    return mask
