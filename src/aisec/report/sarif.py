"""SARIF 2.1.0: findings for code-scanning dashboards and any SARIF viewer.

Shape decisions (see docs/adr):

* Every registered check is a rule, so a viewer can show what was checked and found
  nothing; a finding from an unregistered check still gets a minimal rule.
* Paths under the working directory are relative to ``%SRCROOT%`` (what code-scanning
  services resolve against the repository); others are absolute ``file://`` URIs. URIs are
  percent-encoded from the path's bytes, so undecodable file names survive exactly.
* An archive member is a nested artifact (``parentIndex`` chain up to the file on disk).
  A result inside a member keeps the *file on disk* as its ``uri`` (the thing a dashboard
  can open) and names the member through ``artifactLocation.index``; the byte region is
  relative to the member's stream, and a logical location spells the path
  ``outer.zip!/a/b.pkl`` for readers that do not follow indices.
* A suppressed or baseline finding is still a result, with one ``suppressions`` entry
  (kind ``external``, status ``accepted``, the justification); when a baseline was used,
  every result has a ``baselineState`` (``unchanged`` if listed, else ``new``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Disposition, Run
from aisec.core.severity import Severity
from aisec.report import safe_text
from aisec.report.json_report import jsonable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "aisecFingerprint/v1"
# Evidence can hold a whole decompiled payload; dashboards cap file sizes, so keep excerpts.
EVIDENCE_LIMIT = 4096

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning maps these scores onto its critical/high/medium/low bands.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def level(severity: Severity) -> str:
    """The SARIF ``level`` for a severity."""
    return _LEVEL[severity]


def rule_name(check_id: str) -> str:
    """``modelfile.pickle.unsafe-callable`` → ``ModelfilePickleUnsafeCallable``."""
    parts = re.split(r"[^0-9A-Za-z]+", check_id)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def semantic_version(version: str) -> str | None:
    """A SemVer 2.0 reading of a PEP 440 version (``0.1.0.dev3`` → ``0.1.0-dev3``)."""
    text = version.strip()
    match = re.match(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if match is None:
        return None
    core = ".".join(str(int(group or 0)) for group in match.groups())
    rest, _, local = text[match.end() :].partition("+")
    pre, build = _semver_identifiers(rest), _semver_identifiers(local)
    return core + (f"-{pre}" if pre else "") + (f"+{build}" if build else "")


def _semver_identifiers(text: str) -> str:
    # SemVer identifiers are [0-9A-Za-z-]+ and numeric ones carry no leading zeros.
    parts = (p for p in re.split(r"[^0-9A-Za-z]+", text) if p)
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


# --- URIs -----------------------------------------------------------------------------


def _encode(text: str) -> bytes:
    try:  # os.fsdecode's escapes turn back into the original bytes
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _quote(text: str, safe: str = "/") -> str:
    return quote(_encode(text), safe=safe)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


def file_uri(path: str) -> str:
    """The ``file://`` URI of an absolute path."""
    posix = _posix(path)
    if not posix.startswith("/"):
        posix = "/" + posix  # a Windows drive path: file:///C:/...
    return "file://" + _quote(posix, "/:")


def root_uri(directory: str) -> str:
    """The URI of a directory, with the trailing slash that makes it a base for others."""
    uri = file_uri(directory)
    return uri if uri.endswith("/") else uri + "/"


