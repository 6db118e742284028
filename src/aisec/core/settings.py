"""Settings and their precedence.

One rule, applied field by field: built-in defaults < ``aisec.toml`` (or
``[tool.aisec]`` in ``pyproject.toml``) in the working directory < environment variables
``AISEC_<FIELD>`` < explicit overrides (command-line flags or an API request).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aisec.core.errors import ConfigError
from aisec.core.severity import Severity

if TYPE_CHECKING:  # imported when there are suppressions, off the start-up path
    from aisec.core.suppression import Suppression

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
    # Raise findings of "not on an allowlist" checks to their strict severity (high).
    strict: bool = False
    # Baseline file of known findings; relative to the configuration file's directory when
    # set there. None: no baseline.
    baseline: str | None = None
    # [[suppress]] tables of the configuration file (see docs/settings.md#suppressions).
    suppress: tuple[Suppression, ...] = ()
    # `aisec scan`: verify each path's model signature (missing/invalid/changed = findings).
    require_signature: bool = False
    # PEM public key, or PEM CA certificates, that model signatures are verified with.
    signature_key: str | None = None
    # The store's database (SQLAlchemy URL); None: `.aisec/aisec.db` in the working directory.
    database_url: str | None = None
    # `aisec scan` records its run in the store: None (auto) when a store is configured or
    # `.aisec/aisec.db` exists already; True always (creating it); False never.
    record_runs: bool | None = None
    # The Ed25519 private key (PEM) that signs audit checkpoints; None: `.aisec/audit-key.pem`
    # in the working directory. Keep it off the database host (docs/adr/0018).
    audit_key: str | None = None
    # Where fan-out work runs: None/"local" (in-process or `workers` processes), "dask" (a
    # Dask cluster on this machine), or "dask://host:port" (a Dask scheduler).
    executor: str | None = None
    # Datasets larger than this are scanned in partitions of about this many bytes.
    partition_size: int = 64 * MiB
    # Most personal-data occurrences per kind, and most credentials, listed per dataset file.
    max_data_findings: int = 1000

    def __post_init__(self) -> None:
        # Settings built in Python (not read by load_settings) are held to the same rules.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool | Severity):
                try:
                    check_number(f.name, value)
                except (ValueError, OverflowError) as exc:
                    raise ConfigError(
                        f"Settings: invalid value {value!r} for {f.name}: {exc}"
                    ) from None
        if not isinstance(self.strict, bool) or not isinstance(self.baseline, str | None):
            raise ConfigError("Settings: strict must be a bool and baseline a str or None")
        if self.suppress:
            from aisec.core.suppression import Suppression

            if not all(isinstance(s, Suppression) for s in self.suppress):
                raise ConfigError("Settings: suppress must hold Suppression records")
        if not isinstance(self.require_signature, bool) or not isinstance(
            self.signature_key, str | None
        ):
            raise ConfigError("Settings: require_signature must be a bool, signature_key a str")
        if not isinstance(self.database_url, str | None):
            raise ConfigError("Settings: database_url must be a str (a database URL) or None")
        if not isinstance(self.record_runs, bool | None):
            raise ConfigError("Settings: record_runs must be a bool or None (auto)")
        if not isinstance(self.audit_key, str | None):
            raise ConfigError("Settings: audit_key must be a str (a path) or None")
        if not isinstance(self.executor, str | None):
            raise ConfigError("Settings: executor must be a str (local, dask, dask://host:port)")
        from aisec.core.executor import parse_executor

        parse_executor(self.executor)  # a ConfigError naming the bad value

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["fail_on"] = self.fail_on.label
        out["allow_globals"] = list(self.allow_globals)
        out["deny_globals"] = list(self.deny_globals)
        out["suppress"] = [s.to_dict() for s in self.suppress]
        # The snapshot goes into reports and the store: never a database password.
        if self.database_url:
            out["database_url"] = hide_password(self.database_url)
        return out


# libpq also takes passwords as query parameters (password=, sslpassword=).
_QUERY_PASSWORD = re.compile(r"(password=)[^&#]*", re.IGNORECASE)


def hide_password(url: str) -> str:
    """``url`` (perhaps not a valid URL at all) with what may be a password masked: what
    lies between the first ``:`` of the credentials and the last ``@``, and the value of
    a ``password=`` query parameter. For the configuration snapshot and for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    credentials, at, host = rest.rpartition("@")
    if at:
        user, colon, _ = credentials.partition(":")
        rest = f"{user}:***@{host}" if colon else f"{user}@{host}"
    return _QUERY_PASSWORD.sub(r"\1***", f"{scheme}{sep}{rest}")


