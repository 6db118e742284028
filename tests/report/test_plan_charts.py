"""Which charts an outcome gets, derived from its measurements' params alone."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.assurance.plans.result import Status, TestOutcome
from aisec.core.run import Measurement
from aisec.report.plan_charts import (
    BOOKKEEPING_PARAMS,
    MAX_BARS,
    MAX_SERIES,
    charts_for,
    measurement_charts,
    roc_charts,
)

from .plan_sample import (
    EPSILONS,
    EVASION_ATTACKS,
    FAILED_NAME,
    FAIRNESS_GROUPS,
    MIA_ATTACKS,
    PASSED_NAME,
    build_report,
    evasion_grid_outcome,
    fairness_outcome,
    membership_outcome,
)

SVG = "{http://www.w3.org/2000/svg}"


def _m(name: str, value: float, **params: object) -> Measurement:
    return Measurement(name, value, value - 0.1, value + 0.1, 100, "", params)


def _outcome(name: str) -> TestOutcome:
    return next(o for o in build_report().outcomes if o.name == name)


def test_bookkeeping_params_are_named():
    assert {"ci_method", "seed", "n_boot", "note", "members", "non_members"} <= BOOKKEEPING_PARAMS


def test_numeric_param_gives_a_line_per_category():
    charts = charts_for(_outcome(FAILED_NAME))
    captions = [c for c, _ in charts]
    assert captions[0].startswith("evasion.robust_accuracy by epsilon, one line per attack")
    assert captions[-1].startswith("ROC curves")
    root = ET.fromstring(charts[0][1])
    assert len(root.findall(f".//{SVG}polyline")) == 2  # fgsm and pgd; seed/ci_method ignored
    legend = {t.text for t in root.iter(f"{SVG}text")}
    assert {"fgsm", "pgd"} <= legend


def test_varying_bookkeeping_param_does_not_make_an_axis():
    ms = [_m("a", 0.5, epsilon=0.1, seed=1), _m("a", 0.6, epsilon=0.2, seed=2)]
    ((caption, _),) = measurement_charts(ms)
    assert caption.startswith("a by epsilon;")
    assert measurement_charts([_m("a", 0.5, seed=1), _m("a", 0.6, seed=2)]) == []


def test_categorical_param_gives_bars_capped_with_a_note():
    charts = charts_for(_outcome(PASSED_NAME))
    assert len(charts) == 1  # the disparity is a single measurement: no chart
    caption, svg = charts[0]
    # "attribute" is on 33 of the 35 measurements: not an axis.
    assert caption.startswith("fairness.selection_rate by group;")
    assert "and 5 more" in caption
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill-opacity")]
    assert len(bars) == MAX_BARS
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any("and 5 more" in t for t in texts)


def test_largest_bars_first_and_undefined_last():
    ms = [_m("imp", v, feature=f) for f, v in (("a", 0.1), ("b", math.nan), ("c", 0.9))]
    ((_, svg),) = measurement_charts(ms)
    labels = [
        t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("text-anchor") == "end"
    ]
    assert labels == ["c", "a", "b"]


def test_two_numeric_params_or_one_measurement_give_no_chart():
    assert measurement_charts([_m("a", 0.5, x=1, y=1), _m("a", 0.6, x=2, y=2)]) == []
    assert measurement_charts([_m("a", 0.5, x=1)]) == []
    assert measurement_charts([_m("a", 0.5), _m("a", 0.6)]) == []


def test_wide_numeric_range_uses_a_log_axis():
    ms = [_m("fidelity", v, budget=b) for b, v in ((100, 0.5), (1000, 0.7), (100000, 0.9))]
    ((caption, svg),) = measurement_charts(ms)
    assert "(log scale)" in svg
    assert caption.startswith("fidelity by budget")


def test_roc_from_details_and_junk_ignored():
    assert roc_charts({}) == []
    assert roc_charts({"roc": "nope"}) == []
    assert roc_charts({"roc": {"a": {"fpr": 1}}}) == []
    ((caption, svg),) = roc_charts({"roc": {"<x>": {"fpr": [0, 0.5, 1], "tpr": [0, "?", 1]}}})
    assert caption.startswith("ROC")
    ET.fromstring(svg)


def test_unhashable_and_mixed_params():
    ms = [_m("a", 0.5, group=[1, 2]), _m("a", 0.6, group=[3]), _m("a", 0.7, group=1.5)]
    ((caption, _),) = measurement_charts(ms)
    assert "by group" in caption


PARAM_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(),
    st.integers(min_value=-5, max_value=5),
    st.sampled_from(["pgd", "fgsm", "<b>", "\x00"]),
)
MEASUREMENT = st.builds(
    Measurement,
    name=st.sampled_from(["a", "b"]),
    value=st.floats(),
    ci_low=st.one_of(st.none(), st.floats()),
    ci_high=st.one_of(st.none(), st.floats()),
    n=st.integers(min_value=0, max_value=10),
    unit=st.sampled_from(["", "queries"]),
    params=st.dictionaries(st.sampled_from(["epsilon", "attack", "seed", "group"]), PARAM_VALUE),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(MEASUREMENT, max_size=40))
def test_any_measurements_give_well_formed_charts(measurements):
    outcome = TestOutcome("t", "x", "m", Status.PASSED, measurements=measurements)
    for caption, svg in charts_for(outcome):
        assert isinstance(caption, str)
        ET.fromstring(svg.encode("utf-8"))


def _by_title(charts: list[tuple[str, str]]) -> dict[str, ET.Element]:
    roots = [ET.fromstring(svg) for _, svg in charts]
    return {root.find(f"{SVG}title").text: root for root in roots}


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def _curves(root: ET.Element) -> list[ET.Element]:
    # The drawn series: the chance line is grey and dashed.
    return [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") != "#777777"]


def test_param_on_some_measurements_is_not_an_axis():
    # Real case: only the shadow attack's AUC has n_shadow; a one-point line by n_shadow
    # said nothing. It is bars by attack.
    ms = [_m("auc", 0.5 + i / 10, attack=a) for i, a in enumerate(("loss", "confidence"))]
    ms.append(_m("auc", 0.7, attack="shadow", depth=2))
    ((caption, svg),) = measurement_charts(ms)
    assert caption.startswith("auc by attack;")
    assert "depth" not in caption and "<polyline" not in svg
    # Same without the categorical param: nothing to chart.
    assert measurement_charts([_m("a", 0.5), _m("a", 0.6, depth=2)]) == []


def test_numeric_param_must_vary_and_categorical_must_be_on_all():
    # depth is on every row but constant; kind is on some rows only.
    ms = [_m("a", 0.5, depth=2, kind="x"), _m("a", 0.6, depth=2)]
    assert measurement_charts(ms) == []


def test_membership_inference_charts():
    charts = charts_for(membership_outcome())
    captions = [c for c, _ in charts]
    roots = _by_title(charts)
    assert "privacy.mia.auc by attack" in roots
    assert "privacy.mia.balanced_accuracy by attack" in roots
    assert not any("n_shadow" in c for c in captions)
    auc = roots["privacy.mia.auc by attack"]
    labels = [t.text for t in auc.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert sorted(labels) == sorted(MIA_ATTACKS)
    # TPR at FPR: a line over fpr on a log axis, a series per attack.
    tpr = roots["privacy.mia.tpr_at_fpr by fpr"]
    assert len(_curves(tpr)) == len(MIA_ATTACKS)
    assert "fpr (log scale)" in _texts(tpr)
    assert set(MIA_ATTACKS) <= set(_texts(tpr))
    # Its values are all below 0.1: the axis ends near them, not at 1.
    y_ticks = [float(t.text) for t in tpr.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert max(y_ticks) < 0.2
    # Train and test accuracy (one measurement each) side by side.
    assert "privacy metrics (accuracy)" in roots
    # The ROC curves of details["attacks"][name]["roc"]: log first, then linear.
    assert captions[-2].startswith("ROC curves on a log false positive rate")
    assert captions[-1].startswith("ROC curves:")
    for title in ("ROC curves (log false positive rate)", "ROC curves"):
        root = roots[title]
        assert len(_curves(root)) == len(MIA_ATTACKS)
        assert set(MIA_ATTACKS) <= set(_texts(root))


def test_evasion_grid_is_one_line_chart_over_epsilon():
    charts = charts_for(evasion_grid_outcome())
    # clean_accuracy is the only "evasion.*" measured once: no chart of its own; the
    # details' "attacks" hold no ROC.
    ((caption, svg),) = charts
    assert caption.startswith("evasion.robust_accuracy by epsilon, one line per attack")
    root = ET.fromstring(svg)
    assert len(_curves(root)) == len(EVASION_ATTACKS)
    texts = _texts(root)
    assert set(EVASION_ATTACKS) <= set(texts)
    assert "epsilon" in texts  # linear: 0.02 to 0.1 is not wide enough for a log axis
    description = root.find(f"{SVG}desc").text
    assert all(f"{e}: " in description for e in EPSILONS)  # every point, in words
    # The long unit moves to the caption; the axis label stays short enough to show.
    assert "values in fraction of rows still classified correctly" in caption
    y_label = next(t for t in root.iter(f"{SVG}text") if t.get("transform"))
    assert y_label.text == "robust_accuracy"


def test_fairness_rates_by_group_and_disparities_together():
    charts = charts_for(fairness_outcome())
    roots = _by_title(charts)
    assert set(roots) == {
        "fairness.selection_rate by group",
        "fairness.accuracy by group",
        "fairness metrics (difference)",
        "fairness metrics (ratio)",
    }
    rates = roots["fairness.selection_rate by group"]
    assert set(FAIRNESS_GROUPS) <= set(_texts(rates))
    diffs = set(_texts(roots["fairness metrics (difference)"]))
    assert {"demographic_parity_difference", "equalized_odds_difference"} <= diffs
    assert "demographic_parity_ratio" not in diffs


def test_two_measurements_on_one_spot_give_no_chart():
    # Two pgd rows at the same epsilon (a param told them apart that is not an axis).
    ms = [_m("a", 0.5, epsilon=0.1, attack="pgd"), _m("a", 0.6, epsilon=0.1, attack="pgd")]
    ms.append(_m("a", 0.7, epsilon=0.2, attack="pgd"))
    assert measurement_charts(ms) == []
    assert measurement_charts([_m("a", 0.5, attack="pgd"), _m("a", 0.6, attack="pgd")]) == []


def test_many_series_are_capped():
    ms = [_m("a", 0.5, epsilon=e, group=f"g{g}") for e in (0.1, 0.2) for g in range(12)]
    ((caption, svg),) = measurement_charts(ms)
    assert len(_curves(ET.fromstring(svg))) == MAX_SERIES
    assert f"{12 - MAX_SERIES} more are in the table" in caption


def test_roc_from_attacks_and_series_together():
    details = {
        "roc": {"lira": {"fpr": [0.0, 0.001, 0.5, 1.0], "tpr": [0.0, 0.1, 0.8, 1.0]}},
        "attacks": {
            "loss": {"roc": {"fpr": [0.001, 0.2], "tpr": [0.01, 0.5]}},
            "lira": {"roc": {"fpr": [0.005, 0.5], "tpr": [0.2, 0.9]}},
            "broken": {"roc": "no"},
            "plain": 3,
        },
    }
    log, linear = roc_charts(details)
    root = ET.fromstring(linear[1])
    assert len(_curves(root)) == 3
    assert {"lira", "loss", "lira (2)"} <= set(_texts(root))
    assert "broken" not in _texts(root)
    assert "false positive rate (log scale)" in _texts(ET.fromstring(log[1]))
    # A single curve given straight under "roc".
    ((_, svg),) = roc_charts({"roc": {"fpr": [0.0, 0.5, 1.0], "tpr": [0.0, 0.7, 1.0]}})
    assert len(_curves(ET.fromstring(svg))) == 1
