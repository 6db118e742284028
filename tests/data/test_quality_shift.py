"""Shift against a reference snapshot: planted shifts found, random splits left alone."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn import datasets

from aisec.core.errors import MalformedInput
from aisec.data.quality import check_frames
from aisec.data.quality.columns import prepare
from aisec.data.quality.shift import (
    benjamini_hochberg,
    class_balance_shift,
    compare_column,
    feature_shift,
    schema_change,
)
from aisec.data.quality.snapshot import build_snapshot, digest, load_snapshot

SEEDS = range(20)


@pytest.fixture(scope="module")
def cancer():
    return datasets.load_breast_cancer(as_frame=True).frame.rename(columns={"target": "label"})


def halves(df, seed):
    p = np.random.default_rng(seed).permutation(len(df))
    half = len(df) // 2
    return df.iloc[p[:half]].reset_index(drop=True), df.iloc[p[half:]].reset_index(drop=True)


def test_random_halves_are_not_flagged_and_planted_shifts_are(cancer):
    quiet_features = quiet_classes = shifted = halved = 0
    for seed in SEEDS:
        ref, cur = halves(cancer, seed)
        snap = build_snapshot(prepare(ref, label="label"))
        current = prepare(cur, label="label")
        quiet_features += not feature_shift(snap, current).fired
        quiet_classes += not class_balance_shift(snap, current).fired
        extra = cur.sample(100, random_state=seed).copy()
        extra["mean radius"] += 2 * cancer["mean radius"].std()
        moved = feature_shift(snap, prepare(pd.concat([cur, extra]), label="label"))
        row = next(r for r in moved.details["features"] if r["column"] == "mean radius")
        shifted += row["p_value"] < 0.01 and row["shifted"]
        keep = cur[(cur.label == 0) | (np.random.default_rng(seed).random(len(cur)) < 0.5)]
        halved += class_balance_shift(snap, prepare(keep, label="label")).fired
    # measured over seeds 0-19: 20/20 quiet, 20/20 quiet, 20/20 shifted, 19/20 halved
    assert quiet_features >= 19 and quiet_classes >= 19
    assert shifted == 20 and halved >= 18


def test_the_grid_ks_agrees_with_the_exact_two_sample_test(cancer):
    ref, cur = halves(cancer, 0)
    snap = build_snapshot(prepare(ref, label="label"))
    result = feature_shift(snap, prepare(cur, label="label"))
    for row in result.details["features"][:10]:
        exact = ks_2samp(ref[row["column"]], cur[row["column"]])
        assert row["statistic"] <= exact.statistic + 1e-9  # a lower bound of D
        assert abs(row["statistic"] - exact.statistic) < 0.03


def test_categorical_shift_and_schema_change():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], 600), "label": rng.integers(0, 2, 600)}
    )
    same = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], 600), "label": rng.integers(0, 2, 600)}
    )
    moved = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], 600, p=[0.6, 0.2, 0.2]), "label": 1}
    )
    snap = build_snapshot(prepare(ref, label="label"))
    # Digests keep values out of plain sight only: hashing a guess finds it, as documented.
    assert "red" not in json.dumps(snap)
    assert digest("red") in snap["columns"]["colour"]["top"]
    assert not feature_shift(snap, prepare(same, label="label")).fired
    result = feature_shift(snap, prepare(moved, label="label"))
    assert result.fired and result.details["features"][0]["test"] == "chi-square"
    assert class_balance_shift(snap, prepare(moved, label="label")).statistic.p_value < 1e-10
    renamed = prepare(same.rename(columns={"colour": "color"}), label="label")
    change = schema_change(snap, renamed)
    assert change.fired and change.details == {
        "missing": ["colour"],
        "added": ["color"],
        "retyped": [],
    }


def test_benjamini_hochberg_matches_the_textbook_procedure():
    p = np.array([0.01, 0.04, 0.03, 0.5, 0.002])
    q = benjamini_hochberg(p)
    # sorted p: .002 .01 .03 .04 .5 -> p*n/rank: .01 .025 .05 .05 .5,
    # then the running minimum from the largest down
    assert np.allclose(q, [0.025, 0.05, 0.05, 0.5, 0.01])


def test_a_malformed_snapshot_is_refused(tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(MalformedInput):
        load_snapshot(bad)
    bad.write_text("{not json")
    with pytest.raises(MalformedInput):
        load_snapshot(bad)


def test_many_categories_give_a_false_positive_rate_near_alpha():
    # Regression: choosing the compared categories by the reference's own top counts made
    # every fresh sample look shifted (100% false positives at 500 categories).
    def cities(rng, n, p=None):
        return pd.DataFrame({"city": np.char.add("c", rng.choice(300, n, p=p).astype(str))})

    p_values, moved = [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        snap = build_snapshot(prepare(cities(rng, 2000)))["columns"]["city"]
        same = prepare(cities(rng, 2000), kinds={"city": "categorical"})
        p_values.append(compare_column(snap, same, "city")["p_value"])
        weights = np.r_[np.full(30, 3.0), np.ones(270)]
        shifted = prepare(cities(rng, 2000, weights / weights.sum()), kinds={"city": "categorical"})
        moved.append(compare_column(snap, shifted, "city")["p_value"])
    false_positives = np.mean(np.array(p_values) < 0.05)
    assert false_positives <= 0.125  # measured 0.025 over these seeds (alpha 0.05)
    assert np.mean(np.array(moved) < 0.05) == 1.0  # and a real shift is still found


def snapshot_file_with(tmp_path, change):
    ref = pd.DataFrame({"x": np.arange(50.0) % 7 + 0.5, "c": ["a", "b"] * 25, "label": [0, 1] * 25})
    snap = build_snapshot(prepare(ref, label="label"))
    change(snap)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(snap))
    return path


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["columns"]["x"].update(grid=[1.0, 2.0]),  # grid and cdf differ in length
        lambda s: s["columns"]["x"].update(bins=[-1] * len(s["columns"]["x"]["bins"])),
        lambda s: s["columns"]["x"].update(cdf=["a"] * len(s["columns"]["x"]["cdf"])),
        lambda s: s["columns"]["x"].update(grid=s["columns"]["x"]["grid"][::-1]),
        lambda s: s["columns"]["c"].update(other=-3),
        lambda s: s["columns"]["c"].update(top={"d": "many"}),
        lambda s: s["columns"].update(y={"kind": "numeric", "count": -1}),
        lambda s: s["classes"].update({"0": -5}),
        lambda s: s["columns"].update(z={"kind": "something"}),
    ],
)
def test_a_snapshot_with_unsound_sketches_is_refused_on_load(tmp_path, change):
    with pytest.raises(MalformedInput, match="malformed snapshot"):
        load_snapshot(snapshot_file_with(tmp_path, change))


def test_a_deeply_nested_snapshot_is_a_clear_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "aisec-data-snapshot", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(MalformedInput, match="nested too deeply"):
        load_snapshot(deep)


def test_a_sound_snapshot_round_trips(tmp_path):
    path = snapshot_file_with(tmp_path, lambda s: None)
    snap = load_snapshot(path)
    frame = pd.DataFrame(
        {"x": np.arange(50.0) % 7 + 0.5, "c": ["a", "b"] * 25, "label": [1, 0] * 25}
    )
    report = check_frames(frame, reference=snap)
    assert report.get("feature-shift") is not None and not report.skipped


def test_extreme_finite_numbers_make_a_valid_snapshot():
    values = pd.DataFrame({"x": [1e308, -1e308, 1e308, 0.0, 1.0] * 10})
    snap = build_snapshot(prepare(values))
    sketch = snap["columns"]["x"]
    assert all(np.isfinite(sketch["grid"])) and sketch["max"] == 1e308
    json.dumps(snap, allow_nan=False)  # no Infinity or NaN in the file
