"""Scoring commands run with bounds: a command that never ends is killed at its timeout,
one that prints without end at its output cap, and a command that exits early without
reading its input is not an error of ours."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from aisec.validation.bounded_run import STDERR_TAIL, run_bounded


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_output_and_exit_code_come_back():
    done = run_bounded(python("import sys; print(sys.stdin.read().upper())"), b"abc",
                       max_stdout=1000, timeout=60)  # fmt: skip
    assert done.stdout.strip() == b"ABC"
    assert done.returncode == 0 and not done.timed_out and not done.overflowed


def test_a_hanging_command_is_killed_at_its_timeout():
    done = run_bounded(python("import time; time.sleep(600)"), b"", max_stdout=1000,
                       timeout=0.5)  # fmt: skip
    assert done.timed_out and done.returncode != 0


def test_a_flooding_command_is_killed_at_its_cap():
    done = run_bounded(python("while True: print('x' * 1000)"), b"", max_stdout=100_000,
                       timeout=60)  # fmt: skip
    assert done.overflowed and not done.timed_out
    assert 100_000 < len(done.stdout) <= 100_000 + (1 << 16)


def test_only_the_tail_of_standard_error_is_kept():
    code = "import sys; sys.stderr.write('e' * 1_000_000 + 'THE END'); sys.exit(5)"
    done = run_bounded(python(code), b"", max_stdout=1000, timeout=60)
    assert done.returncode == 5
    assert len(done.stderr_tail) <= STDERR_TAIL and done.stderr_tail.endswith(b"THE END")


def test_a_command_that_ignores_a_large_input_is_not_an_error():
    done = run_bounded(python("print(1)"), b"x" * 10_000_000, max_stdout=1000, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == b"1"


def test_a_timeout_ends_what_the_command_started(tmp_path):
    pid_file = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    done = run_bounded(["sh", "-c", script], b"", max_stdout=1000, timeout=1.0)
    assert done.timed_out
    child = int(pid_file.read_text())
    for _ in range(100):  # the kill is delivered at once; the exit may take a moment
        try:
            state = Path(f"/proc/{child}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return
        if state == "Z":  # dead, awaiting a reaper
            return
        time.sleep(0.05)
    raise AssertionError(f"the command's child {child} is still running")
