"""Settings and their precedence.

One rule, applied field by field: built-in defaults < ``aisec.toml`` (or
``[tool.aisec]`` in ``pyproject.toml``) in the working directory < environment variables
``AISEC_<FIELD>`` < explicit overrides (command-line flags or an API request).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError
from aisec.core.severity import Severity

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Settings:
    # Findings at or above this severity make a scan exit 1.
    fail_on: Severity = Severity.HIGH
    # Largest file or archive member analysed, in bytes.
    max_file_size: int = 64 * GiB
    # Cap on bytes produced by decompressing one member or stream.
    max_decompressed_size: int = 8 * GiB
    # Cap on the decompressed/compressed ratio once past 10 MiB of output.
    max_compression_ratio: int = 250
    # Deepest nesting of containers (zip in 7z in gz ...).
    max_archive_depth: int = 8
    # Most members read from one container.
    max_archive_members: int = 100_000
    # Most pickle opcodes executed symbolically in one stream.
    max_pickle_opcodes: int = 100_000_000
    # Most stacked pickles read from one stream.
    max_pickle_streams: int = 10_000
    # Wall-clock budget for one artefact, in seconds.
    timeout_seconds: float = 300.0
    # Extra globals to treat as allowed, as ``module.qualname`` or ``module.*``.
    allow_globals: tuple[str, ...] = ()
    # Extra globals to treat as dangerous.
    deny_globals: tuple[str, ...] = ()
    # Processes used to scan many files (1 = in-process).
    workers: int = 1

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["fail_on"] = self.fail_on.label
        out["allow_globals"] = list(self.allow_globals)
        out["deny_globals"] = list(self.deny_globals)
        return out


FIELD_NAMES = tuple(f.name for f in fields(Settings))
ENV_PREFIX = "AISEC_"


def _coerce(name: str, value: Any, source: str) -> Any:
    default = getattr(Settings, name)
    try:
        if isinstance(default, Severity):
            return Severity.parse(value)
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, int):
            number = int(value)
            if number < 0:
                raise ValueError("must not be negative")
            return number
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(str(v) for v in value)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {name}: {exc.message}", hint=exc.hint) from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{source}: invalid value {value!r} for {name}: {exc}",
            hint=f"expected {type(default).__name__}",
        ) from None
    return value


def read_file_settings(directory: Path) -> tuple[dict[str, Any], str | None]:
    """Settings from ``aisec.toml`` or ``pyproject.toml`` ``[tool.aisec]`` in ``directory``."""
    own = directory / "aisec.toml"
    pyproject = directory / "pyproject.toml"
    try:
        if own.is_file():
            return tomllib.loads(own.read_text("utf-8")), str(own)
        if pyproject.is_file():
            data = tomllib.loads(pyproject.read_text("utf-8"))
            section = data.get("tool", {}).get("aisec")
            if isinstance(section, dict):
                return section, f"{pyproject} [tool.aisec]"
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"cannot read configuration: {exc}", hint="fix or remove the file"
        ) from None
    return {}, None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    values: dict[str, Any] = {}
    file_values, source = read_file_settings(directory or Path.cwd())
    for key, value in file_values.items():
        name = key.replace("-", "_")
        if name not in FIELD_NAMES:
            raise ConfigError(f"{source}: unknown setting {key!r}", hint="see docs/settings.md")
        values[name] = _coerce(name, value, source or "config")
    env = os.environ if environ is None else environ
    for name in FIELD_NAMES:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, ENV_PREFIX + name.upper())
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in FIELD_NAMES:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, value, "override")
    return Settings(**values)
