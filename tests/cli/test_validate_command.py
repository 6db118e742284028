"""``aisec validate`` end to end, in process, on labelled data generated here: reports in
every format agree with the metrics API and with scikit-learn, requirements and drift turn
into findings and exit codes, bad input exits 2 with a message saying what is wrong, model
files are scanned before they load, scoring commands are held to one score per row, runs
are recorded as governance evidence, and rewrites measure a text detector's evasion."""

from __future__ import annotations

import hashlib
import os
import pickle
import shlex
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from validate_support import (
    DAY,
    EXTRA_LINE_SCORER,
    FAILING_SCORER,
    KEYWORD_SCORER,
    LINEAR_SCORER,
    attack_texts,
    balanced_labels,
    benign_texts,
    check_ids,
    detector_scores,
    drifting_detector,
    load_report,
    measurement,
    outcomes,
    run,
    same_json,
    write_csv,
    write_script,
)

from aisec.cli.validate_cmd import NUMERIC_KEYS, parse_requirement
from aisec.core.errors import UsageError
from aisec.validation.evaluate import Options, evaluate
from aisec.validation.rewrites import FAMILIES

BOOT = "200"
OPTIONS = Options(n_boot=200, seed=0)  # what the command uses with --bootstrap 200
POSITIVES, NEGATIVES = 500, 1000  # 1% of the negatives is exactly 10 rows


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No store but the one a test names: nothing is recorded by accident."""
    monkeypatch.chdir(tmp_path)
    for name in ("AISEC_DATABASE_URL", "AISEC_RECORD_RUNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "audit.pem"))


@pytest.fixture
def two_detectors(tmp_path):
    """A strong and a mediocre detector scored on the same 1500 labelled rows."""
    rng = np.random.default_rng(7)
    labels = balanced_labels(rng, POSITIVES, NEGATIVES)
    scores = {
        "fraud_model_v2": detector_scores(rng, labels, 2.5),
        "legacy_rules": detector_scores(rng, labels, 1.0),
    }
    path = write_csv(tmp_path / "alerts.csv", {"is_fraud": labels.astype(int), **scores})
    return path, labels, scores


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def visible_text(page: str) -> str:
    """The text of an HTML page, which must parse as one."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    assert parser.tags[:1] == ["html"] and "body" in parser.tags
    return " ".join(parser.chunks)


def validate_argv(data: Path, *extra: str) -> list[str]:
    return ["validate", str(data), "--bootstrap", BOOT, "--no-record", *extra]


# 1. Score columns: JSON agrees with the metrics API and scikit-learn; HTML and JUnit too.


def test_score_columns_report_in_json_html_and_junit(two_detectors, tmp_path, capsys):
    from sklearn.metrics import roc_auc_score, roc_curve

    data, labels, scores = two_detectors
    out, html, junit = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "r.xml"
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "fraud_model_v2", "--scores",
                         "legacy_rules", "-f", "json", "-o", out, "--also", f"html={html}",
                         "--also", f"junit={junit}")  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    report = load_report(out)
    validations = outcomes(report, "detector_validation")
    assert [o["name"] for o in validations] == ["fraud_model_v2", "legacy_rules"]
    assert report["run"]["kind"] == "validate"
    assert report["data"]["positives"] == POSITIVES and report["data"]["negatives"] == NEGATIVES
    for outcome in validations:
        s = scores[outcome["name"]]
        expected = evaluate(s, labels, options=OPTIONS)
        assert same_json(outcome["details"]["evaluation"], expected.as_json())
        found = measurement(outcome, "detection_rate", fpr=0.01)
        point = expected.operating[0]
        assert (found["value"], found["ci_low"], found["ci_high"]) == (
            point.detection_rate.value, point.detection_rate.low, point.detection_rate.high
        )  # fmt: skip
        fpr, tpr, _ = roc_curve(labels, s, drop_intermediate=False)
        assert found["value"] == pytest.approx(tpr[fpr <= 0.01 + 1e-12].max(), abs=1e-12)
        auc = measurement(outcome, "roc_auc")["value"]
        assert auc == pytest.approx(roc_auc_score(labels, s), abs=1e-12)
    strong, weak = (measurement(o, "roc_auc")["value"] for o in validations)
    assert strong > weak  # the data does tell the detectors apart

    page = visible_text(html.read_text(encoding="utf-8"))
    assert "fraud_model_v2" in page and "legacy_rules" in page
    root = ET.parse(junit).getroot()
    cases = list(root.iter("testcase"))
    assert sorted(c.get("classname") for c in cases) == ["fraud_model_v2", "legacy_rules"]
    assert not list(root.iter("failure"))


