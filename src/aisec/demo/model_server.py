"""A small model server for the demo, the gateway's tests and its benchmark: a
scikit-learn classifier trained at start from a dataset bundled with scikit-learn, served
over the Open Inference Protocol (KServe v2) and MLflow's ``/invocations``.

    python -m aisec.demo.model_server --port 9000 [--dataset breast_cancer] [--trivial]

Nothing is loaded from disk (no pickle): the model is trained from the bundled data with
a fixed seed, so every process serves the same model. ``--trivial`` answers a fixed
prediction without running a model, as the upstream of throughput measurements.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
DATASETS = ("breast_cancer", "wine", "digits")


def trained(dataset: str) -> tuple[Any, Any, Any]:
    """(model, training rows, held-out rows): logistic regression on standardised
    features, trained on a fixed 70% split."""
    import numpy as np
    from sklearn import datasets
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = getattr(datasets, f"load_{dataset}")(return_X_y=True)
    x_train, x_test, y_train, _ = train_test_split(
        np.asarray(x, dtype=np.float64), y, test_size=0.3, random_state=0, stratify=y
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=0))
    return model.fit(x_train, y_train), x_train, x_test


def trained_with_reference(dataset: str, path: Path) -> tuple[Any, Any, Any]:
    """:func:`trained`, and the gateway's reference statistics of that model written to
    ``path``: inputs from the training rows, answers from the held-out rows."""
    from aisec.runtime.reference_build import reference_with_answers

    model, x_train, x_test = trained(dataset)
    names = [f"f{i}" for i in range(x_train.shape[1])]
    reference_with_answers(
        x_train, x_test, names=names, predictions=model.predict(x_test),
        probabilities=model.predict_proba(x_test),
    ).save(path)  # fmt: skip
    return model, x_train, x_test


class ModelServer:
    def __init__(self, name: str, model: Any, width: int, *, trivial: bool = False) -> None:
        self.name, self.model, self.width, self.trivial = name, model, width, trivial

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        if method == "GET" and path in ("/v2/health/ready", f"/v2/models/{self.name}"):
            await _send(send, 200, {"name": self.name, "platform": "sklearn", "ready": True})
        elif method == "POST" and path == f"/v2/models/{self.name}/infer":
            await self._infer(send, body, kserve=True)
        elif method == "POST" and path == "/invocations":
            await self._infer(send, body, kserve=False)
        else:
            await _send(send, 404, {"error": f"no route {method} {path}"})

    async def _infer(self, send: Send, body: bytes, *, kserve: bool) -> None:
        import numpy as np

        try:
            request = json.loads(body)
            if kserve:
                tensor = request["inputs"][0]
                rows = np.asarray(tensor["data"], dtype=np.float64).reshape(-1, self.width)
            else:
                rows = np.asarray(request["instances"], dtype=np.float64).reshape(-1, self.width)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            await _send(send, 400, {"error": f"bad request: {exc}"})
            return
        if self.trivial:
            labels = [0] * len(rows)
            scores = [[0.5, 0.5]] * len(rows)
        else:
            labels = self.model.predict(rows).tolist()
            scores = self.model.predict_proba(rows).tolist()
        if not kserve:
            await _send(send, 200, {"predictions": scores})
            return
        classes = len(scores[0])
        flat = [p for row in scores for p in row]
        await _send(send, 200, {"model_name": self.name, "outputs": [
            {"name": "predict", "shape": [len(rows)], "datatype": "INT64", "data": labels},
            {"name": "predict_proba", "shape": [len(rows), classes], "datatype": "FP64",
             "data": flat},
        ]})  # fmt: skip


async def _send(send: Send, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--dataset", choices=DATASETS, default="breast_cancer")
    parser.add_argument("--name", default=None, help="the model's name [the dataset's]")
    parser.add_argument("--trivial", action="store_true", help="answer without a model")
    args = parser.parse_args(argv)
    model, x_train, _ = trained(args.dataset)
    app = ModelServer(args.name or args.dataset, model, x_train.shape[1], trivial=args.trivial)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                lifespan="off")  # fmt: skip


if __name__ == "__main__":
    main()
