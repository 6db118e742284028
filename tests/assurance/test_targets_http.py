"""The HTTP target against a local server started in the test (never the internet):
batching, retries with backoff, the rate limit, the budget, and malformed answers."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.targets import (
    Capability,
    EndpointError,
    HttpTarget,
    QueryBudgetExceeded,
)


class Model:
    """What the local server runs, and the failures it is told to simulate."""

    def __init__(self):
        x, y = load_breast_cancer(return_X_y=True)
        self.x = x
        self.model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
        self.batches = []
        self.times = []
        self.fail_next = []  # statuses to answer with before answering properly
        self.body = None  # raw body to answer with instead of the model's


@pytest.fixture(scope="module")
def server():
    state = Model()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            state.times.append(time.monotonic())
            rows = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["inputs"]
            if state.fail_next:
                status = state.fail_next.pop(0)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                return
            state.batches.append(len(rows))
            x = np.asarray(rows)
            labels = ["benign" if v else "malignant" for v in state.model.predict(x)]
            body = (
                state.body
                or json.dumps(
                    {"labels": labels, "probabilities": state.model.predict_proba(x).tolist()}
                ).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{httpd.server_address[1]}/predict"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fresh(server):
    state, url = server
    state.batches.clear()
    state.times.clear()
    state.fail_next.clear()
    state.body = None
    return state, url


CLASSES = ["malignant", "benign"]


def test_answers_match_the_model_in_batches(fresh):
    state, url = fresh
    target = HttpTarget(url, classes=CLASSES, batch_size=50, budget=500)
    assert target.capabilities == {Capability.LABELS, Capability.SCORES}
    x = state.x[:120]
    assert (target.predict(x) == state.model.predict(x)).all()
    assert np.allclose(target.predict_proba(x), state.model.predict_proba(x))
    assert state.batches == [50, 50, 20, 50, 50, 20]
    assert target.budget.used == 240
    with pytest.raises(QueryBudgetExceeded):
        target.predict(state.x[:261])
    assert target.requests == 6  # a refused query never reaches the endpoint


def test_retries_with_backoff_then_succeeds(fresh):
    state, url = fresh
    state.fail_next[:] = [503, 429]
    slept = []
    target = HttpTarget(url, classes=CLASSES, retries=3, backoff=0.25, sleep=slept.append)
    assert (target.predict(state.x[:5]) == state.model.predict(state.x[:5])).all()
    assert slept == [0.25, 0.5]
    assert target.requests == 3


def test_gives_up_after_the_retries(fresh):
    state, url = fresh
    state.fail_next[:] = [500, 500, 500]
    target = HttpTarget(url, classes=CLASSES, retries=2, sleep=lambda s: None)
    with pytest.raises(EndpointError, match="no answer after 3 attempt"):
        target.predict(state.x[:1])


def test_client_errors_are_not_retried(fresh):
    state, url = fresh
    state.fail_next[:] = [400]
    target = HttpTarget(url, classes=CLASSES, sleep=lambda s: None)
    with pytest.raises(EndpointError, match="HTTP 400"):
        target.predict(state.x[:1])
    assert target.requests == 1


def test_rate_limit_spaces_requests(fresh):
    state, url = fresh
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        time.sleep(seconds)

    target = HttpTarget(
        url, classes=CLASSES, batch_size=10, max_requests_per_second=20, sleep=sleep
    )
    start = time.monotonic()
    target.predict(state.x[:40])
    # Measured where the limit is enforced (the client), not at the server, whose
    # arrival times jitter with thread scheduling.
    assert len(state.batches) == 4
    assert len(slept) <= 3  # a request slower than 1/20 s needs no wait after it
    assert all(0 < s <= 0.05 for s in slept)
    assert time.monotonic() - start >= 0.15


def test_labels_only_endpoint_and_bad_answers(fresh):
    state, url = fresh
    target = HttpTarget(url, classes=CLASSES, proba_key=None)
    assert target.capabilities == {Capability.LABELS}
    state.body = b"not json"
    with pytest.raises(EndpointError, match="not JSON"):
        target.predict(state.x[:1])
    state.body = json.dumps({"labels": ["benign"]}).encode()
    with pytest.raises(EndpointError, match="no list 'labels' of 2"):
        target.predict(state.x[:2])
    state.body = json.dumps({"labels": ["spam"]}).encode()
    with pytest.raises(EndpointError, match="'spam' is not one of the classes"):
        target.predict(state.x[:1])


def test_only_http_urls():
    with pytest.raises(EndpointError, match="only http"):
        HttpTarget("file:///etc/passwd")


def test_unreachable_endpoint():
    target = HttpTarget("http://127.0.0.1:9/", retries=1, timeout=2, sleep=lambda s: None)
    with pytest.raises(EndpointError, match="no answer after 2 attempt"):
        target.predict([[0.0]])
