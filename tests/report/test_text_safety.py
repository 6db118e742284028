"""Text safety: helpers in aisec.report, and every renderer under arbitrary strings."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report import printable, render, safe_text, shorten

SCHEMA = Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"
ANY_CHAR = st.characters(exclude_categories=())  # includes lone surrogates
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=40)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ✓", "plain ✓"),
        ("bad\udcff", "bad\\xff"),
        ("lone\ud800", "lone\\ud800"),
        ("ctl\x1b[31m", "ctl\x1b[31m"),
    ],
)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\tb\nc", "a\\x09b\\x0ac"),
        ("\x1b[2J\x07", "\\x1b[2J\\x07"),
        ("\x85\x9f", "\\x85\\x9f"),
        ("abc\u202egpj.exe", "abc\\u202egpj.exe"),
        ("\u2028\ufeff\uffff", "\\u2028\\ufeff\\uffff"),
        ("[bold]ä€😀", "[bold]ä€😀"),
    ],
)
def test_printable(text, expected):
    assert printable(text) == expected


def test_shorten():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcdef", 2) == "ab… [4 more characters]"


@given(ANY_TEXT)
def test_printable_is_encodable_and_free_of_controls(text):
    out = printable(text)
    out.encode("utf-8")
    assert not CONTROL.search(out)
    assert printable(out) == out


def _hostile_run(path, member, message, reason, evidence_key, evidence_value):
    location = Location(path or "x", (member,) if member else ())
    run = Run(kind="scan", targets=[path], tool_version="1.0", config={"k": message})
    run.artefacts = [
        Artefact(location, reason or "fmt", 1),
        Artefact(Location(reason or "r"), "x", None, ArtefactStatus.SKIPPED, reason),
        Artefact(Location(message or "m"), "x", None, ArtefactStatus.INCOMPLETE, message),
    ]
    run.findings = [
        Finding.create(
            check_id=message or "a.b",
            severity=severity,
            title=reason,
            message=message,
            location=location.at(len(message)),
            evidence={evidence_key: evidence_value},
        )
        for severity in Severity
    ]
    run.errors = [reason]
    return run


@pytest.fixture(scope="module")
def sarif_validator():
    if not SCHEMA.is_file():
        return None
    from jsonschema import Draft7Validator

    return Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=ANY_TEXT,
    member=ANY_TEXT,
    message=ANY_TEXT,
    reason=ANY_TEXT,
    evidence_key=ANY_TEXT,
    evidence_value=st.one_of(ANY_TEXT, st.binary(max_size=20), st.floats(), st.integers()),
)
def test_every_renderer_survives_arbitrary_text(
    sarif_validator, rules, path, member, message, reason, evidence_key, evidence_value
):
    run = _hostile_run(path, member, message, reason, evidence_key, evidence_value)
    outputs = {
        fmt: render(run, fmt, fail_on=Severity.MEDIUM, rules=rules, width=100)
        for fmt in ("console", "json", "sarif", "junit")
    }
    for text in outputs.values():
        text.encode("utf-8")  # strict: no lone surrogates anywhere
    assert "\x1b" not in outputs["console"]
    assert not CONTROL.search(outputs["console"].replace("\n", ""))
    assert json.loads(outputs["json"])["exit_code"] == 1
    log = json.loads(outputs["sarif"])
    if sarif_validator is not None:
        assert not list(sarif_validator.iter_errors(log))
    root = ET.fromstring(outputs["junit"].encode("utf-8"))
    assert int(root.get("tests")) == len(list(root.iter("testcase")))
