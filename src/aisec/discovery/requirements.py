"""Dependencies from line-oriented files: pip requirements (and their lock files) and
conda ``environment.yml``.

Both formats are read line by line, so every dependency keeps its line. The conda file is
YAML, but environment files use one small shape (a ``dependencies:`` list, with a nested
``pip:`` list); reading that shape directly needs no YAML library and cannot be made to
build objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)"
)
_NORMALISE = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class Dependency:
    name: str  # normalised (PEP 503)
    version: str  # the pinned version, or the specifier as written, or ""
    line: int | None
    ecosystem: str = "pypi"


def normalise(name: str) -> str:
    return _NORMALISE.sub("-", name).lower()


def version_of(spec: str) -> str:
    """``==1.2`` is the version 1.2; anything else is kept as written."""
    spec = spec.strip()
    if spec.startswith("@"):
        return spec[1:].strip()
    pinned = re.fullmatch(r"===?\s*([^,\s]+)", spec)
    return pinned.group(1) if pinned else re.sub(r"\s+", "", spec)


def parse_requirement(text: str, line: int | None) -> Dependency | None:
    """One PEP 508 requirement (``name[extra] >=1 ; marker``), or None."""
    match = _REQUIREMENT.match(text.strip())
    if match is None:
        return None
    return Dependency(normalise(match["name"]), version_of(match["spec"]), line)


def parse_requirements(text: str) -> list[Dependency]:
    """A requirements file: comments, options (``-r``, ``--hash``) and continuation lines
    are understood; every requirement keeps the line it starts on."""
    out: list[Dependency] = []
    logical, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not logical:
            start = number
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        stripped = logical.strip()
        logical = ""
        if not stripped or stripped.startswith("-"):
            continue
        # hashes of a pip-compile lock follow the requirement on the same logical line
        dependency = parse_requirement(stripped.split(" --", 1)[0], start)
        if dependency is not None:
            out.append(dependency)
    return out


def parse_conda_environment(text: str) -> list[Dependency]:
    """``dependencies:`` of a conda environment file: conda packages (``name=1.2``) and
    the nested ``pip:`` list (pip requirements)."""
    out: list[Dependency] = []
    in_dependencies, pip_indent = False, -1
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"\s#.*$", "", raw).rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_dependencies = line.startswith("dependencies:")
            pip_indent = -1
            continue
        item = line.strip()
        if not in_dependencies or not item.startswith("- "):
            continue
        value = item[2:].strip().strip("'\"")
        if pip_indent >= 0 and indent <= pip_indent:
            pip_indent = -1
        if value.rstrip(":") == "pip" and value.endswith(":"):
            pip_indent = indent
        elif pip_indent >= 0:
            dependency = parse_requirement(value, number)
            if dependency is not None:
                out.append(dependency)
        else:
            conda = _conda(value, number)
            if conda is not None:
                out.append(conda)
    return out


def _conda(value: str, line: int) -> Dependency | None:
    # channel::name=version=build, name>=1.0, name 1.0
    value = value.split("::", 1)[-1]
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", value)
    if match is None:
        return None
    spec = match[2].strip()
    if spec.startswith("=") and not spec.startswith("=="):
        spec = spec[1:].split("=", 1)[0]
    return Dependency(normalise(match[1]), version_of(spec), line, "conda")
