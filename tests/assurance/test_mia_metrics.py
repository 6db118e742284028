"""Membership-inference metrics: agreement with scikit-learn, the LiRA TPR convention,
the held-out threshold, the notes on unresolvable FPRs and the down-sampled ROC."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from aisec.assurance.privacy.mia_metrics import (
    ROC_POINTS,
    balanced_accuracy,
    best_threshold,
    evaluate_attack,
)
from aisec.core.errors import ConfigError

scores = st.lists(st.integers(0, 20).map(float), min_size=2, max_size=60)


@settings(max_examples=60, deadline=None)
@given(members=scores, others=scores)
def test_auc_agrees_with_sklearn(members, others):
    result = evaluate_attack("x", members, others, n_boot=0)
    labels = [1] * len(members) + [0] * len(others)
    expected = roc_auc_score(labels, members + others)
    assert abs(result.measurements[0].value - expected) <= 1e-12


@settings(max_examples=60, deadline=None)
@given(values=scores, flags=st.lists(st.booleans(), min_size=2, max_size=60))
def test_best_threshold_is_best_on_its_rows(values, flags):
    n = min(len(values), len(flags))
    s = np.asarray(values[:n])
    member = np.asarray(flags[:n])
    if member.all() or not member.any():
        return
    chosen = balanced_accuracy(s, member, best_threshold(s, member))
    for t in np.unique(s):
        assert chosen >= balanced_accuracy(s, member, t) - 1e-12


def test_perfect_separation_gives_tpr_one_at_every_fpr():
    rng = np.random.default_rng(0)
    result = evaluate_attack("perfect", rng.uniform(1, 2, 300), rng.uniform(0, 1, 300), n_boot=50)
    assert result.measurements[0].value == 1.0
    for fpr in (0.001, 0.01):
        assert result.get("privacy.mia.tpr_at_fpr", fpr=fpr).value == 1.0
    assert result.get("privacy.mia.balanced_accuracy").value == 1.0


def test_no_signal_interval_covers_half_and_params_are_complete():
    rng = np.random.default_rng(1)
    result = evaluate_attack("noise", rng.normal(size=400), rng.normal(size=500), n_boot=200)
    auc = result.get("privacy.mia.auc")
    assert auc.ci_low < 0.5 < auc.ci_high
    bal = result.get("privacy.mia.balanced_accuracy")
    assert bal.ci_low < 0.5 < bal.ci_high
    # Evaluated on the held-out half only, so it cannot reward the threshold's own noise.
    assert bal.n == bal.params["evaluated_rows"] == 450
    assert "half" in bal.params["threshold_selection"]
    for m in result.measurements:
        assert m.params["attack"] == "noise"
        assert (m.params["members"], m.params["non_members"]) == (400, 500)
    assert result.details["always_member_accuracy"] == pytest.approx(200 / 450)


def test_tpr_at_low_fpr_reads_the_tail():
    # Members: 5 % with extreme scores, the rest like non-members; a LiRA-style tail.
    rng = np.random.default_rng(2)
    members = np.concatenate((rng.normal(size=1900), np.full(100, 50.0)))
    result = evaluate_attack("tail", members, rng.normal(size=2000), n_boot=100)
    tpr = result.get("privacy.mia.tpr_at_fpr", fpr=0.001)
    assert 0.05 <= tpr.value < 0.08
    assert result.get("privacy.mia.auc").value < 0.56


def test_notes_when_too_few_non_members_to_resolve_the_fpr():
    rng = np.random.default_rng(3)
    result = evaluate_attack("a", rng.normal(size=1500), rng.normal(size=1500), n_boot=0)
    assert len(result.notes) == 1
    assert "0.001" in result.notes[0]
    assert "1500 non-members" in result.notes[0]
    # Still reported.
    assert not np.isnan(result.get("privacy.mia.tpr_at_fpr", fpr=0.001).value)


def test_roc_is_downsampled_and_spans_the_square():
    rng = np.random.default_rng(4)
    result = evaluate_attack("a", rng.normal(1, 1, 3000), rng.normal(size=3000), n_boot=0)
    roc = result.details["roc"]
    assert len(roc["fpr"]) <= ROC_POINTS
    assert (roc["fpr"][0], roc["tpr"][0]) == (0.0, 0.0)
    assert (roc["fpr"][-1], roc["tpr"][-1]) == (1.0, 1.0)
    assert np.all(np.diff(roc["fpr"]) >= 0)


def test_bad_scores_are_config_errors():
    with pytest.raises(ConfigError, match="at least two"):
        evaluate_attack("a", [1.0], [0.0, 1.0])
    with pytest.raises(ConfigError, match="non-finite"):
        evaluate_attack("a", [1.0, np.nan], [0.0, 1.0])
