from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report.junit import render_junit

# Characters XML 1.0 does not allow, anywhere in a document.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _parse(text):
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert not XML_INVALID.search(text)
    return ET.fromstring(text.encode("utf-8"))


def _cases(root):
    return {case.get("name"): case for case in root.iter("testcase")}


def _counts(element):
    return {k: int(element.get(k)) for k in ("tests", "failures", "errors", "skipped")}


def _element_counts(root):
    cases = list(root.iter("testcase"))
    return {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": sum(c.find("error") is not None for c in cases),
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }


def _empty_run():
    return Run(kind="scan", targets=[], tool_version="1.0", config={})


def test_one_suite_with_counts_that_match_the_elements(run):
    root = _parse(render_junit(run, Severity.HIGH))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "aisec scan"
    expected = {"tests": 8, "failures": 3, "errors": 1, "skipped": 1}
    assert _counts(root) == _counts(suite) == _element_counts(root) == expected
    assert suite.get("time") == "2.500"
    assert suite.get("timestamp") == "2025-01-02T03:04:05"


def test_one_testcase_per_artefact_then_unlisted_paths(run, sample):
    root = _parse(render_junit(run, Severity.HIGH))
    names = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert names == [
        ("safetensors", "models/clean.safetensors"),
        ("pickle", "models/evil.pkl"),
        ("zip", "models/bundle.zip"),
        ("zip", "models/bundle.zip!/inner.zip"),
        ("pickle", "models/bad\\xff\\xfe[bold]name\\x1b[31m.pkl"),
        ("unknown", "models/huge.bin"),
        ("torch", "models/trunc.pt"),
        ("unlisted", "/tmp/elsewhere/x y#1.pkl"),
    ]


def test_failure_names_the_worst_check_and_lists_every_finding(run):
    cases = _cases(_parse(render_junit(run, Severity.HIGH)))
    failure = cases["models/bundle.zip"].find("failure")
    assert failure.get("type") == "modelfile.zip.path-traversal"
    assert failure.get("message") == (
        "1 finding at or above high; worst: Archive member escapes the extraction directory"
    )
    assert failure.text.splitlines() == [
        "[high] modelfile.zip.path-traversal at models/bundle.zip!/../../etc/passwd: "
        "member escapes the target",
        "[medium (below threshold)] modelfile.zip.crc-mismatch at "
        "models/bundle.zip!/a/b.pkl@42: stored CRC 0x1 != 0x2",
    ]
    evil = cases["models/evil.pkl"].find("failure")
    assert evil.get("type") == "modelfile.pickle.unsafe-callable"


def test_member_findings_attach_to_the_innermost_listed_artefact(run):
    cases = _cases(_parse(render_junit(run, Severity.HIGH)))
    inner = cases["models/bundle.zip!/inner.zip"].find("failure")
    assert "calls builtins.exec" in inner.text
    assert "calls builtins.exec" not in cases["models/bundle.zip"].find("failure").text


def test_findings_below_the_threshold_pass_and_show_in_system_out(run):
    cases = _cases(_parse(render_junit(run, Severity.HIGH)))
    clean = cases["models/clean.safetensors"]
    assert clean.find("failure") is None
    assert clean.find("system-out").text == (
        "[info (below threshold)] modelfile.format.info at models/clean.safetensors: safetensors v1"
    )


def test_skipped_and_incomplete_artefacts(run):
    cases = _cases(_parse(render_junit(run, Severity.HIGH)))
    skipped = cases["models/huge.bin"]
    assert [child.tag for child in skipped] == ["skipped"]
    assert skipped.find("skipped").get("message") == "size cap of 10 GiB exceeded"
    incomplete = cases["models/trunc.pt"]
    error = incomplete.find("error")
    assert error.get("type") == "incomplete"
    assert error.get("message") == "truncated zip central directory"
    assert error.text == "models/trunc.pt was not fully analysed: truncated zip central directory"


def test_finding_for_an_unlisted_path_gets_its_own_testcase(run):
    cases = _cases(_parse(render_junit(run, Severity.LOW)))
    unlisted = cases["/tmp/elsewhere/x y#1.pkl"]
    assert unlisted.get("classname") == "unlisted"
    assert unlisted.find("failure").get("type") == "plugin.thirdparty.gone-rule"