def file_location(path: str, cwd: str) -> dict[str, str]:
    """``artifactLocation`` fields for a file on disk, seen from ``cwd``."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    try:
        inside = os.path.commonpath([absolute, cwd]) == cwd
    except ValueError:  # different drives on Windows
        inside = False
    if inside:
        return {"uri": _quote(_posix(os.path.relpath(absolute, cwd))), "uriBaseId": SRCROOT}
    return {"uri": file_uri(absolute)}


_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def member_uri(name: str) -> str:
    """A member name as a URI relative to its container that cannot climb out of it.

    Member names are attacker-chosen (``../../etc/passwd``, ``/abs``): dot segments and a
    leading slash are percent-encoded so that a viewer resolving the reference against
    the container stays inside it, while the name itself remains readable.
    """
    segments = [_DOT_SEGMENTS.get(s) or _quote(s, "") for s in name.split("/")]
    uri = "/".join(segments)
    return "%2F" + uri[1:] if uri.startswith("/") else uri


def qualified_name(location: Location) -> str:
    """``outer.zip!/inner.zip!/a.pkl``: the member chain as one readable name."""
    return safe_text("!/".join((location.path, *location.member)))


# --- rules ----------------------------------------------------------------------------


def _rule_properties(severity: Severity, refs: Iterable[str]) -> dict[str, Any]:
    tags = list(dict.fromkeys(["security", *(safe_text(r) for r in refs)]))  # SARIF: unique
    return {"security-severity": _SECURITY_SEVERITY[severity], "tags": tags}


def _descriptor(cls: type[Check[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cls.id,
        "name": rule_name(cls.id),
        "shortDescription": {"text": safe_text(cls.title)},
        "fullDescription": {"text": safe_text(cls.description or cls.title)},
    }
    if cls.remediation:
        out["help"] = {"text": safe_text(cls.remediation)}
    out["defaultConfiguration"] = {"level": level(cls.severity)}
    out["properties"] = _rule_properties(cls.severity, cls.refs)
    return out


def _minimal_descriptor(finding: Finding) -> dict[str, Any]:
    # A finding from a check the registry does not know (a plugin that was removed, a run
    # loaded from the store): describe it from what the finding itself carries.
    check_id = safe_text(finding.check_id)
    title = safe_text(finding.title or finding.check_id)
    out: dict[str, Any] = {
        "id": check_id,
        "name": rule_name(check_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
    }
    if finding.remediation:
        out["help"] = {"text": safe_text(finding.remediation)}
    out["defaultConfiguration"] = {"level": level(finding.severity)}
    out["properties"] = _rule_properties(finding.severity, finding.refs)
    return out


class _Rules:
    """``tool.driver.rules`` and the index of each rule id in it."""

    def __init__(self, rules: Sequence[type[Check[Any]]], findings: Iterable[Finding]) -> None:
        self.descriptors: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}
        for cls in rules:
            if cls.id not in self._index:
                self._append(cls.id, _descriptor(cls))
        for finding in findings:
            if finding.check_id not in self._index:
                self._append(finding.check_id, _minimal_descriptor(finding))

    def _append(self, check_id: str, descriptor: dict[str, Any]) -> None:
        self._index[check_id] = len(self.descriptors)
        self.descriptors.append(descriptor)

    def index(self, check_id: str) -> int:
        return self._index[check_id]


# --- artifacts ------------------------------------------------------------------------


class _Artifacts:
    """``run.artifacts``: files on disk and, nested under them, archive members."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.entries: list[dict[str, Any]] = []
        self._index: dict[tuple[str, tuple[str, ...]], int] = {}

    def add(self, path: str, member: tuple[str, ...]) -> int:
        """The index of the artifact for ``path!/member...``, creating its ancestors."""
        key = (path, member)
        if key in self._index:
            return self._index[key]
        if member:
            parent = self.add(path, member[:-1])
            entry: dict[str, Any] = {"location": {"uri": member_uri(member[-1])}}
            entry["parentIndex"] = parent
        else:
            entry = {"location": file_location(path, self.cwd)}
        self._index[key] = len(self.entries)
        self.entries.append(entry)
        return self._index[key]

    def describe(self, artefact: Artefact) -> None:
        """Record what the run knows about an artefact it looked at."""
        entry = self.entries[self.add(artefact.location.path, artefact.location.member)]
        if "roles" in entry:
            return
        entry["roles"] = ["analysisTarget"]
        if artefact.size is not None and artefact.size >= 0:
            entry["length"] = artefact.size
        entry["properties"] = {"format": safe_text(artefact.format)}

    def location(self, location: Location) -> dict[str, Any]:
        out: dict[str, Any] = file_location(location.path, self.cwd)
        out["index"] = self.add(location.path, location.member)
        return out


# --- results --------------------------------------------------------------------------


def _region(location: Location) -> dict[str, int] | None:
    if location.offset is None or location.offset < 0:
        return None
    length = location.length if location.length is not None and location.length >= 0 else 1
    return {"byteOffset": location.offset, "byteLength": length}


def _location(location: Location, artifacts: _Artifacts) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifacts.location(location)}
    region = _region(location)
    if region is not None:
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    if location.member:
        out["logicalLocations"] = [{"fullyQualifiedName": qualified_name(location)}]
    extra = {
        "opcodeIndex": location.opcode_index,
        "row": location.row,
        "column": location.column,
    }
    if any(v is not None for v in extra.values()):
        out["properties"] = jsonable({k: v for k, v in extra.items() if v is not None})
    return out


def _suppression(disposition: Disposition) -> dict[str, Any]:
    # "external": the decision lives in aisec.toml or a baseline file, not in the artefact.
    properties: dict[str, Any] = {"aisecStatus": disposition.status}
    properties["source"] = safe_text(disposition.source)
    if disposition.expires is not None:
        properties["expires"] = disposition.expires.isoformat()
    if disposition.owner:
        properties["owner"] = safe_text(disposition.owner)
    return {
        "kind": "external",
        "status": "accepted",
        "justification": safe_text(disposition.justification),
        "properties": properties,
    }


