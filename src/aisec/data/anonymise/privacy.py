"""k-anonymity and l-diversity over declared quasi-identifiers.

An equivalence class is the set of rows sharing one combination of quasi-identifier
values (null is a value of its own). k is the size of the smallest class; distinct l is
the smallest number of different sensitive values inside a class; entropy l is
exp(min over classes of the Shannon entropy of the sensitive values), the largest l for
which every class has entropy at least log(l) (Machanavajjhala et al., 2007). A null
sensitive value is no value an attacker learns or is kept from learning, so nulls are left
out of l-diversity and counted on their own; a class whose sensitive values are all null
has distinct l 0.

Counts are accumulated batch by batch with Arrow's group-by, so memory grows with the
number of distinct quasi-identifier combinations (times the distinct sensitive values
within each, for l-diversity), not with the number of rows.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from aisec.core.errors import ConfigError
from aisec.data.anonymise.transform import as_text

Key = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class KAnonymity:
    k: int | None  # None: no rows
    rows: int
    classes: int
    class_sizes: tuple[tuple[int, int], ...]  # (class size, number of classes of that size)
    target: int | None = None
    classes_below: int = 0  # classes smaller than the target
    rows_below: int = 0

    @property
    def reached(self) -> bool | None:
        if self.target is None:
            return None
        return self.k is None or self.k >= self.target


@dataclass(frozen=True, slots=True)
class LDiversity:
    column: str
    distinct_l: int | None
    entropy_l: float | None
    nulls: int = 0  # rows whose sensitive value is null, left out of l


@dataclass(frozen=True, slots=True)
class PrivacyReport:
    quasi_identifiers: tuple[str, ...]
    k_anonymity: KAnonymity
    l_diversity: tuple[LDiversity, ...]
    absent: tuple[str, ...] = ()  # declared columns the measured table does not have

    def to_dict(self) -> dict[str, Any]:
        k = self.k_anonymity
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "absent": list(self.absent),
            "k": k.k, "rows": k.rows, "classes": k.classes,
            "class_sizes": [{"size": s, "classes": n} for s, n in k.class_sizes],
            "target_k": k.target, "k_reached": k.reached,
            "classes_below_target": k.classes_below, "rows_below_target": k.rows_below,
            "l_diversity": [
                {"column": d.column, "distinct_l": d.distinct_l, "entropy_l": d.entropy_l,
                 "nulls": d.nulls}
                for d in self.l_diversity
            ],
        }  # fmt: skip


def _keys(table: Any, columns: Sequence[str]) -> list[Key]:
    texts = [as_text(table.column(c)) for c in columns]
    return list(zip(*texts, strict=True)) if texts else [() for _ in range(table.num_rows)]


class EquivalenceClasses:
    """Class sizes and per-class sensitive-value counts, fed one table at a time."""

    def __init__(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str] = ()) -> None:
        overlap = set(quasi_identifiers) & set(sensitive)
        if overlap:
            raise ConfigError(
                f"{sorted(overlap)[0]!r} cannot be both quasi-identifier and sensitive"
            )
        self.quasi_identifiers = tuple(quasi_identifiers)
        self.sensitive = tuple(sensitive)
        self.sizes: Counter[Key] = Counter()
        self.values: dict[str, defaultdict[Key, Counter[str]]] = {
            s: defaultdict(Counter) for s in self.sensitive
        }
        self.nulls: Counter[str] = Counter()
        self.absent: tuple[str, ...] = ()

    def add(self, table: Any) -> None:
        present = [q for q in self.quasi_identifiers if q in table.column_names]
        self.absent = tuple(q for q in self.quasi_identifiers if q not in present)
        self.absent += tuple(s for s in self.sensitive if s not in table.column_names)
        text = pa.table({c: pa.array(as_text(table.column(c)), pa.string())
                         for c in present}) if present else None  # fmt: skip
        self.sizes.update(self._grouped(text, present, table.num_rows))
        for column in self.sensitive:
            if column not in table.column_names:
                continue
            both = pa.table({
                **({c: text.column(c) for c in present} if text is not None else {}),
                column: pa.array(as_text(table.column(column)), pa.string()),
            })  # fmt: skip
            for key, count in self._grouped(both, [*present, column], table.num_rows).items():
                value = key[-1]
                if value is None:
                    self.nulls[column] += count
                else:
                    self.values[column][key[:-1]][value] += count

    @staticmethod
    def _grouped(table: Any, columns: list[str], rows: int) -> dict[Key, int]:
        if not columns:
            return {(): rows} if rows else {}
        grouped = table.group_by(columns, use_threads=False).aggregate([([], "count_all")])
        keys = _keys(grouped, columns)
        return dict(zip(keys, grouped.column("count_all").to_pylist(), strict=True))

    def key_of_rows(self, table: Any) -> list[Key]:
        present = [q for q in self.quasi_identifiers if q in table.column_names]
        return _keys(table, present)

    def report(self, target: int | None = None) -> PrivacyReport:
        sizes = list(self.sizes.values())
        below = [s for s in sizes if target is not None and s < target]
        k = KAnonymity(
            min(sizes) if sizes else None, sum(sizes), len(sizes),
            tuple(sorted(Counter(sizes).items())), target, len(below), sum(below),
        )  # fmt: skip
        ls = tuple(self._l(s) for s in self.sensitive if s not in self.absent)
        return PrivacyReport(self.quasi_identifiers, k, ls, self.absent)

    def _l(self, column: str) -> LDiversity:
        values = self.values[column]
        nulls = self.nulls[column]
        if not self.sizes:
            return LDiversity(column, None, None, nulls)
        # Every class counts, including one whose sensitive values are all null.
        classes = [values.get(key, Counter()) for key in self.sizes]
        distinct = min(len(c) for c in classes)
        if distinct == 0:
            return LDiversity(column, 0, 0.0, nulls)
        return LDiversity(column, distinct, math.exp(min(_entropy(c) for c in classes)), nulls)


def _entropy(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return -sum(n / total * math.log(n / total) for n in counts.values())
