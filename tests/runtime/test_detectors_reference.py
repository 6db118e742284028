"""Reference statistics: build, JSON round trip, and hostile files on load."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from detector_fixtures import case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.reference import (
    CATEGORICAL,
    FORMAT,
    build_reference,
    load_reference,
)
from aisec.runtime.detectors.reference_io import MAX_BYTES, reference_from_json


def small_doc() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=200), rng.integers(0, 3, 200), rng.exponential(size=200)])
    proba = rng.dirichlet([1, 1], size=200)
    ref = build_reference(x, names=["a", "b", "c"], categorical=["b"], probabilities=proba)
    return ref.to_json()


def test_round_trip_keeps_every_statistic(tmp_path: Path) -> None:
    ref = case("breast_cancer").reference
    path = tmp_path / "ref.json"
    ref.save(path)
    back = load_reference(path)
    assert back.names == ref.names and back.n_rows == ref.n_rows
    for a, b in zip(ref.features, back.features, strict=True):
        assert a.kind == b.kind and a.mean == b.mean and a.std == b.std
        for field in ("edges", "proportions", "sample", "categories"):
            assert np.array_equal(getattr(a, field), getattr(b, field))
    for field in ("mean", "scale", "precision", "distances", "margins"):
        assert np.array_equal(getattr(ref, field), getattr(back, field))
    assert back.prediction is not None and back.prediction.kind == CATEGORICAL
    assert (back.low_margin, back.low_margin_rate) == (ref.low_margin, ref.low_margin_rate)
    x = case("breast_cancer").x_test
    assert np.array_equal(back.distance_tail(back.distance(x)), ref.distance_tail(ref.distance(x)))
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT
    assert set(doc["mahalanobis"]["quantiles"]) == {"0.5", "0.9", "0.99", "0.999"}


def test_reference_contents() -> None:
    doc = small_doc()
    a, b, _ = doc["features"]
    assert a["kind"] == "numeric" and len(a["proportions"]) == len(a["edges"]) + 1
    assert b["kind"] == "categorical" and b["categories"] == [0.0, 1.0, 2.0]
    assert abs(sum(b["proportions"]) - 1) < 1e-9 and b["proportions"][-1] == 0  # "other"
    assert 0 < doc["margins"]["low_rate"] <= 0.06
    ref = reference_from_json(doc)
    assert ref.distance_tail(np.array([1e6]))[0] < 1e-6  # the tail reaches far outside


def test_regression_predictions_are_numeric() -> None:
    c = case("diabetes")
    assert c.reference.prediction is not None and c.reference.prediction.kind == "numeric"
    assert c.reference.margins is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros((5, 2))}, "rows"),
        ({"x": np.full((50, 2), np.nan)}, "NaN"),
        ({"categorical": ["zz"]}, "categorical"),
        ({"probabilities": np.ones((50, 1))}, "probabilities"),
        ({"names": ["a", "a"]}, "unique"),
    ],
)
def test_build_rejects_bad_input(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"x": np.random.default_rng(0).normal(size=(50, 2)), "names": ["a", "b"]}
    args |= kwargs
    x = args.pop("x")
    with pytest.raises(ConfigError, match=message):
        build_reference(x, **args)


def test_load_refuses_large_and_missing_files(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(ConfigError, match="larger than 64 MiB"):
        load_reference(big)
    with pytest.raises(ConfigError, match="cannot read"):
        load_reference(tmp_path / "missing.json")


@pytest.mark.parametrize(
    "text", ["", "{", "[]", "null", '{"format": "other"}', "NaN", '"x"', "\xff", "[" * 5000]
)
def test_load_rejects_malformed_documents(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff" else b"\xff")
    with pytest.raises(ConfigError):
        load_reference(path)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list) and doc:
        out += _paths(doc[0], (*prefix, 0))
        out += _paths(doc[-1], (*prefix, len(doc) - 1))
    return out


DOC = small_doc()
PATHS = _paths(DOC)[1:]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.floats(allow_nan=False), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(PATHS), value=JUNK, delete=st.booleans())
def test_mutated_documents_load_or_raise_config_error(where: Any, value: Any, delete: bool) -> None:
    doc = copy.deepcopy(DOC)
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    try:
        ref = reference_from_json(json.loads(json.dumps(doc)))
    except ConfigError:
        return
    # Whatever loads must be usable by the detectors.
    x = np.zeros((1, ref.n_features))
    assert np.isfinite(ref.distance(x)).all()


@settings(max_examples=200, deadline=None)
@given(st.recursive(JUNK, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_arbitrary_json_raises_config_error(doc: Any) -> None:
    with pytest.raises(ConfigError):
        reference_from_json(doc)
