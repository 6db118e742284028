"""The scan policy on a run: strict severities, suppressions, baselines, and how every
report shows findings that do not count."""

import json
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from aisec.core.baseline import Baseline, write_baseline
from aisec.core.check import Check, metadata_problems
from aisec.core.errors import ConfigError
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Disposition, Run
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.core.suppression import parse_suppressions
from aisec.core.triage import apply_policy, apply_strict, record_baseline
from aisec.report.console import render_console
from aisec.report.json_report import report_dict
from aisec.report.junit import render_junit
from aisec.report.sarif import sarif_log

TODAY = date(2026, 6, 1)
SCHEMA = Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"


class Unknown(Check[Any]):
    id = "test.pickle.unknown"
    title = "Unknown callable"
    severity = Severity.MEDIUM
    strict_severity = Severity.HIGH
    applies_to = ("pickle",)
    description = "On no allowlist."


class Dangerous(Check[Any]):
    id = "test.pickle.dangerous"
    title = "Dangerous callable"
    severity = Severity.CRITICAL
    applies_to = ("pickle",)
    description = "Known dangerous."


class Loud(Check[Any]):
    id = "test.pickle.loud"
    title = "Already loud"
    severity = Severity.CRITICAL
    strict_severity = Severity.HIGH  # strict never lowers
    applies_to = ("pickle",)
    description = "Critical already."


CHECKS = [Unknown, Dangerous, Loud]


def make_run() -> Run:
    run = Run("scan", ["models"], "0.1.0", {"fail_on": "high"})
    run.artefacts = [
        Artefact(Location("models/legacy/a.pkl"), "pickle", 10),
        Artefact(Location("models/new.pkl"), "pickle", 10),
    ]
    run.findings = [
        Unknown().finding(Location("models/legacy/a.pkl", offset=3), "calls a.B", key="a.B"),
        Unknown().finding(Location("models/new.pkl", offset=3), "calls c.D", key="c.D"),
        Dangerous().finding(Location("models/legacy/a.pkl", offset=9), "os.system", key="os"),
        Loud().finding(Location("models/new.pkl", offset=1), "loud", key="loud"),
    ]
    run.finish()
    return run


def suppress(*entries: dict[str, Any]) -> tuple[Any, ...]:
    return parse_suppressions(list(entries), "aisec.toml", "/repo")


def legacy(**extra: Any) -> dict[str, Any]:
    return {
        "check": "test.pickle.unknown",
        "path": "models/legacy/**",
        "justification": "legacy, retrained in Q3",
        "expires": date(2027, 1, 1),
        **extra,
    }


def policy(run: Run, **settings: Any) -> Run:
    apply_policy(run, Settings(**settings), CHECKS, today=TODAY, cwd="/repo")
    return run


# --- strict -----------------------------------------------------------------------------


def test_strict_raises_declared_checks_and_never_lowers():
    run = make_run()
    apply_strict(run, CHECKS)
    assert [f.severity for f in run.findings] == [
        Severity.HIGH,
        Severity.HIGH,
        Severity.CRITICAL,
        Severity.CRITICAL,
    ]
    assert run.findings[0].fingerprint == make_run().findings[0].fingerprint


def test_strict_changes_the_verdict():
    assert policy(make_run(), fail_on=Severity.CRITICAL).exit_code(Severity.HIGH) == 1
    relaxed = make_run()
    relaxed.findings = relaxed.findings[:2]
    assert policy(relaxed).exit_code(Severity.HIGH) == 0
    strict = make_run()
    strict.findings = strict.findings[:2]
    assert policy(strict, strict=True).exit_code(Severity.HIGH) == 1


def test_strict_severity_metadata_is_validated():
    class Bad(Unknown):
        strict_severity = "high"  # type: ignore[assignment]

    assert "strict_severity must be a Severity or None" in metadata_problems(Bad)
    assert metadata_problems(Unknown) == []


