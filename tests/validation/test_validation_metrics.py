"""Detector validation metrics: every point metric equals scikit-learn's on the same
scores, the cell bootstrap is the row bootstrap's distribution, and its intervals cover
the true value at their nominal rate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from aisec.validation import calibration, operating
from aisec.validation.cells import build, resamples
from aisec.validation.evaluate import Options, evaluate


def _data(seed: int, n: int = 400, decimals: int = 1):
    """Scores with many ties (rounded), so tie handling is exercised."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    s = np.round(rng.normal(size=n) + 1.2 * y, decimals)
    return s, y


@st.composite
def labelled_scores(draw):
    n = draw(st.integers(2, 60))
    labels = draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < n))
    scores = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    return np.asarray(scores, dtype=np.float64) / 2, np.asarray(labels)


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_point_metrics_equal_scikit_learn(data):
    s, y = data
    cells = build(s, y)
    point = cells.point()
    assert operating.roc_auc(cells, point)[0] == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert operating.average_precision(cells, point)[0] == pytest.approx(
        average_precision_score(y, s), abs=1e-12
    )
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    for target in (0.0, 0.05, 0.2, 0.5):
        best = tpr[fpr <= target + 1e-12].max()
        assert operating.at_fpr(cells, point, target).tpr[0] == pytest.approx(best, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_rates_at_a_threshold_equal_scikit_learn(seed):
    s, y = _data(seed)
    for threshold in np.unique(s)[::7]:
        cells = build(s, y, cuts=[threshold])
        at = operating.at_threshold(cells, cells.point(), threshold)
        flagged = s >= threshold
        assert at.tpr[0] == pytest.approx(recall_score(y, flagged))
        assert at.fpr[0] == pytest.approx(flagged[~y].mean())
        if flagged.any():
            # At the data's own prevalence, precision is scikit-learn's.
            assert at.precision[0] == pytest.approx(precision_score(y, flagged))


def test_calibration_equals_scikit_learn():
    rng = np.random.default_rng(7)
    p = rng.beta(2, 5, size=3000)
    y = rng.random(3000) < p**0.8
    cells = calibration.build(p, y, bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    curve = calibration.reliability(cells)
    np.testing.assert_allclose(curve["prob_true"], prob_true)
    np.testing.assert_allclose(curve["prob_pred"], prob_pred)
    assert calibration.brier(p, y) == pytest.approx(brier_score_loss(y, p))
    counts = np.asarray(curve["rows"])
    expected = np.sum(counts * np.abs(prob_true - prob_pred)) / len(p)
    assert calibration.ece(cells) == pytest.approx(expected)


def test_calibration_bins_scores_on_edges_as_scikit_learn_does():
    p = np.array([0.1, 0.2, 0.3, 0.5, 0.5, 0.7, 0.9, 1.0, 0.0, 0.6, 0.4, 0.8])
    y = np.array([0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1], dtype=bool)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    curve = calibration.reliability(calibration.build(p, y, bins=10))
    np.testing.assert_allclose(curve["prob_pred"], prob_pred)
    np.testing.assert_allclose(curve["prob_true"], prob_true)


def test_cell_bootstrap_matches_the_row_bootstrap():
    """The cells are a compression, not an approximation: resampling rows (positives and
    negatives separately) gives the same distribution of AUC and TPR at 5% FPR."""
    s, y = _data(11, n=300, decimals=2)
    cells = build(s, y)
    rng = np.random.default_rng(0)
    fast = []
    for d in resamples(cells, 4000, rng):
        point = operating.at_fpr(cells, d, 0.05)
        fast.append((operating.roc_auc(cells, d), point.tpr, point.fpr, point.precision))
    fast_auc, fast_tpr, fast_fpr, fast_precision = (
        np.concatenate([f[i] for f in fast]) for i in range(4)
    )
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    slow_auc, slow_tpr, slow_fpr, slow_precision = [], [], [], []
    for _ in range(4000):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        slow_auc.append(roc_auc_score(y[idx], s[idx]))
        fpr, tpr, _ = roc_curve(y[idx], s[idx], drop_intermediate=False)
        allowed = fpr <= 0.05 + 1e-12
        best = tpr[allowed].max()
        # The most detection for the fewest false positives, as an analyst would set it.
        at = np.flatnonzero(allowed & (tpr == best))[0] if best > 0 else 0
        slow_tpr.append(best)
        slow_fpr.append(fpr[at] if best > 0 else 0.0)
        prevalence = pos.size / y.size
        flagged = prevalence * best + (1 - prevalence) * slow_fpr[-1]
        slow_precision.append(prevalence * best / flagged if flagged > 0 else np.nan)
    pairs = ((fast_auc, slow_auc), (fast_tpr, slow_tpr), (fast_fpr, slow_fpr),
             (fast_precision, np.asarray(slow_precision)))  # fmt: skip
    # Rates near the FPR target: a cut holding no drawn positive must not be chosen (it
    # would add false positives for nothing, which shifts the mean by about 0.002).
    assert np.mean(fast_fpr) == pytest.approx(np.mean(slow_fpr), abs=0.0005)
    for fast_values, slow_values in pairs:
        assert np.mean(fast_values) == pytest.approx(np.mean(slow_values), abs=0.004)
        assert np.std(fast_values) == pytest.approx(np.std(slow_values), rel=0.08)
        for q in (0.025, 0.5, 0.975):
            assert np.quantile(fast_values, q) == pytest.approx(
                np.quantile(slow_values, q), abs=0.012
            )


def test_intervals_cover_the_true_value_at_their_nominal_rate():
    """Binormal scores (benign N(0,1), malicious N(1.5,1)) have a known AUC and a known
    detection rate at 5% FPR; 95% intervals from 200 independent samples must contain
    them about 95% of the time (0.90-0.99 is more than three standard errors wide)."""
    mu, alpha, replications = 1.5, 0.05, 200
    true_auc = norm.cdf(mu / np.sqrt(2))
    true_tpr = norm.cdf(mu - norm.ppf(1 - alpha))
    auc_hits = tpr_hits = 0
    for r in range(replications):
        rng = np.random.default_rng(5000 + r)
        s = np.concatenate([rng.normal(size=2000), rng.normal(mu, 1, size=200)])
        y = np.r_[np.zeros(2000, bool), np.ones(200, bool)]
        found = evaluate(s, y, options=Options(fprs=(alpha,), n_boot=400, seed=r))
        auc_hits += found.roc_auc.low <= true_auc <= found.roc_auc.high
        rate = found.operating[0].detection_rate
        tpr_hits += rate.low <= true_tpr <= rate.high
    assert 0.90 <= auc_hits / replications <= 0.99
    assert 0.90 <= tpr_hits / replications <= 0.99


def test_too_few_negatives_are_named():
    s, y = _data(3, n=400)
    found = evaluate(s, y, options=Options(fprs=(0.01, 0.001), n_boot=50))
    text = " ".join(found.warnings)
    assert "FPR 0.001 cannot be measured" in text
    above = round(found.operating[0].false_positive_rate.value * found.negatives)
    assert above < 10
    assert f"FPR 0.01: the threshold rests on {above} benign rows above it" in text
    assert [o.resolvable for o in found.operating] == [True, False]


def test_the_warning_counts_the_benign_rows_really_above_the_threshold():
    """Coarse scores: 2,000 benign rows would resolve 1% (20 above the threshold), but
    the malicious scores allow only two thresholds, one above every benign row and one
    with 103 benign rows above it (5%): the 1% point rests on none, and says so."""
    benign = np.r_[np.full(3, 0.9), np.full(100, 0.5), np.zeros(1897)]
    malicious = np.r_[np.full(40, 0.95), np.full(60, 0.5)]
    s = np.r_[benign, malicious]
    y = np.r_[np.zeros(2000, bool), np.ones(100, bool)]
    found = evaluate(s, y, options=Options(fprs=(0.01,), n_boot=50))
    assert found.operating[0].false_positive_rate.value == 0.0
    assert found.operating[0].detection_rate.value == pytest.approx(0.4)
    assert "rests on 0 benign rows above it" in " ".join(found.warnings)


def test_nothing_flagged_when_no_threshold_detects_within_the_fpr():
    s = np.r_[np.full(50, 1.0), np.zeros(950), np.full(20, 1.0)]
    y = np.r_[np.zeros(1000, bool), np.ones(20, bool)]
    point = evaluate(s, y, options=Options(fprs=(0.01,), n_boot=50)).operating[0]
    assert point.detection_rate.value == 0.0
    assert point.false_positive_rate.value == 0.0
    assert point.threshold == float("inf")


def test_budget_and_categories():
    rng = np.random.default_rng(2)
    n = 20_000
    y = rng.random(n) < 0.02
    s = rng.normal(size=n) + 3 * y
    kinds = np.where(y, rng.choice(["encoding", "jailbreak"], n), None)
    s[y & (kinds == "encoding")] -= 2  # the harder category
    budget_options = Options(alerts_per_day=50, requests_per_day=10_000, n_boot=200)
    found = evaluate(s, y, categories=list(kinds), options=budget_options)
    budget = found.operating[-1]
    assert budget.chosen_by == "budget"
    assert budget.alerts_per_day is not None and budget.alerts_per_day.value <= 50
    flagged = s >= budget.threshold
    assert flagged.mean() * 10_000 == pytest.approx(budget.alerts_per_day.value)
    assert budget.precision.value == pytest.approx(precision_score(y, flagged))
    by_name = {c.category: c for c in found.categories}
    assert set(by_name) == {"encoding", "jailbreak"}
    threshold = found.operating[0].threshold
    for name, category in by_name.items():
        mine = s[y & (kinds == name)]
        assert category.detection_rate.value == pytest.approx((mine >= threshold).mean())
        assert category.detection_rate.low <= category.detection_rate.value
    assert by_name["encoding"].detection_rate.value < by_name["jailbreak"].detection_rate.value


@pytest.mark.parametrize(
    ("scores", "labels", "message"),
    [
        ([0.1, 0.2], [1, 1], "both classes"),
        ([0.1, float("nan")], [0, 1], "finite"),
        ([0.1], [0, 1], "1 scores but 2 labels"),
    ],
)
def test_bad_input_is_refused_clearly(scores, labels, message):
    with pytest.raises(ValueError, match=message):
        evaluate(scores, labels)
