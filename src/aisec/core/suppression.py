"""Suppressions: reviewed decisions that a finding does not count, each with an expiry.

A suppression comes from a ``[[suppress]]`` table of ``aisec.toml`` (or of
``[tool.aisec]`` in ``pyproject.toml``). It names what it covers by check id, by
fingerprint, or both, optionally narrowed by a glob on the artefact's path; it must say
why (``justification``) and until when (``expires``, a TOML date). Every criterion given
must match. Parsing is strict: a typo in a key is an error, not a rule that silently
matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aisec.core.errors import ConfigError
from aisec.core.pathglob import compile_glob, path_matches

if TYPE_CHECKING:  # annotations only
    from aisec.core.finding import Finding

_KEYS = frozenset({"check", "fingerprint", "path", "justification", "expires", "owner"})
_FINGERPRINT = re.compile(r"^[0-9a-f]{16,64}$")
_HINT = "see docs/settings.md#suppressions"


@dataclass(frozen=True, slots=True)
class Suppression:
    justification: str
    expires: date
    check: str | None = None
    fingerprint: str | None = None
    path: str | None = None  # glob on the artefact's path, relative to ``base``
    owner: str = ""
    source: str = ""  # where it was written: "aisec.toml [[suppress]] #2"
    base: str = ""  # absolute directory that relative ``path`` globs start from

    def expired(self, today: date) -> bool:
        """Whether the suppression has lapsed; it still applies on its expiry day."""
        return today > self.expires

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in self._criteria() if v is not None]
        return ", ".join(parts)

    def _criteria(self) -> tuple[tuple[str, str | None], ...]:
        return (("check", self.check), ("fingerprint", self.fingerprint), ("path", self.path))

    def matches(self, finding: Finding, cwd: str) -> bool:
        """Whether ``finding`` is covered (expiry is the caller's business)."""
        if self.check is not None and finding.check_id != self.check:
            return False
        if self.fingerprint is not None and finding.fingerprint != self.fingerprint:
            return False
        return self.path is None or path_matches(self.path, finding.location.path, self.base, cwd)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in self._criteria() if v is not None}
        out["justification"] = self.justification
        out["expires"] = self.expires.isoformat()
        if self.owner:
            out["owner"] = self.owner
        out["source"] = self.source
        return out


def parse_suppressions(raw: Any, source: str, base: str) -> tuple[Suppression, ...]:
    """The ``suppress`` array of tables read from ``source``; ConfigError names the entry."""
    if isinstance(raw, Suppression):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise ConfigError(f"{source}: suppress must be an array of tables", hint=_HINT)
    return tuple(
        _parse_entry(entry, f"{source} [[suppress]] #{i}", base)
        for i, entry in enumerate(raw, start=1)
    )


def _parse_entry(entry: Any, where: str, base: str) -> Suppression:
    if isinstance(entry, Suppression):
        return entry
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: expected a table, got {type(entry).__name__}", hint=_HINT)
    unknown = sorted(str(k) for k in entry if k not in _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}", hint=_HINT)
    check = _optional_text(entry, "check", where)
    fingerprint = _optional_text(entry, "fingerprint", where)
    if fingerprint is not None:
        fingerprint = fingerprint.lower()
        if not _FINGERPRINT.match(fingerprint):
            raise ConfigError(f"{where}: fingerprint {fingerprint!r} is not a hex digest")
    if check is None and fingerprint is None:
        raise ConfigError(
            f"{where}: give a check id or a fingerprint (a path alone would be too broad)",
            hint=_HINT,
        )
    path = _optional_text(entry, "path", where)
    if path is not None:
        compile_glob(path, where)
    justification = _optional_text(entry, "justification", where)
    if justification is None:
        raise ConfigError(f"{where}: missing justification", hint="say why it is acceptable")
    return Suppression(
        justification=justification,
        expires=_expiry(entry.get("expires"), where),
        check=check,
        fingerprint=fingerprint,
        path=path,
        owner=_optional_text(entry, "owner", where) or "",
        source=where,
        base=base,
    )


def _optional_text(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty string", hint=_HINT)
    return value.strip()


def _expiry(value: Any, where: str) -> date:
    if value is None:
        raise ConfigError(
            f"{where}: missing expires", hint="add an expiry date, e.g. expires = 2027-03-31"
        )
    # A TOML offset date-time is a datetime, which is also a date: refuse it rather than
    # guess which day it means in which zone.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ConfigError(
            f"{where}: expires must be a TOML date such as 2027-03-31 (unquoted), not {value!r}",
            hint=_HINT,
        )
    return value