def _triage(run: Run, finding: Finding, baseline_used: bool) -> dict[str, Any]:
    """``suppressions`` and ``baselineState`` of a result, when they apply."""
    out: dict[str, Any] = {}
    disposition = run.disposition(finding)
    if disposition is not None:
        out["suppressions"] = [_suppression(disposition)]
    if baseline_used:
        known = disposition is not None and disposition.status == "baseline"
        out["baselineState"] = "unchanged" if known else "new"
    return out


def _result(finding: Finding, rules: _Rules, artifacts: _Artifacts) -> dict[str, Any]:
    text = finding.message or finding.title or finding.check_id  # SARIF needs a message
    out: dict[str, Any] = {
        "ruleId": safe_text(finding.check_id),
        "ruleIndex": rules.index(finding.check_id),
        "level": level(finding.severity),
        "message": {"text": safe_text(text)},
        "locations": [_location(finding.location, artifacts)],
    }
    if finding.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    out["properties"] = {
        "severity": finding.severity.label,
        "confidence": jsonable(finding.confidence),
        "evidence": jsonable(finding.evidence, max_str=EVIDENCE_LIMIT),
    }
    return out


# --- invocation -----------------------------------------------------------------------


def _utc(moment: datetime) -> str:
    aware = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _notifications(run: Run, artifacts: _Artifacts) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for artefact in run.artefacts:
        if artefact.status is ArtefactStatus.ANALYSED:
            continue
        reason = artefact.reason or "no reason recorded"
        out.append(
            {
                "level": "warning",
                "message": {
                    "text": safe_text(
                        f"{artefact.location.display()} was {artefact.status.value}: {reason}"
                    )
                },
                "locations": [_location(artefact.location, artifacts)],
                "properties": {"status": artefact.status.value},
            }
        )
    out.extend({"level": "error", "message": {"text": safe_text(e or "error")}} for e in run.errors)
    out.extend({"level": "warning", "message": {"text": safe_text(w)}} for w in run.warnings)
    return out


def _invocation(run: Run, fail_on: Severity, artifacts: _Artifacts) -> dict[str, Any]:
    code = run.exit_code(fail_on)
    out: dict[str, Any] = {
        # Exit 1 is a successful scan that found something; 3 means inputs went unanalysed.
        "executionSuccessful": code in (0, 1),
        "exitCode": code,
        "startTimeUtc": _utc(run.started_at),
    }
    if run.ended_at is not None:
        out["endTimeUtc"] = _utc(run.ended_at)
    out["workingDirectory"] = {"uri": root_uri(artifacts.cwd)}
    notifications = _notifications(run, artifacts)
    if notifications:
        out["toolExecutionNotifications"] = notifications
    return out


# --- the log --------------------------------------------------------------------------


def _driver(run: Run, rules: _Rules) -> dict[str, Any]:
    out: dict[str, Any] = {"name": "aisec"}
    if run.tool_version:
        out["version"] = safe_text(run.tool_version)
        semver = semantic_version(run.tool_version)
        if semver:
            out["semanticVersion"] = semver
    out["rules"] = rules.descriptors
    return out


def sarif_log(
    run: Run,
    fail_on: Severity,
    rules: Sequence[type[Check[Any]]],
    *,
    cwd: str | None = None,
) -> dict[str, Any]:
    """The SARIF log of ``run`` as data; ``cwd`` (default: the process's) anchors paths."""
    base = os.path.normpath(os.path.abspath(cwd if cwd is not None else os.getcwd()))
    table = _Rules(rules, run.findings)
    artifacts = _Artifacts(base)
    for artefact in run.artefacts:
        artifacts.describe(artefact)
    baseline_used = bool(run.config.get("baseline")) or any(
        d.status == "baseline" for d in run.dispositions.values()
    )
    results = [_result(f, table, artifacts) | _triage(run, f, baseline_used) for f in run.findings]
    invocation = _invocation(run, fail_on, artifacts)
    sarif_run: dict[str, Any] = {
        "tool": {"driver": _driver(run, table)},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(base)}},
    }
    if artifacts.entries:
        sarif_run["artifacts"] = artifacts.entries
    sarif_run["results"] = results
    sarif_run["properties"] = {
        "runId": safe_text(run.id),
        "kind": safe_text(run.kind),
        "failOn": fail_on.label,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [sarif_run]}


def render_sarif(
    run: Run,
    fail_on: Severity,
    rules: Sequence[type[Check[Any]]],
    *,
    cwd: str | None = None,
) -> str:
    log = sarif_log(run, fail_on, rules, cwd=cwd)
    return json.dumps(log, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
