"""Typed reading of one mapping of the gateway's YAML file, with the path of every value
in its error message (``models[1].detectors.evasion.ood.threshold must be a number``), so
that a mistake in a long file is found without guessing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from aisec.core.errors import ConfigError

T = TypeVar("T")


class Section:
    """A mapping at ``path`` whose keys are read one by one; :meth:`done` refuses the
    keys nobody read (a misspelt ``treshold`` must not be silently ignored)."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{path or 'the gateway configuration'} must be a mapping")
        for key in value:
            if not isinstance(key, str):
                raise ConfigError(f"{path}: key {key!r} is not text")
        self._value: Mapping[str, Any] = value
        self.path = path
        self._read: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self._value

    def raw(self, key: str, default: object = None) -> Any:
        self._read.add(key)
        return self._value.get(key, default)

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.raw(key, default)
        if value is None and required:
            raise ConfigError(f"{self.at(key)} is required")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.at(key)} must be non-empty text, not {value!r}")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.raw(key) is not None else None

    def number(self, key: str, default: float, *, low: float, high: float) -> float:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.at(key)} must be a number, not {value!r}")
        if not low <= float(value) <= high:
            raise ConfigError(f"{self.at(key)} must be between {low:g} and {high:g}, not {value}")
        return float(value)

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.at(key)} must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"{self.at(key)} must be between {low} and {high}, not {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.at(key)} must be true or false, not {value!r}")
        return value

    def choice(self, key: str, default: str, options: Sequence[str]) -> str:
        value = self.raw(key, default)
        if value not in options:
            raise ConfigError(f"{self.at(key)} must be one of {', '.join(options)}, not {value!r}")
        return str(value)

    def section(self, key: str) -> Section:
        return Section(self.raw(key, {}), self.at(key))

    def items(self, key: str) -> list[Any]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise ConfigError(f"{self.at(key)} must be a list")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{self.at(key)}[{index}] must be non-empty text")
        return tuple(values)

    def rest(self) -> dict[str, Any]:
        """The keys not read yet, handed on to a reader that knows them (a detector's
        parameters)."""
        left = {k: v for k, v in self._value.items() if k not in self._read}
        self._read.update(left)
        return left

    def done(self) -> None:
        unknown = sorted(set(self._value) - self._read)
        if unknown:
            raise ConfigError(
                f"{self.path or 'the gateway configuration'}: unknown key "
                f"{', '.join(repr(k) for k in unknown)}",
                hint="see docs/gateway.md for the keys each section takes",
            )