N = TypeVar("N", int, float)

FIELD_NAMES = tuple(f.name for f in fields(Settings))
ENV_PREFIX = "AISEC_"


# Smallest value of each numeric setting: a worker count of 0 or a timeout of 0 (or NaN,
# which compares false with everything and so would disable the timeout) makes no sense.
# A cap of 0 is allowed: it just reports everything as over the cap.
_MINIMUM: dict[str, float] = {"workers": 1, "partition_size": 64 * 1024}
# Settings whose structure an environment variable cannot express.
_FILE_ONLY = frozenset({"suppress"})
# Settings that name a file: relative to the configuration file's directory when set there.
_PATHS = frozenset({"baseline", "signature_key", "audit_key"})
_POSITIVE = frozenset({"timeout_seconds"})
# Booleans whose None means "auto"; the word "auto" sets it explicitly.
_AUTO_BOOLS = frozenset({"record_runs"})


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _coerce(name: str, value: Any, source: str, base: str = "") -> Any:
    default = getattr(Settings, name)
    if name == "suppress":  # its errors name the entry themselves
        from aisec.core.suppression import parse_suppressions

        return parse_suppressions(value, source, base or os.getcwd())
    try:
        if name in _AUTO_BOOLS:
            return None if str(value).strip().lower() == "auto" else _to_bool(value)
        if name in _PATHS:
            return _path_or_none(value)
        if isinstance(default, Severity):
            if not isinstance(value, str):
                raise TypeError("must be a severity name")
            return Severity.parse(value)
        if isinstance(default, bool):
            return _to_bool(value)
        if isinstance(default, int):
            return check_number(name, _to_int(value))
        if isinstance(default, float):
            return check_number(name, float(value))
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(str(v) for v in value)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {name}: {exc.message}", hint=exc.hint) from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise ConfigError(
            f"{source}: invalid value {value!r} for {name}: {exc}",
            hint=f"expected {type(default).__name__}" if default is not None else "expected a path",
        ) from None
    return value


def _to_bool(value: Any) -> bool:
    # bool("false") is True: read the words, and refuse anything else.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("must be true or false")


def _path_or_none(value: Any) -> str | None:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ValueError("must be a path (a string)")
    return value or None  # "" switches a configured baseline off


def _to_int(value: Any) -> int:
    # int() would quietly truncate 2.5 (and True is an int): refuse both.
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("must be a whole number")
    return int(value)


def check_number(name: str, value: N) -> N:
    """``value`` if it is a valid value for the numeric setting ``name``; else ValueError."""
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if name in _POSITIVE and value <= 0:
        raise ValueError("must be greater than 0")
    minimum = _MINIMUM.get(name, 0)
    if value < minimum:
        raise ValueError(f"must be at least {minimum}" if minimum else "must not be negative")
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
            tool = data.get("tool")
            section = tool.get("aisec") if isinstance(tool, dict) else None
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
    base = directory or Path.cwd()
    file_values, source = read_file_settings(base)
    for key, value in file_values.items():
        name = key.replace("-", "_")
        if name not in FIELD_NAMES:
            raise ConfigError(f"{source}: unknown setting {key!r}", hint="see docs/settings.md")
        values[name] = _coerce(name, value, source or "config", os.path.abspath(base))
    for name in _PATHS:
        if directory is not None and values.get(name):
            # A path in a configuration file means the same wherever aisec is started from.
            values[name] = str(directory / values[name])
    env = os.environ if environ is None else environ
    for name in FIELD_NAMES:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "" and name in _FILE_ONLY:
            raise ConfigError(
                f"{ENV_PREFIX}{name.upper()}: {name} can only be set in a configuration file",
                hint="use [[suppress]] tables in aisec.toml or [tool.aisec]",
            )
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, ENV_PREFIX + name.upper())
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in FIELD_NAMES:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, value, "override")
    return Settings(**values)
