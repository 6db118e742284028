"""End-to-end tests of the ``aisec`` command: real files, real process, real exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from aisec.cli.main import main

MALICIOUS = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x07echo hi\x85R."
UNKNOWN = b"\x80\x04\x8c\x08mymodels\x8c\x03Net\x93)\x81."


@pytest.fixture
def files(tmp_path):
    import pickle

    (tmp_path / "clean.pkl").write_bytes(pickle.dumps({"weights": [1.0, 2.0]}, protocol=4))
    (tmp_path / "evil.bin").write_bytes(MALICIOUS)
    (tmp_path / "unknown.pkl").write_bytes(UNKNOWN)
    (tmp_path / "broken.pkl").write_bytes(b"\x80\x04\x8c\x05abc")
    return tmp_path


def aisec(*args, cwd=None):
    exe = Path(sys.executable).with_name("aisec")
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_exit_0_on_clean_file(files, capsys):
    assert main(["scan", str(files / "clean.pkl")]) == 0


def test_exit_1_on_malicious_file_and_console_names_the_call(files, capsys):
    assert main(["scan", str(files / "evil.bin")]) == 1
    out = capsys.readouterr().out
    assert "modelfile.pickle.dangerous-call" in out
    assert "posix.system" in out or "os.system" in out


def test_fail_on_threshold(files):
    assert main(["scan", str(files / "unknown.pkl")]) == 0
    assert main(["scan", "--fail-on", "medium", str(files / "unknown.pkl")]) == 1


def test_exit_3_when_input_cannot_be_fully_analysed_and_nothing_worse(files):
    assert main(["scan", "--fail-on", "critical", str(files / "broken.pkl")]) == 3


def test_exit_2_on_usage_and_configuration_errors(files, tmp_path, monkeypatch, capsys):
    assert main(["scan", "--format", "yaml", str(files)]) == 2
    assert main(["scan", str(tmp_path / "does-not-exist")]) == 2
    assert "no such file" in capsys.readouterr().err
    monkeypatch.setenv("AISEC_FAIL_ON", "sometimes")
    assert main(["scan", str(files / "clean.pkl")]) == 2
    assert "AISEC_FAIL_ON" in capsys.readouterr().err


def test_environment_sets_threshold_and_flag_wins(files, monkeypatch):
    monkeypatch.setenv("AISEC_FAIL_ON", "medium")
    assert main(["scan", str(files / "unknown.pkl")]) == 1
    assert main(["scan", "--fail-on", "high", str(files / "unknown.pkl")]) == 0


def test_json_report(files, capsys):
    assert main(["scan", "--format", "json", str(files)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == 1
    assert report["summary"]["artefacts"] == 4
    assert {f["check_id"] for f in report["findings"]} >= {
        "modelfile.pickle.dangerous-call",
        "modelfile.pickle.unknown-call",
        "modelfile.pickle.malformed",
    }
    assert report["config"]["fail_on"] == "high"


def test_sarif_to_output_file(files, tmp_path):
    out = tmp_path / "report.sarif"
    assert main(["scan", "--format", "sarif", "--output", str(out), str(files / "evil.bin")]) == 1
    log = json.loads(out.read_text())
    [result] = [
        r for r in log["runs"][0]["results"] if r["ruleId"] == "modelfile.pickle.dangerous-call"
    ]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["byteOffset"] == MALICIOUS.index(
        b"R"
    )


def test_junit(files, capsys):
    main(["scan", "--format", "junit", str(files)])
    suite = ElementTree.fromstring(capsys.readouterr().out).find("testsuite")
    assert int(suite.get("tests")) == 4
    assert int(suite.get("failures")) == 2  # evil.bin, and broken.pkl (malformed is high)


def test_checks_list_json(capsys):
    assert main(["checks", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id": "modelfile.pickle.dangerous-call", "status": "enabled"}.items() <= rows[
        [r["id"] for r in rows].index("modelfile.pickle.dangerous-call")
    ].items()


def test_installed_command_runs_in_a_real_process(files):
    done = aisec("scan", "--format", "json", files / "evil.bin")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["findings"]
    assert aisec("checks", "list").returncode == 0
    assert aisec("--help").returncode == 0
    assert aisec("scan").returncode == 2


def test_config_file_in_working_directory(files):
    (files / "aisec.toml").write_text('fail_on = "medium"\n')
    assert aisec("scan", "unknown.pkl", cwd=files).returncode == 1


def test_demo_catches_the_trapped_files_and_stores_the_result(tmp_path):
    pytest.importorskip("sklearn")
    done = aisec("demo", "--dir", tmp_path / "demo", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "trapped files were caught" in done.stderr
    assert "modelfile.pickle.dangerous-call" in done.stdout
    assert sorted(os.listdir(tmp_path / "demo"))
    # the store half: the embedded SQLite default, the demo system, and its AI-BOM
    assert (tmp_path / ".aisec" / "aisec.db").is_file()
    assert "with 6 models" in done.stderr
    bom = json.loads((tmp_path / "aisec-demo-bom.json").read_text())
    assert bom["specVersion"] == "1.6"
    assert len(bom["vulnerabilities"]) == 2  # the two trapped files
    listed = aisec("findings", "list", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    checks = {f["check_id"] for f in json.loads(listed.stdout)}
    assert "modelfile.pickle.dangerous-call" in checks
    # the model-testing half: a plan with passing and failing tests, its report and run
    assert "testing the tumour-screening model" in done.stderr
    assert "PASSED" in done.stdout and "FAILED" in done.stdout
    assert checks - {"modelfile.pickle.dangerous-call"} <= {
        c for c in checks if c.startswith(("assurance.", "data.", "discovery.", "llm.probe."))
    }
    assert "llm.probe.direct-injection" in checks  # the red team of the vulnerable build
    assert any(c.startswith("assurance.") for c in checks)
    # the training-data half: the extract's personal-data columns and its pasted key
    assert "personal-data columns and its pasted API key were found" in done.stderr
    assert {"data.pii.column", "data.secret.exposed"} <= checks
    assert "sk-proj-…" in done.stdout
    html = (tmp_path / "aisec-demo-report.html").read_text()
    assert "<svg" in html and "membership inference" in html
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / '.aisec' / 'aisec.db'}") as store:
        linked = store.runs.for_system("tumour-screening-demo", kind="test")
        scans = store.runs.for_system("tumour-screening-demo", kind="scan")
    assert len(linked) == 1  # the model tests count for the demo system's gates
    assert any("data.pii.column" in (r.checks_applied or ()) for r in scans)


def test_demo_without_the_store_leaves_nothing_behind(tmp_path):
    pytest.importorskip("sklearn")
    done = aisec("demo", "--no-store", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.listdir(tmp_path) == []


def test_unexpected_exception_is_an_internal_error_with_exit_3(files, monkeypatch, capsys):
    import aisec.modelfile.scanner

    def broken_scan(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(aisec.modelfile.scanner, "scan", broken_scan)
    assert main(["scan", str(files / "clean.pkl")]) == 3
    err = capsys.readouterr().err
    assert err.startswith("aisec: internal error: KeyError: 'bug'\n")
    assert "please report it" in err


def test_scan_of_an_empty_directory_exits_3(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["scan", "--format", "json", str(tmp_path / "empty")]) == 3
    assert json.loads(capsys.readouterr().out)["errors"] == [
        f"nothing to scan: no files found in {tmp_path / 'empty'}"
    ]


def test_checks_list_shows_full_ids_when_not_on_a_terminal(capsys):
    from aisec.core.registry import default_registry

    assert main(["checks", "list"]) == 0
    out = capsys.readouterr().out
    ids = [entry.name for entry in default_registry()]
    assert max(map(len, ids)) > 30  # long enough that 80 columns used to cut them
    lines = out.splitlines()
    for check_id in ids:
        assert any(f" {check_id} " in line for line in lines), check_id
