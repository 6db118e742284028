"""Building a feature schema: inferred from data, or read from a YAML-like mapping.

Inference is conservative: it allows only what the data shows (observed ranges, observed
categories), because an attack that leaves the data's support produces inputs the real
system would never see. Anything it gets wrong is corrected in the mapping form, e.g.::

    columns:
      age: {type: integer, min: 17, max: 90, step: 1, immutable: true}
      hours_per_week: {type: numeric, min: 1, max: 99}
      education_num: {type: categorical, values: [1, 2, 3, 4]}
      workclass_private: {type: categorical, values: [0, 1]}
      workclass_public: {type: categorical, values: [0, 1]}
    one_hot:
      workclass: [workclass_private, workclass_public]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aisec.assurance.schema.column import Column, Kind, SchemaError
from aisec.assurance.schema.feature_schema import FeatureSchema

_KEYS = {"type", "min", "max", "step", "values", "immutable"}


def _number(column: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError(column, f"{key} must be a number, got {value!r}")
    return float(value)


def _column(name: str, spec: Any) -> Column:
    if not isinstance(spec, Mapping):
        raise SchemaError(name, f"must be a mapping of settings, got {type(spec).__name__}")
    unknown = set(spec) - _KEYS
    if unknown:
        raise SchemaError(name, f"unknown setting(s) {', '.join(sorted(map(str, unknown)))}")
    try:
        kind = Kind(spec.get("type", "numeric"))
    except ValueError:
        choices = ", ".join(k.value for k in Kind)
        raise SchemaError(name, f"type {spec['type']!r} is not one of {choices}") from None
    low = None if spec.get("min") is None else _number(name, "min", spec["min"])
    high = None if spec.get("max") is None else _number(name, "max", spec["max"])
    step = spec.get("step", 1.0 if kind is Kind.INTEGER else None)
    step = None if step is None else _number(name, "step", step)
    raw_values = spec.get("values", ())
    if not isinstance(raw_values, Sequence) or isinstance(raw_values, str):
        raise SchemaError(name, "values must be a list of numbers")
    values = tuple(sorted({_number(name, "values", v) for v in raw_values}))
    immutable = spec.get("immutable", False)
    if not isinstance(immutable, bool):
        raise SchemaError(name, f"immutable must be true or false, got {immutable!r}")
    return Column(name, kind, low, high, step, values, immutable)


def from_mapping(mapping: Mapping[str, Any]) -> FeatureSchema:
    columns = mapping.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise SchemaError(None, "the schema needs a non-empty 'columns' mapping")
    groups = mapping.get("one_hot") or {}
    if not isinstance(groups, Mapping):
        raise SchemaError(None, "'one_hot' must map a group name to a list of columns")
    one_hot: dict[str, tuple[str, ...]] = {}
    for group, members in groups.items():
        if not isinstance(members, Sequence) or isinstance(members, str):
            raise SchemaError(str(group), "a one-hot group must be a list of column names")
        one_hot[str(group)] = tuple(str(m) for m in members)
    return FeatureSchema(tuple(_column(str(n), s) for n, s in columns.items()), one_hot)


def _names(data: Any, names: Sequence[str] | None, width: int) -> list[str]:
    if names is not None:
        out = [str(n) for n in names]
    elif hasattr(data, "columns"):
        out = [str(c) for c in data.columns]
    else:
        out = [f"x{j}" for j in range(width)]
    if len(out) != width:
        raise SchemaError(None, f"{len(out)} names for {width} columns")
    return out


def _matrix(data: Any, names: list[str] | None) -> Any:
    import numpy as np

    if hasattr(data, "columns") and hasattr(data, "to_numpy"):
        for name in data.columns:  # name the column that cannot be a number
            try:
                np.asarray(data[name].to_numpy(), dtype=np.float64)
            except (TypeError, ValueError):
                raise SchemaError(
                    str(name), "is not numeric: encode it (label or one-hot) first"
                ) from None
        data = data.to_numpy()
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 2 or len(arr) == 0:
        raise SchemaError(None, f"need a non-empty 2-D table, got shape {arr.shape}")
    for j in np.flatnonzero(~np.isfinite(arr).all(axis=0)):
        name = names[j] if names else f"x{j}"
        raise SchemaError(name, "holds NaN or infinite values: impute them first")
    return arr


def infer(
    data: Any,
    *,
    names: Sequence[str] | None = None,
    immutable: Sequence[str] = (),
    categorical: Sequence[str] = (),
    one_hot: Mapping[str, Sequence[str]] | None = None,
    max_categories: int = 10,
) -> FeatureSchema:
    """A schema from a data frame or a 2-D array: observed ranges, integer columns on a
    step of 1, columns with at most ``max_categories`` integer values categorical."""
    import numpy as np

    width = len(data.columns) if hasattr(data, "columns") else np.shape(data)[-1]
    labels = _names(data, names, width)
    arr = _matrix(data, labels)
    for name in (*immutable, *categorical):
        if name not in labels:
            raise SchemaError(name, "no such column in the data")
    groups = {g: tuple(m) for g, m in (one_hot or {}).items()}
    in_group = {n for members in groups.values() for n in members}
    columns = []
    for j, name in enumerate(labels):
        v = arr[:, j]
        distinct = np.unique(v)
        whole = bool(np.all(v == np.round(v)))
        frozen = name in immutable
        if name in categorical or name in in_group or (whole and len(distinct) <= max_categories):
            values = (0.0, 1.0) if name in in_group else tuple(float(d) for d in distinct)
            columns.append(Column(name, Kind.CATEGORICAL, values=values, immutable=frozen))
        elif whole:
            lo, hi = float(v.min()), float(v.max())
            columns.append(Column(name, Kind.INTEGER, lo, hi, 1.0, immutable=frozen))
        else:
            columns.append(
                Column(name, Kind.NUMERIC, float(v.min()), float(v.max()), immutable=frozen)
            )
    return FeatureSchema(tuple(columns), groups)
