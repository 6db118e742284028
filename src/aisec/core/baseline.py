"""Baseline files: the fingerprints of findings a team already knows about.

A baseline lets CI fail on *new* findings only. It is JSON with a format ``version``;
each entry is a fingerprint plus, for the humans reviewing the file in a pull request,
the check id, the location and the severity. Entries are sorted and carry no timestamp,
so rewriting an unchanged baseline gives the same bytes.

Reading is strict: a missing, unreadable, oversized or malformed file is a
:class:`~aisec.core.errors.ConfigError` (exit 2), never an empty baseline, because an
empty baseline would let every finding through as "new" silently, and a half-read one
would do worse.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aisec.core.errors import ConfigError, InputError
from aisec.core.finding import Finding

VERSION = 1
# A baseline of a million findings is ~150 MB; anything larger is not a baseline.
MAX_BYTES = 256 * 1024 * 1024
_HINT = "write a new one with: aisec scan PATH --write-baseline FILE"


@dataclass(frozen=True)
class Baseline:
    path: str
    fingerprints: frozenset[str] = field(default_factory=frozenset)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.fingerprints

    def __len__(self) -> int:
        return len(self.fingerprints)


def read_baseline(path: str | os.PathLike[str]) -> Baseline:
    """The baseline at ``path``; ConfigError (naming the file) for anything but a valid one."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"baseline {name}: no such file", hint=_HINT) from None
    except OSError as exc:
        raise ConfigError(
            f"baseline {name}: cannot read: {exc.strerror or exc}", hint="check the path"
        ) from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"baseline {name}: larger than {MAX_BYTES} bytes", hint=_HINT)
    return Baseline(name, parse_baseline(data, name))


def parse_baseline(data: bytes, name: str = "baseline") -> frozenset[str]:
    """The fingerprints in a baseline document; ConfigError says what is wrong with it."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"baseline {name}: not valid JSON: {exc}", hint=_HINT) from None
    except RecursionError:  # json recurses once per nesting level
        raise ConfigError(f"baseline {name}: nested too deeply", hint=_HINT) from None
    if not isinstance(document, dict):
        raise ConfigError(f"baseline {name}: expected a JSON object", hint=_HINT)
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ConfigError(
            f"baseline {name}: unsupported version {version!r} (this aisec reads {VERSION})",
            hint=_HINT,
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {name}: 'findings' must be a list", hint=_HINT)
    fingerprints: set[str] = set()
    for index, entry in enumerate(entries):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise ConfigError(f"baseline {name}: findings[{index}] has no fingerprint", hint=_HINT)
        fingerprints.add(fingerprint)
    return frozenset(fingerprints)


def baseline_document(findings: Iterable[Finding], tool_version: str) -> dict[str, Any]:
    """The baseline of ``findings``: one entry per fingerprint, in a stable order."""
    entries: dict[str, Mapping[str, str]] = {}
    for finding in findings:
        if finding.fingerprint and finding.fingerprint not in entries:
            entries[finding.fingerprint] = {
                "fingerprint": finding.fingerprint,
                "check_id": finding.check_id,
                "location": finding.location.display(),
                "severity": finding.severity.label,
            }
    ordered = sorted(
        entries.values(), key=lambda e: (e["location"], e["check_id"], e["fingerprint"])
    )
    return {"version": VERSION, "generator": f"aisec {tool_version}", "findings": ordered}


def write_baseline(
    path: str | os.PathLike[str], findings: Iterable[Finding], tool_version: str
) -> Baseline:
    """Write the baseline of ``findings`` to ``path`` and return it as read back."""
    document = baseline_document(findings, tool_version)
    text = json.dumps(document, ensure_ascii=True, indent=2) + "\n"
    name = os.fspath(path)
    try:
        with open(name, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(
            f"cannot write baseline {name}: {exc.strerror or exc}", hint="check the directory"
        ) from None
    return Baseline(name, frozenset(e["fingerprint"] for e in document["findings"]))
