"""Spectral signatures find a trigger backdoor planted in digits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.poisoning.spectral import (
    flagged_mask,
    outlier_scores,
    representations,
    separation_ratio,
    spectral_signatures,
)
from aisec.assurance.targets import SklearnTarget, TorchTarget

TRIGGER = [47, 55, 62, 63]  # bottom-right pixels, almost always blank in digits


def _backdoored_digits(n_poison: int, seed: int = 0):
    x, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(y))[:1300]
    x, y = x[rows].astype(np.float64), y[rows].astype(np.int64)
    poisoned = rng.choice(np.flatnonzero(y != 0), n_poison, replace=False)
    x[np.ix_(poisoned, TRIGGER)] = 16.0
    y[poisoned] = 0
    truth = np.zeros(len(y), dtype=bool)
    truth[poisoned] = True
    return x, y, truth


def _sklearn_mlp(x, y):
    model = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=300, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


def _torch_mlp(x, y):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: thread hand-offs cost more than they save
    net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    xt, yt = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y)
    for _ in range(200):  # full-batch steps: 1,300 rows fit in one
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    torch.set_num_threads(threads)
    return net


def test_sklearn_mlp_backdoor_is_flagged_in_the_target_class():
    # 10 poisoned rows are about 5% of class 0, the share the default poison_rate assumes.
    x, y, truth = _backdoored_digits(10)
    reps, source = representations(SklearnTarget(_sklearn_mlp(x, y)), x)
    assert reps.shape == (len(y), 32) and "hidden" in source
    signatures = spectral_signatures(reps, y, poison_rate=0.05)
    target = signatures[0]
    assert truth[target.flagged].mean() >= 0.6  # precision within class 0
    assert truth[target.flagged].sum() / truth.sum() >= 0.8  # recall
    # The attacked class stands out more than any clean one.
    assert target.separation > max(s.separation for s in signatures[1:])


def test_a_larger_poison_share_is_found_when_the_rate_is_assumed_right():
    x, y, truth = _backdoored_digits(65)  # 5% of all training rows, a third of class 0
    reps, _ = representations(SklearnTarget(_sklearn_mlp(x, y)), x)
    rate = truth.sum() / (y == 0).sum()
    flagged = flagged_mask(spectral_signatures(reps, y, poison_rate=rate), len(y))
    assert flagged[truth].mean() >= 0.8


def test_torch_mlp_backdoor_is_flagged_from_the_last_linear_input():
    x, y, truth = _backdoored_digits(10)
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-3)  # the net sees standardised pixels
    target = TorchTarget(_torch_mlp(x, y))
    reps, source = representations(target, x)
    assert reps.shape == (len(y), 32) and "Linear" in source
    signatures = spectral_signatures(reps, y, poison_rate=0.05)
    flagged = signatures[0].flagged
    assert truth[flagged].sum() / truth.sum() >= 0.8
    assert signatures[0].separation > max(s.separation for s in signatures[1:])


def test_other_models_use_scaled_or_standardised_inputs():
    x, y, _ = _backdoored_digits(10)
    x, y = x[:300], y[:300]
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(x, y)
    reps, source = representations(SklearnTarget(pipe), x)
    assert source == "scaled input features"
    assert np.allclose(reps, pipe[0].transform(x))
    bare = LogisticRegression(max_iter=200).fit(x, y)
    reps, source = representations(SklearnTarget(bare), x)
    assert source == "standardised input features"
    assert np.allclose(reps.mean(axis=0), 0.0, atol=1e-9)


def test_scores_and_ratios_on_edge_cases():
    assert np.all(outlier_scores(np.ones((5, 3))) == 0)
    assert np.all(outlier_scores(np.zeros((1, 3))) == 0)
    assert np.isnan(separation_ratio(np.array([1.0, 2.0]), 0))
    assert separation_ratio(np.array([0.0, 0.0, 5.0]), 1) == float("inf")
    # A planted direction: the far rows have the largest squared projections.
    rng = np.random.default_rng(0)
    reps = rng.normal(size=(100, 5))
    reps[:5] += 8.0
    assert set(np.argsort(-outlier_scores(reps))[:5]) == set(range(5))
