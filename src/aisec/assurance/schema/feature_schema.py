"""The feature schema of a tabular model, and the projection every perturbation goes through.

``project(x_adv, x_orig)`` is the single place where a perturbed batch becomes a batch
the real system could receive: per-column ranges, integer steps and categorical values,
one-hot groups kept one-hot (the largest entry wins, so the perturbation still chooses
the category), and immutable columns (age, sex, a contract date) put back as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aisec.assurance.schema.column import (
    BoolArray,
    Column,
    FloatArray,
    Kind,
    SchemaError,
)


@dataclass(frozen=True, slots=True)
class FeatureSchema:
    columns: tuple[Column, ...]
    one_hot: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for column in self.columns:
            if column.name in seen:
                raise SchemaError(column.name, "listed twice")
            seen.add(column.name)
        grouped: dict[str, str] = {}
        for group, members in self.one_hot.items():
            if len(members) < 2:
                raise SchemaError(group, "a one-hot group needs at least two columns")
            for name in members:
                if name not in seen:
                    raise SchemaError(name, f"in one-hot group {group!r} but not a column")
                if name in grouped:
                    raise SchemaError(name, f"in one-hot groups {grouped[name]!r} and {group!r}")
                grouped[name] = group
                column = self.column(name)
                if column.kind is not Kind.CATEGORICAL or column.values != (0.0, 1.0):
                    raise SchemaError(name, f"in one-hot group {group!r}: must be 0/1 categorical")
            flags = {self.column(name).immutable for name in members}
            if len(flags) > 1:
                raise SchemaError(group, "mixes immutable and mutable columns of one group")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise SchemaError(name, "no such column")

    def _index(self, name: str) -> int:
        return self.names.index(name)

    def _check_shape(self, x: Any) -> FloatArray:
        import numpy as np

        arr = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") else x, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != len(self.columns):
            raise SchemaError(
                None, f"batch of shape {arr.shape}, schema has {len(self.columns)} columns"
            )
        return arr

    def project(self, x_adv: Any, x_orig: Any | None = None) -> FloatArray:
        """A valid copy of ``x_adv``; ``x_orig`` supplies the immutable columns (required
        when the schema has any)."""
        import numpy as np

        adv = self._check_shape(x_adv)
        immutable = [j for j, c in enumerate(self.columns) if c.immutable]
        orig = None if x_orig is None else self._check_shape(x_orig)
        if orig is not None and orig.shape != adv.shape:
            raise SchemaError(None, f"x_orig has shape {orig.shape}, x_adv {adv.shape}")
        if immutable and orig is None:
            raise SchemaError(self.columns[immutable[0]].name, "immutable: project needs x_orig")
        # NaN and infinity have no nearest valid value: such an entry falls back to the
        # original (undoing that coordinate's perturbation), or to 0 without one.
        fallback = np.zeros_like(adv) if orig is None else orig
        out = np.where(np.isfinite(adv), adv, fallback)
        grouped = {name for members in self.one_hot.values() for name in members}
        for j, column in enumerate(self.columns):
            if column.name not in grouped:
                out[:, j] = column.project(out[:, j])
        for members in self.one_hot.values():
            idx = [self._index(n) for n in members]
            winner = out[:, idx].argmax(axis=1)
            block = np.zeros((len(out), len(idx)))
            block[np.arange(len(out)), winner] = 1.0
            out[:, idx] = block
        if immutable:
            assert orig is not None  # checked above
            out[:, immutable] = orig[:, immutable]
        return np.asarray(out, dtype=np.float64)

    def valid_rows(self, x: Any, x_orig: Any | None = None) -> BoolArray:
        """Which rows satisfy the schema (and keep the immutable columns of ``x_orig``)."""
        import numpy as np

        return np.asarray(self._column_masks(x, x_orig).all(axis=1), dtype=np.bool_)

    def _column_masks(self, x: Any, x_orig: Any | None) -> BoolArray:
        import numpy as np

        arr = self._check_shape(x)
        masks = np.stack([c.valid(arr[:, j]) for j, c in enumerate(self.columns)], axis=1)
        for members in self.one_hot.values():
            idx = [self._index(n) for n in members]
            ok = np.isclose(arr[:, idx].sum(axis=1), 1.0)
            masks[:, idx] &= ok[:, None]
        if x_orig is not None:
            orig = self._check_shape(x_orig)
            for j, column in enumerate(self.columns):
                if column.immutable:
                    masks[:, j] &= arr[:, j] == orig[:, j]
        return np.asarray(masks, dtype=np.bool_)

    def check(self, x: Any, x_orig: Any | None = None) -> None:
        """Raise :class:`SchemaError` naming the first column and row that break the schema."""
        import numpy as np

        masks = self._column_masks(x, x_orig)
        bad = np.argwhere(~masks)
        if len(bad):
            row, j = (int(v) for v in bad[0])
            value = float(self._check_shape(x)[row, j])
            raise SchemaError(
                self.columns[j].name, f"row {row} holds {value}, which the schema does not allow"
            )

    def to_mapping(self) -> dict[str, Any]:
        """The schema as plain data (for YAML or JSON); ``from_mapping`` reads it back."""
        out: dict[str, Any] = {"columns": {c.name: c.to_mapping() for c in self.columns}}
        if self.one_hot:
            out["one_hot"] = {g: list(m) for g, m in self.one_hot.items()}
        return out

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> FeatureSchema:
        from aisec.assurance.schema.build import from_mapping

        return from_mapping(mapping)

    @classmethod
    def infer(
        cls,
        data: Any,
        *,
        names: Sequence[str] | None = None,
        immutable: Sequence[str] = (),
        categorical: Sequence[str] = (),
        one_hot: Mapping[str, Sequence[str]] | None = None,
        max_categories: int = 10,
    ) -> FeatureSchema:
        from aisec.assurance.schema.build import infer

        return infer(
            data,
            names=names,
            immutable=immutable,
            categorical=categorical,
            one_hot=one_hot,
            max_categories=max_categories,
        )
