"""Dependencies from TOML manifests and lock files: ``pyproject.toml`` (PEP 621, PEP 735
groups and Poetry), ``Pipfile``, ``poetry.lock`` and ``uv.lock``.

``tomllib`` builds plain data only and the files are size-capped before it sees them. TOML
parsers keep no line numbers, so a dependency's line is the first line that names it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from typing import Any

from aisec.discovery.requirements import Dependency, normalise, parse_requirement, version_of


class LineFinder:
    """The first line that names a package, as a TOML key or inside a string."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def __call__(self, name: str, after: int = 0) -> int | None:
        pattern = re.compile(
            rf"(^|[\s\"'\[{{,])({_loose(name)})(\s*=|[\"'\s\[<>=!~;@,]|$)", re.IGNORECASE
        )
        for number in range(after, len(self._lines)):
            if pattern.search(self._lines[number]):
                return number + 1
        return None


def _loose(name: str) -> str:
    # foo-bar is also written foo_bar and foo.bar
    return "[-_.]+".join(re.escape(part) for part in normalise(name).split("-"))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_pyproject(text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    find = LineFinder(text)
    out: list[Dependency] = []
    project = _table(data.get("project"))
    specs = list(_strings(project.get("dependencies")))
    for group in _table(project.get("optional-dependencies")).values():
        specs.extend(_strings(group))
    for group in _table(data.get("dependency-groups")).values():
        specs.extend(_strings(group))
    for spec in specs:
        dependency = parse_requirement(spec, None)
        if dependency is not None:
            out.append(_placed(dependency, find))
    poetry = _table(_table(data.get("tool")).get("poetry"))
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [_table(g).get("dependencies") for g in _table(poetry.get("group")).values()]
    for table in tables:
        out.extend(_poetry_table(_table(table), find))
    return out


def parse_pipfile(text: str) -> list[Dependency]:
    data = tomllib.loads(text)
    find = LineFinder(text)
    tables = (_table(data.get("packages")), _table(data.get("dev-packages")))
    return [d for table in tables for d in _poetry_table(table, find)]


def _poetry_table(table: dict[str, Any], find: LineFinder) -> Iterator[Dependency]:
    for name, value in table.items():
        if name == "python":
            continue
        spec = value if isinstance(value, str) else _table(value).get("version", "")
        spec = spec if isinstance(spec, str) else ""
        spec = "" if spec == "*" else spec
        yield Dependency(normalise(name), version_of(spec), find(name))


def parse_lock(text: str) -> list[Dependency]:
    """``poetry.lock`` and ``uv.lock``: ``[[package]]`` tables with name and version."""
    data = tomllib.loads(text)
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip() == "[[package]]"]
    out: list[Dependency] = []
    for index, package in enumerate(_packages(data.get("package"))):
        name, version = package.get("name"), package.get("version")
        if not isinstance(name, str):
            continue
        line = headers[index] + 1 if index < len(headers) else None
        out.append(Dependency(normalise(name), version if isinstance(version, str) else "", line))
    return out


def _packages(value: Any) -> Iterable[dict[str, Any]]:
    return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []


def _placed(dependency: Dependency, find: LineFinder) -> Dependency:
    return Dependency(dependency.name, dependency.version, find(dependency.name))
