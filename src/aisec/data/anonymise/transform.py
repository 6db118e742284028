"""Applying rules to one batch of rows: the column plan, the output schema, the counts.

The plan is fixed from the input schema before the first batch, so every batch of the
output has the same schema (a Parquet writer demands it) and a rule naming a column the
file does not have is reported before anything is written.

Keyed hashes and pseudonyms are watched for collisions: the distinct inputs and distinct
outputs of each such column are counted (inputs as 16-byte digests, so memory grows with
the number of distinct values but no value is held), and two inputs meeting in one output
are reported; the run refuses the output unless the rule allows collisions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

from aisec.core.errors import ConfigError
from aisec.data.anonymise.actions import Action, Context, Drop, Hash, Keep, Pseudonym, normalised
from aisec.data.anonymise.rules import Rules
from aisec.data.anonymise.scrub import Scrub, column_hints


@dataclass(slots=True)
class ColumnCount:
    """What an action did to one column: values rewritten, and values it made null
    (a date or number it could not read, a category mapped to null)."""

    column: str
    action: str
    changed: int = 0
    nulled: int = 0
    distinct_in: int | None = None  # keyed hash and pseudonym columns only
    distinct_out: int | None = None
    collisions_allowed: bool = True  # False: a collision fails the run

    @property
    def collisions(self) -> int:
        """Distinct inputs that share an output with another input."""
        if self.distinct_in is None or self.distinct_out is None:
            return 0
        return self.distinct_in - self.distinct_out

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "action": self.action, "changed": self.changed,
                "nulled": self.nulled, "distinct_in": self.distinct_in,
                "distinct_out": self.distinct_out, "collisions": self.collisions}  # fmt: skip


@dataclass(slots=True)
class CollisionWatch:
    """Distinct inputs and outputs of one keyed column."""

    normalise: tuple[str, ...]
    inputs: set[bytes] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)

    def add(self, value: str, new: str | None) -> None:
        basis = normalised(value, self.normalise).encode("utf-8", "surrogatepass")
        self.inputs.add(hashlib.blake2b(basis, digest_size=16).digest())
        if new is not None:
            self.outputs.add(new)


def _watch(action: Action) -> CollisionWatch | None:
    if isinstance(action, Hash | Pseudonym):
        return CollisionWatch(action.normalise)
    return None


def _fatal_collisions(action: Action) -> bool:
    if isinstance(action, Hash):
        return not action.allow_collisions
    if isinstance(action, Pseudonym):
        return action.keyed_digest and not action.allow_collisions
    return False


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def plan_columns(rules: Rules, names: Sequence[str]) -> list[tuple[str, Action]]:
    """Each input column with the action the rules give it, in file order."""
    missing = [n for n in rules.columns if n not in names]
    if missing:
        raise ConfigError(
            f"the rules name columns the file does not have: {_names(missing)}",
            hint="check the spelling against the file's header",
        )
    unlisted = [n for n in names if n not in rules.columns]
    if unlisted and rules.unlisted == "error":
        raise ConfigError(
            f"the rules say nothing about columns {_names(unlisted)}",
            hint="give each an action, or set 'unlisted: keep' or 'unlisted: drop'",
        )
    fallback: Action = Drop() if rules.unlisted == "drop" else Keep()
    return [(n, rules.columns.get(n, fallback)) for n in names]


def as_text(column: Any) -> list[str | None]:
    """Cell values as text: numbers and dates as Arrow prints them, nested values as JSON."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pylist()  # type: ignore[no-any-return]
    try:
        return pc.cast(column, pa.string()).to_pylist()  # type: ignore[no-any-return]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = column.to_pylist()
        return [None if v is None else json.dumps(v, default=str) for v in values]


class Transformer:
    def __init__(self, rules: Rules, schema: Any, ctx: Context) -> None:
        self.ctx = ctx
        self.plan = [
            (n, a) for n, a in plan_columns(rules, schema.names) if not isinstance(a, Drop)
        ]
        self.counts = {
            n: ColumnCount(n, a.name, collisions_allowed=not _fatal_collisions(a))
            for n, a in plan_columns(rules, schema.names)
        }
        self.watches = {n: w for n, a in self.plan if (w := _watch(a)) is not None}
        self.contexts = {
            n: replace(ctx, hints=column_hints(n)) for n, a in self.plan if isinstance(a, Scrub)
        }
        fields = []
        for name, action in self.plan:
            field = schema.field(name)
            fields.append(field if isinstance(action, Keep) else pa.field(name, pa.string()))
        self.schema = pa.schema(fields)

    def apply(self, table: Any) -> Any:
        arrays = []
        for name, action in self.plan:
            column = table.column(name)
            if isinstance(action, Keep):
                arrays.append(column)
            else:
                arrays.append(pa.array(self._values(name, action, column), pa.string()))
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _values(self, name: str, action: Action, column: Any) -> list[str | None]:
        memo: dict[str, str | None] = {}
        count = self.counts[name]
        ctx = self.contexts.get(name, self.ctx)
        watch = self.watches.get(name)
        out: list[str | None] = []
        for value in as_text(column):
            if value is None:
                out.append(None)
                continue
            if value in memo:
                new = memo[value]
            else:
                new = memo[value] = action.apply(value, ctx)
                if watch is not None:
                    watch.add(value, new)
            count.changed += new != value
            count.nulled += new is None
            out.append(new)
        if watch is not None:
            count.distinct_in, count.distinct_out = len(watch.inputs), len(watch.outputs)
        return out
