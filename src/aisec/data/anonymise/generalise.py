"""Generalisation: a value becomes the coarser group it belongs to.

Numbers fall into bins (fixed width, such as 10-year age bands, or explicit edges, with
optional bottom and top coding), dates keep their year, month or decade, codes such as
postcodes keep a prefix, and categories are mapped to broader ones. A value that cannot be
read (a number column holding "n/a") becomes null, never passed through; the run
reports how many values were nulled.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from aisec.data.anonymise.actions import Context

_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:$|[ T\s])")
_KEEP: object = object()


def _number(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


@dataclass(frozen=True, slots=True)
class Bins:
    """Numbers to ranges. Integral settings give inclusive integer labels ("30-39");
    others half-open ones ("[2.5, 5.0)"). Values below ``floor`` or at or above
    ``ceiling`` are bottom- or top-coded ("<18", ">=90")."""

    width: float | None = None
    origin: float = 0.0
    edges: tuple[float, ...] = ()
    floor: float | None = None
    ceiling: float | None = None
    name: str = "generalise"
    needs_key: bool = False

    @property
    def integral(self) -> bool:
        numbers = [self.origin, *self.edges]
        numbers += [x for x in (self.width, self.floor, self.ceiling) if x is not None]
        return all(x == int(x) for x in numbers)

    def apply(self, value: str, ctx: Context) -> str | None:
        number = _number(value)
        if number is None:
            return None
        if self.floor is not None and number < self.floor:
            return f"<{_num(self.floor)}"
        if self.ceiling is not None and number >= self.ceiling:
            return f">={_num(self.ceiling)}"
        if self.edges:
            index = bisect_right(self.edges, number)
            if index == 0:
                return f"<{_num(self.edges[0])}"
            if index == len(self.edges):
                return f">={_num(self.edges[-1])}"
            return self._label(self.edges[index - 1], self.edges[index])
        assert self.width is not None  # the parser gives one of width and edges
        steps = (number - self.origin) / self.width
        if not math.isfinite(steps):
            return None
        low = self.origin + math.floor(steps) * self.width
        return self._label(low, low + self.width)

    def _label(self, low: float, high: float) -> str:
        if self.integral:
            top = int(high) - 1
            return _num(low) if top == int(low) else f"{_num(low)}-{top}"
        return f"[{low!r}, {high!r})"


@dataclass(frozen=True, slots=True)
class DatePart:
    """Dates to "1987" (year), "1987-03" (month) or "1980s" (decade). ISO-like dates and
    timestamps are read as they are; ``format`` (strptime) reads anything else."""

    precision: str = "year"
    format: str | None = None
    name: str = "generalise"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        parts = self._parts(value)
        if parts is None:
            return None
        year, month = parts
        if self.precision == "decade":
            return f"{year - year % 10}s"
        if self.precision == "month":
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}"

    def _parts(self, value: str) -> tuple[int, int] | None:
        if self.format is not None:
            try:
                moment = datetime.strptime(value.strip(), self.format)
            except ValueError:
                return None
            return moment.year, moment.month
        found = _ISO_DATE.match(value + " ")
        if found is None or not 1 <= int(found.group(2)) <= 12:
            return None
        return int(found.group(1)), int(found.group(2))


@dataclass(frozen=True, slots=True)
class Prefix:
    """Keep the first ``keep`` characters (postcodes, phone area codes); ``fill`` pads the
    rest back to the original length with one character."""

    keep: int = 3
    fill: str | None = None
    name: str = "generalise"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        text = value.strip()
        head = text[: self.keep]
        return head + self.fill * (len(text) - len(head)) if self.fill else head


@dataclass(frozen=True, slots=True)
class Categories:
    """Map categories to broader ones. Values the mapping does not name become
    ``default``; without one they stay as they are (say so in the rules on purpose)."""

    mapping: Mapping[str, str | None]
    default: object = _KEEP
    name: str = "generalise"
    needs_key: bool = False

    def apply(self, value: str, ctx: Context) -> str | None:
        if value in self.mapping:
            return self.mapping[value]
        if self.default is _KEEP:
            return value
        return None if self.default is None else str(self.default)


KEEP_UNMAPPED = _KEEP