def test_built_in_allowlist_checks_declare_a_strict_severity():
    from aisec.core.registry import default_registry

    strict = {c.id for c in default_registry().enabled() if c.strict_severity is Severity.HIGH}
    assert {
        "modelfile.pickle.unknown-call",
        "modelfile.pickle.unknown-import",
        "modelfile.onnx.custom-op-domain",
        "modelfile.torchscript.custom-op",
    } <= strict
    assert "modelfile.pickle.dangerous-call" not in strict


# --- suppressions -----------------------------------------------------------------------


def test_suppressed_findings_stay_in_the_record_and_do_not_count():
    run = policy(make_run(), suppress=suppress(legacy()))
    assert len(run.findings) == 4
    (fingerprint,) = run.dispositions
    assert fingerprint == run.findings[0].fingerprint
    assert run.disposition(run.findings[0]) == Disposition(
        "suppressed",
        "legacy, retrained in Q3",
        "aisec.toml [[suppress]] #1",
        date(2027, 1, 1),
    )
    assert run.open_findings == run.findings[1:]
    assert run.not_counted() == {"suppressed": 1, "baseline": 0}
    assert run.counts()["medium"] == 1


def test_suppression_turns_a_failing_run_into_a_passing_one():
    run = make_run()
    run.findings = run.findings[:1]
    assert policy(run, strict=True).exit_code(Severity.HIGH) == 1
    run = make_run()
    run.findings = run.findings[:1]
    assert policy(run, strict=True, suppress=suppress(legacy())).exit_code(Severity.HIGH) == 0


def test_suppression_does_not_hide_an_incomplete_artefact():
    run = make_run()
    run.findings = run.findings[:1]
    run.artefacts[0].status = ArtefactStatus.INCOMPLETE
    assert policy(run, suppress=suppress(legacy())).exit_code(Severity.HIGH) == 3


def test_expired_suppressions_no_longer_apply_and_warn():
    expired = legacy(expires=date(2026, 5, 31))
    run = policy(make_run(), suppress=suppress(expired))
    assert run.dispositions == {}
    (warning,) = run.warnings
    assert warning.startswith("aisec.toml [[suppress]] #1 (check test.pickle.unknown, path ")
    assert "expired on 2026-05-31" in warning
    assert "1 finding(s) it covered count again" in warning
    assert report_dict(run, Severity.HIGH)["warnings"] == [warning]


def test_the_first_matching_suppression_is_recorded():
    second = {"check": "test.pickle.unknown", "justification": "all", "expires": date(2030, 1, 1)}
    run = policy(make_run(), suppress=suppress(legacy(owner="team-a"), second))
    reasons = {d.source for d in run.dispositions.values()}
    assert reasons == {"aisec.toml [[suppress]] #1", "aisec.toml [[suppress]] #2"}
    assert run.disposition(run.findings[0]).owner == "team-a"


def test_findings_without_a_fingerprint_cannot_be_suppressed():
    run = make_run()
    run.findings = [Finding("test.pickle.unknown", Severity.HIGH, "t", "m", Location("x"))]
    assert policy(run, suppress=suppress({**legacy(), "path": None})).exit_code(Severity.HIGH) == 1


# --- baselines --------------------------------------------------------------------------


def test_baseline_marks_known_findings_and_suppressions_take_precedence():
    run = make_run()
    known = Baseline("b.json", frozenset(f.fingerprint for f in run.findings[:3]))
    apply_policy(
        run, Settings(suppress=suppress(legacy())), CHECKS, baseline=known, today=TODAY, cwd="/repo"
    )
    statuses = [getattr(run.disposition(f), "status", None) for f in run.findings]
    assert statuses == ["suppressed", "baseline", "baseline", None]
    assert run.not_counted() == {"suppressed": 1, "baseline": 2}
    assert run.exit_code(Severity.HIGH) == 1  # the loud finding is new
    assert run.exit_code(Severity.CRITICAL) == 1


def test_baseline_setting_is_read_when_not_given(tmp_path):
    run = make_run()
    write_baseline(tmp_path / "b.json", run.findings, "0.1.0")
    policy(run, baseline=str(tmp_path / "b.json"))
    assert run.exit_code(Severity.INFO) == 0
    with pytest.raises(ConfigError, match="no such file"):
        policy(make_run(), baseline=str(tmp_path / "missing.json"))


