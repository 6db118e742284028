"""PyTorch (autograd) and ONNX (onnxruntime) targets on digits and breast-cancer."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.targets import Capability, OnnxTarget, QueryBudgetExceeded, TorchTarget

G, S, L = Capability.GRADIENTS, Capability.SCORES, Capability.LABELS


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return x / 16.0, y


@pytest.fixture(scope="module")
def net(digits):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    x, y = digits
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).double()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    for _ in range(150):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()
    return model


def test_torch_target_scores_labels_and_gradients(net, digits):
    x, y = digits
    target = TorchTarget(net, budget=10_000)
    assert target.capabilities == {L, S, G}
    assert list(target.classes) == list(range(10))
    proba = target.predict_proba(x)
    assert np.allclose(proba.sum(axis=1), 1.0)
    accuracy = (target.predict(x) == y).mean()
    assert accuracy > 0.9

    rows = np.random.default_rng(1).choice(len(x), 10, replace=False)
    xs, ys = x[rows], y[rows]
    analytic = target.loss_gradient(xs, ys)
    h = 1e-5
    numeric = np.zeros_like(xs)
    for j in range(xs.shape[1]):
        e = np.zeros(xs.shape[1])
        e[j] = h
        up = -np.log(target.predict_proba(xs + e)[np.arange(10), ys])
        down = -np.log(target.predict_proba(xs - e)[np.arange(10), ys])
        numeric[:, j] = (up - down) / (2 * h)
    err = np.linalg.norm(analytic - numeric, axis=1) / np.maximum(
        np.linalg.norm(analytic, axis=1) + np.linalg.norm(numeric, axis=1), 1e-12
    )
    assert err.max() < 1e-4, err
    assert target.budget.used == len(x) * 2 + 10 + 64 * 2 * 10


def test_torch_target_with_probability_outputs(net, digits):
    torch = pytest.importorskip("torch")
    x, _ = digits
    softmaxed = torch.nn.Sequential(net, torch.nn.Softmax(dim=1))
    a = TorchTarget(softmaxed, outputs="probabilities").predict_proba(x[:20])
    b = TorchTarget(net).predict_proba(x[:20])
    assert np.allclose(a, b, atol=1e-9)


def test_torch_budget(net, digits):
    x, y = digits
    target = TorchTarget(net, budget=5)
    target.loss_gradient(x[:5], y[:5])
    with pytest.raises(QueryBudgetExceeded):
        target.predict(x[:1])


def _to_onnx(model, n_features, path, zipmap=False):
    from skl2onnx import to_onnx

    options = {id(model): {"zipmap": zipmap}} if not zipmap else None
    onx = to_onnx(model, np.zeros((1, n_features), dtype=np.float32), options=options)
    path.write_bytes(onx.SerializeToString())
    return path


def _fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


@pytest.mark.parametrize("zipmap", [False, True])
def test_onnx_export_predicts_like_the_sklearn_model(tmp_path, zipmap):
    x, y = load_breast_cancer(return_X_y=True)
    model = _fit(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), x, y)
    target = OnnxTarget(_to_onnx(model, x.shape[1], tmp_path / "lr.onnx", zipmap), budget=1500)
    assert target.capabilities == {L, S}
    proba = target.predict_proba(x)
    # float32 inside the ONNX graph: agreement to float32 precision, not exactly.
    assert np.abs(proba - model.predict_proba(x)).max() < 1e-4
    assert (target.predict(x) == model.predict(x)).mean() == 1.0
    with pytest.raises(QueryBudgetExceeded):
        target.predict(x)


def test_onnx_mlp_on_digits(tmp_path, digits):
    x, y = digits
    model = _fit(MLPClassifier((32,), max_iter=200, random_state=0), x, y)
    target = OnnxTarget(_to_onnx(model, 64, tmp_path / "mlp.onnx"), classes=range(10))
    proba = target.predict_proba(x)
    assert np.abs(proba - model.predict_proba(x)).max() < 1e-4
    agree = (target.predict(x) == model.predict(x)).mean()
    assert agree > 0.998  # a float32 tie may flip one borderline row
    assert G not in target.capabilities


def test_onnx_torch_logits(tmp_path, net, digits):
    torch = pytest.importorskip("torch")
    x, _ = digits
    path = tmp_path / "net.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net.float(),
            torch.zeros(1, 64),
            str(path),
            input_names=["x"],
            dynamic_axes={"x": {0: "n"}},
            dynamo=False,
        )
    net.double()
    target = OnnxTarget(path, softmax=True)
    assert target.capabilities == {L, S}
    assert np.abs(target.predict_proba(x) - TorchTarget(net).predict_proba(x)).max() < 1e-4
