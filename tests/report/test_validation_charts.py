"""A detector validation's HTML report draws its ROC, precision-recall and reliability
curves; outcomes without them get none."""

from __future__ import annotations

import numpy as np

from aisec.report.plan_charts import MAX_CURVE_POINTS, curve_charts
from aisec.report.plan_html import render_plan_html
from aisec.services.validating import ValidationSpec, validate
from aisec.validation.evaluate import Options
from aisec.validation.sources import ColumnScores


def test_the_report_draws_the_pr_and_reliability_curves(tmp_path):
    rng = np.random.default_rng(5)
    y = rng.random(3000) < 0.3
    p = 1 / (1 + np.exp(-(rng.normal(size=3000) + 2.5 * y - 1.5)))
    data = tmp_path / "scored.csv"
    rows = [f"{int(a)},{b:.6f}" for a, b in zip(y, p, strict=True)]
    data.write_text("label,probability\n" + "\n".join(rows) + "\n")
    spec = ValidationSpec(data=data, label="label", sources=[ColumnScores("probability")],
                          options=Options(n_boot=50))  # fmt: skip
    report = validate(spec)
    html = render_plan_html(report)
    assert "aisec validation report" in html
    for title in ("ROC curves", "Precision against recall", "Reliability"):
        assert f"<title>{title}" in html, title
    details = report.outcomes[0].details
    assert len(details["pr"]["recall"]) == len(details["pr"]["precision"])
    assert details["reliability"]["prob_pred"]


def test_curves_are_thinned_and_absent_details_draw_nothing():
    many = np.linspace(0, 1, 10 * MAX_CURVE_POINTS).tolist()
    [(caption, svg)] = curve_charts({"pr": {"recall": many, "precision": many}})
    assert "Precision-recall" in caption
    assert svg.count("<circle") + svg.count("<path") <= 3 * MAX_CURVE_POINTS
    assert curve_charts({}) == []
    assert curve_charts({"pr": "not a curve", "reliability": None}) == []
