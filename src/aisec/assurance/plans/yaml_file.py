"""Reading the YAML files a plan names (the plan itself, feature schemas) safely.

``yaml.safe_load`` builds no objects, but two small-file attacks remain: size, and
aliases (a few hundred bytes of nested ``*refs`` expand to billions of nodes once the
data is walked or written out). Files are capped and aliases refused. A third is depth:
the parser and composer recurse once per nesting level, so a few hundred KB of ``[[[[``
exhaust the interpreter's stack, and PyYAML slows down sharply long before that (5,000
levels take seconds, 100,000 minutes). Flow collections deeper than ``MAX_DEPTH`` are
refused before parsing, by counting brackets; a RecursionError from block nesting is
reported as a ConfigError too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError

MAX_BYTES = 1 << 20
MAX_DEPTH = 64


def _flow_depth(text: bytes) -> int:
    # An over-estimate (brackets inside quoted strings count too): it can only refuse a
    # strange file, never let a deep one through.
    depth = deepest = 0
    for byte in text:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D) and depth:  # ] }
            depth -= 1
    return deepest


def read_yaml(path: Path, what: str) -> Any:
    """The YAML document in ``path``; a ConfigError for anything that is not one."""
    import yaml

    try:
        if not path.is_file():
            raise ConfigError(f"{what} {path} is not a file", hint="check the path")
        with path.open("rb") as handle:
            text = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(text) > MAX_BYTES:
        raise ConfigError(f"{what} {path} is larger than 1 MiB; it should be a short YAML file")
    if _flow_depth(text) > MAX_DEPTH:
        raise ConfigError(
            f"{what} {path} is nested too deeply (over {MAX_DEPTH} levels)",
            hint="it should be a short, shallow YAML file",
        )
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text)):
            raise ConfigError(f"{what} {path} uses YAML aliases (*name); write the values out")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} {path} is not valid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{what} {path} is nested too deeply",
                          hint="it should be a short, shallow YAML file") from None  # fmt: skip
