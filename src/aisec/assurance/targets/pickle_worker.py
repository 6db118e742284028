"""The separate process that holds a trusted pickled model and answers queries.

Run as ``python -I -m aisec.assurance.targets.pickle_worker PATH SHA256`` by
:class:`~aisec.assurance.targets.pickled.PickledModelTarget`, never imported by aisec itself:
unpickling runs whatever the file says, so it happens here, after a clean scan, and only on
bytes whose digest matches the scanned copy. One JSON request per line on stdin, one JSON
answer per line on stdout.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any


def _answer(model: Any, request: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from aisec.assurance.targets import gradients

    op = request.get("op")
    if op == "info":
        return {
            "classes": np.asarray(model.classes_).tolist(),
            "scores": hasattr(model, "predict_proba"),
            "gradients": gradients.supports(model),
        }
    x = np.asarray(request["x"], dtype=np.float64)
    if op == "predict":
        raw = model.predict(x)
        return {"labels": np.searchsorted(model.classes_, raw).tolist()}
    if op == "proba":
        return {"proba": np.asarray(model.predict_proba(x), dtype=np.float64).tolist()}
    if op == "gradient":
        y = np.asarray(request["y"], dtype=np.int64)
        return {"gradient": gradients.loss_gradient(model, x, y).tolist()}
    return {"error": f"unknown op {op!r}"}


def main(path: str, digest: str) -> int:
    # Anything the model's code prints must not corrupt the protocol on stdout.
    protocol = sys.stdout
    sys.stdout = sys.stderr
    data = Path(path).read_bytes()  # read once: what is checked is what is loaded
    if hashlib.sha256(data).hexdigest() != digest:
        protocol.write(json.dumps({"error": "the file changed after it was scanned"}) + "\n")
        protocol.flush()
        return 1
    import joblib

    model = joblib.load(io.BytesIO(data))
    if not hasattr(model, "classes_") or not hasattr(model, "predict"):
        protocol.write(json.dumps({"error": "not a fitted classifier"}) + "\n")
        protocol.flush()
        return 1
    protocol.write(json.dumps({"ready": True}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        try:
            answer = _answer(model, json.loads(line))
        except Exception as exc:  # reported to the parent, which raises it there
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
