"""Alerts leave the gateway: a JSON-lines file, a signed webhook to a real receiver (a
small HTTP server in a thread), and a governance incident against the AI system, one
per (model, detector, client) per day; a detector that throttles holds its client."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
from gateway_processes import gateway_thread, kserve_body, model_server, write_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SECRET = "a webhook secret for the tests"


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def alerting(tmp_path_factory):
    from aisec.core.settings import Settings
    from aisec.demo.model_server import trained_with_reference
    from aisec.runtime.assemble import build_gateway
    from aisec.runtime.config import load_config
    from aisec.store.records import SystemAsset
    from aisec.store.store import open_store

    home = tmp_path_factory.mktemp("gateway-alerts")
    _, _, x_test = trained_with_reference("breast_cancer", home / "ref.json")
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/aisec"
    store = open_store(f"sqlite:///{home / 'aisec.db'}")
    store.inventory.add(SystemAsset(name="tumour-screening", owner="oncology"))
    with model_server() as upstream:
        config = load_config(write_config(home, {
            "allow_anonymous": True,
            "rate_limits": {"throttle_rate": 0.01, "throttle_seconds": 600},
            "alerts": {"jsonl": "alerts.jsonl",
                       "webhooks": [{"url": hook, "secret_env": "AISEC_TEST_HOOK_SECRET"}],
                       "incidents": {"system": "tumour-screening", "detectors": ["evasion.ood"],
                                     "categories": ["a"]}},
            "models": [{"name": "tumour", "upstream": upstream, "upstream_model": "breast_cancer",
                        "reference": "ref.json",
                        "detectors": {"evasion.ood": {"action": "throttle"}}}],
        }))  # fmt: skip
        gateway = build_gateway(config, store, Settings(audit_key=str(home / "key.pem")))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AISEC_TEST_HOOK_SECRET", SECRET)
            with gateway_thread(gateway) as url:
                yield {"url": url, "rows": x_test, "home": home, "store": store,
                       "gateway": gateway}  # fmt: skip
    receiver.shutdown()
    store.close()


def _wait(condition, what):
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"no {what}"
        time.sleep(0.05)


def test_an_alert_goes_to_the_file_the_webhook_and_governance(alerting):
    url = f"{alerting['url']}/v2/models/tumour/infer"
    far = alerting["rows"][:1] * 40
    first = httpx.post(url, json=kserve_body(far), timeout=30)
    assert first.status_code == 200  # throttle: this request is served, the client is held
    assert "evasion.ood" in first.headers["x-aisec-detections"]
    held = httpx.post(url, json=kserve_body(alerting["rows"][:1]), timeout=30)
    assert held.status_code == 429
    assert held.json()["error"]["code"] == "AISEC-E713"
    assert "throttled" in held.json()["error"]["message"]

    path = alerting["home"] / "alerts.jsonl"
    _wait(lambda: path.exists() and path.read_text().strip(), "alert line")
    line = json.loads(path.read_text().splitlines()[0])
    assert line["detector"] == "evasion.ood" and line["action"] == "throttle"
    assert line["request_id"] == first.headers["x-aisec-request-id"]

    _wait(lambda: Receiver.received, "webhook call")
    headers, body = Receiver.received[0]
    stamp, mac = (part.split("=", 1)[1] for part in headers["x-aisec-signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(mac, expected.hexdigest())
    assert json.loads(body)["detector"] == "evasion.ood"

    _wait(lambda: alerting["gateway"].alerts.incidents == 1, "incident")
    (incident,) = alerting["store"].incidents.list()
    assert incident.title == "gateway: evasion.ood on tumour (client anonymous)"
    assert "Mahalanobis" in incident.description
    assert incident.categories == ("a",)  # so its Art. 73 deadline is known (15 days)


def test_one_incident_per_detector_and_client_per_day(alerting):
    url = f"{alerting['url']}/v2/models/tumour/infer"
    alerting["gateway"].penalties.until.clear()  # let the held client send again
    httpx.post(url, json=kserve_body(alerting["rows"][1:2] * 50), timeout=30)
    _wait(lambda: alerting["gateway"].alerts.sent >= 2, "second alert")
    assert len(alerting["store"].incidents.list()) == 1
