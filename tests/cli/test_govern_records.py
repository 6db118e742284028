"""``aisec govern`` over the governance registers: risks proposed from a recorded scan and
decided on, approvals, evidence, incidents and requests, each round-tripped through a
SQLite store in tmp_path, with exit 2 for unknown systems, ids and bad dates, and an
audit log that still verifies after all of it."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from aisec.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "modelfile"))
from fixtures import system_payload


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISEC_RECORD_RUNS", raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "keys" / "audit.pem"))
    return tmp_path


@pytest.fixture
def db(workdir, capsys):
    url = f"sqlite:///{workdir / 'gov.db'}"
    assert main(["inventory", "add", "system", "--name", "credit", "--database", url]) == 0
    capsys.readouterr()
    return url


def out_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def audit_verifies(db, capsys):
    assert main(["audit", "checkpoint", "--database", db]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--database", db]) == 0
    return capsys.readouterr().out


def _scan_linked(workdir, db):
    models = workdir / "models"
    models.mkdir()
    (models / "evil.pkl").write_bytes(system_payload())
    assert main(["scan", "--database", db, "models"]) == 1
    from aisec.store import open_store

    with open_store(db) as store:
        [run] = store.runs.list()
        assert store.runs.link_system(run.id, "credit")


def test_risks_propose_from_a_scan_then_set_and_list(workdir, db, capsys):
    _scan_linked(workdir, db)
    proposed = out_json(capsys, "govern", "risks", "propose", "--system", "credit",
                        "--database", db)  # fmt: skip
    threats = [r["threat"] for r in proposed["new"]]
    assert any(t and t.startswith("AML.T") for t in threats)
    again = out_json(capsys, "govern", "risks", "propose", "--system", "credit", "--database", db)
    assert again["new"] == [] and again["changed"] == [] and len(again["unchanged"]) == len(threats)

    risk_id = proposed["new"][0]["id"]
    due = (date.today() + timedelta(days=30)).isoformat()
    argv = ["govern", "risks", "set", risk_id, "--owner", "alice", "--treatment", "mitigate",
            "--plan", "replace pickle with safetensors", "--due", due, "--residual", "1", "1",
            "--status", "treated", "--database", db]  # fmt: skip
    updated = out_json(capsys, *argv)
    assert updated["status"] == "treated" and updated["residual_score"] == 1
    # A person's decisions survive the next proposal.
    out_json(capsys, "govern", "risks", "propose", "--system", "credit", "--database", db)
    listed = out_json(capsys, "govern", "risks", "list", "--system", "credit", "--database", db)
    kept = next(r for r in listed["risks"] if r["id"] == risk_id)
    assert kept["owner"] == "alice" and kept["due"] == due and kept["status"] == "treated"
    assert sum(sum(row) for row in listed["heat_map"]["grid"]) == len(listed["risks"])

    capsys.readouterr()
    assert main(["govern", "risks", "list", "--system", "credit", "--database", db]) == 0
    text = capsys.readouterr().out
    assert "heat map" in text and risk_id in text
    assert "intact" in audit_verifies(db, capsys)


def test_risk_set_errors_exit_2(db, capsys):
    assert main(["govern", "risks", "set", "R-nope", "--owner", "x", "--database", db]) == 2
    assert main(["govern", "risks", "set", "R-nope", "--due", "soon", "--database", db]) == 2
    assert main(["govern", "risks", "set", "R-nope", "--database", db]) == 2
    assert main(["govern", "risks", "list", "--system", "nope", "--database", db]) == 2
    assert main(["govern", "risks", "propose", "--system", "nope", "--database", db]) == 2


def test_accepting_without_justification_is_refused(workdir, db, capsys):
    _scan_linked(workdir, db)
    [risk, *_] = out_json(capsys, "govern", "risks", "propose", "--system", "credit",
                          "--database", db)["new"]  # fmt: skip
    argv = ["govern", "risks", "set", risk["id"], "--owner", "bob", "--treatment", "accept",
            "--status", "accepted", "--database", db]  # fmt: skip
    assert main(argv) == 2
    assert main([*argv, "--justification", "low exposure, internal only"]) == 0


def test_approvals_round_trip(db, capsys):
    argv = ["govern", "approve", "--system", "credit", "--scope", "deployment",
            "--decision", "approved", "--approver", "alice", "--expires", "2099-01-01",
            "--database", db]  # fmt: skip
    recorded = out_json(capsys, *argv)
    assert recorded["decision"] == "approved" and recorded["expires_on"] == "2099-01-01"
    [shown] = out_json(capsys, "govern", "approvals", "--system", "credit", "--database", db)
    assert shown["id"] == recorded["id"] and shown["expired"] is False
    assert main([*argv[:-2], "--expires", "next year", "--database", db]) == 2
    rejected = ["govern", "approve", "--system", "credit", "--scope", "deployment",
                "--decision", "rejected", "--approver", "bob", "--database", db]  # fmt: skip
    assert main(rejected) == 2  # a rejection needs a justification
    assert main(["govern", "approve", "--system", "nope", *argv[4:]]) == 2
    assert main(["govern", "approvals", "--system", "nope", "--database", db]) == 2


def test_evidence_round_trip_and_expiry(db, capsys):
    soon = (date.today() + timedelta(days=5)).isoformat()
    argv = ["govern", "evidence", "add", "--system", "credit", "--title", "AI policy",
            "--kind", "document", "--reference", "docs/policy.pdf", "--ref", "ISO42001:A.2.2",
            "--valid-until", soon, "--database", db]  # fmt: skip
    recorded = out_json(capsys, *argv)
    assert recorded["refs"] == ["ISO42001:A.2.2"] and recorded["valid_until"] == soon
    listed = out_json(capsys, "govern", "evidence", "list", "--system", "credit", "--database", db)
    assert [e["id"] for e in listed] == [recorded["id"]]
    expiring = ["govern", "evidence", "list", "--system", "credit", "--database", db]
    assert out_json(capsys, *expiring, "--expiring-within", "1") == []
    assert len(out_json(capsys, *expiring, "--expiring-within", "10")) == 1
    assert main([*argv[:-4], "--valid-until", "2026-13-01", "--database", db]) == 2
    bad_kind = [a if a != "document" else "rumour" for a in argv]
    assert main(bad_kind) == 2
    assert main(["govern", "evidence", "list", "--system", "nope", "--database", db]) == 2


def test_incidents_round_trip_deadline_and_report(workdir, db, capsys):
    argv = ["govern", "incident", "add", "--system", "credit", "--title", "wrong denials",
            "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00",
            "--database", db]  # fmt: skip
    recorded = out_json(capsys, *argv)
    assert recorded["legal_basis"].startswith("EU AI Act Art. 73") and recorded["status"] == "open"
    [listed] = out_json(capsys, "govern", "incidents", "--system", "credit", "--open",
                        "--database", db)  # fmt: skip
    assert listed["id"] == recorded["id"]
    assert "left" in listed["time"] or "OVERDUE" in listed["time"]

    report = workdir / "initial.json"
    incident_id = recorded["id"]
    assert main(["govern", "incident", "report", incident_id, "--output", str(report),
                 "--database", db]) == 0  # fmt: skip
    initial = json.loads(report.read_text())
    assert initial["report_type"] == "initial" and "reporter" in initial["missing"]

    updated = out_json(capsys, "govern", "incident", "update", incident_id, "--status",
                       "initial-report-sent", "--corrective-action", "model rolled back",
                       "--database", db)  # fmt: skip
    assert updated["status"] == "initial-report-sent"
    assert updated["corrective_actions"] == ["model rolled back"]
    assert main(["govern", "incident", "report", incident_id, "--complete", "--output",
                 str(report), "--database", db]) == 0  # fmt: skip
    assert json.loads(report.read_text())["report_type"] == "complete"
    # The initial report is sent, the complete one is still owed (Art. 73(5)).
    shown = out_json(capsys, "govern", "incidents", "--database", db)[0]["time"]
    assert shown == "complete report pending"

    assert main(["govern", "incident", "update", incident_id, "--status", "open",
                 "--database", db]) == 2  # status moves forward only  # fmt: skip
    assert main(["govern", "incident", "update", "nope", "--status", "closed",
                 "--database", db]) == 2  # fmt: skip
    assert main(["govern", "incident", "report", "nope", "--output", str(report),
                 "--database", db]) == 2  # fmt: skip
    naive = [a if a != "2026-11-27T10:00:00+01:00" else "2026-11-27T10:00:00" for a in argv]
    assert main(naive) == 2
    assert main([*argv[:5], "nope", *argv[6:]]) == 2
    assert main(["govern", "incidents", "--system", "nope", "--database", db]) == 2
    assert "intact" in audit_verifies(db, capsys)


def test_requests_round_trip(db, capsys):
    argv = ["govern", "request", "add", "--system", "credit", "--kind", "explanation",
            "--received-at", "2026-11-20T09:00:00Z", "--database", db]  # fmt: skip
    recorded = out_json(capsys, *argv)
    assert recorded["kind"] == "explanation" and recorded["status"] == "open"
    [listed] = out_json(capsys, "govern", "requests", "--open", "--database", db)
    assert listed["id"] == recorded["id"] and listed["due"] == recorded["due"]
    assert main([a if a != "explanation" else "gossip" for a in argv]) == 2
    assert main([a if not a.endswith("Z") else "yesterday" for a in argv]) == 2
    assert main(["govern", "requests", "--system", "nope", "--database", db]) == 2


def test_listing_without_a_store_creates_none(workdir, capsys):
    assert main(["govern", "incidents", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["govern", "approvals", "--system", "credit"]) == 2
    assert not (workdir / ".aisec").exists()
