"""Checked access to the fields of an untrusted document: each helper returns the type it
names or raises :class:`InvalidBom` saying where the document went wrong."""

from __future__ import annotations

from typing import Any, TypeVar

from aisec.bom.validate import InvalidBom
from aisec.core.errors import InvalidRecord
from aisec.store.records import Asset, Place

A = TypeVar("A", bound=Asset)


def as_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBom(f"{where} is not a JSON object")
    return value


def as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidBom(f"{where} is not a JSON array")
    return value


def as_text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidBom(f"{where} is not a string")
    return value


def fit(text: str, limit: int, where: str = "") -> str:
    """``text`` if it fits the store's column; otherwise InvalidBom. A natural key cut
    short could merge two assets, so nothing is truncated."""
    if len(text) > limit:
        shown = f"{where}: " if where else ""
        raise InvalidBom(f"{shown}{text[:40]!r}... is longer than the {limit} characters kept")
    return text


def properties(obj: dict[str, Any], where: str) -> list[tuple[str, str]]:
    out = []
    for i, raw in enumerate(as_list(obj.get("properties"), f"{where}.properties")):
        entry = as_object(raw, f"{where}.properties[{i}]")
        name = as_text(entry.get("name"), f"{where}.properties[{i}].name")
        out.append((name, as_text(entry.get("value"), f"{where}.properties[{i}].value")))
    return out


def values(found: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in found if key == name and value]


def places(texts: list[str]) -> tuple[Place, ...]:
    """Places written as ``path`` or ``path:line``."""
    out = []
    for text in texts:
        path, _, line = text.rpartition(":")
        if path and line.isdigit() and len(line) < 10:
            out.append(Place(path, int(line)))
        else:
            out.append(Place(text))
    return tuple(dict.fromkeys(out))


def record(kind: type[A], where: str, **values: Any) -> A:
    """The record, or InvalidBom carrying the record's own reason (an unknown lifecycle
    stage, an empty name ...)."""
    try:
        return kind(**values)
    except InvalidRecord as exc:
        raise InvalidBom(f"{where}: {exc.message}", hint=exc.hint) from None
