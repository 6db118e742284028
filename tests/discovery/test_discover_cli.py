"""``aisec discover``: output formats, recording, exit codes."""

from __future__ import annotations

import json

import pytest
from discovery_repo import FAKE_KEY

from aisec.cli.main import main


@pytest.fixture
def small_repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(f"import openai\nKEY = '{FAKE_KEY}'\n")
    (root / "requirements.txt").write_text("openai==1.30.0\n")
    return root


def test_console_summary_and_exit_1_on_the_key(small_repo, tmp_path, capsys):
    db = tmp_path / "a.db"
    assert main(["discover", str(small_repo), "--database", f"sqlite:///{db}"]) == 1
    out, err = capsys.readouterr()
    assert "dependency" in out and "openai" in out and "discovery.hardcoded-key" in out
    assert "recorded discovery run" in err
    assert FAKE_KEY not in out + err and FAKE_KEY.encode() not in db.read_bytes()


def test_json_report_and_no_record(small_repo, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["discover", str(small_repo), "--no-record", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1 and "recorded" not in err
    data = json.loads(out)
    assert data["counts"]["sdk"] == 1 and data["counts"]["dependency"] == 1
    assert data["run"]["kind"] == "discover"
    assert FAKE_KEY not in out
    assert not (tmp_path / ".aisec").exists()


def test_fail_on_critical_and_a_clean_tree(small_repo, tmp_path, capsys):
    (small_repo / "app.py").write_text("import openai\n")
    args = ["discover", str(small_repo), "--no-record"]
    assert main(args) == 0
    (small_repo / "t.py").write_text("import torch\ntorch.load('x')\n")
    assert main([*args, "--fail-on", "critical"]) == 0
    assert main(args) == 1


def test_output_file(small_repo, tmp_path, capsys):
    out = tmp_path / "report.json"
    main(["discover", str(small_repo), "--no-record", "-f", "json", "-o", str(out)])
    assert json.loads(out.read_text())["root"] == str(small_repo)


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["discover", str(tmp_path / "missing"), "--no-record"]) == 2
    assert main(["discover", str(tmp_path), "--format", "sarif"]) == 2


def test_incomplete_input_exits_3(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("def (:\n")
    assert main(["discover", str(tmp_path), "--no-record"]) == 3
