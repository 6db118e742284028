"""The demo's runtime part: the inference gateway in front of a tumour-screening model,
with benign traffic and two attacks replayed through it over loopback HTTP.

The model server (a breast-cancer classifier, :mod:`aisec.demo.model_server`) and the
gateway run in threads of this process on free ports. A clinic sends the held-out rows;
a partner's key then runs the assurance extraction attack's queries (real rows, then
blends of them) and one out-of-distribution probe. With the store, every request is in
the traffic log (stream ``demo-gateway``), which is verified at the end, and the
dashboard's gateway page shows the activity.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aisec.core.settings import Settings

STREAM = "demo-gateway"
MODEL = "tumour-screening"
EXTRACTION_QUERIES = 400
# tag: alerted, and named in the answer's X-Aisec-Detections header, where the demo's
# clients see it (traffic keeps flowing, so the whole attack can be measured).
DETECTORS = {
    "evasion.ood": {"action": "block"},
    "evasion.margin": {"action": "tag"},
    "extraction.prada": {"action": "tag"},
    "extraction.boundary": {"action": "tag"},
    "extraction.distribution": {"action": "tag"},
    "drift.input": {"action": "tag"},
}


@dataclass
class GatewayDemo:
    benign: int = 0
    benign_alarms: int = 0
    extraction: int = 0
    extraction_first_alarm: int | None = None  # queries until the first alarm
    extraction_detectors: list[str] = field(default_factory=list)
    probe_blocked: bool = False
    fired: Counter[str] = field(default_factory=Counter)
    entries: int | None = None  # in the traffic log; None without the store
    verified: bool | None = None

    @property
    def caught(self) -> bool:
        flagged = self.extraction_first_alarm is not None
        return flagged and self.probe_blocked and self.benign_alarms == 0


def run_gateway_demo(directory: Path, settings: Settings, *, store: bool) -> GatewayDemo:
    import numpy as np

    from aisec.assurance.extraction.query_pool import synthesize_queries
    from aisec.demo.model_server import ModelServer, trained_with_reference

    directory.mkdir(parents=True, exist_ok=True)
    model, x_train, x_test = trained_with_reference("breast_cancer", directory / "reference.json")
    upstream = ModelServer("breast_cancer", model, x_train.shape[1])
    keys = {"clinic-app": "aisg_" + secrets.token_urlsafe(32),
            "partner-batch": "aisg_" + secrets.token_urlsafe(32)}  # fmt: skip
    with _serving(upstream) as upstream_url:
        config = _config(directory, upstream_url, keys)
        opened = _store(settings) if store else None
        try:
            gateway = _gateway(config, opened, settings)
            with _serving(gateway) as url:
                result = GatewayDemo()
                _benign(url, keys["clinic-app"], x_test, result)
                rng = np.random.default_rng(7)
                queries = synthesize_queries(x_test[rng.permutation(len(x_test))[:80]],
                                             EXTRACTION_QUERIES, seed=7)  # fmt: skip
                _extraction(url, keys["partner-batch"], queries, result)
                _probe(url, keys["partner-batch"], x_test[:1] * 40, result)
            if opened is not None:
                _check_log(opened, settings, result)
        finally:
            if opened is not None:
                opened.close()
    return result


def _config(directory: Path, upstream: str, keys: dict[str, str]) -> Any:
    from aisec.runtime.access.tokens import key_hash
    from aisec.runtime.config import parse_config

    return parse_config({
        "instance": STREAM,
        "audit": {"spool_dir": "spool", "checkpoint_every": 200},
        "keys": [{"name": name, "sha256": key_hash(key), "models": [MODEL]}
                 for name, key in keys.items()],
        "models": [{"name": MODEL, "protocol": "kserve-v2", "upstream": upstream,
                    "upstream_model": "breast_cancer", "reference": "reference.json",
                    "detectors": DETECTORS}],
    }, base=directory)  # fmt: skip


def _store(settings: Settings) -> Any:
    from aisec.store import open_store

    return open_store(settings=settings)


def _gateway(config: Any, store: Any, settings: Settings) -> Any:
    from aisec.runtime.assemble import build_gateway

    return build_gateway(config, store, settings, record=store is not None)


class _Client:
    """One keep-alive connection to the gateway (the standard library's: the demo needs
    no HTTP client beyond what the gateway extra installs)."""

    def __init__(self, url: str, key: str) -> None:
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        self.headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}

    def post(self, rows: Any) -> tuple[int, list[str]]:
        """The answer's status and the detectors it was tagged with."""
        body = {"inputs": [{"name": "x", "shape": list(rows.shape), "datatype": "FP64",
                            "data": rows.ravel().tolist()}]}  # fmt: skip
        self.connection.request("POST", f"/v2/models/{MODEL}/infer", json.dumps(body),
                                self.headers)  # fmt: skip
        answer = self.connection.getresponse()
        answer.read()
        tagged = answer.getheader("x-aisec-detections") or ""
        return answer.status, [name for name in tagged.split(",") if name]

    def close(self) -> None:
        self.connection.close()


def _benign(url: str, key: str, rows: Any, result: GatewayDemo) -> None:
    client = _Client(url, key)
    try:
        for row in rows:
            status, fired = client.post(row[None, :])
            result.benign += 1
            result.fired.update(fired)
            result.benign_alarms += bool(fired) or status != 200
    finally:
        client.close()


def _extraction(url: str, key: str, queries: Any, result: GatewayDemo) -> None:
    client = _Client(url, key)
    try:
        for number, row in enumerate(queries, 1):
            _, fired = client.post(row[None, :])
            result.extraction += 1
            result.fired.update(fired)
            alarms = [f for f in fired if f != "evasion.margin"]  # a tag alone is no alarm
            if alarms and result.extraction_first_alarm is None:
                result.extraction_first_alarm = number
                result.extraction_detectors = alarms
    finally:
        client.close()


def _probe(url: str, key: str, row: Any, result: GatewayDemo) -> None:
    client = _Client(url, key)
    try:
        status, _ = client.post(row)
    finally:
        client.close()
    result.probe_blocked = status == 403
    result.fired["evasion.ood"] += result.probe_blocked


def _check_log(store: Any, settings: Settings, result: GatewayDemo) -> None:
    from aisec.governance.audit.keys import load_verify_key, public_key_path
    from aisec.runtime.assemble import signing_key_path
    from aisec.runtime.audit.verify import verify_stream

    result.entries = store.gateway_log.count(stream=STREAM)
    public = public_key_path(signing_key_path(store, settings))
    report = verify_stream(store, STREAM, load_verify_key(public))
    result.verified = report.ok


class _serving:
    """An ASGI app served by uvicorn in a thread on a free loopback port; the base URL."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server: Any = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> str:
        import socket

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(
            self.app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
            lifespan="auto",
        ))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("a demo server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=60)