def test_record_baseline_leaves_suppressed_findings_out(tmp_path):
    run = policy(make_run(), suppress=suppress(legacy()))
    written = record_baseline(run, tmp_path / "b.json")
    assert len(written) == 3
    assert run.findings[0].fingerprint not in written
    assert run.exit_code(Severity.INFO) == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    assert {e["fingerprint"] for e in doc["findings"]} == set(written.fingerprints)


# --- findings that never enter or match a baseline (the signature checks) -------------------


class Unsigned(Check[Any]):
    id = "test.signature.changed"
    title = "Not what was signed"
    severity = Severity.CRITICAL
    applies_to = ("signature",)
    description = "The model is not the one that was signed."
    baselinable = False


def signature_run() -> Run:
    run = make_run()
    run.findings.append(
        Unsigned().finding(Location("models/new.pkl"), "changed", key="changed:new.pkl:ab12")
    )
    return run


def test_a_baseline_never_matches_findings_of_a_check_that_is_not_baselinable():
    run = signature_run()
    # An old (or hand-written) baseline lists the signature finding: it counts all the same.
    known = Baseline("b.json", frozenset(f.fingerprint for f in run.findings))
    apply_policy(run, Settings(), [*CHECKS, Unsigned], baseline=known, today=TODAY, cwd="/")
    assert run.disposition(run.findings[-1]) is None
    assert run.not_counted()["baseline"] == 4
    assert run.exit_code(Severity.CRITICAL) == 1


def test_record_baseline_leaves_findings_of_a_check_that_is_not_baselinable_out(tmp_path):
    run = signature_run()
    apply_policy(run, Settings(), [*CHECKS, Unsigned], today=TODAY, cwd="/")
    written = record_baseline(run, tmp_path / "b.json", checks=[*CHECKS, Unsigned])
    assert len(written) == 4 and run.findings[-1].fingerprint not in written
    assert run.disposition(run.findings[-1]) is None
    assert run.exit_code(Severity.CRITICAL) == 1  # writing a baseline does not pass this run


def test_without_the_checks_the_default_registry_says_what_is_not_baselinable(tmp_path):
    from aisec.inventory.checks.signature_missing import SignatureMissing

    run = make_run()
    run.findings.append(
        SignatureMissing().finding(Location("models"), "no signature", key="missing")
    )
    written = record_baseline(run, tmp_path / "b.json")  # as aisec.scan() calls it
    assert run.findings[-1].fingerprint not in written
    assert run.disposition(run.findings[-1]) is None
    assert run.exit_code(Severity.HIGH) == 1


def test_the_signature_checks_are_not_baselinable():
    from aisec.core.registry import default_registry
    from aisec.core.triage import baselinable

    signature = [c for c in default_registry().enabled() if "signature" in c.applies_to]
    assert {c.id for c in signature} >= {
        "inventory.signature.missing",
        "inventory.signature.invalid",
        "inventory.signature.content-changed",
    }
    assert not any(baselinable(c) for c in signature)
    assert all(baselinable(c) for c in CHECKS)  # the default


def test_a_suppression_still_covers_a_finding_that_is_not_baselinable():
    """A suppression is a reviewed decision with an expiry: it may set one aside."""
    run = signature_run()
    accepted = {
        "fingerprint": run.findings[-1].fingerprint,
        "justification": "re-signing after review, ticket 42",
        "expires": date(2026, 6, 30),
    }
    apply_policy(run, Settings(suppress=suppress(accepted)), [*CHECKS, Unsigned], today=TODAY)
    assert getattr(run.disposition(run.findings[-1]), "status", None) == "suppressed"


# --- reports ----------------------------------------------------------------------------


def triaged() -> Run:
    run = make_run()
    known = Baseline("b.json", frozenset({run.findings[1].fingerprint}))
    apply_policy(
        run,
        Settings(suppress=suppress(legacy(owner="ml")), baseline="b.json"),
        CHECKS,
        baseline=known,
        today=TODAY,
        cwd="/repo",
    )
    run.warnings.append("aisec.toml [[suppress]] #9 (check x.y) expired on 2020-01-01")
    return run


