"""Rows in, answers out: the feature matrix of a predict request and the predictions of
its answer, for the Open Inference Protocol (KServe v2), MLflow's ``/invocations`` and
custom JSON APIs described by JSON pointers.

A body the gateway cannot read as rows is a :class:`ProtocolError` (the client gets 422
and the reason) when the model declares its features; the upstream would have to guess
too, and a detector that cannot see the rows cannot protect them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aisec.core.errors import RequestRefused

if TYPE_CHECKING:
    from aisec.runtime.config import CustomShape
    from aisec.runtime.observation import FloatArray

# Names KServe servers give the class-probability output (sklearn and xgboost servers,
# Triton's python backends); any other 2-D output of as many rows is taken as well.
_PROBABILITY_NAMES = ("predict_proba", "probabilities", "probability", "proba", "scores")


class ProtocolError(RequestRefused):
    """The body does not hold what the protocol says it must (HTTP 422)."""


def _matrix(rows: object, names: Sequence[str], where: str, max_rows: int) -> FloatArray:
    import numpy as np

    if not isinstance(rows, list) or not rows:
        raise ProtocolError(f"{where} must be a non-empty list of rows")
    if len(rows) > max_rows:
        raise ProtocolError(f"{where} has {len(rows)} rows; this model takes at most {max_rows}")
    if isinstance(rows[0], Mapping):
        rows = [_record(row, names, f"{where}[{i}]") for i, row in enumerate(rows)]
    elif not isinstance(rows[0], list):  # one row given flat
        rows = [rows]
    try:
        matrix = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProtocolError(f"{where} must hold numbers only, in rows of equal length") from None
    return _checked(matrix, names, where)


def _record(row: object, names: Sequence[str], where: str) -> list[Any]:
    if not isinstance(row, Mapping):
        raise ProtocolError(f"{where} must be an object like the other rows")
    if not names:
        raise ProtocolError(f"{where} names its columns but the model declares no features")
    missing = [name for name in names if name not in row]
    if missing:
        raise ProtocolError(f"{where} lacks the feature {missing[0]!r}")
    return [row[name] for name in names]


def _checked(matrix: FloatArray, names: Sequence[str], where: str) -> FloatArray:
    import numpy as np

    if matrix.ndim != 2:
        raise ProtocolError(f"{where} must be a list of rows (a 2-D array), not {matrix.ndim}-D")
    if names and matrix.shape[1] != len(names):
        raise ProtocolError(
            f"{where} rows have {matrix.shape[1]} values; the model takes {len(names)} features"
        )
    if not bool(np.isfinite(matrix).all()):
        raise ProtocolError(f"{where} holds NaN or infinite values")
    return matrix


def kserve_rows(body: object, names: Sequence[str], max_rows: int) -> FloatArray:
    """``{"inputs": [{"name", "shape", "datatype", "data"}]}``: one tensor of shape
    (rows, features), or one tensor per feature (named as the features)."""
    import numpy as np

    if not isinstance(body, Mapping) or not isinstance(body.get("inputs"), list):
        raise ProtocolError("an inference request needs an 'inputs' list (Open Inference Protocol)")
    tensors = body["inputs"]
    if not tensors or not all(isinstance(t, Mapping) for t in tensors):
        raise ProtocolError("'inputs' must be a non-empty list of tensors")
    if len(tensors) == 1:
        return _tensor(tensors[0], names, "inputs[0]", max_rows)
    by_name = {t.get("name"): t for t in tensors}
    if not names or set(names) - set(by_name):
        raise ProtocolError("several input tensors must be named after the model's features")
    columns = [_flat(by_name[name], f"input {name!r}", max_rows) for name in names]
    if len({len(c) for c in columns}) != 1:
        raise ProtocolError("the input tensors hold different numbers of rows")
    return _checked(np.stack(columns, axis=1), names, "inputs")


def _flat(tensor: Mapping[str, Any], where: str, max_rows: int) -> FloatArray:
    import numpy as np

    try:
        values = np.asarray(tensor.get("data"), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ProtocolError(f"{where}: 'data' must hold numbers only") from None
    if values.size == 0 or values.size > max_rows:
        raise ProtocolError(f"{where}: between 1 and {max_rows} values expected")
    return values


def _tensor(
    tensor: Mapping[str, Any], names: Sequence[str], where: str, max_rows: int
) -> FloatArray:
    import numpy as np

    shape = tensor.get("shape")
    if not isinstance(shape, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ProtocolError(f"{where}: 'shape' must be a list of sizes")
    try:
        values = np.asarray(tensor.get("data"), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ProtocolError(f"{where}: 'data' must hold numbers only") from None
    if math.prod(shape) != values.size:
        raise ProtocolError(f"{where}: 'data' holds {values.size} values, 'shape' says {shape}")
    rows = shape[0] if len(shape) == 2 else 1
    if rows > max_rows:
        raise ProtocolError(f"{where} has {rows} rows; this model takes at most {max_rows}")
    width = values.size // rows if rows else 0
    return _checked(values.reshape(rows, width), names, where)


def mlflow_rows(body: object, names: Sequence[str], max_rows: int) -> FloatArray:
    """MLflow scoring server bodies: ``dataframe_split`` (columns reordered to the
    model's features), ``dataframe_records``, ``instances`` or ``inputs``."""
    if not isinstance(body, Mapping):
        raise ProtocolError("an /invocations request must be a JSON object")
    if "dataframe_split" in body:
        split = body["dataframe_split"]
        if not isinstance(split, Mapping) or not isinstance(split.get("data"), list):
            raise ProtocolError("'dataframe_split' needs 'data' (and 'columns')")
        columns = split.get("columns")
        data = split["data"]
        if names and isinstance(columns, list) and columns != list(names):
            if not all(isinstance(row, list) and len(row) == len(columns) for row in data):
                raise ProtocolError("'dataframe_split' rows must match its 'columns'")
            data = [dict(zip(columns, row, strict=True)) for row in data]
        return _matrix(data, names, "dataframe_split.data", max_rows)
    for key in ("dataframe_records", "instances", "inputs"):
        if key in body:
            return _matrix(body[key], names, key, max_rows)
    raise ProtocolError(
        "an /invocations request needs one of dataframe_split, dataframe_records, "
        "instances or inputs"
    )


def pointer(document: object, path: str) -> object:
    """RFC 6901: the value at ``path``; KeyError when there is none."""
    if path == "":
        return document
    node = document
    for raw in path.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(path)
    return node


def custom_rows(
    body: object, names: Sequence[str], shape: CustomShape, max_rows: int
) -> FloatArray:
    try:
        rows = pointer(body, shape.inputs)
    except KeyError:
        raise ProtocolError(f"the request has nothing at {shape.inputs}") from None
    return _matrix(rows, names, shape.inputs, max_rows)


def kserve_answers(body: object, rows: int) -> tuple[FloatArray | None, FloatArray | None]:
    """Predictions (one per row) and class probabilities (rows x classes), when the
    answer holds them; ``(None, None)`` for an answer the gateway cannot read (it is
    passed on as it is, and the output detectors see nothing)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("outputs"), list):
        return None, None
    predictions = probabilities = None
    for tensor in body["outputs"]:
        if not isinstance(tensor, Mapping):
            continue
        values = _numbers(tensor.get("data"))
        if values is None or values.size % max(rows, 1):
            continue
        # An output of shape [rows] is one value per row; [rows, k] is k per row.
        values = values.reshape(rows, -1) if rows else values
        name = str(tensor.get("name", "")).lower()
        if values.shape[1] > 1 or any(n in name for n in _PROBABILITY_NAMES):
            probabilities = probabilities if probabilities is not None else values
        elif predictions is None:
            predictions = values[:, 0]
    return predictions, _probabilities(probabilities)


def list_answers(
    body: object, rows: int, predictions_at: str, probabilities_at: str | None
) -> tuple[FloatArray | None, FloatArray | None]:
    """MLflow (``/predictions``) and custom answers: a list of numbers is a prediction
    per row; a list of equal-length lists is a probability row per row."""
    import numpy as np

    try:
        found = pointer(body, predictions_at)
    except KeyError:
        return None, None
    values = _numbers(found)
    if values is None or values.shape[0] != rows:
        return None, None
    probabilities = None
    if values.ndim == 2 and values.shape[1] > 1:
        probabilities, values = values, np.argmax(values, axis=1).astype(np.float64)
    elif values.ndim == 2:
        values = values[:, 0]
    if probabilities_at is not None:
        try:
            extra = _numbers(pointer(body, probabilities_at))
        except KeyError:
            extra = None
        if extra is not None and extra.ndim == 2 and extra.shape[0] == rows:
            probabilities = extra
    return values, _probabilities(probabilities)


def _numbers(value: object) -> FloatArray | None:
    import numpy as np

    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if array.ndim not in (1, 2) or array.size == 0 or not bool(np.isfinite(array).all()):
        return None
    return array


def _probabilities(values: FloatArray | None) -> FloatArray | None:
    # A 2-D answer that does not sum to one per row is scores, not probabilities: the
    # margin detectors would misread it.
    import numpy as np

    if values is None or values.ndim != 2 or values.shape[1] < 2:
        return None
    # np.allclose costs ~80 us per call through its generality; this runs per request.
    if float(np.abs(values.sum(axis=1) - 1.0).max()) > 1e-3 or float(values.min()) < 0:
        return None
    return values
