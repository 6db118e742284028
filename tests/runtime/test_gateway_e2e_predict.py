"""End to end: ``aisec gateway serve`` (a subprocess) in front of a scikit-learn model
server (a subprocess), keys made with ``aisec gateway keys``, the traffic log verified
with ``aisec gateway log verify`` afterwards."""

from __future__ import annotations

import json

import httpx
import pytest
from gateway_processes import cli, gateway_process, kserve_body, model_server, write_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from aisec.demo.model_server import trained_with_reference

    home = tmp_path_factory.mktemp("gateway-e2e")
    model, x_train, x_test = trained_with_reference("breast_cancer", home / "reference.json")
    names = [f"f{i}" for i in range(x_train.shape[1])]
    env = {"AISEC_DATABASE_URL": f"sqlite:///{home / 'aisec.db'}",
           "AISEC_AUDIT_KEY": str(home / "audit-key.pem")}  # fmt: skip
    with model_server() as upstream:
        config = write_config(home, {
            "capture": {"path": "captured.jsonl"},
            "models": [
                {"name": "tumour", "protocol": "kserve-v2", "upstream": upstream,
                 "upstream_model": "breast_cancer", "reference": "reference.json",
                 "detectors": {"evasion.ood": {"action": "block"},
                               "evasion.margin": {"action": "tag"},
                               "extraction.prada": {"action": "alert"}}},
                {"name": "other", "protocol": "mlflow", "upstream": upstream,
                 "features": names},
            ],
        })  # fmt: skip
        made = cli(["gateway", "keys", "create", "clinic", "--model", "tumour", "--route",
                    "predict", "--route", "metrics"], env, home)  # fmt: skip
        assert made.returncode == 0, made.stderr
        other = cli(["gateway", "keys", "create", "lab", "--model", "other"], env, home)
        with gateway_process(config, env, home) as (url, _):
            yield {"url": url, "upstream": upstream, "key": made.stdout.strip(),
                   "other_key": other.stdout.strip(), "x_test": x_test, "model": model,
                   "env": env, "home": home}  # fmt: skip


def _post(served, body, key=None, model="tumour"):
    headers = {"authorization": f"Bearer {key or served['key']}"} if key != "" else {}
    return httpx.post(f"{served['url']}/v2/models/{model}/infer", json=body, headers=headers,
                      timeout=30)  # fmt: skip


def test_a_benign_request_gets_the_models_own_answer(served):
    row = served["x_test"][:3]
    through = _post(served, kserve_body(row))
    assert through.status_code == 200
    direct = httpx.post(f"{served['upstream']}/v2/models/breast_cancer/infer",
                        json=kserve_body(row), timeout=30).json()  # fmt: skip
    assert through.json()["outputs"] == direct["outputs"]
    assert through.headers["x-aisec-request-id"]
    assert through.json()["outputs"][0]["data"] == served["model"].predict(row).tolist()


def test_requests_without_a_valid_key_are_refused(served):
    body = kserve_body(served["x_test"][:1])
    for key in ("", "aisg_" + "x" * 43, "not-a-key"):
        answer = _post(served, body, key=key)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "AISEC-E701"


def test_a_key_cannot_call_a_model_outside_its_scope(served):
    answer = _post(served, kserve_body(served["x_test"][:1]), key=served["other_key"])
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "AISEC-E702"


def test_an_out_of_distribution_input_is_blocked_before_the_model(served):
    far = served["x_test"][:1] * 40
    answer = _post(served, kserve_body(far))
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "AISEC-E712" and "evasion.ood" in error["message"]
    # How far and on which feature stays in the log: told to the client, it would guide
    # the next attempt to just under the threshold.
    assert "Mahalanobis" not in answer.text and "z=" not in answer.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        ({"inputs": []}, 422),
        ({"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}, 422),
        ({"instances": [[1.0]]}, 422),
        (b'{"inputs": [], "inputs": [{"name": "x"}]}', 400),  # a key twice: which one counts?
    ],
)
def test_unreadable_requests_get_a_clear_refusal(served, body, status):
    headers = {"authorization": f"Bearer {served['key']}"}
    url = f"{served['url']}/v2/models/tumour/infer"
    if isinstance(body, bytes):
        answer = httpx.post(url, content=body, headers=headers, timeout=30)
    else:
        answer = httpx.post(url, json=body, headers=headers, timeout=30)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == "AISEC-E711"


