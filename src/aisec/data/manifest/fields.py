"""Typed access to members of parsed JSON: each accessor returns the member with its
type checked, or raises :class:`InvalidManifest` naming it."""

from __future__ import annotations

import re
from typing import Any

from aisec.data.manifest.paths import InvalidManifest

MAX_DEPTH = 8  # the schema nests five levels
HEX64 = re.compile(r"[0-9a-f]{64}")


def json_object(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidManifest(f"{where} is not a JSON object")
    extra = set(value) - allowed
    if extra:
        raise InvalidManifest(f"{where}: unexpected member {short(sorted(extra)[0])}")
    return value


def json_list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise InvalidManifest(f"'{key}' is missing or not a list")
    return value


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def count(doc: dict[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or not is_count(value):
        raise InvalidManifest(f"{where}: '{key}' is missing or not a non-negative integer")
    return value


def text(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or len(value) > 4096:
        raise InvalidManifest(f"{where}: '{key}' is missing or not a short string")
    return value


def flag(doc: dict[str, Any], key: str, where: str) -> bool:
    value = doc.get(key)
    if not isinstance(value, bool):
        raise InvalidManifest(f"{where}: '{key}' is missing or not true/false")
    return value


def digest(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not HEX64.fullmatch(value):
        raise InvalidManifest(f"{where}: '{key}' is not a SHA-256 digest (64 lower-case hex)")
    return value


def check_depth(value: Any) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidManifest(f"the manifest nests more than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:60] + "..."
