"""``aisec validate`` beyond a fixed detector: recipes trained on one file and tested on
another (the generalisation leaderboard), a Python function as the detector, numeric
times in other units, and a scoring command held to a bounded output."""

from __future__ import annotations

import hashlib
import textwrap

import numpy as np
import pandas as pd
import pytest
from validate_support import (
    DAY,
    attack_texts,
    benign_texts,
    drifting_detector,
    load_report,
    measurement,
    outcomes,
    run,
    same_json,
    write_csv,
    write_script,
)

from aisec.validation.evaluate import Options, evaluate

pytest.importorskip("sklearn")

BOOT = "200"
OPTIONS = Options(n_boot=200, seed=0)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("AISEC_DATABASE_URL", "AISEC_RECORD_RUNS"):
        monkeypatch.delenv(name, raising=False)


def argv(data, *extra):
    return ["validate", str(data), "--bootstrap", BOOT, "--no-record", *extra]


def domain(seed: int, rows: int, weights: tuple[float, float, float]) -> pd.DataFrame:
    """Fraud whose signal sits in the features by ``weights``: two domains with different
    weights are two datasets of the same task that disagree on what fraud looks like."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    logit = x @ np.array(weights) - 1.0
    labels = rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))
    return pd.DataFrame({"label": labels.astype(int), "f0": x[:, 0], "f1": x[:, 1], "f2": x[:, 2]})


@pytest.fixture
def domains(tmp_path):
    a = tmp_path / "bank_a.csv"
    b_train = tmp_path / "bank_b_train.csv"
    b_test = tmp_path / "bank_b_test.csv"
    domain(1, 3000, (3.0, 0.0, 0.5)).to_csv(a, index=False)
    domain(2, 3000, (0.5, 3.0, 0.0)).to_csv(b_train, index=False)
    domain(3, 2000, (0.5, 3.0, 0.0)).to_csv(b_test, index=False)
    return a, b_train, b_test


def test_trained_on_another_bank_loses_to_trained_on_the_same(domains, tmp_path, capsys):
    a, b_train, b_test = domains
    out = tmp_path / "r.json"
    result = run(
        capsys,
        *argv(
            b_test,
            "--label",
            "label",
            "--train",
            a,
            "--train",
            b_train,
            "--recipe",
            "logistic-regression",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0, result.err
    report = load_report(out)
    cross, same = outcomes(report, "detector_validation")
    assert cross["name"] == "logistic-regression trained on bank_a.csv"
    assert same["name"] == "logistic-regression trained on bank_b_train.csv"
    auc = [measurement(o, "roc_auc")["value"] for o in (cross, same)]
    assert auc[0] < auc[1] - 0.1
    described = cross["details"]["detector"]
    assert described["kind"] == "trained" and described["recipe"] == "logistic-regression"
    assert described["inputs"] == ["f0", "f1", "f2"]
    train = described["train"]
    assert train["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    frame = pd.read_csv(a)
    assert train["rows"] == len(frame) and train["positives"] == int(frame["label"].sum())
    assert described["shared_rows"] == 0


def test_a_recipe_scores_as_the_same_estimator_fitted_directly(domains, tmp_path, capsys):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    a, _, b_test = domains
    out = tmp_path / "r.json"
    result = run(
        capsys,
        *argv(
            b_test,
            "--label",
            "label",
            "--train",
            a,
            "--recipe",
            "logistic-regression",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0, result.err
    train, test = pd.read_csv(a), pd.read_csv(b_test)
    columns = ["f0", "f1", "f2"]
    model = make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=2000)
    )
    # Row-major, as the recipe stacks the columns: BLAS sums in layout order.
    model.fit(np.column_stack([train[c] for c in columns]), train["label"].astype(bool))
    scores = model.predict_proba(np.column_stack([test[c] for c in columns]))[:, 1]
    expected = evaluate(scores, test["label"].to_numpy().astype(bool), options=OPTIONS)
    [outcome] = load_report(out)["tests"]
    assert same_json(outcome["details"]["evaluation"], expected.as_json())


def test_every_tabular_recipe_runs_side_by_side(domains, tmp_path, capsys):
    a, _, b_test = domains
    out = tmp_path / "r.json"
    recipes = ("logistic-regression", "random-forest", "gradient-boosting", "isolation-forest")
    extra = [x for r in recipes for x in ("--recipe", r)]
    result = run(
        capsys,
        *argv(
            b_test,
            "--label",
            "label",
            "--train",
            a,
            *extra,
            "--features",
            "f0,f1,f2",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0, result.err
    found = outcomes(load_report(out), "detector_validation")
    assert [o["details"]["detector"]["recipe"] for o in found] == list(recipes)
    for outcome in found:
        assert 0.0 <= measurement(outcome, "roc_auc")["value"] <= 1.0
    console = run(capsys, *argv(b_test, "--label", "label", "--train", a, *extra))
    assert console.code == 0 and "isolation-forest trained on bank_a.csv" in console.out


def test_training_on_the_data_itself_is_flagged_as_optimistic(domains, tmp_path, capsys):
    a, _, _ = domains
    out = tmp_path / "r.json"
    result = run(
        capsys,
        *argv(
            a,
            "--label",
            "label",
            "--train",
            a,
            "--recipe",
            "gradient-boosting",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0
    rows = len(pd.read_csv(a))
    assert f"{rows} of the {rows} rows validated also appear in the training file" in result.err
    [outcome] = load_report(out)["tests"]
    assert outcome["details"]["detector"]["shared_rows"] == rows


def text_file(path, attacks, benign, start=0):
    texts = attack_texts(attacks + start)[start:] + benign_texts(benign + start)[start:]
    labels = [1] * attacks + [0] * benign
    return write_csv(path, {"text": texts, "label": labels})


@pytest.mark.parametrize("recipe", ["tfidf-logistic", "prompt-injection"])
def test_text_recipes_train_score_and_take_rewrites(recipe, tmp_path, capsys):
    train = text_file(tmp_path / "train.csv", 150, 300)
    test = text_file(tmp_path / "test.csv", 60, 120, start=400)
    out = tmp_path / "r.json"
    result = run(
        capsys,
        *argv(
            test,
            "--label",
            "label",
            "--text",
            "text",
            "--train",
            train,
            "--recipe",
            recipe,
            "--rewrites",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0, result.err
    report = load_report(out)
    [validation] = outcomes(report, "detector_validation")
    assert measurement(validation, "roc_auc")["value"] > 0.9
    params = validation["details"]["detector"]["params"]
    assert params["C"] > 0 and "held-out" in params["chosen_on"]
    [robust] = outcomes(report, "detector_robustness")
    assert robust["details"]["rewrites"]["families"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--recipe", "random-forest"], "--recipe needs --train"),
        (["--train", "{data}"], "--train needs --recipe"),
        (["--train", "{data}", "--recipe", "svm"], "--recipe 'svm'"),
        (["--train", "{data}", "--recipe", "tfidf-logistic"], "--text"),
        (["--train", "{missing}", "--recipe", "random-forest"], "no such training file"),
    ],
)
def test_recipe_usage_errors_exit_2(domains, tmp_path, capsys, extra, message):
    a, _, b_test = domains
    extra = [x.format(data=a, missing=tmp_path / "nope.csv") for x in extra]
    result = run(capsys, *argv(b_test, "--label", "label", *extra))
    assert result.code == 2 and message in result.err, result.err


def test_a_training_file_of_one_class_exits_2(domains, tmp_path, capsys):
    a, _, b_test = domains
    one = pd.read_csv(a)
    one = one[one["label"] == 0]
    path = tmp_path / "benign_only.csv"
    one.to_csv(path, index=False)
    result = run(
        capsys,
        *argv(b_test, "--label", "label", "--train", path, "--recipe", "logistic-regression"),
    )
    assert result.code == 2 and "one class only" in result.err


# A Python function as the detector.

DETECTOR_MODULE = """\
import numpy as np

