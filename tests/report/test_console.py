from __future__ import annotations

import os
import subprocess
import sys

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report.console import render_console


def _text(run, fail_on=Severity.HIGH, *, color=False, width=200):
    return render_console(run, fail_on, color=color, width=width)


def _empty_run():
    return Run(kind="scan", targets=[], tool_version="1.0", config={})


def _finding(severity, path="m.pkl", message="m"):
    return Finding.create(
        check_id="a.b", severity=severity, title="t", message=message, location=Location(path)
    )


def test_plain_output_has_no_escape_sequences(run):
    text = _text(run)
    assert "\x1b" not in text
    assert "\x07" not in text
    text.encode("utf-8")


def test_rows_are_sorted_by_severity_descending(run):
    lines = _text(run).splitlines()
    labels = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
    rows = [line.split()[0] for line in lines if line.split() and line.split()[0] in labels]
    assert rows == ["CRITICAL", "CRITICAL", "HIGH", "MEDIUM", "LOW", "LOW", "INFO"]


def test_row_shows_check_location_and_message(run):
    (row,) = [line for line in _text(run).splitlines() if "models/evil.pkl@10" in line]
    assert row.split()[:3] == ["CRITICAL", "modelfile.pickle.unsafe-callable", "models/evil.pkl@10"]
    assert row.rstrip().endswith("calls os.system('id')")


def test_markup_and_control_characters_print_as_text(run, sample):
    text = _text(run, width=400)
    assert "calls [bold red]os.system[/] with \\x1b[2J\\x07 and [link=http://x]y[/link]" in text
    assert "models/bad\\xff\\xfe[bold]name\\x1b[31m.pkl@9" in text


def test_markup_survives_with_colour_on(run):
    text = _text(run, color=True, width=400)
    assert "\x1b[" in text  # colours are on ...
    assert "[bold red]os.system[/]" in text  # ... yet the message's markup is not interpreted
    assert "\x1b[2J" not in text
    assert "\x07" not in text


def test_unanalysed_artefacts_are_listed_with_reasons(run):
    text = _text(run)
    assert "Not fully analysed:" in text
    assert "  skipped    models/huge.bin - size cap of 10 GiB exceeded" in text
    assert "  incomplete models/trunc.pt - truncated zip central directory" in text


def test_summary_and_failing_verdict(run):
    lines = _text(run).splitlines()
    assert lines[-2] == (
        "7 artefacts: 5 analysed, 1 incomplete, 1 skipped | "
        "findings: 2 critical, 1 high, 1 medium, 2 low, 1 info"
    )
    assert lines[-1] == "FAIL: 3 findings at or above high (exit code 1)"


def test_passing_verdict():
    run = _empty_run()
    run.artefacts = [Artefact(Location("m.pkl"), "pickle", 1)]
    run.findings = [_finding(Severity.LOW)]
    assert _text(run).splitlines()[-1] == "PASS: no findings at or above high (exit code 0)"
    assert _text(run, Severity.LOW).splitlines()[-1] == (
        "FAIL: 1 finding at or above low (exit code 1)"
    )


def test_incomplete_verdict_and_run_errors():
    run = _empty_run()
    run.artefacts = [Artefact(Location("m.pt"), "torch", 1, ArtefactStatus.INCOMPLETE, "cap")]
    run.errors = ["worker \x1b[31mdied"]
    text = _text(run)
    assert "Errors:\n  worker \\x1b[31mdied" in text
    assert text.splitlines()[-1] == (
        "INCOMPLETE: no findings at or above high, but 1 artefact(s) not fully analysed "
        "and 1 run error(s) (exit code 3)"
    )


def test_no_findings():
    text = _text(_empty_run())
    assert text.startswith("No findings.\n")
    assert "0 artefacts: 0 analysed, 0 incomplete, 0 skipped" in text


def test_width_is_respected(run):
    for width in (60, 100):
        lines = _text(run, width=width).splitlines()
        assert max(len(line) for line in lines) <= width


def test_long_and_hostile_messages_do_not_break_the_table():
    run = _empty_run()
    run.findings = [
        _finding(Severity.HIGH, path=os.fsdecode(b"x\xff\n\r.pkl"), message="y" * 5000),
        _finding(Severity.MEDIUM, message="fake\nCRITICAL row\u202e\udc80"),
    ]
    text = _text(run, width=120)
    text.encode("utf-8")
    assert "x\\xff\\x0a\\x0d.pkl" in text
    assert "[4500 more characters]" in text
    assert "fake\\x0aCRITICAL row\\u202e\\x80" in text
    rows = [line.split()[0] for line in text.splitlines() if line.startswith(("HIGH", "CRITICAL"))]
    assert rows == ["HIGH"]  # the message's fake "CRITICAL" row did not become a row


def test_rich_is_imported_only_when_rendering():
    code = (
        "import sys, aisec.report, aisec.report.console, aisec.report.render;"
        "print('rich' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"
