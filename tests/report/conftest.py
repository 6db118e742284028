"""Runs built in code for the renderer tests: every severity, nested members, offsets,
hostile text (markup, control characters, undecodable file names, huge evidence),
skipped and incomplete artefacts, and a finding whose check is not registered."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity

CWD = "/srv/project"
HOSTILE_PATH = os.fsdecode(b"models/bad\xff\xfe[bold]name\x1b[31m.pkl")
MARKUP_MESSAGE = "calls [bold red]os.system[/] with \x1b[2J\x07 and [link=http://x]y[/link]"
LONG_EVIDENCE = "A" * 100_000
UNKNOWN_CHECK = "plugin.thirdparty.gone-rule"


class UnsafeCallable(Check[Any]):
    id = "modelfile.pickle.unsafe-callable"
    title = "Unsafe callable in pickle"
    severity = Severity.CRITICAL
    applies_to = ("pickle",)
    description = "The pickle imports a callable that can execute code when loaded."
    remediation = "Do not load this file; convert the model to safetensors."
    refs = ("AML.T0010", "CWE-502")


class ZipTraversal(Check[Any]):
    id = "modelfile.zip.path-traversal"
    title = "Archive member escapes the extraction directory"
    severity = Severity.HIGH
    applies_to = ("container",)
    description = "A member name contains '..' or an absolute path."
    remediation = "Reject the archive."
    refs = ("CWE-22",)


class CrcMismatch(Check[Any]):
    id = "modelfile.zip.crc-mismatch"
    title = "CRC mismatch"
    severity = Severity.MEDIUM
    applies_to = ("container",)
    description = "A member's stored CRC does not match its data."


class TrailingData(Check[Any]):
    id = "modelfile.pickle.trailing-data"
    title = "Data after STOP"
    severity = Severity.LOW
    applies_to = ("pickle",)
    description = "Bytes follow the pickle STOP opcode."
    remediation = "Inspect the trailing bytes."
    refs = ("CWE-502", "CWE-502")  # duplicates must not break SARIF's unique tags


class FormatInfo(Check[Any]):
    id = "modelfile.format.info"
    title = "Format detected"
    severity = Severity.INFO
    applies_to = ("artefact",)
    description = "Informational: the detected format."


class NeverFires(Check[Any]):
    id = "modelfile.onnx.external-data"
    title = "ONNX external data outside the model directory"
    severity = Severity.HIGH
    applies_to = ("onnx",)
    description = "An ONNX tensor points at a file outside the model's directory."
    remediation = "Keep external data next to the model."
    refs = ("ML06:2023",)


RULES: list[type[Check[Any]]] = [
    UnsafeCallable,
    ZipTraversal,
    CrcMismatch,
    TrailingData,
    FormatInfo,
    NeverFires,
]

EVIL = Location("models/evil.pkl")
BUNDLE = Location("models/bundle.zip")
INNER = BUNDLE.inner("inner.zip")


def _finding(cls: type[Check[Any]], location: Location, message: str, **kw: Any) -> Finding:
    return cls().finding(location, message, **kw)


def build_run() -> Run:
    started = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    run = Run(
        kind="scan",
        targets=["models"],
        tool_version="0.1.0.dev3",
        config={"fail_on": "high"},
        id="run-1",
        started_at=started,
        ended_at=started + timedelta(seconds=2.5),
    )
    run.artefacts = [
        Artefact(Location("models/clean.safetensors"), "safetensors", 1024),
        Artefact(EVIL, "pickle", 64),
        Artefact(BUNDLE, "zip", 4096),
        Artefact(INNER, "zip", 2048),
        Artefact(Location(HOSTILE_PATH), "pickle", 10),
        Artefact(
            Location("models/huge.bin"),
            "unknown",
            None,
            ArtefactStatus.SKIPPED,
            "size cap of 10 GiB exceeded",
        ),
        Artefact(
            Location("models/trunc.pt"),
            "torch",
            77,
            ArtefactStatus.INCOMPLETE,
            "truncated zip central directory",
        ),
    ]
    run.findings = [
        _finding(
            UnsafeCallable,
            EVIL.at(10, 5),
            "calls os.system('id')",
            evidence={"call": "os.system('id')", "opcodes": (1, 2)},
            key="os.system",
        ),
        _finding(ZipTraversal, BUNDLE.inner("../../etc/passwd"), "member escapes the target"),
        _finding(CrcMismatch, BUNDLE.inner("a/b.pkl").at(42), "stored CRC 0x1 != 0x2"),
        _finding(
            UnsafeCallable,
            INNER.inner("deep/c.pkl").at(7, 3),
            "calls builtins.exec",
            key="builtins.exec",
        ),
        _finding(
            TrailingData,
            Location(HOSTILE_PATH).at(9),
            MARKUP_MESSAGE,
            evidence={"bytes": b"\x00\xff", HOSTILE_PATH: {1, 2}},
        ),
        _finding(
            FormatInfo,
            Location("models/clean.safetensors"),
            "safetensors v1",
            evidence={"blob": LONG_EVIDENCE, "nan": float("nan")},
        ),
        Finding.create(
            check_id=UNKNOWN_CHECK,
            severity=Severity.LOW,
            title="Gone rule",
            message="reported by a plugin that is no longer installed",
            location=Location("/tmp/elsewhere/x y#1.pkl", offset=0, length=0),
        ),
    ]
    return run


@pytest.fixture
def run() -> Run:
    return build_run()


@pytest.fixture
def rules() -> list[type[Check[Any]]]:
    return list(RULES)


@pytest.fixture(scope="session")
def make_run() -> Callable[[], Run]:
    """A factory, for tests (hypothesis ones) that need a fresh run per example."""
    return build_run


@pytest.fixture(scope="session")
def sample() -> SimpleNamespace:
    """The constants the sample run is built from, for exact assertions."""
    return SimpleNamespace(
        cwd=CWD,
        hostile_path=HOSTILE_PATH,
        markup_message=MARKUP_MESSAGE,
        long_evidence=LONG_EVIDENCE,
        unknown_check=UNKNOWN_CHECK,
        rules=list(RULES),
        checks={cls.__name__: cls for cls in RULES},
        build=build_run,
        finding=_finding,
    )