def test_json_marks_each_finding_and_counts_what_does_not_count():
    doc = json.loads(json.dumps(report_dict(triaged(), Severity.HIGH)))
    first, second, third, _ = doc["findings"]
    assert first["suppression"] == {
        "status": "suppressed",
        "justification": "legacy, retrained in Q3",
        "expires": "2027-01-01",
        "owner": "ml",
        "source": "aisec.toml [[suppress]] #1",
    }
    assert second["suppression"]["status"] == "baseline"
    assert "suppression" not in third
    assert doc["summary"]["suppressed"] == 1 and doc["summary"]["baseline"] == 1
    assert doc["summary"]["findings"]["medium"] == 0
    assert doc["exit_code"] == 1


def test_sarif_results_carry_suppressions_and_baseline_state():
    log = sarif_log(triaged(), Severity.HIGH, CHECKS, cwd="/repo")
    results = log["runs"][0]["results"]
    assert len(results) == 4
    assert results[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "legacy, retrained in Q3",
            "properties": {
                "aisecStatus": "suppressed",
                "source": "aisec.toml [[suppress]] #1",
                "expires": "2027-01-01",
                "owner": "ml",
            },
        }
    ]
    assert results[1]["suppressions"][0]["properties"]["aisecStatus"] == "baseline"
    assert [r["baselineState"] for r in results] == ["new", "unchanged", "new", "new"]
    assert "suppressions" not in results[2]
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {"level": "warning", "message": {"text": triaged().warnings[0]}} in notes


def test_sarif_without_a_baseline_has_no_baseline_state():
    run = policy(make_run(), suppress=suppress(legacy()))
    results = sarif_log(run, Severity.HIGH, CHECKS, cwd="/repo")["runs"][0]["results"]
    assert all("baselineState" not in r for r in results)


def test_sarif_with_suppressions_validates_against_the_schema():
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    from jsonschema import Draft7Validator

    validator = Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    log = json.loads(json.dumps(sarif_log(triaged(), Severity.HIGH, CHECKS, cwd="/repo")))
    assert list(validator.iter_errors(log)) == []


def test_console_lists_open_findings_and_counts_the_rest():
    text = render_console(triaged(), Severity.HIGH, color=False, width=200)
    assert "models/new.pkl@3" not in text  # in the baseline
    assert "calls a.B" not in text  # suppressed
    assert "os.system" in text
    assert "Not counted: 1 suppressed, 1 in the baseline" in text
    assert "FAIL: 2 findings at or above high" in text


def test_console_says_when_nothing_is_open():
    run = make_run()
    run.findings = run.findings[:1]
    policy(run, suppress=suppress(legacy()))
    text = render_console(run, Severity.HIGH, color=False, width=200)
    assert "No open findings." in text
    assert "PASS" in text


def test_junit_lists_excused_findings_without_failing():
    run = make_run()
    run.findings = run.findings[:2]
    known = Baseline("b.json", frozenset({run.findings[1].fingerprint}))
    apply_policy(
        run,
        Settings(suppress=suppress(legacy())),
        CHECKS,
        baseline=known,
        today=TODAY,
        cwd="/repo",
    )
    root = ElementTree.fromstring(render_junit(run, Severity.INFO))
    assert root.get("failures") == "0"
    outs = [e.text for e in root.iter("system-out")]
    assert any("(suppressed: legacy, retrained in Q3)" in t for t in outs)
    assert any("(in the baseline)" in t for t in outs)


def test_junit_failure_body_mentions_excused_findings_of_the_same_artefact():
    run = policy(make_run(), suppress=suppress(legacy()))
    root = ElementTree.fromstring(render_junit(run, Severity.HIGH))
    failure = next(f for f in root.iter("failure") if "os.system" in (f.text or ""))
    assert "(suppressed: legacy, retrained in Q3)" in failure.text
