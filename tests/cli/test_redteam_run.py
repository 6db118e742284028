"""``aisec redteam run`` end to end: the shipped simulator attacked in process and over
HTTP, reports in every format, exit codes, a budget that stops the run and a rerun that
resumes it, the regression mode, and usage errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from aisec.cli.main import main

pytest.importorskip("httpx")
VULNERABLE = "aisec.llm.simulator.callable:vulnerable"
HARDENED = "aisec.llm.simulator.callable:hardened"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("AISEC_DATABASE_URL", "AISEC_RECORD_RUNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def canaries(tmp_path):
    """The simulator's canaries, as ``serve-target --canaries`` writes them."""
    from aisec.llm.simulator import SimulatedApp, SimulatorConfig

    path = tmp_path / "canaries.json"
    found = SimulatedApp(SimulatorConfig.vulnerable()).canaries
    path.write_text(json.dumps({"values": found.values()}), encoding="utf-8")
    return path


def measurements(report):
    return [m for test in report["tests"] for m in test["measurements"]]


def run(capsys, *argv):
    capsys.readouterr()
    code = main(["redteam", "run", "--no-record", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_vulnerable_simulator_fails_and_the_report_says_where(tmp_path, capsys, canaries):
    out = tmp_path / "r.json"
    code, console, err = run(
        capsys,
        "--callable",
        VULNERABLE,
        "--canaries",
        canaries,
        "--also",
        f"json={out}",
        "--also",
        f"sarif={tmp_path / 'r.sarif'}",
        "--also",
        f"junit={tmp_path / 'r.xml'}",
        "--also",
        f"html={tmp_path / 'r.html'}",
    )
    assert code == 1, err
    assert "probe family" in console and "OWASP LLM risk" in console
    assert "most effective" in console
    report = json.loads(out.read_text())
    assert report["run"]["kind"] == "redteam"
    families = {t["type"] for t in report["tests"]}
    assert {"redteam_direct_injection", "redteam_data_leak", "redteam_owasp"} <= families
    rates = {
        m["params"]["family"]: m for m in measurements(report) if m["name"] == "attack_success_rate"
    }
    assert len(rates) == 9 and all(m["value"] > 0 for m in rates.values())
    assert all(m["ci_low"] is not None and m["ci_low"] <= m["value"] for m in rates.values())
    owasp = {
        m["params"]["owasp"] for m in measurements(report) if m["name"] == "owasp_success_rate"
    }
    assert {"LLM01:2025", "LLM02:2025", "LLM07:2025", "LLM08:2026", "LLM10:2026"} <= owasp
    checks = {f["check_id"] for f in report["findings"]}
    assert "llm.probe.system-prompt-leak" in checks and "llm.probe.excessive-agency" in checks
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    junit = ET.parse(tmp_path / "r.xml").getroot()
    assert int(junit.get("failures") or junit[0].get("failures")) > 0
    page = (tmp_path / "r.html").read_text()
    assert "aisec red-team report" in page
    assert "top_attacks 1: " in page and "<td>assistant</td>" in page  # the transcripts
    top = next(t for t in report["tests"] if t["type"] == "redteam_system_prompt_leak")
    transcript = top["details"]["top_attacks"][0]["transcript"]
    assert transcript[-1]["role"] == "assistant"


def test_the_hardened_simulator_passes(tmp_path, capsys, canaries):
    out = tmp_path / "r.json"
    code, _, err = run(
        capsys, "--callable", HARDENED, "--canaries", canaries, "-f", "json", "-o", out
    )
    assert code == 0, err
    report = json.loads(out.read_text())
    assert report["findings"] == []
    rates = [m for m in measurements(report) if m["name"] == "attack_success_rate"]
    assert len(rates) == 9 and all(m["value"] == 0 for m in rates)


def test_a_budget_stops_the_run_and_a_rerun_resumes_it(tmp_path, capsys, canaries):
    base = [
        "--callable",
        VULNERABLE,
        "--canaries",
        canaries,
        "--probe",
        "jailbreak",
        "--rewrite",
        "base64",
        "-f",
        "json",
        "-o",
        tmp_path / "r.json",
    ]
    code, _, err = run(capsys, *base, "--max-requests", "10", "--concurrency", "1")
    assert code == 1 and "stopped early" in err and "budget exhausted" in err
    first = json.loads((tmp_path / "r.json").read_text())
    assert first["data"]["completed"] == 10 and first["data"]["not_run"] == 26
    assert first["data"]["spent"]["requests"] == 10
    code, _, err = run(capsys, *base)
    assert code == 1 and "resumed: 10 attempts read back from the journal" in err
    second = json.loads((tmp_path / "r.json").read_text())
    assert second["data"]["completed"] == 36 and second["data"]["not_run"] == 0
    journals = list((tmp_path / ".aisec" / "redteam").glob("*.jsonl"))
    assert len(journals) == 1
    lines = journals[0].read_text().splitlines()
    ids = [json.loads(line)["attempt"]["id"] for line in lines[1:]]
    assert len(ids) == len(set(ids)) == 36  # nothing ran twice
    code, _, err = run(capsys, *base, "--fresh")
    assert code == 1 and "resumed" not in err


def test_the_same_seed_gives_the_same_report(tmp_path, capsys, canaries):
    def measured(seed, name):
        out = tmp_path / name
        run(
            capsys,
            "--callable",
            VULNERABLE,
            "--canaries",
            canaries,
            "--seed",
            seed,
            "--no-cache",
            "--fresh",
            "-f",
            "json",
            "-o",
            out,
        )
        report = json.loads(out.read_text())
        return (
            [(m["name"], m["params"], m["value"]) for m in measurements(report)],
            report["run"]["config"]["campaign"],
        )

    one, two, other = measured(7, "a.json"), measured(7, "b.json"), measured(8, "c.json")
    assert one == two
    assert other[1] != one[1]


def test_replay_reruns_the_successful_attacks_against_a_new_version(tmp_path, capsys, canaries):
    first = tmp_path / "v1.json"
    run(
        capsys,
        "--callable",
        VULNERABLE,
        "--canaries",
        canaries,
        "--probe",
        "direct_injection",
        "--probe",
        "data_leak",
        "-f",
        "json",
        "-o",
        first,
    )
    wins = json.loads(first.read_text())["run"]["config"]["successful_attempts"]
    assert wins
    out = tmp_path / "v2.json"
    code, _, err = run(capsys, "--callable", HARDENED, "--replay", first, "-f", "json", "-o", out)
    assert code == 0, err
    report = json.loads(out.read_text())
    assert report["data"]["planned"] == len(wins)
    assert all(m["value"] == 0 for m in measurements(report) if m["name"] == "attack_success_rate")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "name one target"),
        (["--callable", VULNERABLE, "--probe", "telepathy"], "no probe family 'telepathy'"),
        (["--callable", VULNERABLE, "--rewrite", "pig_latin"], "--rewrite 'pig_latin'"),
        (["--openai", "http://127.0.0.1:9/v1"], "--openai needs --model"),
        (["--callable", VULNERABLE, "-f", "pdf"], "--format 'pdf'"),
        (["--callable", "no_such_module_xyz:chat"], "cannot import"),
        (["--callable", VULNERABLE, "--judge-url", "http://127.0.0.1:9/v1"], "--judge-model"),
        (["--callable", VULNERABLE, "--judge-model", "m"], "need --judge-url"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err, err


def test_a_target_file_with_a_misspelt_budget_is_refused(tmp_path, capsys):
    target = tmp_path / "target.yaml"
    target.write_text(f"kind: callable\nfunction: {VULNERABLE}\npolicy: {{max_request: 5}}\n")
    code, _, err = run(capsys, "--target", target, "--trust")
    assert code == 2 and "unknown key 'max_request'" in err


# Over HTTP: the simulator served by `aisec redteam serve-target`, attacked by `aisec
# redteam run --openai`, both as the processes a user starts.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "exited")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("serve-target did not start")


def test_over_http_the_served_simulator_gives_the_in_process_numbers(tmp_path, canaries):
    pytest.importorskip("uvicorn")
    port = _free_port()
    env = {**os.environ, "SIMULATOR_KEY": "sk-test-123"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aisec.cli.main",
            "redteam",
            "serve-target",
            "--port",
            str(port),
            "--api-key-env",
            "SIMULATOR_KEY",
            "--canaries",
            str(tmp_path / "served.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/health", server)
        reports = {}
        for name, target in (
            (
                "http",
                [
                    "--openai",
                    f"http://127.0.0.1:{port}/v1",
                    "--model",
                    "sim",
                    "--api-key-env",
                    "SIMULATOR_KEY",
                ],
            ),
            ("local", ["--callable", VULNERABLE]),
        ):
            out = tmp_path / f"{name}.json"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "aisec.cli.main",
                    "redteam",
                    "run",
                    "--no-record",
                    *target,
                    "--canaries",
                    str(tmp_path / "served.json"),
                    "--probe",
                    "system_prompt_leak",
                    "--probe",
                    "excessive_agency",
                    "--probe",
                    "unbounded_consumption",
                    "-f",
                    "json",
                    "-o",
                    str(out),
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp_path,
                timeout=300,
            )
            assert done.returncode == 1, done.stderr
            reports[name] = json.loads(out.read_text())
        rates = {
            name: {
                m["params"]["family"]: (m["value"], m["n"])
                for m in measurements(r)
                if m["name"] == "attack_success_rate"
            }
            for name, r in reports.items()
        }
        assert rates["http"] == rates["local"]
        assert "sk-test-123" not in json.dumps(reports["http"])
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_probes_lists_the_families(capsys):
    assert main(["redteam", "probes"]) == 0
    listed = capsys.readouterr().out
    assert "llm.probe.indirect-injection" in listed and "AML.T0051.001" in listed


def test_a_recorded_campaign_is_governance_evidence(tmp_path, capsys, canaries, database):
    from datetime import date

    from aisec.services.governance_coverage import checks_run
    from aisec.store import open_store

    assert main(["inventory", "add", "system", "--name", "support-bot", "--database",
                 database]) == 0  # fmt: skip
    out = tmp_path / "r.json"
    capsys.readouterr()
    code = main(["redteam", "run", "--callable", HARDENED, "--canaries", str(canaries),
                 "--probe", "jailbreak", "--probe", "system_prompt_leak", "--system",
                 "support-bot", "--database", database, "-f", "json", "-o", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    report = json.loads(out.read_text())
    with open_store(database) as store:
        [stored] = store.runs.for_system("support-bot", "redteam")
        judged = checks_run(store, "support-bot", date.today())
    assert stored.id == report["run"]["id"] and stored.exit_code == 0
    for check in ("llm.probe.jailbreak", "llm.probe.system-prompt-leak"):
        [evidence] = judged[check]
        assert evidence.run_id == stored.id and evidence.passed
    assert "llm.probe.data-leak" not in judged  # not run, so no evidence


def test_an_unreachable_judge_leaves_attacks_undecided_not_defended(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NO_SUCH_JUDGE_KEY", raising=False)
    out = tmp_path / "r.json"
    code, _, err = run(capsys, "--callable", HARDENED, "--probe", "jailbreak",
                       "--judge-url", "http://127.0.0.1:9/v1", "--judge-model", "judge",
                       "--judge-key-env", "NO_SUCH_JUDGE_KEY", "-f", "json", "-o", out)  # fmt: skip
    report = json.loads(out.read_text())
    [family] = [t for t in report["tests"] if t["type"] == "redteam_jailbreak"]
    assert family["status"] == "error" and family["details"]["errors"] == 18
    assert "judge unavailable" in " ".join(family["details"]["error_examples"])
    assert report["run"]["config"]["judge"]["url"] == "http://127.0.0.1:9/v1"
    assert code == 3 and "no attempt could be completed" in err


def test_a_target_file_naming_python_code_needs_trust(tmp_path, capsys, canaries):
    target = tmp_path / "target.yaml"
    target.write_text(f"kind: callable\nfunction: {HARDENED}\n")
    code, _, err = run(capsys, "--target", target, "--probe", "jailbreak")
    assert code == 2 and "--trust" in err
    code, _, err = run(capsys, "--target", target, "--probe", "jailbreak", "--trust")
    assert code == 0, err


@pytest.mark.parametrize("line", ['stream: "false"', "tools: 1", "headers_env: [a]", "url: 5"])
def test_target_file_values_of_the_wrong_type_are_refused(tmp_path, capsys, line):
    target = tmp_path / "target.yaml"
    target.write_text(
        f"kind: openai\nmodel: m\n{'' if line.startswith('url') else 'url: http://127.0.0.1:9/v1'}\n{line}\n"
    )
    code, _, err = run(capsys, "--target", target)
    assert code == 2, err
