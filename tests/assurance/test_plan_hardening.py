"""Hostile or careless plans: secrets stay out of records, sizes are capped, library
failures become plan errors (exit 2), and a dying worker loses no test."""

from __future__ import annotations

import os

import numpy as np
import pytest

from aisec.assurance.outcome import AssuranceData
from aisec.assurance.plans.catalogue import KNOWN_TYPES, check_params
from aisec.assurance.plans.datasets import prepare
from aisec.assurance.plans.result import Status
from aisec.assurance.plans.runner import _Job, _outcomes, _parallel, run_plan
from aisec.assurance.plans.spec import PlanError, TestSpec, load_plan, plan_from_mapping
from aisec.assurance.plans.targets import build_target
from aisec.assurance.targets import CallableTarget, HttpTarget, SklearnTarget
from aisec.assurance.targets.http_target import public_url
from aisec.cli.main import main
from aisec.core.errors import ConfigError
from aisec.core.severity import Severity
from aisec.services.testing import snapshot

SECRET_URL = "https://alice:hunter2@models.example:8443/v1/predict?api_key=TOPSECRET&v=2"


def _plan(target=None, data=None, tests=None, **extra):
    raw = {
        "name": "h",
        "target": target or {"train": {"estimator": "logistic_regression"}},
        "data": data or {"source": "sklearn:breast_cancer"},
        "tests": tests or [{"type": "extraction", "params": {"budgets": [100]}}],
        **extra,
    }
    return plan_from_mapping(raw, known_types=KNOWN_TYPES)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (SECRET_URL, "https://***@models.example:8443/v1/predict?api_key=***&v=***"),
        ("http://host/p", "http://host/p"),
        ("https://token@host/p", "https://***@host/p"),
        ("http://u:p@[::1]:80/x", "http://***@[::1]:80/x"),
    ],
)
def test_public_urls_hide_credentials_and_query_values(url, shown):
    assert public_url(url) == shown


def test_an_endpoints_secrets_reach_neither_the_target_nor_the_run_record():
    plan = _plan(
        target={
            "http": {"url": SECRET_URL, "classes": [0, 1], "headers": {"Authorization": "Bearer X"}}
        }
    )
    built = build_target(plan, prepare(plan))
    assert isinstance(built.target, HttpTarget)
    config = repr(snapshot(plan, trust=False, jobs=None, fail_on=Severity.HIGH))
    for text in (built.description, built.target.name, config):
        assert "hunter2" not in text and "TOPSECRET" not in text and "Bearer X" not in text
    assert _parallel(built.target, 4, 5) == 1  # one process: the endpoint's rate limit holds


def test_schema_files_are_read_like_plans(tmp_path):
    bomb = tmp_path / "schema.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 20)]
    bomb.write_text("\n".join(lines) + "\n")
    plan = _plan(data={"source": "sklearn:iris", "schema": str(bomb)})
    with pytest.raises(ConfigError, match="aliases"):
        prepare(plan)


def test_csv_sources_are_capped(tmp_path):
    rows = "\n".join(f"id{i},{i % 7},{i % 2}" for i in range(400))
    wide = tmp_path / "wide.csv"
    wide.write_text("ident,x,label\n" + rows + "\n")
    with pytest.raises(PlanError, match=r"400 distinct"):
        prepare(_plan(data={"csv": str(wide), "label": "label"}))
    ok = prepare(_plan(data={"csv": str(wide), "label": "label", "drop": ["ident"]}))
    assert ok.feature_names == ["x"]
    with pytest.raises(PlanError, match="not a regular file"):
        prepare(_plan(data={"csv": str(tmp_path), "label": "label"}))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_boot": 10**9}, "at most"),
        ({"epsilons": [0.1] * 51}, "at most 50 values"),
        ({"budgets": [2 * 10**9]}, "at most"),
        ({"max_rows": float("nan")}, "at most"),
    ],
)
def test_work_sizes_are_capped_before_anything_runs(params, message):
    kind = "extraction" if "budgets" in params else "evasion"
    if "n_boot" in params:
        kind = "membership_inference"
    with pytest.raises(PlanError, match=message):
        check_params("tests[0]", kind, params)


def test_library_failures_while_preparing_are_plan_errors(tmp_path):
    with pytest.raises(PlanError, match="seed"):
        _plan(seed=2**40)
    with pytest.raises(PlanError, match="cannot split"):
        run_plan(_plan(data={"source": "sklearn:digits", "test_size": 0.05, "max_rows": 100}))
    with pytest.raises(PlanError, match="cannot prepare"):
        run_plan(_plan(target={"model": str(tmp_path / "missing.onnx")}))
    with pytest.raises((PlanError, ConfigError)):
        run_plan(_plan(target={"http": {"url": "http://127.0.0.1:9/x"}}))  # no classes


def test_cli_exits_2_on_a_plan_it_cannot_prepare(tmp_path, capsys):
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "name: p\ntarget: {model: nowhere.onnx}\ndata: {source: sklearn:iris}\n"
        "tests: [{type: extraction}]\n"
    )
    assert main(["test", str(plan), "--no-record"]) == 2
    assert "cannot prepare" in capsys.readouterr().err
    assert load_plan(plan, known_types=KNOWN_TYPES).tests[0].type == "extraction"


