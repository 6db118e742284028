"""``aisec scan`` recording runs and ``aisec findings`` over them, end to end: the real
command (in process, and once as a real process) against SQLite files in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from aisec.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "modelfile"))
from fixtures import system_payload


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with a harmless malicious pickle in models/, and no store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISEC_RECORD_RUNS", raising=False)
    models = tmp_path / "models"
    models.mkdir()
    (models / "evil.pkl").write_bytes(system_payload())
    (models / "notes.txt").write_text("a text file\n")
    return tmp_path


def findings_json(capsys, *args):
    capsys.readouterr()
    assert main(["findings", "list", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_two_scans_give_one_finding_with_two_runs(workdir, capsys):
    assert main(["scan", "--record", "models"]) == 1  # --record creates .aisec/aisec.db
    assert (workdir / ".aisec" / "aisec.db").is_file()
    assert main(["scan", "models"]) == 1  # a store exists here: recorded by default
    [finding] = findings_json(capsys)
    assert finding["check_id"] == "modelfile.pickle.dangerous-call"
    assert finding["occurrences"] == 2
    assert finding["path"] == "models/evil.pkl"
    assert main(["findings", "show", finding["fingerprint"][:12], "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["runs"]) == 2
    assert {r["exit_code"] for r in shown["runs"]} == {1}
    assert shown["runs"][0]["targets"] == ["models"]
    assert main(["findings", "show", finding["fingerprint"]]) == 0
    assert "seen by 2 runs" in capsys.readouterr().out


def test_triage_then_list_by_state(workdir, capsys, monkeypatch):
    assert main(["scan", "--record", "models"]) == 1
    [finding] = findings_json(capsys)
    fingerprint = finding["fingerprint"]
    until = (date.today() + timedelta(days=90)).isoformat()
    code = main(["findings", "triage", fingerprint[:8], "--state", "accepted-risk",
                 "--justification", "test fixture, never loaded", "--expires", until,
                 "--by", "alice"])  # fmt: skip
    assert code == 0
    assert f"accepted-risk until {until} (by alice)" in capsys.readouterr().out
    [accepted] = findings_json(capsys, "--state", "accepted-risk")
    assert accepted["triage"] == {
        "state": "accepted-risk",
        "by": "alice",
        "at": accepted["triage"]["at"],
        "justification": "test fixture, never loaded",
        "expires": until,
    }
    assert findings_json(capsys, "--state", "open") == []
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "os-user")
    assert main(["findings", "triage", fingerprint, "--state", "false-positive",
                 "--justification", "a test file"]) == 0  # fmt: skip
    [finding] = findings_json(capsys, "--state", "false-positive")
    assert finding["triage"]["by"] == "os-user"
    assert main(["findings", "show", fingerprint, "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)["history"]
    assert [h["state"] for h in history] == ["accepted-risk", "false-positive"]


def test_triage_errors_exit_2(workdir, capsys):
    assert main(["scan", "--record", "models"]) == 1
    [finding] = findings_json(capsys)
    fingerprint = finding["fingerprint"]
    assert main(["findings", "triage", fingerprint, "--state", "accepted-risk"]) == 2
    assert "needs a justification" in capsys.readouterr().err
    assert main(["findings", "triage", fingerprint, "--state", "accepted-risk",
                 "--justification", "j"]) == 2  # fmt: skip
    assert "needs an expiry date" in capsys.readouterr().err
    assert main(["findings", "triage", fingerprint, "--state", "accepted-risk",
                 "--justification", "j", "--expires", "next week"]) == 2  # fmt: skip
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["findings", "triage", fingerprint, "--state", "wontfix"]) == 2
    assert main(["findings", "triage", "ffffffffff", "--state", "fixed"]) == 2
    assert "no finding with fingerprint" in capsys.readouterr().err
    assert main(["findings", "list", "--severity", "severe"]) == 2


def test_filters(workdir, capsys):
    assert main(["scan", "--record", "models"]) == 1
    [finding] = findings_json(capsys)
    run = finding["last_seen_run"]
    assert len(findings_json(capsys, "--severity", "critical")) == 1
    assert len(findings_json(capsys, "--check", "modelfile.pickle.*")) == 1
    assert len(findings_json(capsys, "--check", "modelfile.pickle.dangerous-call")) == 1
    assert findings_json(capsys, "--check", "modelfile.keras.*") == []
    assert len(findings_json(capsys, "--path", "models/*.pkl")) == 1
    assert findings_json(capsys, "--path", "other/**") == []
    assert len(findings_json(capsys, "--run", run)) == 1
    assert findings_json(capsys, "--run", "00000000-0000-0000-0000-000000000000") == []
    assert main(["findings", "list", "--severity", "high"]) == 0
    assert "dangerous-call" in capsys.readouterr().out


def test_no_record_creates_no_database(workdir, capsys):
    assert main(["scan", "--no-record", "models"]) == 1
    assert main(["scan", "models"]) == 1  # default: no store here, so nothing is recorded
    assert not (workdir / ".aisec").exists()
    assert findings_json(capsys) == []  # reading creates none either
    assert not (workdir / ".aisec").exists()
    assert main(["scan", "--record", "models"]) == 1
    assert main(["scan", "--no-record", "models"]) == 1  # a store exists, switched off
    [finding] = findings_json(capsys)
    assert finding["occurrences"] == 1


def test_record_runs_setting_and_environment(workdir, capsys, monkeypatch):
    (workdir / "aisec.toml").write_text("record_runs = false\n")
    assert main(["scan", "--database", f"sqlite:///{workdir / 'a.db'}", "models"]) == 1
    assert not (workdir / "a.db").exists()
    monkeypatch.setenv("AISEC_RECORD_RUNS", "true")  # the environment beats the file
    assert main(["scan", "models"]) == 1
    assert (workdir / ".aisec" / "aisec.db").is_file()
    monkeypatch.setenv("AISEC_RECORD_RUNS", "sometimes")
    assert main(["scan", "models"]) == 2
    assert "AISEC_RECORD_RUNS" in capsys.readouterr().err


def test_database_option_records_there(workdir, capsys):
    url = f"sqlite:///{workdir / 'team.db'}"
    assert main(["scan", "--database", url, "models"]) == 1  # naming a store records
    assert not (workdir / ".aisec").exists()
    assert len(findings_json(capsys, "--database", url)) == 1


def test_clean_scan_is_recorded_with_exit_0(workdir, capsys):
    import pickle

    (workdir / "clean.pkl").write_bytes(pickle.dumps({"w": [1.0]}, protocol=4))
    assert main(["scan", "--record", "clean.pkl"]) == 0
    assert findings_json(capsys) == []


def aisec(*args, cwd):
    exe = Path(sys.executable).with_name("aisec")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("AISEC_")}
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://scanner:s3cret@127.0.0.1:1/aisec",  # nothing listens on port 1
        "sqlite:////nonexistent-directory/aisec.db",
        "mysql://scanner:s3cret@db/aisec",
    ],
)
def test_broken_database_is_a_warning_and_keeps_the_scan_exit_code(workdir, url):
    result = aisec("scan", "--format", "json", "--database", url, "models", cwd=workdir)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)  # the report is complete
    assert report["exit_code"] == 1
    assert "aisec: warning: run not recorded: [AISEC-E600]" in result.stderr
    assert "s3cret" not in result.stderr


def test_broken_store_keeps_exit_0_of_a_clean_scan(workdir, capsys):
    import pickle

    (workdir / "clean.pkl").write_bytes(pickle.dumps({"w": [1.0]}, protocol=4))
    assert main(["scan", "--database", "sqlite:////nonexistent-directory/x.db", "clean.pkl"]) == 0
    assert "run not recorded" in capsys.readouterr().err