def test_unknown_routes_and_models_are_404(served):
    headers = {"authorization": f"Bearer {served['key']}"}
    for path in ("/v2/models/nope/infer", "/admin", "/v2/models/tumour/versions/v$1/infer"):
        assert httpx.post(served["url"] + path, json={}, headers=headers).status_code == 404


def test_metrics_need_a_key_and_count_the_traffic(served):
    assert _post(served, kserve_body(served["x_test"][:1])).status_code == 200
    assert httpx.get(f"{served['url']}/metrics").status_code == 401
    other = {"authorization": f"Bearer {served['other_key']}"}  # every route, but not named
    assert httpx.get(f"{served['url']}/metrics", headers=other).status_code == 403
    text = httpx.get(f"{served['url']}/metrics",
                     headers={"authorization": f"Bearer {served['key']}"}).text  # fmt: skip
    assert 'aisec_gateway_requests_total{action="allow",client="clinic",model="tumour"' in text


def test_the_traffic_log_holds_one_entry_per_request_and_verifies(served):
    """Every request the metrics counted (served, refused, blocked) is one entry of the
    traffic log, and the log verifies (its tail after the last checkpoint allowed, as
    the gateway is still running)."""
    import time

    for _ in range(5):
        _post(served, kserve_body(served["x_test"][:1]))
    metrics = httpx.get(f"{served['url']}/metrics",
                        headers={"authorization": f"Bearer {served['key']}"}).text  # fmt: skip
    requests = sum(
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
        if line.startswith("aisec_gateway_requests_total{")
    )  # fmt: skip
    env, home = served["env"], served["home"]
    deadline = time.monotonic() + 30  # the log is written by a thread, every 50 ms
    while True:
        check = cli(["gateway", "log", "verify", "--allow-unsigned-tail", "--format", "json"],
                    env, home)  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        report = json.loads(check.stdout)
        if (report and report[0]["tree_size"] >= requests) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(report) == 1 and report[0]["ok"], report
    assert report[0]["tree_size"] == requests
    assert report[0]["problems"] == []


def test_captured_traffic_replays_through_the_same_detectors(served):
    """The capture file holds what reached the model; replaying it offline with the same
    configuration fires the same detectors."""
    import time

    home, env = served["home"], served["env"]
    far = served["x_test"][1:2] * 30
    benign = served["x_test"][:2]
    assert _post(served, kserve_body(benign)).status_code == 200
    assert _post(served, kserve_body(far)).status_code == 403  # blocked: never reached the model
    path = home / "captured.jsonl"
    deadline = time.monotonic() + 30
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline, "nothing captured"
        time.sleep(0.1)
    captured = [json.loads(line) for line in path.read_text().splitlines()]
    assert all(line["model"] == "tumour" and line["client"] == "clinic" for line in captured)
    assert all(line["response"]["outputs"] for line in captured)  # only answered requests
    far_line = dict(captured[-1], request=kserve_body(far), label="attack")
    with path.open("a") as handle:
        handle.write(json.dumps(far_line) + "\n")
    replayed = cli(["gateway", "replay", str(path), "--config", str(home / "gateway.yaml"),
                    "--format", "json"], env, home)  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    report = json.loads(replayed.stdout)
    assert report["requests"] == len(captured) + 1
    assert report["detectors"]["evasion.ood"]["by_label"] == {"attack": 1}
    assert report["actions"]["block"] == 1
