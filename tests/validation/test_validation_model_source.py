"""A model file as a detector's score source: the copy that was hashed, scanned and
signature-checked is the one scored, whatever happens to the path afterwards."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from aisec.core.errors import ConfigError
from aisec.core.settings import Settings
from aisec.validation.sources import ModelScores

skl2onnx = pytest.importorskip("skl2onnx")


@pytest.fixture
def onnx_model(tmp_path):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    model = LogisticRegression().fit(x, y)
    onx = skl2onnx.to_onnx(model, x[:1].astype(np.float32),
                           options={id(model): {"zipmap": False}})  # fmt: skip
    path = tmp_path / "detector.onnx"
    path.write_bytes(onx.SerializeToString())
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    return path, model, frame


def test_the_checked_copy_is_what_is_scored(onnx_model):
    path, model, frame = onnx_model
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source = ModelScores(path, ["a", "b", "c"])
    path.write_bytes(b"swapped after the checks")  # a file swapped in before the load
    scores = source.score(frame)
    np.testing.assert_allclose(scores, model.predict_proba(frame.to_numpy())[:, 1], atol=1e-5)
    assert source.describe()["sha256"] == digest
    assert source.describe()["scan"]["findings"] == 0


def test_a_required_signature_that_is_missing_refuses_the_model(onnx_model, tmp_path):
    from signing_material import ec_keypair

    pytest.importorskip("model_signing")
    path, _, _ = onnx_model
    (tmp_path / "keys").mkdir()
    keys = ec_keypair(tmp_path / "keys")
    settings = Settings(require_signature=True, signature_key=str(keys.public))
    with pytest.raises(ConfigError, match="signature missing"):
        ModelScores(path, ["a", "b", "c"], settings=settings)


def test_a_required_signature_needs_a_key(onnx_model):
    path, _, _ = onnx_model
    with pytest.raises(ConfigError, match="no signature_key"):
        ModelScores(path, ["a"], settings=Settings(require_signature=True))
