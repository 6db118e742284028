"""A detector that raises: ``fail: closed`` answers 503 before the model is called,
``fail: open`` passes the request on; either way the traffic log names the failure.
The failure is injected by replacing one detector's ``observe`` in the running gateway:
the detectors themselves never raise on any input (test_detectors_contract.py)."""

from __future__ import annotations

import httpx
import pytest
from gateway_processes import gateway_thread, kserve_body, model_server, write_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _broken(observation):
    raise RuntimeError("a bug in a detector")


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    from aisec.core.settings import Settings
    from aisec.demo.model_server import trained_with_reference
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.config import load_config
    from aisec.store.store import open_store

    home = tmp_path_factory.mktemp("gateway-fail")
    _, _, x_test = trained_with_reference("breast_cancer", home / "ref.json")
    with model_server() as upstream:
        models = [
            {"name": name, "upstream": upstream, "upstream_model": "breast_cancer",
             "reference": "ref.json", "fail": name, "detectors": {"evasion.ood": {}}}
            for name in ("open", "closed")
        ]  # fmt: skip
        config = load_config(write_config(home, {"allow_anonymous": True, "models": models}))
        store = open_store(f"sqlite:///{home / 'aisec.db'}")
        made = build_gateway(config, store, Settings(audit_key=str(home / "key.pem")))
        for guard in made.guards.values():
            guard.input_detectors[0].observe = _broken
        with gateway_thread(made) as url:
            yield {"url": url, "rows": x_test[:1], "gateway": made, "store": store}
        store.close()


def _entry(gateway, model):
    assert gateway["gateway"].log.flush(timeout=30)
    return [e for e in gateway["store"].gateway_log.iter_entries() if e.model == model][-1]


def test_fail_closed_refuses_when_a_detector_fails(gateway):
    answer = httpx.post(f"{gateway['url']}/v2/models/closed/infer",
                        json=kserve_body(gateway["rows"]), timeout=30)  # fmt: skip
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "AISEC-E712"
    assert "a bug in a detector" not in answer.text  # internals stay in the log
    entry = _entry(gateway, "closed")
    assert entry.action == "fail-closed" and entry.status == 503
    assert "a bug in a detector" in entry.payload["detector_errors"][0]


def test_fail_open_serves_and_records_the_failure(gateway):
    answer = httpx.post(f"{gateway['url']}/v2/models/open/infer",
                        json=kserve_body(gateway["rows"]), timeout=30)  # fmt: skip
    assert answer.status_code == 200
    entry = _entry(gateway, "open")
    assert entry.action == "allow" and entry.status == 200
    assert "evasion.ood: RuntimeError" in entry.payload["detector_errors"][0]
    metrics = httpx.get(f"{gateway['url']}/metrics").text
    assert 'aisec_gateway_detector_errors_total{detector="evasion.ood",model="open"} 1.0' in metrics