def estimate_text(estimate) -> str:
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


def test_console_report_ranks_the_detectors(two_detectors, capsys):
    data, labels, scores = two_detectors
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "legacy_rules", "--scores",
                         "fraud_model_v2")  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "Data: alerts.csv: 1500 rows, 500 malicious, 1000 benign" in lines
    [header] = [line for line in lines if line.startswith("detector ")]
    assert "detection @ FPR 0.01" in header and "detection @ FPR 0.001" in header
    rows = [line for line in lines if line.startswith(("fraud_model_v2 ", "legacy_rules "))]
    assert [r.split()[0] for r in rows] == ["fraud_model_v2", "legacy_rules"]  # best first
    for row in rows:
        found = evaluate(scores[row.split()[0]], labels, options=OPTIONS)
        assert estimate_text(found.roc_auc) in row
        assert estimate_text(found.operating[0].detection_rate) in row
    assert "PASS: no test failed" in result.out


# 2. Requirements: a finding when unmet, exit code per --fail-on, exit 2 when malformed.


def test_unmet_requirement_is_a_high_finding(two_detectors, tmp_path, capsys):
    data, _, _ = two_detectors
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "legacy_rules",
                         "--require", "detection_rate[fpr=0.01]>=0.99 on ci_low",
                         "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 1
    report = load_report(out)
    [finding] = report["findings"]
    assert finding["check_id"] == "assurance.detector.accuracy"
    assert finding["severity"] == "high"
    assert finding["evidence"]["measurement"]["params"]["fpr"] == 0.01
    [outcome] = report["tests"]
    assert outcome["status"] == "failed"
    [judgement] = outcome["judgements"]
    assert judgement["passed"] is False and judgement["judged_on"] == "ci_low"

    result = run(capsys, *argv, "--fail-on", "critical")
    assert result.code == 0
    assert check_ids(load_report(out)) == {"assurance.detector.accuracy"}  # still reported


def test_met_requirement_passes(two_detectors, capsys):
    data, _, _ = two_detectors
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "fraud_model_v2",
                         "--require", "roc_auc>=0.9", "-f", "junit")  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    root = ET.fromstring(result.out)
    assert len(list(root.iter("testcase"))) == 1 and not list(root.iter("failure"))


@pytest.mark.parametrize(
    "requirement",
    ["detection_rate>>0.9", "detection_rate[fpr]>=0.9", "detection_rate>=0.9 on median",
     "detection_rate>=1e", ">=0.5"],
)  # fmt: skip
def test_malformed_requirement_exits_2(two_detectors, capsys, requirement):
    data, _, _ = two_detectors
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "legacy_rules",
                         "--require", requirement)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 2
    assert "--require" in result.err and repr(requirement) in result.err
    assert result.out == ""


def test_requirement_on_an_unmeasured_metric_does_not_pass_silently(
    two_detectors, tmp_path, capsys
):
    data, _, _ = two_detectors
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "fraud_model_v2", "--require",
                         "detecton_rate[fpr=0.01]>=0.99", "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    # As in a test plan: a requirement that matched nothing is an error (exit 3).
    assert result.code == 3
    report = load_report(out)
    [outcome] = report["tests"]
    assert outcome["status"] == "error"
    assert outcome["judgements"] and not outcome["judgements"][0]["passed"]
    [error] = report["run"]["errors"]
    assert "detecton_rate" in error and "detection_rate" in error  # names what was measured