def linear(rows):
    return rows["f0"].to_numpy() + 0.5 * rows["f1"].to_numpy()

def short(rows):
    return np.zeros(len(rows) - 1)

def broken(rows):
    raise RuntimeError("model weights missing")

def nan(rows):
    return np.full(len(rows), np.nan)
"""


@pytest.mark.parametrize("form", ["file", "module"])
def test_a_python_function_is_the_detector(domains, tmp_path, capsys, form):
    _, _, b_test = domains
    path = tmp_path / "my_detector.py"
    path.write_text(DETECTOR_MODULE, encoding="utf-8")
    spec = f"{path}:linear" if form == "file" else "my_detector:linear"
    out = tmp_path / "r.json"
    result = run(
        capsys,
        *argv(
            b_test,
            "--label",
            "label",
            "--callable",
            spec,
            "--inputs",
            "f0,f1",
            "-f",
            "json",
            "-o",
            out,
        ),
    )
    assert result.code == 0, result.err
    frame = pd.read_csv(b_test)
    expected = evaluate(
        frame["f0"] + 0.5 * frame["f1"], frame["label"].astype(bool), options=OPTIONS
    )
    [outcome] = load_report(out)["tests"]
    assert same_json(outcome["details"]["evaluation"], expected.as_json())
    described = outcome["details"]["detector"]
    assert described["kind"] == "callable" and described["inputs"] == ["f0", "f1"]
    assert described["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("short", "answered 1999 scores for 2000 rows"),
        ("broken", "RuntimeError: model weights missing"),
        ("nan", "not a finite number"),
        ("absent", "has no 'absent'"),
    ],
)
def test_a_python_function_that_misbehaves_exits_2(domains, tmp_path, capsys, function, message):
    _, _, b_test = domains
    path = tmp_path / "my_detector.py"
    path.write_text(DETECTOR_MODULE, encoding="utf-8")
    result = run(
        capsys,
        *argv(b_test, "--label", "label", "--callable", f"{path}:{function}", "--inputs", "f0,f1"),
    )
    assert result.code == 2 and message in result.err, result.err


def test_callable_needs_inputs_and_a_valid_spec(domains, tmp_path, capsys):
    _, _, b_test = domains
    result = run(capsys, *argv(b_test, "--label", "label", "--callable", "x:y"))
    assert result.code == 2 and "--inputs" in result.err
    for spec in ("no_colon", "no_such_module_here:f", f"{tmp_path / 'gone.py'}:f"):
        result = run(
            capsys, *argv(b_test, "--label", "label", "--callable", spec, "--inputs", "f0")
        )
        assert result.code == 2, spec


# Times in milliseconds.


def test_milliseconds_give_the_same_windows_as_seconds(tmp_path, capsys):
    frame = drifting_detector()
    epoch = 1_767_225_600.0  # 2026-01-01, in seconds
    seconds = tmp_path / "seconds.csv"
    millis = tmp_path / "millis.csv"
    frame.assign(seconds=epoch + frame["seconds"]).to_csv(seconds, index=False)
    frame.assign(seconds=(epoch + frame["seconds"]) * 1000.0).to_csv(millis, index=False)
    reports = []
    for path, unit in ((seconds, "s"), (millis, "ms")):
        out = tmp_path / f"{unit}.json"
        result = run(
            capsys,
            *argv(
                path,
                "--label",
                "label",
                "--scores",
                "score",
                "--time",
                "seconds",
                "--time-unit",
                unit,
                "--window-seconds",
                str(DAY),
                "-f",
                "json",
                "-o",
                out,
            ),
        )
        assert result.code == 0, result.err
        assert "after the year 5000" not in result.err
        reports.append(outcomes(load_report(out), "detector_drift")[0]["details"]["time"])
    assert [w["rows"] for w in reports[0]["windows"]] == [w["rows"] for w in reports[1]["windows"]]
    assert len(reports[0]["windows"]) == 3


def test_milliseconds_read_as_seconds_are_warned_about(tmp_path, capsys):
    frame = drifting_detector()
    path = tmp_path / "millis.csv"
    frame.assign(seconds=(1_767_225_600.0 + frame["seconds"]) * 1000.0).to_csv(path, index=False)
    result = run(
        capsys,
        *argv(path, "--label", "label", "--scores", "score", "--time", "seconds", "--windows", "3"),
    )
    assert result.code == 0
    assert "after the year 5000" in result.err and "--time-unit ms" in result.err
    bad = run(
        capsys,
        *argv(
            path,
            "--label",
            "label",
            "--scores",
            "score",
            "--time",
            "seconds",
            "--windows",
            "3",
            "--time-unit",
            "fortnights",
        ),
    )
    assert bad.code == 2 and "--time-unit" in bad.err


# A command's output is bounded.

FLOODING_SCORER = """\
import sys
sys.stdin.read()
while True:
    sys.stdout.write("0.5\\n" * 10000)
