"""The scan driver: walking paths, special files, failing checks, merged findings."""

from __future__ import annotations

import os
import pickle
import threading
import time
from pathlib import Path

import pytest

from aisec.core.check import Check
from aisec.core.finding import Location
from aisec.core.registry import Registry
from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.checks.pickle_dangerous_call import DangerousCall
from aisec.modelfile.checks.pickle_unknown_call import UnknownCall
from aisec.modelfile.context import MAX_MERGED_OFFSETS, MAX_VARIANTS, ScanContext
from aisec.modelfile.pickle.policy import load_policy
from aisec.modelfile.scanner import iter_files, scan

CLEAN = pickle.dumps({"weights": [1.0, 2.0]}, protocol=4)
MALICIOUS = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x07echo hi\x85R."

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")


def by_status(run, status):
    return {a.location.path: a.reason for a in run.artefacts if a.status is status}


def analysed_paths(run):
    return sorted(a.location.path for a in run.artefacts if a.format != "directory")


# -- walking ----------------------------------------------------------------------


@needs_symlinks
def test_directory_links_are_descended(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.bin").write_bytes(MALICIOUS)
    root = tmp_path / "root"
    root.mkdir()
    (root / "clean.pkl").write_bytes(CLEAN)
    (root / "linked").symlink_to(outside, target_is_directory=True)

    run = scan([root])

    assert analysed_paths(run) == [str(root / "clean.pkl"), str(root / "linked" / "evil.bin")]
    assert {f.check_id for f in run.findings} == {"modelfile.pickle.dangerous-call"}
    assert run.exit_code(Severity.HIGH) == 1


@needs_symlinks
def test_root_link_to_a_directory_is_a_directory(tmp_path):
    target = tmp_path / "models"
    target.mkdir()
    (target / "clean.pkl").write_bytes(CLEAN)
    link = tmp_path / "current"
    link.symlink_to(target, target_is_directory=True)

    run = scan([link])

    assert analysed_paths(run) == [str(link / "clean.pkl")]
    assert run.errors == []
    assert run.exit_code(Severity.HIGH) == 0


@needs_symlinks
def test_directory_link_loops_are_listed_as_skipped_not_followed(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "clean.pkl").write_bytes(CLEAN)
    (tmp_path / "beside.pkl").write_bytes(CLEAN)
    loops = {
        root / "a" / "back": root,  # to the root
        root / "self": root,  # to itself
        root / "a" / "up": tmp_path,  # above the root: would scan beside.pkl and loop
        root / "top": Path(tmp_path.anchor),  # the whole file system
    }
    for link, target in loops.items():
        link.symlink_to(target, target_is_directory=True)

    run = scan([root])

    assert analysed_paths(run) == [str(root / "a" / "clean.pkl")]
    skipped = by_status(run, ArtefactStatus.SKIPPED)
    assert set(skipped) == {str(link) for link in loops}
    assert all(
        reason.startswith("directory link loop: leads back to") for reason in skipped.values()
    )
    assert run.exit_code(Severity.HIGH) == 3


@needs_symlinks
def test_second_link_to_a_scanned_directory_is_listed_once_not_rescanned(tmp_path):
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "clean.pkl").write_bytes(CLEAN)
    # "latest" sorts first, but the real directory claims the files.
    (tmp_path / "latest").symlink_to(tmp_path / "v2", target_is_directory=True)

    run = scan([tmp_path])

    assert analysed_paths(run) == [str(tmp_path / "v2" / "clean.pkl")]
    [alias] = [a for a in run.artefacts if a.format == "directory"]
    assert alias.location.path == str(tmp_path / "latest")
    assert alias.reason == f"same directory as {tmp_path / 'v2'}, whose files are listed there"
    # Nothing was missed: an alias is no reason to fail the scan.
    assert run.exit_code(Severity.HIGH) == 0


@needs_symlinks
def test_many_links_to_one_directory_do_not_multiply_the_work(tmp_path):
    # Each level links twice to the next: followed naively, 2**12 copies of one file.
    for level in range(12):
        here = tmp_path / f"l{level}"
        here.mkdir()
        if level:
            for name in ("x", "y"):
                (tmp_path / f"l{level - 1}" / name).symlink_to(here, target_is_directory=True)
    (tmp_path / "l11" / "clean.pkl").write_bytes(CLEAN)

    assert len(list(iter_files([tmp_path / "l0"]))) == 1