metrics = st.from_regex(r"[a-z_]{1,20}", fullmatch=True)
keys = st.from_regex(r"[a-z_]{1,10}", fullmatch=True) | st.sampled_from(sorted(NUMERIC_KEYS))
bounds = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(metric=metrics, where=st.dictionaries(keys, bounds, max_size=3), bound=bounds,
       minimum=st.booleans(), on=st.sampled_from([None, "value", "ci_low", "ci_high"]))  # fmt: skip
def test_requirement_text_round_trips(metric, where, bound, minimum, on):
    inside = ", ".join(f"{k}={v!r}" for k, v in where.items())
    text = f"{metric}[{inside}] {'>=' if minimum else '<='} {bound!r}"
    if on is not None:
        text += f" on {on}"
    threshold = parse_requirement(text)
    assert threshold.metric == metric
    # Numbers where the measurements hold numbers (fpr, ...); names such as a category
    # stay as written, so category 1 matches the category "1".
    expected = {k: v if k in NUMERIC_KEYS else repr(v) for k, v in where.items()}
    assert threshold.where == expected
    assert (threshold.min, threshold.max) == ((bound, None) if minimum else (None, bound))
    assert threshold.judge_on == (on or "value")


@given(text=st.text(max_size=40))
@settings(max_examples=100, deadline=None)
def test_any_requirement_text_parses_or_is_a_usage_error(text):
    try:
        threshold = parse_requirement(text)
    except UsageError:
        return
    assert (threshold.min is None) != (threshold.max is None)


# 3. Labels.