"""

NOISY_FAILING_SCORER = """\
import sys
sys.stdin.read()
for _ in range(2000):
    sys.stderr.write("noise " * 1000 + "\\n")
sys.stderr.write("the real reason\\n")
sys.exit(4)
"""


def test_a_command_that_floods_its_output_is_stopped(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", {"label": [0, 1] * 50, "a": list(range(100))})
    scorer = write_script(tmp_path, "flood.py", FLOODING_SCORER)
    result = run(capsys, *argv(data, "--label", "label", "--command", scorer, "--inputs", "a"))
    assert result.code == 2 and "printed more than" in result.err, result.err


def test_a_failing_command_reports_the_end_of_its_errors(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", {"label": [0, 1] * 50, "a": list(range(100))})
    scorer = write_script(tmp_path, "noisy.py", NOISY_FAILING_SCORER)
    result = run(capsys, *argv(data, "--label", "label", "--command", scorer, "--inputs", "a"))
    assert result.code == 2
    assert "exited with 4: the real reason" in result.err, result.err[-500:]


def test_a_command_that_does_not_read_its_input_still_scores(tmp_path, capsys):
    rows = 5000
    data = write_csv(tmp_path / "d.csv", {"label": [0, 1] * (rows // 2), "a": ["x" * 200] * rows})
    script = textwrap.dedent(f"""\
        for i in range({rows}):
            print(i % 2)
    """)
    scorer = write_script(tmp_path, "deaf.py", script)
    result = run(capsys, *argv(data, "--label", "label", "--command", scorer, "--inputs", "a"))
    assert result.code == 0, result.err