def test_files_are_listed_sorted_depth_first(tmp_path):
    for name in ("b/2.pkl", "b/1.pkl", "a/c/3.pkl", "0.pkl", "a/4.pkl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(CLEAN)

    shown = [os.path.relpath(display, tmp_path) for _, display in iter_files([tmp_path])]

    assert shown == ["0.pkl", "a/4.pkl", "a/c/3.pkl", "b/1.pkl", "b/2.pkl"]


def test_an_empty_directory_does_not_pass_as_clean(tmp_path):
    (tmp_path / "empty" / "nested").mkdir(parents=True)

    run = scan([tmp_path / "empty"])

    assert run.artefacts == []
    assert run.errors == [f"nothing to scan: no files found in {tmp_path / 'empty'}"]
    assert run.exit_code(Severity.HIGH) == 3


def test_unreadable_directory_is_skipped_with_the_reason(tmp_path, monkeypatch):
    (tmp_path / "ok.pkl").write_bytes(CLEAN)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.pkl").write_bytes(CLEAN)
    real_scandir = os.scandir

    def scandir(path):  # chmod 0 would not stop root, so refuse the way the OS does
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = scan([tmp_path])

    assert by_status(run, ArtefactStatus.SKIPPED) == {
        str(locked): "cannot read directory: Permission denied"
    }
    assert run.exit_code(Severity.HIGH) == 3


# -- special files ------------------------------------------------------------------


def scan_within(paths, seconds=60.0):
    """Scan in a thread so that a scan that blocks fails the test instead of hanging it."""
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("run", scan(paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    return out.get("run")


def unblock(fifo):
    # A reader blocked in open() is released by a writer opening the other end.
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("as_root", [False, True], ids=["in-directory", "given-directly"])
def test_fifo_is_skipped_never_opened(tmp_path, as_root):
    (tmp_path / "clean.pkl").write_bytes(CLEAN)
    fifo = tmp_path / "pipe.pkl"
    os.mkfifo(fifo)

    run = scan_within([fifo] if as_root else [tmp_path])
    if run is None:
        unblock(fifo)
        pytest.fail("scan blocked on a FIFO")

    assert by_status(run, ArtefactStatus.SKIPPED) == {str(fifo): "not a regular file: fifo"}
    assert run.exit_code(Severity.HIGH) == 3


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
@needs_symlinks
def test_link_to_a_device_is_skipped(tmp_path):
    (tmp_path / "model.bin").symlink_to("/dev/null")

    run = scan([tmp_path])

    assert by_status(run, ArtefactStatus.SKIPPED) == {
        str(tmp_path / "model.bin"): "not a regular file: character device"
    }


# -- checks that fail -----------------------------------------------------------------


class Boom(Check):
    id = "test.scanner.boom"
    title = "always raises"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    description = "a check with a bug"

    def run(self, subject):
        raise RuntimeError("kaboom")
        yield  # pragma: no cover - makes run a generator, as most checks are


def test_a_failing_check_is_an_error_and_the_other_checks_still_run(tmp_path):
    path = tmp_path / "evil.bin"
    path.write_bytes(MALICIOUS)
    registry = Registry.from_classes([Boom, DangerousCall])

    run = scan([path], registry=registry)

    assert [f.check_id for f in run.findings] == ["modelfile.pickle.dangerous-call"]
    assert run.errors == [f"{path}: check test.scanner.boom failed: RuntimeError: kaboom"]
    [artefact] = run.artefacts
    assert artefact.status is ArtefactStatus.INCOMPLETE
    assert run.exit_code(Severity.CRITICAL) == 1  # the finding is worse than the error


def test_a_failing_check_alone_makes_the_scan_exit_3(tmp_path):
    path = tmp_path / "clean.pkl"
    path.write_bytes(CLEAN)

    run = scan([path], registry=Registry.from_classes([Boom, DangerousCall]))

    assert run.findings == []
    assert len(run.errors) == 1 and "test.scanner.boom" in run.errors[0]
    assert run.exit_code(Severity.HIGH) == 3


# -- merged findings ------------------------------------------------------------------


class Subject:
    kind = "fake"
    location = Location("model.bin")


class Repeats(Check):
    id = "test.scanner.repeats"
    title = "finds the same thing at many offsets"
    severity = Severity.MEDIUM
    applies_to = ("fake",)
    description = "x"

    def run(self, subject):
        for offset in range(100):
            yield self.finding(subject.location.at(offset), "same", evidence={"n": 1}, key="k")
        yield self.finding(subject.location.at(7), "other", key="other")


def context(*checks):
    deadline = time.monotonic() + 60
    return ScanContext(Settings(), load_policy((), ()), {"fake": list(checks)}, deadline)


def test_findings_with_one_fingerprint_are_merged_into_the_first():
    ctx = context(Repeats())

    merged, other = ctx.judge(Subject())

    assert merged.message == "same" and merged.location.offset == 0
    assert merged.evidence == {"n": 1, "occurrences": 100, "offsets": list(range(20))}
    assert len(merged.evidence["offsets"]) == MAX_MERGED_OFFSETS
    assert "occurrences" not in other.evidence
    assert ctx.findings == [merged, other]


class Variants(Check):
    id = "test.scanner.variants"
    title = "finds one thing with different details"
    severity = Severity.HIGH
    applies_to = ("fake",)
    description = "x"

    def run(self, subject):
        for n in range(30):
            yield self.finding(subject.location.at(n), f"call {n}", key="os.system")


def test_different_messages_are_kept_apart_up_to_a_cap():
    ctx = context(Variants())

    found = ctx.judge(Subject())

    # A harmless first call must not hide the second one's payload ...
    assert [f.message for f in found] == [f"call {n}" for n in range(MAX_VARIANTS)]
    # ... but the output stays bounded: the rest fold into the first.
    first = found[0]
    assert first.evidence["occurrences"] == 1 + 30 - MAX_VARIANTS
    assert first.evidence["offsets"] == [0, *range(MAX_VARIANTS, 30)][:MAX_MERGED_OFFSETS]
    assert all("occurrences" not in f.evidence for f in found[1:])


def test_merging_is_per_subject():
    ctx = context(Repeats())

    ctx.judge(Subject())
    ctx.judge(Subject())

    assert [f.evidence.get("occurrences") for f in ctx.findings] == [100, None, 100, None]


class FakeBoom(Boom):
    id = "test.scanner.fake-boom"
    applies_to = ("fake",)


def test_context_keeps_findings_of_the_checks_around_a_failing_one():
    ctx = context(Repeats(), FakeBoom(), Repeats())

    found = ctx.judge(Subject())

    # The checks before and after the failing one count; equal fingerprints merge.
    assert [f.evidence.get("occurrences") for f in found] == [200, 2]
    assert ctx.errors == ["model.bin: check test.scanner.fake-boom failed: RuntimeError: kaboom"]


def test_a_stream_repeating_one_call_gives_one_finding_with_a_count(tmp_path):
    calls = 1000
    body = b"".join(b"cmymodels\nNet\n)R" for _ in range(calls))
    path = tmp_path / "many.pkl"
    path.write_bytes(b"\x80\x02](" + body + b"e.")

    run = scan([path], registry=Registry.from_classes([UnknownCall]))

    [finding] = run.findings
    assert finding.evidence["occurrences"] == calls
    step = len(b"cmymodels\nNet\n)R")
    first = finding.location.offset
    assert finding.evidence["offsets"] == [first + i * step for i in range(MAX_MERGED_OFFSETS)]


def test_a_stream_with_many_distinct_calls_to_one_callable_stays_bounded(tmp_path):
    calls = 1000
    body = b"".join(b"cmymodels\nNet\nK" + bytes([i % 256]) + b"\x85R" for i in range(calls))
    path = tmp_path / "many.pkl"
    path.write_bytes(b"\x80\x02](" + body + b"e.")

    run = scan([path], registry=Registry.from_classes([UnknownCall]))

    assert len(run.findings) == MAX_VARIANTS
    assert sum(f.evidence.get("occurrences", 1) for f in run.findings) == calls
