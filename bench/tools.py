"""What the bench scripts share: the tools, their peer venv, and one measured run.

Stdlib only, so run.py and corpus.py work under any Python 3.11+.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS_VENV = BENCH / ".venv-peers"
RESULTS = BENCH / "results"

# Pinned so that reruns compare like with like; the 7z extra lets picklescan open 7z archives.
# modelaudit's extras: onnx and h5 are required for its ONNX and Keras H5 scanners, safetensors
# for its weight checks; py-ubjson (the UBJ half of its xgboost extra, without the xgboost
# library it uses only to load binary .bst files) for XGBoost UBJSON. No tensorflow: its
# SavedModel scanner reads vendored protos.
PEER_REQUIREMENTS = (
    "picklescan[7z]==1.0.5",
    "modelscan==0.8.8",
    "fickling==0.1.12",
    "modelaudit[onnx,h5,safetensors]==0.2.54",
    "py-ubjson==0.16.1",
)

PEER_NAMES = ("picklescan", "modelscan", "fickling", "modelaudit")

# No tool may reach the network: hub clients offline, modelaudit's telemetry off (its documented
# PROMPTFOO_DISABLE_TELEMETRY; NO_ANALYTICS is its second switch). run_measured also puts each
# run in an empty network namespace where it can (root, util-linux unshare).
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PROMPTFOO_DISABLE_TELEMETRY": "1",
    "NO_ANALYTICS": "1",
    "NO_COLOR": "1",
    "PYTHONWARNINGS": "ignore",
}

# Exit codes each tool documents for "scanned and found something".
FLAGGED_EXIT = 1


@dataclass(frozen=True)
class Tool:
    name: str
    command: tuple[str, ...]  # "{file}" and "{scratch}" are filled in per run

    def argv(self, file: Path, scratch: Path) -> list[str]:
        return [part.format(file=file, scratch=scratch) for part in self.command]


def default_aisec() -> Path:
    local = REPO / ".venv" / "bin" / "aisec"
    if local.exists():
        return local
    found = shutil.which("aisec")
    if found is None:
        sys.exit("aisec not found: install the project (see README) or pass --aisec")
    return Path(found)


def make_tools(aisec: Path, peers_venv: Path) -> list[Tool]:
    peer = peers_venv / "bin"
    fickling = str(peer / "fickling")
    return [
        Tool("aisec", (str(aisec), "scan", "{file}", "--format", "json")),
        Tool("picklescan", (str(peer / "picklescan"), "--path", "{file}")),
        Tool("modelscan", (str(peer / "modelscan"), "scan", "-p", "{file}")),
        # fickling writes its JSON report to ./safety_results.json unless told otherwise.
        Tool(
            "fickling", (fickling, "--check-safety", "--json-output", "{scratch}/f.json", "{file}")
        ),
        # --no-cache: modelaudit otherwise answers repeated scans of one file from its cache.
        Tool("modelaudit", (str(peer / "modelaudit"), "scan", "--no-cache", "{file}")),
    ]


def ensure_peers(venv: Path) -> None:
    """Create the peers' own venv (python3.11 -m venv) and install them, once.

    A marker file records what was installed, so changing PEER_REQUIREMENTS updates the venv.
    """
    marker = venv / "bench-requirements.txt"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    if marker.exists() and marker.read_text() == wanted:
        return
    if not (venv / "bin" / "python").exists():
        python = shutil.which("python3.11") or sys.executable
        print(f"creating {venv} ...", flush=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    print(f"installing {', '.join(PEER_REQUIREMENTS)} into {venv} ...", flush=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *PEER_REQUIREMENTS], check=True)
    marker.write_text(wanted)


def _netns_works() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True, check=False)
    return probe.returncode == 0


NETNS_PREFIX: tuple[str, ...] = ("unshare", "--net") if _netns_works() else ()


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    exit_code: int
    timed_out: bool
    output: str  # stdout + stderr, only when asked for


def run_measured(argv: list[str], cwd: Path, timeout: float, capture: bool = False) -> Run:
    """Run argv as a fresh process; wall time and the child's own peak RSS come from os.wait4.

    unshare execs the tool in place (same pid), so the rusage is the tool's, not a wrapper's.
    """
    env = {**os.environ, **OFFLINE_ENV}
    out_path = cwd / "output.txt"
    with out_path.open("wb") as out:
        sink = out if capture else subprocess.DEVNULL
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*NETNS_PREFIX, *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    output = out_path.read_text(errors="replace") if capture else ""
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, timed_out.is_set(), output)


def source_state() -> str:
    """The commit of the measured aisec, and whether its src/ had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "src")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted src/ changes" if dirty else "")


def run_header(meta: dict[str, Any], repeat: int, load_before: float, tail: str = "") -> list[str]:
    """The two lines every results file starts with: when, where, how loaded, which versions."""
    tool_versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    return [
        f"Run {meta['date']} on {meta['machine']}; median of {repeat} fresh processes;"
        f" 1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.",
        f"Versions: {tool_versions} (aisec at {meta['aisec_source']}).{tail}",
    ]
