"""SVG chart builders: well-formed, accessible, deterministic, no external references,
escaped labels, and gaps (not zeros) for undefined points, whatever the numbers."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import aisec.report.svg_charts as svg_charts
from aisec.report import svg_bar, svg_line, svg_roc
from aisec.report.svg_charts import DASHES, MARKERS, bar_chart, line_chart, roc_chart

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-2, max_value=2),
    st.integers(min_value=-(10**6), max_value=10**6),
)
MAYBE = st.one_of(st.none(), NUMBER)
POINT = st.tuples(NUMBER, NUMBER, MAYBE, MAYBE)
LABEL = st.text(alphabet=st.characters(exclude_categories=()), max_size=20)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}desc") is not None
    return root


GEOMETRY = ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height", "points", "d")


def _assert_finite_geometry(root: ET.Element) -> None:
    for element in root.iter():
        for name in GEOMETRY:
            value = element.get(name, "").lower()
            assert "nan" not in value and "inf" not in value, (element.tag, name, value)


def _assert_self_contained(svg: str) -> None:
    assert "<script" not in svg.lower()
    assert not re.search(r"(?:href|src)\s*=", svg)
    assert "url(" not in svg
    assert "@import" not in svg
    # The namespace declaration is the only URL in the document.
    assert svg.count("http") == 1


def test_line_chart_draws_series_with_bands_and_legend():
    series = {
        "pgd": [(0.0, 0.9, 0.85, 0.95), (0.1, 0.7, 0.6, 0.8), (0.2, 0.5, 0.4, 0.6)],
        "fgsm": [(0.0, 0.9, None, None), (0.2, 0.6, None, None)],
    }
    svg = line_chart(series, x_label="epsilon", y_label="robust accuracy", title="Evasion")
    root = _parse(svg)
    _assert_self_contained(svg)
    assert root.find(f"{SVG}title").text == "Evasion"
    assert len(root.findall(f".//{SVG}polyline")) == 2
    bands = [p for p in root.iter(f"{SVG}polygon") if p.get("fill-opacity")]
    assert len(bands) == 1  # only pgd has intervals
    dashed = {line.get("stroke-dasharray") for line in root.iter(f"{SVG}polyline")}
    assert dashed == {None, DASHES[1]}  # series differ without colour
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "pgd" in texts and "fgsm" in texts
    assert svg == line_chart(series, x_label="epsilon", y_label="robust accuracy", title="Evasion")


def test_nan_points_are_gaps_not_zeros():
    series = {"s": [(0.0, 0.5, None, None), (1.0, math.nan, None, None), (2.0, 0.5, None, None)]}
    root = _parse(line_chart(series, x_label="x", y_label="y", title="t"))
    # The undefined middle point breaks the line: no polyline, two lone markers.
    assert root.findall(f".//{SVG}polyline") == []
    assert len(root.findall(f".//{SVG}g[@data-series='0']/{SVG}circle")) == 2
    # Nothing sits on the y=0 line (pixel 296) of the plot.
    assert all(c.get("cy") != "296.00" for c in root.iter(f"{SVG}circle"))


def test_labels_are_escaped():
    hostile = "<script>alert(1)</script>\x00\ud800&"
    svg = line_chart(
        {hostile: [(0, 0.1, 0, 0.2), (1, 0.2, None, None)]},
        x_label=hostile,
        y_label=hostile,
        title=hostile,
    )
    root = _parse(svg)
    _assert_self_contained(svg)
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>\\x00\\ud800&"


def test_log_x_skips_non_positive_x():
    series = {"s": [(0.0, 0.5, None, None), (10, 0.6, None, None), (1000, 0.7, None, None)]}
    root = _parse(line_chart(series, x_label="budget", y_label="fidelity", title="t", log_x=True))
    points = root.find(f".//{SVG}polyline").get("points").split()
    assert len(points) == 2
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"10", "100", "1000"} <= texts


def test_bar_chart_rows_whiskers_and_undefined():
    bars = [("age", 0.3, 0.2, 0.4), ("sex", -0.1, -0.2, 0.05), ("empty", math.nan, None, None)]
    svg = bar_chart(bars, x_label="importance", title="Importances", note="and 3 more")
    root = _parse(svg)
    _assert_self_contained(svg)
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill-opacity")]) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "undefined" in texts and "and 3 more" in texts and "age" in texts


def test_roc_chart_has_diagonal_and_curves():
    svg = roc_chart({"loss": ([0.0, 0.2, 1.0], [0.0, 0.7, 1.0]), "lira": ([0, 1], [0, 1])})
    root = _parse(svg)
    _assert_self_contained(svg)
    diagonal = [line for line in root.iter(f"{SVG}line") if line.get("stroke") == "#777777"]
    assert len(diagonal) == 1
    assert len(root.findall(f".//{SVG}polyline")) == 2
    assert len(MARKERS) >= 2


def test_empty_inputs_still_give_a_chart():
    for svg in (
        line_chart({}, x_label="x", y_label="y", title="t"),
        line_chart({"s": [(math.nan, 1.0, None, None)]}, x_label="x", y_label="y", title="t"),
        bar_chart([], x_label="x", title="t"),
        roc_chart({}),
    ):
        _parse(svg)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(LABEL, st.lists(POINT, max_size=12), max_size=4),
    st.booleans(),
    st.one_of(st.none(), st.tuples(NUMBER, NUMBER)),
)
def test_line_chart_never_raises(series, log_x, y_range):
    svg = line_chart(series, x_label="x", y_label="y", title="t", y_range=y_range, log_x=log_x)
    _assert_finite_geometry(_parse(svg))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LABEL, NUMBER, MAYBE, MAYBE), max_size=35))
def test_bar_chart_never_raises(bars):
    svg = bar_chart(bars, x_label="x", title="t")
    _assert_finite_geometry(_parse(svg))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(LABEL, st.tuples(st.lists(NUMBER), st.lists(NUMBER)), max_size=3))
def test_roc_chart_never_raises(curves):
    _assert_finite_geometry(_parse(roc_chart(curves)))


def _points(polyline: ET.Element) -> list[tuple[float, float]]:
    pairs = (p.split(",") for p in polyline.get("points", "").split())
    return [(float(x), float(y)) for x, y in pairs]


def _curves(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") != "#777777"]


def test_roc_curve_runs_from_origin_to_one_one():
    # A downsampled curve without its ends, given out of order.
    root = _parse(roc_chart({"a": ([0.5, 0.2], [0.8, 0.4])}))
    ((curve,),) = [_curves(root)]
    points = _points(curve)
    # Pixels of (0, 0) and (1, 1): the plot's bottom-left and top-right corners.
    assert points[0] == (64.0, 296.0)
    assert points[-1] == (624.0, 36.0)
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    # Nothing measured: no curve is invented.
    assert _curves(_parse(roc_chart({"b": ([0.5], [math.nan])}))) == []


def test_roc_on_log_fpr():
    svg = roc_chart({"a": ([0.0, 0.001, 0.01, 0.3, 1.0], [0.0, 0.05, 0.2, 0.7, 1.0])}, log_x=True)
    root = _parse(svg)
    _assert_finite_geometry(root)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert "false positive rate (log scale)" in texts
    assert {"0.001", "0.01", "0.1", "1"} <= texts
    (curve,) = _curves(root)
    assert len(_points(curve)) == 4  # fpr 0 has no place on a log axis
    # Chance is a curve on a log axis, still dashed and grey.
    chance = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == "#777777"]
    assert len(chance) == 1 and len(_points(chance[0])) > 2


def test_short_legend_entries_share_rows():
    names = ["fgsm", "pgd", "square", "hopskipjump", "worst"]
    series = {n: [(0.0, 0.5, None, None), (1.0, 0.4, None, None)] for n in names}
    short = _parse(line_chart(series, x_label="x", y_label="y", title="t"))
    long_names = {n * 12: points for n, points in series.items()}
    long = _parse(line_chart(long_names, x_label="x", y_label="y", title="t"))
    assert int(short.get("height")) < int(long.get("height"))
    legend_y = {t.get("y") for t in short.iter(f"{SVG}text") if t.text in names}
    assert len(legend_y) == 2  # two rows, not five


def test_long_y_label_is_cut_to_fit_the_plot():
    label = "robust accuracy (fraction of rows still classified correctly, in percent)"
    root = _parse(line_chart({}, x_label="x", y_label=label, title="t"))
    y_label = next(t for t in root.iter(f"{SVG}text") if t.get("transform"))
    assert len(y_label.text) <= 44 and y_label.text.endswith("…")


def test_facade_reexports_the_split_modules():
    assert svg_charts.line_chart is svg_line.line_chart
    assert svg_charts.bar_chart is svg_bar.bar_chart
    assert svg_charts.roc_chart is svg_roc.roc_chart
    for name in svg_charts.__all__:
        assert hasattr(svg_charts, name)


def test_chart_modules_stay_small():
    folder = Path(svg_charts.__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in folder.glob("svg_*.py")}
    assert len(sizes) >= 6
    assert max(sizes.values()) <= 200, sizes


def test_a_subnormal_value_gets_an_axis_not_a_division_by_zero():
    # Found by hypothesis: 5e-324 made the tick step's power of ten underflow to 0.
    svg = bar_chart([("", 5e-324, None, None)], x_label="x", title="t")
    assert svg.startswith("<svg")
