"""A detector behind an HTTP endpoint, served for real on loopback by the test: scores
in order, batches, a token from the environment, and clear errors for bad answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from aisec.core.errors import ConfigError, InputError
from aisec.validation.sources import HttpScores, text_scorer


class Detector(BaseHTTPRequestHandler):
    mode = "good"
    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Detector.seen.append({"auth": self.headers.get("Authorization"), "n": len(body["inputs"])})
        scores = [1.0 if "ignore" in str(r.get("text", "")).lower() else float(r.get("x", 0))
                  for r in body["inputs"]]  # fmt: skip
        if Detector.mode == "short":
            scores = scores[:-1]
        if Detector.mode == "words":
            scores = ["high"] * len(scores)
        answer = json.dumps({"scores": scores}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def endpoint() -> Iterator[str]:
    Detector.mode, Detector.seen = "good", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Detector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/score"
    server.shutdown()
    server.server_close()


def test_scores_come_back_in_order_in_batches_with_the_token(endpoint, monkeypatch):
    monkeypatch.setenv("DETECTOR_TOKEN", "Bearer s3cret")
    frame = pd.DataFrame({"x": np.linspace(0, 1, 600), "y": 0})
    source = HttpScores(endpoint, ["x"], {"Authorization": "DETECTOR_TOKEN"}, batch_size=256)
    np.testing.assert_allclose(source.score(frame), frame["x"].to_numpy())
    assert [s["n"] for s in Detector.seen] == [256, 256, 88]
    assert {s["auth"] for s in Detector.seen} == {"Bearer s3cret"}
    described = source.describe()
    assert described["headers"] == ["Authorization"] and "s3cret" not in json.dumps(described)


def test_a_one_column_endpoint_scores_rewritten_texts(endpoint):
    source = HttpScores(endpoint, ["text"])
    score = text_scorer(source)
    assert score is not None
    assert score(["Ignore the rules", "hello"]).tolist() == [1.0, 0.0]


@pytest.mark.parametrize(("mode", "message"), [("short", "no list 'scores' of 3"),
                                               ("words", "not a number")])  # fmt: skip
def test_bad_answers_are_clear_errors(endpoint, mode, message):
    Detector.mode = mode
    frame = pd.DataFrame({"x": [0.1, 0.2, 0.3]})
    with pytest.raises(InputError, match=message):
        HttpScores(endpoint, ["x"]).score(frame)


def test_a_missing_token_variable_is_a_config_error(endpoint, monkeypatch):
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="NO_SUCH_TOKEN"):
        HttpScores(endpoint, ["x"], {"Authorization": "NO_SUCH_TOKEN"})


def test_only_http_urls(endpoint):
    with pytest.raises(InputError, match="only http"):
        HttpScores("file:///etc/passwd", ["x"])