def test_minus_one_as_the_positive_label(two_detectors, tmp_path, capsys):
    data, labels, scores = two_detectors
    frame = pd.read_csv(data)
    frame["is_fraud"] = np.where(labels, -1, 1)
    signed = tmp_path / "signed.csv"
    frame.to_csv(signed, index=False)
    out = tmp_path / "r.json"
    argv = validate_argv(signed, "--label", "is_fraud", "--positive=-1", "--scores",
                         "legacy_rules", "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    report = load_report(out)
    assert report["data"]["positives"] == POSITIVES
    expected = evaluate(scores["legacy_rules"], labels, options=OPTIONS)
    assert same_json(report["tests"][0]["details"]["evaluation"], expected.as_json())


def test_label_words_need_positive(two_detectors, tmp_path, capsys):
    data, labels, _ = two_detectors
    frame = pd.read_csv(data)
    frame["verdict"] = np.where(labels, "phish", "legit")
    worded = tmp_path / "mail.csv"
    frame.to_csv(worded, index=False)
    base = validate_argv(worded, "--label", "verdict", "--scores", "legacy_rules")
    result = run(capsys, *base)
    assert result.code == 2
    assert "phish" in result.err and "legit" in result.err and "--positive" in result.err
    assert run(capsys, *base, "--positive", "phish").code == 0


def test_missing_label_column_lists_the_columns(two_detectors, capsys):
    data, _, _ = two_detectors
    result = run(capsys, *validate_argv(data, "--label", "malicious", "--scores", "legacy_rules"))
    assert result.code == 2
    assert "'malicious'" in result.err
    for column in ("is_fraud", "fraud_model_v2", "legacy_rules"):
        assert column in result.err


def test_non_numeric_score_names_the_row(two_detectors, tmp_path, capsys):
    data, _, _ = two_detectors
    frame = pd.read_csv(data)
    frame["legacy_rules"] = frame["legacy_rules"].astype(object)
    frame.loc[41, "legacy_rules"] = "high"
    broken = tmp_path / "broken.csv"
    frame.to_csv(broken, index=False)
    result = run(capsys, *validate_argv(broken, "--label", "is_fraud", "--scores", "legacy_rules"))
    assert result.code == 2
    assert "row 42" in result.err and "'high'" in result.err and "legacy_rules" in result.err


def test_one_class_only_exits_2(tmp_path, capsys):
    rng = np.random.default_rng(3)
    columns = {"label": np.zeros(200, dtype=int), "score": rng.normal(size=200)}
    benign = write_csv(tmp_path / "benign.csv", columns)
    result = run(capsys, *validate_argv(benign, "--label", "label", "--scores", "score"))
    assert result.code == 2
    assert "both classes" in result.err


def test_unlabelled_rows_are_not_counted_as_benign(two_detectors, tmp_path, capsys):
    data, labels, _ = two_detectors
    frame = pd.read_csv(data)
    frame["verdict"] = pd.Series(np.where(labels, "phish", "legit"), dtype=object)
    frame.loc[:49, "verdict"] = None
    gappy = tmp_path / "gappy.csv"
    frame.to_csv(gappy, index=False)
    argv = validate_argv(gappy, "--label", "verdict", "--positive", "phish",
                         "--scores", "legacy_rules")  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 2
    assert "row 1" in result.err


def test_positive_one_matches_labels_written_as_floats(two_detectors, tmp_path, capsys):
    data, labels, _ = two_detectors
    frame = pd.read_csv(data)
    frame["is_fraud"] = labels.astype(float)
    floats = tmp_path / "floats.parquet"
    frame.to_parquet(floats)
    out = tmp_path / "r.json"
    argv = validate_argv(floats, "--label", "is_fraud", "--positive", "1",
                         "--scores", "legacy_rules", "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    assert load_report(out)["data"]["positives"] == POSITIVES


# 4. Drift over time windows.


def drift_report(capsys, data: Path, out: Path, *extra: str) -> tuple[int, dict]:
    argv = validate_argv(data, "--label", "label", "--scores", "score", "--time", "seconds",
                         "--window-seconds", str(DAY), "-f", "json", "-o", out, *extra)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code in (0, 1), result.err
    return result.code, load_report(out)


def assert_degraded_on_day_three(report: dict) -> None:
    [drift] = outcomes(report, "detector_drift")
    assert drift["name"] == "score over time" and drift["status"] == "failed"
    assert measurement(drift, "degraded")["value"] == 1.0
    windows = drift["details"]["time"]["windows"]
    assert [w["index"] for w in windows] == [0, 1, 2]
    comparisons = drift["details"]["time"]["comparisons"]
    flagged = {(c["window"], c["metric"]) for c in comparisons if c["significant"]}
    assert flagged == {(2, "detection_rate")}
    first, _, third = (measurement(drift, "window_detection_rate", window=i) for i in range(3))
    assert third["value"] < first["value"]
    [finding] = [f for f in report["findings"] if f["check_id"] == "assurance.detector.drift"]
    assert finding["severity"] == "medium"


def test_drift_is_a_medium_finding(tmp_path, capsys):
    data = tmp_path / "traffic.csv"
    drifting_detector().to_csv(data, index=False)
    out = tmp_path / "r.json"
    code, report = drift_report(capsys, data, out)
    assert code == 0  # medium is below the default --fail-on high
    assert report["run"]["kind"] == "validate"
    assert_degraded_on_day_three(report)
    assert check_ids(report) == {"assurance.detector.drift"}
    code, _ = drift_report(capsys, data, out, "--fail-on", "medium")
    assert code == 1
    console = run(capsys, *validate_argv(data, "--label", "label", "--scores", "score", "--time",
                                         "seconds", "--window-seconds", str(DAY)))  # fmt: skip
    assert console.code == 0
    assert "score over time (threshold set at FPR 0.01 on window 1): DEGRADED" in console.out


def test_a_stable_detector_is_not_degraded(tmp_path, capsys):
    frame = drifting_detector()
    rng = np.random.default_rng(5)
    labels = frame["label"].to_numpy().astype(bool)
    frame["score"] = rng.normal(size=len(frame)) + 3.0 * labels
    data = tmp_path / "steady.csv"
    frame.to_csv(data, index=False)
    code, report = drift_report(capsys, data, tmp_path / "r.json", "--fail-on", "info")
    assert code == 0
    [drift] = outcomes(report, "detector_drift")
    assert measurement(drift, "degraded")["value"] == 0.0 and drift["status"] == "passed"
    assert report["findings"] == []


def test_iso_dates_work_as_the_time_column(tmp_path, capsys):
    frame = drifting_detector()
    origin = pd.Timestamp("2026-03-01T00:00:00Z")
    moments = origin + pd.to_timedelta(frame["seconds"], unit="s")
    frame["seconds"] = moments.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    data = tmp_path / "dated.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "label", "--scores", "score", "--time", "seconds",
                         "--window-seconds", str(DAY), "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    report = load_report(out)
    assert_degraded_on_day_three(report)
    [first, *_] = outcomes(report, "detector_drift")[0]["details"]["time"]["windows"]
    assert first["start"] == pytest.approx(moments.min().timestamp(), abs=1e-3)


def test_time_options_go_together(two_detectors, capsys):
    data, _, _ = two_detectors
    base = validate_argv(data, "--label", "is_fraud", "--scores", "legacy_rules")
    for extra in (["--time", "is_fraud"], ["--window-seconds", "60"],
                  ["--time", "is_fraud", "--windows", "3", "--window-seconds", "60"]):  # fmt: skip
        result = run(capsys, *base, *extra)
        assert result.code == 2 and "--time" in result.err, extra


# 5. Model files.


@pytest.fixture
def onnx_detector(tmp_path):
    skl2onnx = pytest.importorskip("skl2onnx")
    pytest.importorskip("onnxruntime")
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(11)
    # float32-exact features: the ONNX graph reads float32, the test compares exactly.
    x = rng.normal(size=(600, 4)).astype(np.float32).astype(np.float64)
    labels = (x @ np.array([1.5, -1.0, 0.5, 0.0]) + rng.normal(size=600)) > 0.8
    model = LogisticRegression().fit(x, labels)
    graph = skl2onnx.convert_sklearn(model, initial_types=[("x", FloatTensorType([None, 4]))],
                                     options={"zipmap": False})  # fmt: skip
    path = tmp_path / "detector.onnx"
    path.write_bytes(graph.SerializeToString())
    columns = {f"f{i}": x[:, i] for i in range(4)}
    data = write_csv(tmp_path / "events.csv", {"label": labels.astype(int), **columns})
    return path, data, x, labels, model


def test_onnx_model_is_scored_and_identified(onnx_detector, tmp_path, capsys):
    import onnxruntime as ort

    path, data, x, labels, model = onnx_detector
    out = tmp_path / "r.json"
    result = run(capsys, *validate_argv(data, "--label", "label", "--model", path,
                                        "-f", "json", "-o", out))  # fmt: skip
    assert result.code == 0, result.err
    [outcome] = load_report(out)["tests"]
    detector = outcome["details"]["detector"]
    assert detector["kind"] == "model"
    assert detector["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert detector["scan"]["findings"] == 0

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    [probabilities] = session.run(["probabilities"], {"x": x.astype(np.float32)})
    onnx_scores = np.asarray(probabilities, dtype=np.float64)[:, 1]
    np.testing.assert_allclose(onnx_scores, model.predict_proba(x)[:, 1], atol=1e-5)
    expected = evaluate(onnx_scores, labels, options=OPTIONS)
    assert same_json(outcome["details"]["evaluation"], expected.as_json())


def test_evasion_of_a_model_detector_respects_its_constraints(onnx_detector, tmp_path, capsys):
    path, data, _, _, _ = onnx_detector
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "label", "--model", path, "--evasion",
                         "--immutable", "f0", "--decrease-only", "f1", "--epsilon", "0.1",
                         "--epsilon", "0.5", "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    [attacked] = outcomes(load_report(out), "detector_robustness")
    details = attacked["details"]["evasion"]
    assert (details["immutable"], details["decrease_only"]) == (["f0"], ["f1"])
    small = measurement(attacked, "evasion_rate", epsilon=0.1)
    large = measurement(attacked, "evasion_rate", epsilon=0.5)
    assert 0.0 <= small["value"] <= large["value"] <= 1.0
    assert attacked["queries"] > 0
    # With the decisive features held (f0 pinned; f1 may only fall, which raises the
    # score), only the weak f2 is left to the attacker.
    free = tmp_path / "free.json"
    argv = validate_argv(data, "--label", "label", "--model", path, "--evasion",
                         "--epsilon", "0.5", "-f", "json", "-o", free)  # fmt: skip
    assert run(capsys, *argv).code == 0
    [unconstrained] = outcomes(load_report(free), "detector_robustness")
    assert measurement(unconstrained, "evasion_rate", epsilon=0.5)["value"] >= large["value"]


def test_evasion_constraints_need_evasion(two_detectors, capsys):
    data, _, _ = two_detectors
    result = run(capsys, *validate_argv(data, "--label", "is_fraud", "--scores",
                                        "fraud_model_v2", "--immutable", "x"))  # fmt: skip
    assert result.code == 2
    assert "need --evasion" in result.err


class Payload:
    """Creates a marker file if ever unpickled; only ever written and scanned here."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


@pytest.mark.parametrize("suffix", [".pkl", ".joblib"])
def test_hostile_pickle_is_refused_before_loading(two_detectors, tmp_path, capsys, suffix):
    data, _, _ = two_detectors
    marker = tmp_path / "payload-ran"
    hostile = tmp_path / f"detector{suffix}"
    hostile.write_bytes(pickle.dumps(Payload(marker)))
    argv = validate_argv(data, "--label", "is_fraud", "--model", hostile, "--trust",
                         "--features", "fraud_model_v2,legacy_rules")  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 2
    assert "scan is not clean" in result.err
    assert not marker.exists()


# 6. Scoring commands.


def command_data(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(13)
    labels = balanced_labels(rng, 60, 240)
    a = detector_scores(rng, labels, 1.5)
    b = rng.normal(size=labels.size)
    path = write_csv(tmp_path / "requests.csv", {"label": labels.astype(int), "a": a, "b": b})
    return path, labels, a + 0.5 * b


def test_command_scores_are_used_as_printed(tmp_path, capsys):
    data, labels, expected_scores = command_data(tmp_path)
    scorer = write_script(tmp_path, "scorer_linear.py", LINEAR_SCORER)
    out = tmp_path / "r.json"
    result = run(capsys, *validate_argv(data, "--label", "label", "--command", scorer,
                                        "--inputs", "a, b", "-f", "json", "-o", out))  # fmt: skip
    assert result.code == 0, result.err
    [outcome] = load_report(out)["tests"]
    assert outcome["name"] == Path(shlex.split(scorer)[0]).name
    assert outcome["details"]["detector"]["kind"] == "command"
    assert outcome["details"]["detector"]["inputs"] == ["a", "b"]
    expected = evaluate(expected_scores, labels, options=OPTIONS)
    assert same_json(outcome["details"]["evaluation"], expected.as_json())


def test_command_printing_too_many_scores_exits_2(tmp_path, capsys):
    data, labels, _ = command_data(tmp_path)
    scorer = write_script(tmp_path, "scorer_extra.py", EXTRA_LINE_SCORER)
    result = run(capsys, *validate_argv(data, "--label", "label", "--command", scorer,
                                        "--inputs", "a"))  # fmt: skip
    assert result.code == 2
    assert f"printed {labels.size + 1} scores for {labels.size} rows" in result.err


def test_failing_command_exits_2(tmp_path, capsys):
    data, _, _ = command_data(tmp_path)
    scorer = write_script(tmp_path, "scorer_broken.py", FAILING_SCORER)
    result = run(capsys, *validate_argv(data, "--label", "label", "--command", scorer,
                                        "--inputs", "a"))  # fmt: skip
    assert result.code == 2
    assert "exited with 3" in result.err and "scorer model file is missing" in result.err


def test_command_needs_inputs_and_a_source_is_needed(tmp_path, capsys):
    data, _, _ = command_data(tmp_path)
    scorer = write_script(tmp_path, "scorer_linear.py", LINEAR_SCORER)
    result = run(capsys, *validate_argv(data, "--label", "label", "--command", scorer))
    assert result.code == 2 and "--inputs" in result.err
    result = run(capsys, *validate_argv(data, "--label", "label"))
    assert result.code == 2 and "nothing to validate" in result.err


# 7. Recording and governance evidence.


def test_recorded_run_is_governance_evidence(two_detectors, tmp_path, capsys, database):
    from aisec.services.governance_coverage import checks_run, measured_runs
    from aisec.store import open_store

    data, _, _ = two_detectors
    assert run(capsys, "inventory", "add", "system", "--name", "payments-fraud",
               "--database", database).code == 0  # fmt: skip
    out = tmp_path / "r.json"
    argv = ["validate", data, "--label", "is_fraud", "--scores", "fraud_model_v2",
            "--bootstrap", BOOT, "--require", "roc_auc>=0.9", "--system", "payments-fraud",
            "--database", database, "-f", "json", "-o", out]  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    report = load_report(out)
    with open_store(database) as store:
        [stored] = store.runs.for_system("payments-fraud", "validate")
        kept = store.runs.measurements(stored.id)
        assert [r.id for r in measured_runs(store, "payments-fraud")] == [stored.id]
        judged = checks_run(store, "payments-fraud", date.today())
    assert stored.id == report["run"]["id"] and stored.kind == "validate"
    assert stored.exit_code == 0
    expected = [(m["name"], m["value"]) for t in report["tests"] for m in t["measurements"]]
    assert [(m.name, m.value) for m in kept] == expected
    [accuracy] = judged["assurance.detector.accuracy"]
    assert accuracy.run_id == stored.id and accuracy.passed
    assert "assurance.detector.drift" not in judged  # no time column, no drift evidence

    result = run(capsys, "govern", "coverage", "--system", "payments-fraud", "--framework",
                 "eu-ai-act", "--json", "--database", database)  # fmt: skip
    assert result.code == 0, result.err
    assert "assurance.detector.accuracy" in result.out


# 8. Rewrite families on a text detector.


def test_rewrites_measure_evasion_per_family(tmp_path, capsys):
    attacks, benign = attack_texts(30), benign_texts(70)
    texts = attacks + benign
    labels = [1] * len(attacks) + [0] * len(benign)
    data = write_csv(tmp_path / "prompts.csv", {"text": texts, "label": labels})
    scorer = write_script(tmp_path, "scorer_keyword.py", KEYWORD_SCORER)
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "label", "--command", scorer, "--inputs", "text",
                         "--rewrites", "--require", "evasion_rate<=0.5",
                         "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 1, result.err  # the encodings evade it: a high finding
    report = load_report(out)
    [validation] = outcomes(report, "detector_validation")
    assert measurement(validation, "roc_auc")["value"] == 1.0
    [robust] = outcomes(report, "detector_robustness")
    assert robust["params"]["caught"] == len(attacks)
    rates = {m["params"]["family"]: m for m in robust["measurements"]}
    assert set(rates) == set(FAMILIES)
    assert all(m["name"] == "evasion_rate" and m["n"] == len(attacks) for m in rates.values())
    for family in ("base64", "hex", "rot13"):
        assert rates[family]["value"] == 1.0
    for family in ("instruction_wrap", "casing"):
        assert rates[family]["value"] == 0.0
    evading = {
        f["evidence"]["measurement"]["params"]["family"]
        for f in report["findings"]
        if f["check_id"] == "assurance.detector.robustness"
    }
    assert evading >= {"base64", "hex", "rot13"}
    assert "instruction_wrap" not in evading and "casing" not in evading


def test_rewrites_skip_detectors_that_do_not_read_text(two_detectors, tmp_path, capsys):
    data, _, _ = two_detectors
    out = tmp_path / "r.json"
    argv = validate_argv(data, "--label", "is_fraud", "--scores", "legacy_rules", "--rewrites",
                         "-f", "json", "-o", out)  # fmt: skip
    result = run(capsys, *argv)
    assert result.code == 0, result.err
    report = load_report(out)
    assert outcomes(report, "detector_robustness") == []
    assert any("text detectors only" in n for n in report["tests"][0]["notes"])
