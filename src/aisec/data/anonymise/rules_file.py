"""Reading a rules file: YAML (``.yaml``/``.yml``) or TOML (``.toml``), both bounded.

YAML goes through the same capped, alias-free reader as test plans; TOML has neither
aliases nor unbounded nesting in practice, but it is size-capped the same way.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from aisec.assurance.plans.yaml_file import MAX_BYTES, read_yaml
from aisec.core.errors import ConfigError
from aisec.data.anonymise.rules import Rules, parse_rules

WHAT = "anonymisation rules"


def load_rules(path: Path) -> Rules:
    """The rules in ``path``; a ConfigError for a missing, unreadable or invalid file."""
    if path.suffix.lower() == ".toml":
        data: object = _read_toml(path)
    else:
        data = read_yaml(path, WHAT)
    return parse_rules(data, source=str(path))


def _read_toml(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {WHAT} {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{WHAT} {path} is larger than 1 MiB; it should be a short file")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"{WHAT} {path} is not valid TOML: {exc}") from None