def test_fairness_takes_one_sensitive_name_as_a_string():
    pytest.importorskip("fairlearn")
    plan = _plan(
        data={"source": "sklearn:breast_cancer", "sensitive": ["mean radius"]},
        tests=[{"type": "fairness", "params": {"sensitive": "mean radius", "n_boot": 20}}],
    )
    (outcome,) = run_plan(plan, jobs=1).outcomes
    assert outcome.status is Status.PASSED, outcome.error


_PARENT = os.getpid()


def _dies_in_a_worker(x):
    if os.getpid() != _PARENT:
        os._exit(1)  # as the kernel's OOM killer would end it
    return np.zeros(len(x), dtype=np.int64)


_MARKER: list[str] = []


def _dies_once(x):
    # The first process to get here dies (as one killed for memory would); later ones work.
    marker = _MARKER[0]
    if os.getpid() != _PARENT and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return (x[:, 0] > 0).astype(np.int64)


def test_after_a_worker_dies_the_other_tests_run_in_processes_of_their_own(tmp_path):
    _MARKER[:] = [str(tmp_path / "died")]
    x = np.random.default_rng(0).normal(size=(60, 3))
    y = (x[:, 0] > 0).astype(np.int64)
    data = AssuranceData(x, y, x, y)
    target = CallableTarget(predict=_dies_once, classes=[0, 1])
    spec = TestSpec("e", "extraction", {"budgets": [10], "surrogates": ["logistic"]})
    jobs = [_Job(spec, target, data, None, 0, "m") for _ in range(3)]
    outcomes = list(_outcomes(jobs, 2))
    assert len(outcomes) == 3
    assert all(o.status is Status.PASSED for o in outcomes), [o.error for o in outcomes]
    assert any("process of its own" in " ".join(o.notes) for o in outcomes)


def test_a_test_that_always_kills_its_process_loses_only_itself():
    x = np.random.default_rng(0).normal(size=(40, 3))
    y = np.zeros(40, dtype=np.int64)
    data = AssuranceData(x, y, x, y)
    target = CallableTarget(predict=_dies_in_a_worker, classes=[0, 1])
    spec = TestSpec("e", "extraction", {"budgets": [10], "surrogates": ["logistic"]})
    jobs = [_Job(spec, target, data, None, 0, "m"), _Job(spec, target, data, None, 0, "m")]
    outcomes = list(_outcomes(jobs, 2))
    assert len(outcomes) == 2
    assert all(o.status is Status.ERROR and "process died" in o.error for o in outcomes)


def test_in_memory_models_run_in_parallel_and_others_do_not():
    from sklearn.linear_model import LogisticRegression

    x = np.random.default_rng(0).normal(size=(40, 3))
    target = SklearnTarget(LogisticRegression().fit(x, x[:, 0] > 0))
    assert _parallel(target, 2, 3) == 2
    assert _parallel(target, 2, 1) == 1


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://host/predict?sk-SECRET123", "https://host/predict?***"),
        ("https://user:pa/ss@host/x", "https://***@host/x"),
        ("https://user:pa#ss@host/x", "https://***@host/x"),
        ("https://user:p?ss@host/x?k=v", "https://***@host/x?k=***"),
        ("no scheme", "<URL without a scheme>"),
    ],
)
def test_public_urls_hide_bare_tokens_and_unencoded_passwords(url, shown):
    assert public_url(url) == shown


def test_redirects_are_refused_and_credentials_never_follow_them():
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from aisec.assurance.targets import EndpointError

    seen: list[str | None] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(json.dumps({"labels": [0]}).encode())

        do_POST = do_GET

        def log_message(self, *args):
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{other.server_port}/steal")
            self.end_headers()

        def log_message(self, *args):
            pass

    first = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    for server in (first, other):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = HttpTarget(
            f"http://127.0.0.1:{first.server_port}/predict",
            classes=[0, 1],
            proba_key=None,
            headers={"Authorization": "Bearer SECRET"},
            retries=0,
        )
        with pytest.raises(EndpointError, match="redirected"):
            target.predict(np.zeros((1, 3)))
    finally:
        for server in (first, other):
            server.shutdown()
            server.server_close()
    assert seen == []


def test_a_missing_extra_is_named_with_its_install_hint(monkeypatch, capsys, tmp_path):
    from aisec.assurance.plans import runner

    def no_pandas(plan):
        raise ModuleNotFoundError("No module named 'pandas'", name="pandas")

    monkeypatch.setattr(runner, "prepare", no_pandas)
    with pytest.raises(runner.MissingExtra, match="pandas"):
        run_plan(_plan())
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "name: p\ntarget: {train: {estimator: logistic_regression}}\n"
        "data: {source: sklearn:iris}\ntests: [{type: extraction}]\n"
    )
    assert main(["test", str(plan), "--no-record"]) == 2
    assert "aisec[assurance]" in capsys.readouterr().err


def test_compressed_csvs_are_refused_not_inflated(tmp_path):
    import gzip

    packed = tmp_path / "d.csv.gz"
    packed.write_bytes(gzip.compress(b"x,label\n" + b"1,0\n" * 100_000))
    with pytest.raises(PlanError, match="compressed"):
        prepare(_plan(data={"csv": str(packed), "label": "label"}))
