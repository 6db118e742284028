"""`aisec scan` on training data, end to end: real process, real files, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

from aisec.cli.main import main


def aisec(*args, cwd=None):
    exe = Path(sys.executable).with_name("aisec")
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def _data(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    key = "hf_" + "Qm7Rk2Vx9Lp4Tz8Wn3Hc6Jd1Bf5Gy0Ks"
    (root / "chats.jsonl").write_text(
        json.dumps({"user": "hi", "assistant": "hello"}) + "\n"
        + json.dumps({"user": f"my token is {key}", "assistant": "please revoke it"}) + "\n"
    )  # fmt: skip
    return root, key


def test_a_credential_in_training_data_fails_the_scan_without_showing_it(tmp_path):
    root, key = _data(tmp_path)
    done = aisec("scan", root, "--format", "json", "--no-record", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    (finding,) = [f for f in report["findings"] if f["check_id"] == "data.secret.exposed"]
    assert finding["location"]["row"] == 2 and finding["location"]["column"] == "user"
    assert finding["evidence"]["value"].startswith("hf_…")
    assert key not in done.stdout and key not in done.stderr


def test_an_unknown_executor_is_a_usage_error(tmp_path, capsys):
    root, _ = _data(tmp_path)
    assert main(["scan", str(root), "--executor", "ray://x:1", "--no-record"]) == 2
    assert "unknown executor" in capsys.readouterr().err
