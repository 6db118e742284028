"""A lean reader of installed entry points.

``importlib.metadata`` costs about 40 ms to import (email parsing, zipfile, csv) on every
command, for what is a few INI files. This reads the ``entry_points.txt`` of the
distributions on ``sys.path`` the same way — first distribution of a name wins, in path
order — and nothing else.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_VALUE = re.compile(r"^(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+))?\s*(\[.*\])?\s*$")


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str
    group: str

    @property
    def module(self) -> str:
        return self.value.split(":", 1)[0].strip()

    def load(self) -> Any:
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        obj: Any = importlib.import_module(match["module"])
        for part in (match["attr"] or "").split("."):
            if part:
                obj = getattr(obj, part)
        return obj


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distributions() -> Iterator[str]:
    """Paths of ``*.dist-info`` / ``*.egg-info`` directories, first of each name only."""
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            project = _normalise(name.rsplit(".", 1)[0].split("-", 1)[0])
            if project in seen:
                continue
            seen.add(project)
            yield os.path.join(entry or ".", name)


def _parse(text: str, group: str) -> Iterator[EntryPoint]:
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group and "=" in line:
            name, _, value = line.partition("=")
            yield EntryPoint(name.strip(), value.strip(), group)


def entry_points(group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    for dist in _distributions():
        try:
            with open(os.path.join(dist, "entry_points.txt"), encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError):
            continue
        found.extend(_parse(text, group))
    return found
