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
    """The transformed input and the (diagonal) derivative of the transform.

    Computed from the fitted attributes rather than ``transform``: the same arithmetic,
    without input validation that costs more than the transform on every attack step.
    """
    kind = _kind(step)
    n = x.shape[1]
    if kind == "StandardScaler":
        mean = step.mean_ if step.with_mean and step.mean_ is not None else np.zeros(n)
        scale = step.scale_ if step.with_std and step.scale_ is not None else np.ones(n)
        scale = np.asarray(scale, dtype=np.float64)
        return (x - np.asarray(mean, dtype=np.float64)) / scale, 1.0 / scale
    if kind == "MinMaxScaler":
        scale = np.asarray(step.scale_, dtype=np.float64)
        out = x * scale + np.asarray(step.min_, dtype=np.float64)
        if step.clip:
            low, high = step.feature_range
            out = np.clip(out, low, high)  # the clipped region has derivative 0 in truth
        return out, scale
    scale = np.asarray(step.scale_, dtype=np.float64)  # MaxAbsScaler: x / max_abs_
    return x / scale, 1.0 / scale


def _softmax_ce_grad(z: FloatArray, y: IntArray) -> FloatArray:
    """d loss / d logits of the softmax cross-entropy: p - onehot(y). ``z`` is left as
    it was; the work happens in one new array (attacks call this at every step)."""
    p = z - z.max(axis=1, keepdims=True)
    np.exp(p, out=p)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return np.asarray(p, dtype=np.float64)


def _binary_ce_grad(z: FloatArray, y: IntArray) -> FloatArray:
    """d loss / d z for one logit z of class 1: sigmoid(z) - y, shape (n, 1)."""
    return (1.0 / (1.0 + np.exp(-z))) - y.reshape(-1, 1).astype(np.float64)


def _linear_parameters(est: Any) -> tuple[FloatArray, FloatArray]:
    # A binary RidgeClassifier keeps a 1-D coef_; every other linear model one row per
    # logit. As rows, one logit is always shape (1, n_features).
    coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
    return coef, np.asarray(est.intercept_, dtype=np.float64).reshape(-1)


def _linear_grad(est: Any, x: FloatArray, y: IntArray) -> tuple[FloatArray, FloatArray]:
    """The gradient and the logits it came from."""
    coef, intercept = _linear_parameters(est)
    z = x @ coef.T + intercept
    dz = _binary_ce_grad(z, y) if coef.shape[0] == 1 else _softmax_ce_grad(z, y)
    return np.asarray(dz @ coef, dtype=np.float64), z


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


def _mlp_grad(est: Any, x: FloatArray, y: IntArray) -> tuple[FloatArray, FloatArray]:
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
    return np.asarray(delta, dtype=np.float64), z


def _mlp_logits(est: Any, x: FloatArray) -> FloatArray:
    h = x
    for w, b in zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True):
        h = _act(est.activation, h @ w + b)
    return np.asarray(h @ est.coefs_[-1] + est.intercepts_[-1], dtype=np.float64)


def predicted_classes(model: Any, x: FloatArray) -> IntArray:
    """Class indices as ``model.predict`` gives them, from the same forward pass as the
    gradient: attacks ask for labels after every step, and scikit-learn's own predict
    validates its input each time at several times the cost of the arithmetic."""
    *pre, last = _steps(model)
    h = x
    for step in pre:
        h, _ = _scaler_forward(step, h)
    if _kind(last) == "MLPClassifier":
        z = _mlp_logits(last, h)
    else:
        coef, intercept = _linear_parameters(last)
        z = h @ coef.T + intercept
    return _classes_of(z)


def _classes_of(z: FloatArray) -> IntArray:
    if z.shape[1] == 1:  # one logit: class 1 when it is positive, as predict decides
        return np.asarray(z[:, 0] > 0, dtype=np.int64)
    return np.asarray(z.argmax(axis=1), dtype=np.int64)


def loss_gradient(model: Any, x: FloatArray, y: IntArray) -> FloatArray:
    """Gradient of the cross-entropy loss w.r.t. the raw input ``x`` (before any scaler)."""
    return gradient_and_classes(model, x, y)[0]


def gradient_and_classes(model: Any, x: FloatArray, y: IntArray) -> tuple[FloatArray, IntArray]:
    """The loss gradient at ``x`` and the classes the model predicts for ``x``, from one
    forward pass (an iterative attack needs both at every step)."""
    *pre, last = _steps(model)
    chain: FloatArray | None = None
    h = x
    for step in pre:
        h, derivative = _scaler_forward(step, h)
        chain = derivative if chain is None else chain * derivative
    if _kind(last) == "MLPClassifier":
        grad, z = _mlp_grad(last, h, y)
    else:
        grad, z = _linear_grad(last, h, y)
    if chain is not None:  # the scalers' Jacobians are diagonal: one product per feature
        grad = grad * chain
    return np.asarray(grad, dtype=np.float64), _classes_of(z)
