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
    charts_for,
    measurement_charts,
    roc_charts,
)

from .plan_sample import FAILED_NAME, PASSED_NAME, build_report

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
    assert caption.startswith("fairness.selection_rate by group, attribute")
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
