"""Analytic input gradients of the cross-entropy loss for scikit-learn models, in numpy.

scikit-learn gives no gradients, so they are derived from the fitted parameters: a forward
pass that reproduces ``predict_proba`` (or the decision function) and its backward pass to the
input. Only models whose forward pass is reproduced exactly are supported: ``supports``
says which, and anything else leaves the target without the gradients capability.

Models without probabilities (``LinearSVC``, ``SGDClassifier`` with the hinge loss) use the
cross-entropy of the softmax of their decision values: the hinge loss itself is flat beyond
the margin, which would hide the direction an attack needs (gradient masking by construction).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aisec.assurance.targets.base import FloatArray, IntArray

_LINEAR = {"LogisticRegression", "LinearSVC", "SGDClassifier", "RidgeClassifier"}
_SCALERS = {"StandardScaler", "MinMaxScaler", "MaxAbsScaler"}
_ACTIVATIONS = {"identity", "logistic", "tanh", "relu"}


def _kind(est: Any) -> str:
    return type(est).__name__


def _steps(model: Any) -> list[Any]:
    if _kind(model) == "Pipeline":
        return [step for _, step in model.steps if step not in (None, "passthrough")]
    return [model]


def supports(model: Any) -> bool:
    """Whether ``loss_gradient`` is exact for this fitted estimator or pipeline."""
    *pre, last = _steps(model)
    if not all(_kind(step) in _SCALERS for step in pre):
        return False
    kind = _kind(last)
    if kind == "LogisticRegression":
        # liblinear fits one-vs-rest and normalises the sigmoids: another forward pass.
        return len(last.classes_) == 2 or last.solver != "liblinear"
    if kind in _LINEAR:
        return True
    if kind == "MLPClassifier":
        return last.activation in _ACTIVATIONS
    return False


def _scaler_forward(step: Any, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The transformed input and the (diagonal) derivative of the transform."""
    out = np.asarray(step.transform(x), dtype=np.float64)
    kind = _kind(step)
    n = x.shape[1]
    if kind == "StandardScaler":
        scale = step.scale_ if step.with_std and step.scale_ is not None else np.ones(n)
        return out, 1.0 / np.asarray(scale, dtype=np.float64)
    # MinMaxScaler and MaxAbsScaler: x * scale_ (+ min_); the derivative is scale_ or 1/max_abs_.
    if kind == "MinMaxScaler":
        return out, np.asarray(step.scale_, dtype=np.float64)
    return out, 1.0 / np.asarray(step.scale_, dtype=np.float64)


def _softmax_ce_grad(z: FloatArray, y: IntArray) -> FloatArray:
    """d loss / d logits of the softmax cross-entropy: p - onehot(y)."""
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p


def _binary_ce_grad(z: FloatArray, y: IntArray) -> FloatArray:
    """d loss / d z for one logit z of class 1: sigmoid(z) - y, shape (n, 1)."""
    return (1.0 / (1.0 + np.exp(-z))) - y.reshape(-1, 1).astype(np.float64)


def _linear_grad(est: Any, x: FloatArray, y: IntArray) -> FloatArray:
    coef = np.asarray(est.coef_, dtype=np.float64)
    z = x @ coef.T + np.asarray(est.intercept_, dtype=np.float64)
    dz = _binary_ce_grad(z, y) if coef.shape[0] == 1 else _softmax_ce_grad(z, y)
    return np.asarray(dz @ coef, dtype=np.float64)


def _act(name: str, a: FloatArray) -> FloatArray:
    if name == "relu":
        return np.maximum(a, 0.0)
    if name == "tanh":
        return np.tanh(a)
    if name == "logistic":
        return 1.0 / (1.0 + np.exp(-a))
    return a


def _act_derivative(name: str, a: FloatArray, h: FloatArray) -> FloatArray:
    # In terms of the pre-activation a and the output h, as the backward pass needs.
    if name == "relu":
        return (a > 0).astype(np.float64)
    if name == "tanh":
        return 1.0 - h * h
    if name == "logistic":
        return h * (1.0 - h)
    return np.ones_like(a)


def _mlp_grad(est: Any, x: FloatArray, y: IntArray) -> FloatArray:
    weights = [np.asarray(w, dtype=np.float64) for w in est.coefs_]
    biases = [np.asarray(b, dtype=np.float64) for b in est.intercepts_]
    pre: list[FloatArray] = []
    post: list[FloatArray] = [x]
    h = x
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        a = h @ w + b
        h = _act(est.activation, a)
        pre.append(a)
        post.append(h)
    z = h @ weights[-1] + biases[-1]
    # Binary MLPs end in one logistic unit; multi-class ones in a softmax (out_activation_).
    delta = _binary_ce_grad(z, y) if est.out_activation_ == "logistic" else _softmax_ce_grad(z, y)
    delta = delta @ weights[-1].T
    for layer in range(len(pre) - 1, -1, -1):
        delta = delta * _act_derivative(est.activation, pre[layer], post[layer + 1])
        delta = delta @ weights[layer].T
    return np.asarray(delta, dtype=np.float64)


def loss_gradient(model: Any, x: FloatArray, y: IntArray) -> FloatArray:
    """Gradient of the cross-entropy loss w.r.t. the raw input ``x`` (before any scaler)."""
    *pre, last = _steps(model)
    chain = np.ones_like(x)
    h = x
    for step in pre:
        h, derivative = _scaler_forward(step, h)
        chain = chain * derivative
    grad = _mlp_grad(last, h, y) if _kind(last) == "MLPClassifier" else _linear_grad(last, h, y)
    return np.asarray(grad * chain, dtype=np.float64)
