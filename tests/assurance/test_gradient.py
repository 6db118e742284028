"""FGSM and PGD against real models: digits (LR, MLP, torch MLP) and breast cancer."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.attacks import build_box, fgsm, pgd, random_sign_noise
from aisec.assurance.schema import Column, FeatureSchema, Kind
from aisec.assurance.targets import SklearnTarget, TorchTarget
from aisec.core.errors import ConfigError

EPSILONS = (0.05, 0.1, 0.2)


def fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return train_test_split(x / 16.0, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def lr(digits):
    xtr, _, ytr, _ = digits
    return SklearnTarget(fit(LogisticRegression(max_iter=1000), xtr, ytr))


@pytest.fixture(scope="module")
def mlp(digits):
    xtr, _, ytr, _ = digits
    return SklearnTarget(fit(MLPClassifier((64,), max_iter=200, random_state=0), xtr, ytr))


@pytest.fixture(scope="module")
def torch_mlp(digits):
    torch = pytest.importorskip("torch")
    # Two busy cores: torch's thread pool only adds contention for a model this small.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    xtr, _, ytr, _ = digits
    net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    net = net.double()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    xt, yt = torch.as_tensor(xtr), torch.as_tensor(ytr)
    for _ in range(200):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    yield TorchTarget(net)
    torch.set_num_threads(threads)


def robust_curve(target, digits, attack, rows=None, **kwargs):
    xtr, xte, _, yte = digits
    xte, yte = xte[:rows], yte[:rows]
    box = build_box(xte, xtr)
    correct = target.predict(xte) == yte
    ok = np.flatnonzero(correct)
    out = []
    for eps in EPSILONS:
        evaded = attack(target, xte[ok], yte[ok], box, eps, **kwargs).evaded
        out.append((correct.sum() - evaded.sum()) / len(yte))
    return np.array(out)


@pytest.mark.parametrize("model", ["lr", "mlp", "torch_mlp"])
def test_pgd_at_least_as_strong_as_fgsm_and_monotone(model, digits, request):
    target = request.getfixturevalue(model)
    fgsm_acc = robust_curve(target, digits, fgsm, rows=270)
    pgd_acc = robust_curve(target, digits, pgd, rows=270, seed=0)
    assert np.all(pgd_acc <= fgsm_acc + 0.02)
    assert np.all(np.diff(pgd_acc) <= 1e-12)
    assert np.all(np.diff(fgsm_acc) <= 1e-12)
    assert pgd_acc[-1] < 0.3  # eps 0.2 breaks almost every digit


def test_pgd_matches_the_published_digits_lr_curve(lr, digits):
    # Reference: PGD-L∞ 40 steps on digits LR, 0.87 / 0.62 / 0.04 at eps 0.05 / 0.1 / 0.2.
    acc = robust_curve(lr, digits, pgd, seed=0)
    assert np.allclose(acc, [0.87, 0.62, 0.04], atol=0.05)


def test_pgd_beats_noise_clearly_on_lr(lr, digits):
    pgd_acc = robust_curve(lr, digits, pgd, seed=0)
    noise_acc = robust_curve(lr, digits, random_sign_noise, seed=0)
    assert pgd_acc[1] < noise_acc[1] - 0.25


def test_pgd_examples_stay_in_the_box_and_are_misclassified(lr, digits):
    xtr, xte, _, yte = digits
    box = build_box(xte, xtr)
    x, y = xte[:100], yte[:100]
    out = pgd(lr, x, y, box, 0.1, steps=20, restarts=1)
    assert np.all(np.abs(out.x_adv - x) <= box.radius(0.1) + 1e-12)
    assert np.all((out.x_adv >= box.low - 1e-12) & (out.x_adv <= box.high + 1e-12))
    assert np.array_equal(lr.predict(out.x_adv) != y, out.evaded)
    assert out.queries > 0


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    x = x.copy()
    x[:, 1] = np.round(x[:, 1])  # mean texture on an integer grid
    columns = [Column("x0", Kind.NUMERIC, 0.0, 40.0, immutable=True)]
    columns.append(Column("x1", Kind.INTEGER, 0.0, 50.0, step=1.0))
    columns += [
        Column(f"x{j}", Kind.NUMERIC, float(x[:, j].min()), float(x[:, j].max()))
        for j in range(2, x.shape[1])
    ]
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    return xtr, xte, ytr, yte, FeatureSchema(tuple(columns))


@pytest.mark.parametrize("attack", [fgsm, pgd])
def test_cancer_pipeline_adversarials_respect_the_schema(cancer, attack):
    xtr, xte, ytr, yte, schema = cancer
    target = SklearnTarget(fit(make_pipeline(StandardScaler(), LogisticRegression()), xtr, ytr))
    box = build_box(xte, xtr, schema)
    out = attack(target, xte, yte, box, 0.1)
    assert schema.valid_rows(out.x_adv, xte).all()
    assert np.array_equal(out.x_adv[:, 0], xte[:, 0])
    assert box.excess_rows(out.x_adv, xte, 0.1) == 0
    assert np.abs(out.x_adv[:, 2:] - xte[:, 2:]).max() <= box.radius(0.1)[2:].max() + 1e-9
    clean_wrong = target.predict(xte) != yte
    assert out.evaded.mean() > clean_wrong.mean() + 0.1  # the attack does something


def test_a_model_without_gradients_is_a_config_error(cancer):
    xtr, xte, ytr, yte, _ = cancer
    forest = SklearnTarget(fit(RandomForestClassifier(10, random_state=0), xtr, ytr))
    box = build_box(xte, xtr)
    with pytest.raises(ConfigError, match="gradients"):
        pgd(forest, xte, yte, box, 0.1)


@pytest.mark.parametrize("kwargs", [{"steps": 0}, {"restarts": 1.5}])
def test_bad_settings_are_config_errors(lr, digits, kwargs):
    xtr, xte, _, yte = digits
    with pytest.raises(ConfigError):
        pgd(lr, xte[:5], yte[:5], build_box(xte, xtr), 0.1, **kwargs)
