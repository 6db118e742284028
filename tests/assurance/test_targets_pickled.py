"""Pickled models: refused without trust, refused after a scan that is not clean, and
otherwise loaded in a separate process that answers like the model."""

import os
import pickle

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.targets import Capability
from aisec.assurance.targets.pickled import PickledModelTarget, UntrustedModel


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True)


def test_refused_without_trust(tmp_path, cancer):
    x, y = cancer
    path = tmp_path / "lr.joblib"
    joblib.dump(LogisticRegression(max_iter=3000).fit(x, y), path)
    with pytest.raises(UntrustedModel, match="refusing without trust"):
        PickledModelTarget(path)


def test_trusted_clean_model_answers_from_another_process(tmp_path, cancer):
    x, y = cancer
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
    path = tmp_path / "lr.joblib"
    joblib.dump(model, path)
    with PickledModelTarget(path, trust=True, budget=2000) as target:
        assert target.capabilities == {Capability.LABELS, Capability.SCORES, Capability.GRADIENTS}
        assert target._proc.pid != os.getpid()
        assert (target.predict(x) == model.predict(x)).all()
        assert np.allclose(target.predict_proba(x[:50]), model.predict_proba(x[:50]))
        from aisec.assurance.targets import gradients

        expected = gradients.loss_gradient(model, x[:5], y[:5])
        assert np.allclose(target.loss_gradient(x[:5], y[:5]), expected)
        assert target.budget.used == len(x) + 55
    assert target._proc.poll() is not None  # the worker is gone


def test_forest_has_no_gradients(tmp_path, cancer):
    x, y = cancer
    path = tmp_path / "rf.joblib"
    joblib.dump(RandomForestClassifier(5, random_state=0).fit(x, y), path)
    with PickledModelTarget(path, trust=True) as target:
        assert target.capabilities == {Capability.LABELS, Capability.SCORES}


class Payload:
    """Harmless, but it calls a dangerous callable when unpickled."""

    def __reduce__(self):
        return (os.system, ("true",))


def test_refused_when_the_scan_finds_code(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(UntrustedModel, match=r"scan is not clean.*dangerous"):
        PickledModelTarget(path, trust=True)


def test_worker_refuses_a_file_that_changed_after_the_scan(tmp_path, cancer):
    import subprocess
    import sys

    x, y = cancer
    path = tmp_path / "lr.joblib"
    joblib.dump(LogisticRegression(max_iter=3000).fit(x, y), path)
    worker = "aisec.assurance.targets.pickle_worker"
    out = subprocess.run(
        [sys.executable, "-I", "-m", worker, str(path), "0" * 64],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "changed after it was scanned" in out.stdout
