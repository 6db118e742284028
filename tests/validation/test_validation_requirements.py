"""Requirements on a validation: one that judges nothing is an error (exit 3), never a
silent pass; names such as categories match as written."""

from __future__ import annotations

import numpy as np

from aisec.cli.validate_cmd import parse_requirement
from aisec.services.validating import ValidationSpec, exit_code, validate
from aisec.validation.evaluate import Options
from aisec.validation.sources import ColumnScores


def _data(tmp_path):
    rng = np.random.default_rng(8)
    y = rng.random(800) < 0.25
    s = rng.normal(size=800) + 2 * y
    category = np.where(y, rng.choice(["1", "2"], 800), "")
    path = tmp_path / "scored.csv"
    rows = [f"{int(a)},{b:.6f},{c}" for a, b, c in zip(y, s, category, strict=True)]
    path.write_text("label,score,category\n" + "\n".join(rows) + "\n")
    return path


def _run(tmp_path, *requirements):
    spec = ValidationSpec(
        data=_data(tmp_path), label="label", sources=[ColumnScores("score")],
        category="category", options=Options(fprs=(0.01,), n_boot=100),
        thresholds=[parse_requirement(r) for r in requirements],
    )  # fmt: skip
    return validate(spec)


def test_a_requirement_at_an_fpr_not_measured_is_an_error(tmp_path):
    report = _run(tmp_path, "detection_rate[fpr=0.05]>=0.5")
    [outcome] = report.outcomes
    assert outcome.status.value == "error"
    assert exit_code(report) == 3
    [error] = report.run.errors
    assert "fpr=0.01" in error  # says where it was measured


def test_a_category_requirement_matches_the_category_as_written(tmp_path):
    report = _run(tmp_path, "category_detection_rate[category=1]>=0.99")
    [outcome] = report.outcomes
    [judgement] = outcome.judgements
    assert judgement.measurement is not None
    assert judgement.measurement.params["category"] == "1"
    assert outcome.status.value == "failed"
    assert exit_code(report) == 1
    assert [f.check_id for f in report.run.findings] == ["assurance.detector.accuracy"]


def test_a_met_requirement_passes(tmp_path):
    report = _run(tmp_path, "roc_auc>=0.5 on ci_low")
    assert report.outcomes[0].status.value == "passed"
    assert exit_code(report) == 0
