"""``aisec gate`` and ``--system`` on ``aisec scan``: exit codes (0 pass, 1 a blocking
condition failed, 2 a bad policy, unknown system or no store), the formats, and SARIF that
validates against the 2.1.0 schema. The command is registered on a local app here, as
aisec.cli.main registers it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer

from aisec.cli import gate_cmd, scan_cmd
from aisec.cli.main import _error, _unexpected
from aisec.core.errors import AisecError
from aisec.store import open_store
from aisec.store.records import SystemAsset

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "../shared/reference/data/sarif-schema-2.1.0.json"
POLICY = """\
schema: aisec.policy/1
name: small gate
conditions:
  - {id: fria, type: assessment_done, kind: fria}
  - {id: release, type: approval_present, scope: release}
  - {id: dpia, type: assessment_done, kind: dpia, severity: warning}
"""


def aisec(argv: list[str]) -> int:
    """aisec.cli.main.main over an app that has the gate command."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("gate")(gate_cmd.gate_command)
    app.command("scan")(scan_cmd.scan)
    try:
        result = typer.main.get_command(app).main(
            args=argv, prog_name="aisec", standalone_mode=False
        )
    except AisecError as exc:
        _error(exc)
        return exc.exit_code
    except Exception as exc:
        return _unexpected(exc)
    return result if isinstance(result, int) else 0


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    with open_store(url) as store:
        store.inventory.add(SystemAsset(name="credit-scoring"))
    (tmp_path / "policy.yaml").write_text(POLICY)
    return url


def approve(url: str, expires: date | None = None) -> None:
    with open_store(url) as store:
        store.assessments.record(
            "credit-scoring", "fria", framework="eu-ai-act", answers={}, result={},
            rationale=[], assessor="dpo", as_of=date(2026, 11, 1),
        )  # fmt: skip
        store.approvals.record("credit-scoring", "release", "approved", approver="cro",
                               decided_at=datetime(2026, 11, 2, tzinfo=UTC),
                               expires_on=expires)  # fmt: skip


def gate(url: str, *extra: str) -> list[str]:
    return ["gate", "--policy", "policy.yaml", "--system", "credit-scoring", "--database", url,
            "--today", "2026-11-28", *extra]  # fmt: skip


def test_fails_with_exit_1_then_passes_with_exit_0(db, capsys):
    assert aisec(gate(db)) == 1
    out = capsys.readouterr().out
    assert "✗ fria" in out or "FAIL fria" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED")
    approve(db, expires=date(2026, 12, 31))
    assert aisec(gate(db)) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1].startswith("PASSED")  # the dpia warning does not block
    assert aisec([*gate(db)[:-2], "--today", "2027-01-01"]) == 1  # the approval expired


def test_json_and_junit(db, tmp_path, capsys):
    approve(db)
    assert aisec(gate(db, "--format", "json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is True and report["system"] == "credit-scoring"
    statuses = {c["id"]: c["status"] for c in report["conditions"]}
    assert statuses == {"fria": "passed", "release": "passed", "dpia": "failed"}
    assert aisec(gate(db, "--format", "junit", "--output", str(tmp_path / "g.xml"))) == 0
    assert "PASSED" in capsys.readouterr().err  # the verdict still shows in the log
    root = ET.parse(tmp_path / "g.xml").getroot()
    assert {c.get("name") for c in root.iter("testcase")} == {"fria", "release", "dpia"}


def test_sarif_validates_against_the_schema(db, tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    assert aisec(gate(db, "--format", "sarif", "--output", str(tmp_path / "g.sarif"))) == 1
    log = json.loads((tmp_path / "g.sarif").read_text())
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors[:5]
    run = log["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"gate.fria", "gate.release", "gate.dpia"}
    assert run["properties"]["system"] == "credit-scoring" and run["properties"]["passed"] is False


def test_bad_policy_unknown_system_bad_day_and_no_store_exit_2(db, tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("schema: aisec.policy/1\nname: x\nconditions:\n"
                                       "  - {id: a, type: no_such_type}\n")  # fmt: skip
    bad = gate(db)
    bad[2] = "bad.yaml"
    assert aisec(bad) == 2
    assert "policy, conditions[0]" in capsys.readouterr().err
    unknown = gate(db)
    unknown[4] = "nope"
    assert aisec(unknown) == 2
    assert "no AI system named 'nope'" in capsys.readouterr().err
    assert aisec([*gate(db)[:-2], "--today", "soon"]) == 2
    assert aisec([*gate(db)[:2], "missing.yaml", *gate(db)[3:]]) == 2
    nowhere = ["gate", "--policy", "policy.yaml", "--system", "credit-scoring"]
    assert aisec(nowhere) == 2  # no store configured, and none is created
    assert not (tmp_path / ".aisec").exists()


def test_scan_system_links_the_run_and_an_unknown_system_only_warns(db, tmp_path, capsys):
    (tmp_path / "model.safetensors").write_bytes(_safetensors())
    argv = ["scan", "model.safetensors", "--database", db]
    assert aisec([*argv, "--system", "credit-scoring"]) == 0
    assert aisec([*argv, "--system", "nope"]) == 0  # the scan's verdict, not the link's
    err = capsys.readouterr().err
    assert "recorded but not linked" in err and "'nope'" in err
    with open_store(db) as store:
        linked = store.runs.for_system("credit-scoring", "scan")
        assert len(store.runs.list(kind="scan")) == 2 and len(linked) == 1
        assert store.inventory.find(SystemAsset, "nope") is None


def test_scan_system_with_no_record_warns(db, tmp_path, capsys):
    (tmp_path / "model.safetensors").write_bytes(_safetensors())
    argv = ["scan", "model.safetensors", "--database", db, "--no-record", "--system", "x"]
    assert aisec(argv) == 0
    assert "not recorded, so not linked" in capsys.readouterr().err


def _safetensors() -> bytes:
    numpy = pytest.importorskip("numpy")
    from safetensors.numpy import save

    return save({"weight": numpy.zeros((2, 3), dtype=numpy.float32)})


FINDINGS_POLICY = """\
schema: aisec.policy/1
name: findings gate
conditions:
  - {id: critical, type: no_open_findings, at_or_above: critical}
"""


def test_neither_fixed_nor_a_scan_of_something_else_opens_the_gate(db, tmp_path, capsys):
    """Review regression: ``--state fixed`` (no justification) on a finding the latest scan
    still sees, or a later scan of an unrelated directory, made the gate pass."""
    import pickle

    from aisec.store.tracking import TriageState

    class Evil:
        def __reduce__(self):  # a pickle that runs os.system on load: critical
            import os

            return (os.system, ("true",))

    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(Evil()))
    (tmp_path / "other").mkdir()  # something unrelated and clean
    (tmp_path / "other" / "m.safetensors").write_bytes(_safetensors())
    (tmp_path / "policy.yaml").write_text(FINDINGS_POLICY)
    scan = ["scan", "--database", db, "--system", "credit-scoring"]
    assert aisec([*scan[:1], "evil.pkl", *scan[1:]]) == 1  # the scan itself fails on it
    capsys.readouterr()
    assert aisec(gate(db)) == 1
    with open_store(db) as store:
        for f in store.findings.list():
            store.findings.set_triage(f.fingerprint, TriageState.FIXED, actor="me")
    assert aisec(gate(db)) == 1
    assert aisec([*scan[:1], "other", *scan[1:]]) == 0
    capsys.readouterr()
    assert aisec(gate(db, "--format", "json")) == 1
    (result,) = json.loads(capsys.readouterr().out)["conditions"]
    assert "evil.pkl" in result["reason"] and "other" in result["reason"]