def test_findings_in_unlisted_members_of_one_file_share_a_testcase():
    run = _empty_run()
    outer = Location("a.zip")
    run.findings = [
        Finding.create(
            check_id="a.b", severity=Severity.HIGH, title="t", message=m, location=outer.inner(m)
        )
        for m in ("x.pkl", "y.pkl")
    ]
    root = _parse(render_junit(run, Severity.HIGH))
    (case,) = root.iter("testcase")
    assert case.get("name") == "a.zip"
    assert case.find("failure").get("message") == "2 findings at or above high; worst: t"
    assert _counts(root) == {"tests": 1, "failures": 1, "errors": 0, "skipped": 0}


def test_threshold_changes_the_failure_count(run):
    assert _counts(_parse(render_junit(run, Severity.CRITICAL)))["failures"] == 2
    assert _counts(_parse(render_junit(run, Severity.INFO)))["failures"] == 6


def test_hostile_text_is_escaped_and_the_document_stays_valid(run, sample):
    root = _parse(render_junit(run, Severity.LOW))
    case = _cases(root)["models/bad\\xff\\xfe[bold]name\\x1b[31m.pkl"]
    text = case.find("failure").text
    assert "calls [bold red]os.system[/] with \\x1b[2J\\x07 and [link=http://x]y[/link]" in text


def test_xml_forbidden_characters_never_reach_the_document():
    run = _empty_run()
    nasty = "nul\x00 vt\x0b esc\x1b nonchar\ufffe\uffff surrogate\udcff rtl\u202e <&>\"'"
    run.artefacts = [
        Artefact(Location(nasty), nasty, None, ArtefactStatus.SKIPPED, nasty),
        Artefact(Location("b"), "x", None, ArtefactStatus.INCOMPLETE, nasty),
    ]
    run.findings = [
        Finding.create(
            check_id=nasty,
            severity=Severity.CRITICAL,
            title=nasty,
            message=nasty,
            location=Location(nasty),
        )
    ]
    run.errors = [nasty]
    root = _parse(render_junit(run, Severity.HIGH))
    escaped = "nul\\x00 vt\\x0b esc\\x1b nonchar\\ufffe\\uffff surrogate\\xff rtl\\u202e <&>\"'"
    case = _cases(root)[escaped]
    assert case.get("classname") == escaped
    assert case.find("failure").get("type") == escaped
    assert case.find("skipped") is None  # a failing artefact is not reported as skipped
    assert _cases(root)["b"].find("error").get("message") == escaped


def test_incomplete_artefact_with_a_failing_finding_reports_both():
    run = _empty_run()
    run.artefacts = [Artefact(Location("m.pt"), "torch", 5, ArtefactStatus.INCOMPLETE, "cap")]
    run.findings = [
        Finding.create(
            check_id="a.b",
            severity=Severity.HIGH,
            title="t",
            message="m",
            location=Location("m.pt", offset=1),
        )
    ]
    root = _parse(render_junit(run, Severity.HIGH))
    (case,) = root.iter("testcase")
    assert [child.tag for child in case] == ["error", "failure"]
    assert _counts(root) == {"tests": 1, "failures": 1, "errors": 1, "skipped": 0}


def test_run_errors_become_an_error_testcase():
    run = _empty_run()
    run.errors = ["worker died", "timeout on b.zip"]
    root = _parse(render_junit(run, Severity.HIGH))
    (case,) = root.iter("testcase")
    assert (case.get("classname"), case.get("name")) == ("aisec", "run errors")
    error = case.find("error")
    assert error.get("message") == "worker died"
    assert error.text == "worker died\ntimeout on b.zip"
    assert _counts(root) == {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}


def test_empty_run_is_an_empty_suite():
    root = _parse(render_junit(_empty_run(), Severity.HIGH))
    assert _counts(root) == {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    assert root.find("testsuite").get("time") == "0"


def test_properties_record_the_verdict(run):
    suite = _parse(render_junit(run, Severity.HIGH)).find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties == {
        "aisec.run_id": "run-1",
        "aisec.tool_version": "0.1.0.dev3",
        "aisec.fail_on": "high",
        "aisec.exit_code": "1",
    }
