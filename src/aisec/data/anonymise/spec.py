"""Typed reading of one mapping from a rules file, with errors that name the field.

Rules files are written by hand, so every mistake (an unknown key, a string where a
number belongs, a negative width) is a ConfigError that says where it is.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from aisec.core.errors import ConfigError

MAX_ITEMS = 100_000
_ABSENT: Any = object()


class Spec:
    def __init__(self, data: object, where: str, allowed: Collection[str]) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a mapping, found {_kind(data)}")
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise ConfigError(
                f"{where}: unknown field {unknown[0]!r}",
                hint="allowed here: " + ", ".join(sorted(allowed)),
            )
        self.data: dict[Any, Any] = data
        self.where = where

    def has(self, name: str) -> bool:
        return name in self.data

    def fail(self, name: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.where}.{name}: expected {expected}")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(name, f"a whole number from {low} to {high}")
        return value

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.data.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(name, "a number")
        if abs(value) > 1e300:
            raise self.fail(name, "a finite number")
        return float(value)

    def numbers(self, name: str) -> tuple[float, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise self.fail(name, "a list of numbers")
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int | float) or abs(item) > 1e300:
                raise self.fail(name, "a list of numbers")
            out.append(float(item))
        return tuple(out)

    def text(self, name: str, default: str | None, *, nullable: bool = False) -> str | None:
        value = self.data.get(name, default)
        if value is None and (nullable or default is None):
            return None
        if not isinstance(value, str):
            raise self.fail(name, "a string" + (" or null" if nullable else ""))
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "true or false")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str | None) -> str:
        value = self.data.get(name, default)
        if value not in options:
            raise self.fail(name, "one of " + ", ".join(options))
        return str(value)

    def strings(self, name: str, options: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise self.fail(name, "a list of strings")
        for item in value:
            if not isinstance(item, str) or (options is not None and item not in options):
                allowed = "" if options is None else " from " + ", ".join(options)
                raise self.fail(name, "a list of strings" + allowed)
        return tuple(value)

    def table(self, name: str) -> dict[str, str | None]:
        """A mapping of scalars to strings or null (YAML numbers as keys are read as text)."""
        value = self.data.get(name)
        if not isinstance(value, dict) or len(value) > MAX_ITEMS:
            raise self.fail(name, "a mapping from values to their replacements")
        out: dict[str, str | None] = {}
        for key, item in value.items():
            if not _scalar(key) or not (item is None or _scalar(item)):
                raise self.fail(name, "a mapping from values to their replacements")
            out[_text(key)] = None if item is None else _text(item)
        return out


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "a scalar"
