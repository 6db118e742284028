"""Starting points of the decision-based attack, against a brute-force nearest search."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.attacks import build_box
from aisec.assurance.attacks.hsj_start import find_starts, nearest_other_class
from aisec.assurance.targets import CallableTarget


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 8), m=st.integers(1, 12))
def test_nearest_other_class_matches_brute_force(seed, n, m):
    rng = np.random.default_rng(seed)
    x, pool = rng.random((n, 4)), rng.random((m, 4))
    y, pred = rng.integers(0, 3, n), rng.integers(0, 3, m)
    box = build_box(np.vstack([x, pool]))
    order, exists = nearest_other_class(x, y, pool, pred, box, k=2)
    scaled = np.abs(x[:, None, :] - pool[None, :, :]) / np.maximum(box.width, 1e-300)
    dist = np.where(box.mutable, scaled, 0).max(axis=2)
    dist[pred[None, :] == y[:, None]] = np.inf
    for i in range(n):
        assert exists[i, 0] == np.isfinite(dist[i]).any()
        if exists[i, 0]:
            assert np.isclose(dist[i, order[i, 0]], dist[i].min())


def test_find_starts_gives_adversarial_valid_points():
    x, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[:400], y[:400])
    target = CallableTarget(predict=model.predict)
    box = build_box(x[400:], x[:400])
    rows = model.predict(x[400:]) == y[400:]
    xs, ys = x[400:][rows], y[400:][rows]
    start, found = find_starts(
        target, xs, ys, box, np.random.default_rng(0), (x[:400], model.predict(x[:400]))
    )
    assert found.all()
    assert np.all(model.predict(start) != ys)
    assert np.all((start >= box.low) & (start <= box.high))
