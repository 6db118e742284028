"""A test's ``details`` as small display-ready tables for the HTML report.

``details`` holds whatever a test chose to keep (the label audit's ranked rows, the
explainability tables, an evasion curve); no test type is special-cased here, so the
shape of the data alone decides how it is shown:

* a list of flat dicts: a table, one column per key (first-seen order);
* a flat dict: a key/value table;
* a dict of flat dicts and scalars: a key/value table, a nested dict inline as ``k=v``;
* a dict of those (evasion's ``perturbation``: attack → epsilon → sizes): one row per pair
  of keys;
* top-level scalars and lists of scalars: one key/value table;
* a list of records holding a ``transcript`` (conversations): one table per conversation
  (:mod:`aisec.report.plan_transcripts`).

Anything deeper is left to the JSON report, which always has it all. A value that is a
short list of scalars counts as flat: it reads inline (``sex, age``). Every text passes
through :func:`printable` and is capped, so a hostile string cannot forge markup (the
template autoescapes too) or a page-long cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from aisec.report import printable, shorten
from aisec.report.plan_text import format_number

MAX_ROWS = 25
MAX_COLUMNS = 12
MAX_TEXT = 120  # characters per cell: a longer string is cut and says so
MAX_KEY = 60
MORE = "more in the JSON report"
# Drawn as ROC charts already (plan_charts reads ``roc`` at the top and in each attack).
CHARTED = frozenset({"roc"})
OTHER = "other values"

Cell = tuple[str, bool]  # (text, is a number: right-aligned, tabular figures)


@dataclass
class DetailTable:
    key: str
    columns: list[str]
    rows: list[list[Cell]]
    total: int  # rows in the data, of which at most MAX_ROWS are in ``rows``
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{self.key} ({self.total} {'row' if self.total == 1 else 'rows'})"


def _plain(value: object) -> object:
    # numpy scalars (np.float64, np.bool_) read as the Python value they hold; an array
    # (ndim >= 1) is left as it is and so counts as deeper than a cell.
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return value.item()
    return value


def _is_scalar(value: object) -> bool:
    value = _plain(value)
    return value is None or isinstance(value, str | bool | Real)


def _is_cell(value: object) -> bool:
    if isinstance(value, list | tuple):
        return all(_is_scalar(v) for v in value)
    return _is_scalar(value)


def _is_flat(value: object) -> bool:
    return isinstance(value, Mapping) and all(_is_cell(v) for v in value.values())


def _key(key: object) -> str:
    return shorten(printable(str(key)), MAX_KEY)


def _text(value: object) -> str:
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"  # as the JSON report spells it
    if isinstance(value, list | tuple):
        return shorten(", ".join(_text(v) for v in value[:MAX_ROWS]), MAX_TEXT) or "(empty)"
    if isinstance(value, Real) or value is None:
        return format_number(value)
    return shorten(printable(str(value)), MAX_TEXT)


def _cell(value: object) -> Cell:
    plain = _plain(value)
    number = isinstance(plain, Real) and not isinstance(plain, bool)
    return _text(value), number


def _inline(value: Mapping[Any, Any]) -> str:
    return shorten(", ".join(f"{_key(k)}={_text(v)}" for k, v in value.items()), MAX_TEXT)


def _uncharted(value: Mapping[Any, Any]) -> dict[Any, Any]:
    return {k: v for k, v in value.items() if str(k) not in CHARTED}


def _table(key: str, columns: list[str], records: Sequence[Mapping[Any, Any]]) -> DetailTable:
    notes = []
    if len(columns) > MAX_COLUMNS:
        notes.append(f"{len(columns) - MAX_COLUMNS} more columns in the JSON report")
        columns = columns[:MAX_COLUMNS]
    rows = [[_cell(r.get(c)) if c in r else ("", False) for c in columns] for r in records]
    shown = rows[:MAX_ROWS]
    if len(rows) > len(shown):
        notes.append(f"{len(rows) - len(shown)} more rows in the JSON report")
    return DetailTable(key, [_key(c) for c in columns], shown, len(rows), notes)


def _records(key: str, records: Sequence[Mapping[Any, Any]]) -> DetailTable:
    columns: dict[Any, None] = {}  # an ordered set: the union of keys, first seen first
    for record in records:
        columns.update(dict.fromkeys(record))
    return _table(key, list(columns), records)


def _pairs(key: str, pairs: list[tuple[object, Cell]], deeper: int = 0) -> DetailTable:
    rows = [[(_key(k), False), cell] for k, cell in pairs]
    notes = [f"{len(rows) - MAX_ROWS} more rows in the JSON report"] if len(rows) > MAX_ROWS else []
    return DetailTable(
        key, ["key", "value"], rows[:MAX_ROWS], len(rows), notes + [MORE] * bool(deeper)
    )


def _mapping(key: str, value: Mapping[Any, Any]) -> DetailTable | None:
    value = _uncharted(value)
    inner = {k: _uncharted(v) if isinstance(v, Mapping) else v for k, v in value.items()}
    pairs: list[tuple[object, Cell]] = []
    for k, v in inner.items():
        if _is_cell(v):
            pairs.append((k, _cell(v)))
        elif _is_flat(v):
            pairs.append((k, (_inline(v) or "(empty)", False)))
    if pairs or not inner:
        return _pairs(key, pairs, len(inner) - len(pairs))
    # Two levels of keys over flat dicts (attack → epsilon → sizes): a row per pair of keys.
    if all(isinstance(v, Mapping) and all(_is_flat(x) for x in v.values()) for v in inner.values()):
        records = [
            {"key": k, "sub-key": k2, **_uncharted(row)}
            for k, v in inner.items()
            for k2, row in v.items()
        ]
        return _records(key, records)
    return None


def detail_tables(details: Mapping[str, Any]) -> tuple[list[DetailTable], list[str]]:
    """The tables for ``details``, and the keys too deep to show (for a "see the JSON" line)."""
    from aisec.report.plan_transcripts import is_transcripts, transcript_tables

    tables: list[DetailTable] = []
    omitted: list[str] = []
    loose: list[tuple[object, Cell]] = []
    for key in sorted(details, key=str):
        if str(key) in CHARTED:
            continue
        value, name = details[key], _key(key)
        table: DetailTable | None = None
        if _is_cell(value):
            loose.append((key, _cell(value)))
            continue
        if is_transcripts(value):
            tables.extend(transcript_tables(name, value))
            continue
        if isinstance(value, list) and value and all(_is_flat(v) for v in value):
            table = _records(name, value)
        elif isinstance(value, Mapping):
            table = _mapping(name, value)
        if table is None:
            omitted.append(name)
        else:
            tables.append(table)
    if loose:
        tables.insert(0, _pairs(OTHER, loose))
    return tables, omitted
