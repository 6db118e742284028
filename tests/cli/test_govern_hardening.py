"""The governance commands against hostile or absurd input, found in a security review:
stored text that carries terminal escapes, dates at the ends of the calendar, --output
paths that cannot be written, YAML nested past the interpreter's stack; and the
read-then-write commands, which must read what they change under the system's lock."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aisec.cli.main import main

ESC = "\x1b]0;pwned\x07\x1b[31mred\u202e"  # OSC title, SGR colour, a bidi override


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISEC_RECORD_RUNS", raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "keys" / "audit.pem"))
    url = f"sqlite:///{tmp_path / 'gov.db'}"
    assert main(["inventory", "add", "system", "--name", "credit", "--database", url]) == 0
    capsys.readouterr()
    return url


def out_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def printed(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _assert_inert(out: str) -> None:
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b" in out  # shown, escaped, not dropped


def _a_risk(db: str) -> str:
    from aisec.governance.risks import Risk
    from aisec.store import open_store

    risk = Risk(id="R-test", system="credit", title="pickle loads code", threat=None,
                threat_reason="manual", likelihood=4, impact=4, likelihood_rationale="seen",
                impact_rationale="code runs")  # fmt: skip
    with open_store(db) as store:
        store.risks.upsert(risk, actor="test")
    return risk.id


# 1. Terminal escapes in what the commands print


def test_echoed_lines_and_tables_escape_terminal_controls(db, capsys):
    approve = ["govern", "approve", "--system", "credit", "--scope", "deployment",
               "--decision", "approved", "--approver", ESC, "--database", db]  # fmt: skip
    _assert_inert(printed(capsys, *approve))
    _assert_inert(printed(capsys, "govern", "approvals", "--system", "credit", "--database", db))
    evidence = ["govern", "evidence", "add", "--system", "credit", "--title", ESC, "--kind",
                "document", "--reference", ESC, "--database", db]  # fmt: skip
    _assert_inert(printed(capsys, *evidence))
    _assert_inert(
        printed(capsys, "govern", "evidence", "list", "--system", "credit", "--database", db)
    )
    incident = ["govern", "incident", "add", "--system", "credit", "--title", ESC,
                "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00",
                "--database", db]  # fmt: skip
    printed(capsys, *incident)
    _assert_inert(printed(capsys, "govern", "incidents", "--database", db))
    risk_id = _a_risk(db)
    _assert_inert(printed(capsys, "govern", "risks", "set", risk_id, "--owner", ESC,
                          "--database", db))  # fmt: skip
    _assert_inert(printed(capsys, "govern", "risks", "list", "--system", "credit",
                          "--database", db))  # fmt: skip
    # JSON stays exact: it is data for programs, and json.dumps escapes controls itself.
    [approval] = out_json(capsys, "govern", "approvals", "--system", "credit", "--database", db)
    assert approval["approver"] == ESC


def test_a_system_named_with_escapes_is_inert_in_titles_and_lines(db, capsys, tmp_path):
    from aisec.store import SystemAsset, open_store

    name = f"x{ESC}"
    # The inventory refuses such names now; a store written before, or by a plugin, may
    # still hold one.
    assert main(["inventory", "add", "system", "--name", name, "--database", db]) == 2
    with open_store(db) as store:
        store.inventory.add(SystemAsset(name=name))
    out = printed(capsys, "govern", "approvals", "--system", name, "--database", db)
    _assert_inert(out)


# 2. Bad input is exit 2 with a message, never an internal error (exit 3)


@pytest.mark.parametrize("aware_at", ["9999-12-31T23:00+00:00", "0001-01-01T00:00+14:00"])
def test_incident_times_at_the_ends_of_the_calendar_exit_2(db, capsys, aware_at):
    argv = ["govern", "incident", "add", "--system", "credit", "--title", "t", "--category",
            "c", "--aware-at", aware_at, "--database", db]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--aware-at" in err and "internal error" not in err


def test_request_received_at_the_end_of_the_calendar_exits_2(db, capsys):
    argv = ["govern", "request", "add", "--system", "credit", "--kind", "access",
            "--received-at", "9999-12-31T10:00Z", "--database", db]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--received-at" in err and "internal error" not in err


@pytest.mark.parametrize("where", ["directory", "missing"])
def test_report_outputs_that_cannot_be_written_exit_2(db, capsys, tmp_path, where):
    incident = out_json(capsys, "govern", "incident", "add", "--system", "credit", "--title",
                        "t", "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00",
                        "--database", db)  # fmt: skip
    target = tmp_path if where == "directory" else tmp_path / "no" / "such" / "r.html"
    for argv in (["govern", "report", "posture", "--system", "credit"],
                 ["govern", "incident", "report", incident["id"]]):  # fmt: skip
        capsys.readouterr()
        assert main([*argv, "--output", str(target), "--database", db]) == 2
        err = capsys.readouterr().err
        assert f"cannot write {target}" in err and "internal error" not in err
    assert not (tmp_path / "no").exists()


def test_report_write_errors_exit_2(db, capsys, tmp_path, monkeypatch):
    def refuse(self: Path, data: bytes) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    target = tmp_path / "r.html"
    assert main(["govern", "report", "posture", "--system", "credit", "--output", str(target),
                 "--database", db]) == 2  # fmt: skip
    assert "Permission denied" in capsys.readouterr().err


def _deep(path: Path) -> Path:
    # Far past the interpreter's recursion limit; the review's 200 KB file does the same,
    # but PyYAML's scanner is quadratic in the nesting and takes minutes to get there.
    path.write_text("[" * 2_000 + "]" * 2_000)
    return path


def test_deeply_nested_yaml_is_a_config_error(tmp_path):
    from aisec.assurance.plans.yaml_file import read_yaml
    from aisec.core.errors import ConfigError

    with pytest.raises(ConfigError, match="nested too deeply"):
        read_yaml(_deep(tmp_path / "policy.yaml"), "policy")


def test_deeply_nested_answers_exit_2(db, capsys, tmp_path):
    assert main(["govern", "classify", "--answers", str(_deep(tmp_path / "a.yaml"))]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "internal error" not in err


# 3. Read-then-write commands read under the system's lock


def _inject_on_first_call(monkeypatch, cls, method, injected):
    """Run ``injected`` (another writer) right after the first call of ``cls.method``
    returns: the moment a command that read outside its transaction would lose it."""
    original = getattr(cls, method)
    calls = []

    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            injected()
        return result

    monkeypatch.setattr(cls, method, wrapper)
    return calls


def test_risks_set_keeps_a_change_landing_between_read_and_write(db, capsys, monkeypatch):
    from aisec.governance.risks import edit
    from aisec.store import open_store
    from aisec.store.sql_risks import SqlRiskRepository

    risk_id = _a_risk(db)

    def other_writer() -> None:
        with open_store(db) as store:
            risk = store.risks.get(risk_id)
            assert risk is not None
            store.risks.upsert(edit(risk, owner="bob"), actor="bob")

    _inject_on_first_call(monkeypatch, SqlRiskRepository, "get", other_writer)
    updated = out_json(capsys, "govern", "risks", "set", risk_id, "--plan", "use safetensors",
                       "--database", db)  # fmt: skip
    assert updated["owner"] == "bob" and updated["plan"] == "use safetensors"


def test_incident_update_keeps_corrective_actions_added_meanwhile(db, capsys, monkeypatch):
    from aisec.store import open_store
    from aisec.store.sql_incidents import SqlIncidentRepository

    incident = out_json(capsys, "govern", "incident", "add", "--system", "credit", "--title",
                        "t", "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00",
                        "--database", db)  # fmt: skip

    def other_writer() -> None:
        with open_store(db) as store:
            store.incidents.update(incident["id"], actor="bob", corrective_actions=["rollback"])

    _inject_on_first_call(monkeypatch, SqlIncidentRepository, "get", other_writer)
    updated = out_json(capsys, "govern", "incident", "update", incident["id"],
                       "--corrective-action", "retrain", "--database", db)  # fmt: skip
    assert updated["corrective_actions"] == ["rollback", "retrain"]


def test_propose_reads_the_register_inside_its_locked_transaction(db, capsys, monkeypatch):
    from aisec.store.session import _WRITING
    from aisec.store.sql_risks import SqlRiskRepository

    _a_risk(db)
    original = SqlRiskRepository.list
    inside: list[bool] = []

    def spy(self, *args, **kwargs):
        writing = _WRITING.get()
        # In a write transaction whose session has begun (so holds the lock) already.
        inside.append(writing is not None and writing[1].in_transaction())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SqlRiskRepository, "list", spy)
    out_json(capsys, "govern", "risks", "propose", "--system", "credit", "--database", db)
    assert inside and all(inside)


# 4. Requests can be closed


def _request(capsys, db, *extra):
    return out_json(capsys, "govern", "request", "add", "--system", "credit", "--kind",
                    "access", "--received-at", "2026-11-20T09:00:00+01:00", *extra,
                    "--database", db)  # fmt: skip


def test_request_update_answers_refuses_and_extends(db, capsys):
    first = _request(capsys, db)
    answered = out_json(capsys, "govern", "request", "update", first["id"], "--status",
                        "answered", "--answered-at", "2026-11-25T10:00:00Z",
                        "--database", db)  # fmt: skip
    assert answered["status"] == "answered"
    assert answered["answered_at"].startswith("2026-11-25T10:00:00")
    assert out_json(capsys, "govern", "requests", "--open", "--database", db) == []
    # Closed: it cannot change any more.
    assert main(["govern", "request", "update", first["id"], "--status", "refused",
                 "--database", db]) == 2  # fmt: skip

    second = _request(capsys, db)
    extended = out_json(capsys, "govern", "request", "update", second["id"], "--extended",
                        "--received-at", "2026-11-20T09:00:00+01:00",
                        "--database", db)  # fmt: skip
    assert extended["extended"] is True and extended["due"] > second["due"]
    out = printed(capsys, "govern", "request", "update", second["id"], "--status", "refused",
                  "--database", db)  # fmt: skip
    assert f"request {second['id']} is refused" in out


def test_request_update_refuses_bad_input_with_exit_2(db, capsys):
    request = _request(capsys, db)
    base = ["govern", "request", "update", request["id"]]
    for extra in (["--status", "open"], ["--status", "lost"], [], ["--extended"],
                  ["--answered-at", "2026-11-25T10:00:00"],
                  ["--extended", "--received-at", "9999-12-31T10:00Z"]):  # fmt: skip
        capsys.readouterr()
        assert main([*base, *extra, "--database", db]) == 2, extra
        assert "internal error" not in capsys.readouterr().err
    assert main(["govern", "request", "update", "nope", "--status", "answered",
                 "--database", db]) == 2  # fmt: skip


# 5. An initial report leaves the complete one owed


def test_incidents_show_the_complete_report_pending(db, capsys):
    incident = out_json(capsys, "govern", "incident", "add", "--system", "credit", "--title",
                        "t", "--category", "c", "--aware-at", "2026-11-27T10:00:00+01:00",
                        "--database", db)  # fmt: skip
    steps = [("initial-report-sent", "complete report pending"),
             ("complete-report-sent", "reported"), ("closed", "closed")]  # fmt: skip
    for status, shown in steps:
        assert main(["govern", "incident", "update", incident["id"], "--status", status,
                     "--database", db]) == 0  # fmt: skip
        assert out_json(capsys, "govern", "incidents", "--database", db)[0]["time"] == shown
    table = printed(capsys, "govern", "incidents", "--database", db)
    assert "closed" in table


# 6. "Today" is the UTC day, as the gate's


@pytest.fixture
def zone_off_utc_date(monkeypatch):
    """A local zone whose date now differs from UTC's: UTC+14 after noon UTC (tomorrow
    there), UTC-12 before (yesterday there). Yields the local date's offset in days."""
    hour = datetime.now(UTC).hour
    zone, offset = ("Etc/GMT-14", 1) if hour >= 12 else ("Etc/GMT+12", -1)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield offset
    monkeypatch.undo()
    time.tzset()


def test_evidence_and_approvals_judge_today_in_utc(db, capsys, zone_off_utc_date):
    from datetime import date

    utc_today = datetime.now(UTC).date()
    assert date.today() == utc_today + timedelta(days=zone_off_utc_date)
    # Valid until (expiring on) today in UTC. A record cannot be made already expired (the
    # commands refuse), so the day is UTC's: after noon UTC the local zone is a day ahead,
    # where a judge reading the local date would call the records expired; before noon
    # it is a day behind, where both readings agree.
    day = utc_today
    for argv in (["govern", "evidence", "add", "--system", "credit", "--title", "policy",
                  "--kind", "document", "--reference", "p.pdf", "--valid-until"],
                 ["govern", "approve", "--system", "credit", "--scope", "deployment",
                  "--decision", "approved", "--approver", "alice", "--expires"]):  # fmt: skip
        assert main([*argv, day.isoformat(), "--database", db]) == 0
    expired = day < utc_today  # as the gate judges it
    [evidence] = out_json(capsys, "govern", "evidence", "list", "--system", "credit",
                          "--database", db)  # fmt: skip
    [approval] = out_json(capsys, "govern", "approvals", "--system", "credit", "--database", db)
    assert evidence["expired"] is expired and approval["expired"] is expired
