"""What one file holds: the per-file half of discovery.

Each reader gets text that is already size-capped and decoded; what it cannot parse is
reported as a problem (the file then counts as not fully analysed), never raised.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aisec.core.finding import Location
from aisec.discovery import datasets, keys, manifests, mcp, notebooks, pycode, requirements
from aisec.discovery.items import Item
from aisec.discovery.packages import is_ml_package
from aisec.discovery.subjects import KeyCandidate, LoaderCall
from aisec.store.records import Place

MAX_TEXT = 8 * 1024 * 1024  # larger text files are data, not code or configuration
SAMPLE = 8192


@dataclass
class FileFacts:
    items: list[Item] = field(default_factory=list)
    subjects: list[LoaderCall | KeyCandidate] = field(default_factory=list)
    dataset_format: str | None = None
    problem: str = ""
    kind: str = "text"  # what the file was read as, for the run's list of artefacts


Parser = Callable[[str], list[requirements.Dependency]]


def dependency_parser(name: str) -> Parser | None:
    """The parser of a dependency file, by its name (these names are conventions)."""
    lower = name.lower()
    if lower.startswith("requirements") and lower.endswith((".txt", ".in", ".lock")):
        return requirements.parse_requirements
    if lower in ("requirements-lock.txt", "constraints.txt"):
        return requirements.parse_requirements
    if lower == "pyproject.toml":
        return manifests.parse_pyproject
    if lower == "pipfile":
        return manifests.parse_pipfile
    if lower in ("poetry.lock", "uv.lock", "pdm.lock"):
        return manifests.parse_lock
    if lower in ("environment.yml", "environment.yaml", "conda.yml", "conda.yaml"):
        return requirements.parse_conda_environment
    return None


def analyse_text(text: str, relative: str, display: str) -> FileFacts:
    """Everything discovery reads from one text file."""
    facts = FileFacts()
    name = os.path.basename(relative)
    suffix = os.path.splitext(name)[1].lower()
    try:
        parser = dependency_parser(name)
        if parser is not None:
            facts.kind = "dependency-file"
            _dependencies(parser(text), relative, name, facts)
        elif suffix == ".ipynb":
            facts.kind = "notebook"
            _notebook(text, relative, display, facts)
        elif name.lower() in mcp.MCP_FILE_NAMES:
            facts.kind = "mcp-config"
            _mcp(text, relative, facts)
        elif suffix in (".py", ".pyw"):
            facts.kind = "python"
            _python(text, relative, display, None, facts)
        else:
            facts.dataset_format = datasets.text_format(text[:SAMPLE], suffix)
    except (SyntaxError, ValueError, RecursionError, tomllib.TOMLDecodeError) as exc:
        # ValueError covers json's errors; RecursionError deeply nested hostile input
        facts.problem = f"cannot parse: {type(exc).__name__}: {str(exc)[:200]}"
    _keys(text, display, facts)
    return facts


def _dependencies(
    found: list[requirements.Dependency], relative: str, source: str, facts: FileFacts
) -> None:
    for dep in found:
        if is_ml_package(dep.name):
            place = Place(relative, dep.line)
            details = {"sources": [source]}
            facts.items.append(
                Item("dependency", dep.name, dep.version, dep.ecosystem, details, [place])
            )


def _python(
    source: str, relative: str, display: str, line_map: list[int] | None, facts: FileFacts
) -> None:
    code = pycode.analyse_source(source, display, line_map)
    for sdk, lines in code.sdk_uses.items():
        places = [Place(relative, line) for line in lines]
        details = {"modules": sorted(code.modules.get(sdk, ()))}
        facts.items.append(Item("sdk", sdk, "", "pypi", details, places))
    for call in code.calls:
        facts.subjects.append(call)
        place = Place(relative, call.location.row)
        facts.items.append(Item("loader", call.function, "", "python", {}, [place]))


def _notebook(text: str, relative: str, display: str, facts: FileFacts) -> None:
    data = json.loads(text)
    if not notebooks.is_notebook(data):
        return
    cells = notebooks.code_cells(text, data)
    kernel = _kernel(data)
    details = {"code_cells": len(cells), "kernel": kernel}
    facts.items.append(Item("notebook", relative, "", "jupyter", details, [Place(relative, 1)]))
    if kernel and "python" not in kernel.lower():
        return
    for cell in cells:
        try:
            _python(cell.source, relative, display, cell.line_map, facts)
        except (SyntaxError, ValueError, RecursionError) as exc:
            facts.problem = f"cell {cell.index}: cannot parse: {type(exc).__name__}"


def _kernel(data: dict[str, Any]) -> str:
    spec = data.get("metadata", {})
    spec = spec.get("kernelspec", {}) if isinstance(spec, dict) else {}
    language = spec.get("language", "") if isinstance(spec, dict) else ""
    return str(language)[:40]


def _mcp(text: str, relative: str, facts: FileFacts) -> None:
    for name, details, line in mcp.servers(json.loads(text), text):
        details["config"] = relative
        item = Item(
            "mcp-server", keys.redact_text(name), "", "mcp", details, [Place(relative, line)]
        )
        facts.items.append(item)


def _keys(text: str, display: str, facts: FileFacts) -> None:
    if keys.quick_reject(text):
        return
    for match in keys.find_keys(text):
        location = Location(display, row=match.line)
        facts.subjects.append(KeyCandidate(location, match.provider, match.redacted, match.strong))
