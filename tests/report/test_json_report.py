from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from pathlib import PurePosixPath

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report.json_report import jsonable, render_json, report_dict


def _empty_run():
    return Run(kind="scan", targets=[], tool_version="1.0", config={})


def test_round_trip_keeps_the_run_record_and_adds_the_verdict(run):
    doc = json.loads(render_json(run, Severity.HIGH))
    assert list(doc) == [*run.to_dict(), "fail_on", "exit_code"]
    assert doc["fail_on"] == "high"
    assert doc["exit_code"] == 1
    assert doc["summary"] == {
        "artefacts": 7,
        "incomplete": 1,
        "skipped": 1,
        "findings": {"critical": 2, "high": 1, "medium": 1, "low": 2, "info": 1},
    }
    assert doc["findings"][0] == run.findings[0].to_dict() | {
        "evidence": {"call": "os.system('id')", "opcodes": [1, 2]}
    }
    assert doc == report_dict(run, Severity.HIGH)


def test_exit_code_follows_the_threshold():
    run = _empty_run()
    run.findings = [
        Finding.create(
            check_id="a.b", severity=Severity.MEDIUM, title="t", message="m", location=Location("f")
        )
    ]
    assert json.loads(render_json(run, Severity.HIGH))["exit_code"] == 0
    assert json.loads(render_json(run, Severity.MEDIUM))["exit_code"] == 1
    run.artefacts = [Artefact(Location("g"), "x", 1, ArtefactStatus.SKIPPED, "why")]
    assert json.loads(render_json(run, Severity.HIGH))["exit_code"] == 3


def test_formatting_is_indented_utf8_and_stable(make_run):
    run = make_run()
    run.findings[0] = Finding.create(
        check_id="a.b", severity=Severity.LOW, title="t", message="Größe ✓", location=Location("f")
    )
    text = render_json(run, Severity.HIGH)
    assert text.startswith('{\n  "id": "run-1",\n')
    assert "Größe ✓" in text
    assert text.endswith("}\n")
    assert render_json(run, Severity.HIGH) == text


def test_hostile_values_become_valid_json(run, sample):
    text = render_json(run, Severity.HIGH)
    text.encode("utf-8")  # no lone surrogates left
    doc = json.loads(text)
    hostile = doc["artefacts"][4]["location"]["path"]
    assert hostile == "models/bad\\xff\\xfe[bold]name\x1b[31m.pkl"
    evidence = doc["findings"][4]["evidence"]
    assert evidence == {"bytes": "\\x00\\xff", "models/bad\\xff\\xfe[bold]name\x1b[31m.pkl": [1, 2]}
    info = doc["findings"][5]["evidence"]
    assert info["nan"] == "nan"
    assert info["blob"] == sample.long_evidence  # the JSON report keeps evidence whole


def test_jsonable_handles_what_evidence_may_hold():
    class Colour(enum.Enum):
        RED = "red"

    class Loud:
        def __repr__(self):
            raise RuntimeError("no")

    class Record:
        def to_dict(self):
            return {"k": (1, 2)}

    class Broken:
        def to_dict(self):
            raise ValueError("broken")

        def __repr__(self):
            return "Broken()"

    when = datetime(2025, 1, 1, tzinfo=UTC)
    value = {
        "severity": Severity.HIGH,
        "enum": Colour.RED,
        "when": when,
        "path": PurePosixPath("a/b"),
        "set": {3, 1, 2},
        "inf": float("-inf"),
        ("t", 1): "tuple key",
        7: "int key",
        "loud": Loud(),
        "record": Record(),
        "broken": Broken(),
        "bytes": bytearray(b"ok\n"),
    }
    assert jsonable(value) == {
        "severity": "high",
        "enum": "red",
        "when": "2025-01-01T00:00:00+00:00",
        "path": "a/b",
        "set": [1, 2, 3],
        "inf": "-inf",
        "['t', 1]": "tuple key",
        "7": "int key",
        "loud": "<unrepresentable Loud>",
        "record": {"k": [1, 2]},
        "broken": "Broken()",
        "bytes": "ok\\x0a",
    }


def test_jsonable_bounds_depth_and_length():
    loop: list[object] = []
    loop.append(loop)
    converted = jsonable(loop)
    depth = 0
    while isinstance(converted, list):
        converted, depth = converted[0], depth + 1
    assert converted == "…"
    assert 30 <= depth <= 40
    assert jsonable({"k" * 10: "v" * 10}, max_str=4) == {
        "kkkk… [6 more characters]": "vvvv… [6 more characters]"
    }
