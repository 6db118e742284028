"""The forked HDF5 reader (``hdf5_isolated``): what the child inherits, how it ends, and
what the parent accepts of its output. A child that a file corrupted is played by work
functions that write hostile bytes straight to their output."""

import fcntl
import json
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from types import SimpleNamespace

import pytest

from aisec.modelfile.formats import hdf5_isolated, hdf5_read, hdf5_tree
from aisec.modelfile.formats.hdf5_isolated import FRAME, json_shape_problem, run_isolated

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the reader forks")
LINUX_PROC = os.path.isdir("/proc/self/fd")


def soon(seconds: float = 20.0) -> float:
    return time.monotonic() + seconds


def open_fds() -> dict[int, str]:
    """The child's descriptors and what they are (run inside the child)."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            found[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue  # listdir's own descriptor, closed by now
    return found


def list_fds(_watchdog):
    return [{"fds": {str(k): v for k, v in open_fds().items()}}]


def output_fd() -> int:
    """The child's end of the result pipe: its only descriptor above 2 that is a FIFO."""
    [fd] = [fd for fd in open_fds() if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode)]
    return fd


def writing(*chunks: bytes):
    """Work that plays a corrupted child: it writes ``chunks`` as they are."""

    def work(_watchdog):
        fd = output_fd()
        for chunk in chunks:
            os.write(fd, chunk)
        return []

    return work


def frame(payload: bytes, kind: bytes = b"J") -> bytes:
    return FRAME.pack(kind, len(payload)) + payload


# -- what the child inherits ------------------------------------------------------------


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/self/fd")
def test_the_child_keeps_only_its_output_and_dev_null(monkeypatch):
    """Descriptors of the parent (here a pipe like a process pool's, and one past 1024)
    are closed; 0, 1, 2 are /dev/null; the output pipe works when numbered past 1024,
    which select() could not wait on."""
    real_pipe = os.pipe

    def high_pipe():
        ends = real_pipe()
        moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 1500 + i) for i, fd in enumerate(ends))
        for fd in ends:
            os.close(fd)
        return moved

    inherited_r, inherited_w = real_pipe()
    far = fcntl.fcntl(inherited_r, fcntl.F_DUPFD, 1200)
    monkeypatch.setattr(os, "pipe", high_pipe)
    try:
        outcome = run_isolated(list_fds, soon())
    finally:
        monkeypatch.undo()
        for fd in (inherited_r, inherited_w, far):
            os.close(fd)
    assert outcome.failure is None, outcome.failure
    fds = {int(k): v for k, v in outcome.result["fds"].items()}
    assert {fds[0], fds[1], fds[2]} == {os.devnull}
    [output] = set(fds) - {0, 1, 2}
    assert output >= 1500 and fds[output].startswith("pipe:")


def _pool_job(_):
    return run_isolated(list_fds, soon()).result


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/self/fd")
def test_in_a_process_pool_worker_the_pools_pipes_are_closed():
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        result = pool.submit(_pool_job, 0).result(timeout=60)
    fds = {int(k) for k in result["fds"]}
    assert len(fds - {0, 1, 2}) == 1  # the output pipe, not the pool's call/result pipes


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/self/fd")
def test_a_failing_fork_leaks_no_descriptor(monkeypatch):
    before = set(os.listdir("/proc/self/fd"))

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(OSError):
        run_isolated(list_fds, soon())
    monkeypatch.undo()
    assert set(os.listdir("/proc/self/fd")) == before


# -- how the child ends -----------------------------------------------------------------


def test_a_child_that_closes_its_output_and_hangs_is_killed():
    def work(_watchdog):
        os.close(output_fd())
        time.sleep(60)
        return []

    started = time.monotonic()
    outcome = run_isolated(work, soon(120))
    assert time.monotonic() - started < 15
    assert outcome.result is None
    assert "did not exit" in outcome.failure


def test_the_watchdog_never_outlives_the_deadline():
    assert hdf5_isolated._alarm_seconds(float("inf")) == hdf5_isolated.STALL_SECONDS
    assert hdf5_isolated._alarm_seconds(time.monotonic() + 600) == hdf5_isolated.STALL_SECONDS
    grace = hdf5_isolated.ALARM_GRACE_SECONDS
    assert hdf5_isolated._alarm_seconds(time.monotonic() + 4.5) == 5 + grace
    assert hdf5_isolated._alarm_seconds(time.monotonic() - 10) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_the_child_dies_with_its_parent(tmp_path):
    """A scanner killed outright leaves no reader behind: the parent here is a separate
    process, SIGKILLed while its reader sleeps."""
    pid_file = tmp_path / "reader.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from aisec.modelfile.formats.hdf5_isolated import run_isolated

        def work(_watchdog):
            with open({str(pid_file)!r}, "w") as out:
                out.write(str(os.getpid()))
            time.sleep(60)
            return []

        run_isolated(work, time.monotonic() + 120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        until = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < until and parent.poll() is None
            time.sleep(0.05)
        reader = int(pid_file.read_text())
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        until = time.monotonic() + 10
        while _alive(reader):
            assert time.monotonic() < until, "the reader outlived its parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            return stat_file.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


# -- what the parent accepts ------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError in json.loads
        b'{"a": ' + b"[" * 900 + b"]" * 900 + b"}",
        b"[" + b"[]," * 300_000 + b"[]]",  # a few bytes each, 64 bytes of objects each
        b'{"x": [' + b"1," * 200_000 + b"1]}",  # structure outside strings
        b'"just a string"',
        b"\xff\xfe not json",
    ],
    ids=["deep", "deep-in-object", "many-lists", "many-numbers", "not-an-object", "garbage"],
)
def test_hostile_json_records_are_malformed_results(payload):
    outcome = run_isolated(writing(frame(payload)), soon())
    assert outcome.result is None
    assert "malformed record" in outcome.failure or "not an object" in outcome.failure
    assert not outcome.limit


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        ([FRAME.pack(b"J", 2**31)], "a record of 2147483648 bytes"),
        ([FRAME.pack(b"B", 2**31)], "past its budget"),
        ([frame(b"{}", kind=b"X")], "unknown kind"),
        ([FRAME.pack(b"J", 100), b"{}"], "ends inside a record"),
        ([frame(b"{}")] * 20, "more than 16 records"),
        ([frame(b"\x09confi", kind=b"B")], "without a name"),
    ],
)
def test_records_past_their_caps_are_not_read(chunks, message):
    started = time.monotonic()
    outcome = run_isolated(writing(*chunks), soon(), max_bytes=1024)
    assert time.monotonic() - started < 10
    assert message in outcome.failure


def test_records_before_a_bad_one_are_kept():
    good = frame(json.dumps({"notes": {"backend": "tensorflow"}}).encode())
    config = frame(b"\x0cmodel_config" + b'{"class_name": "X"}', kind=b"B")
    outcome = run_isolated(writing(config, good, b"\x00garbage"), soon(), max_bytes=1024)
    assert outcome.result == {"notes": {"backend": "tensorflow"}}
    assert outcome.blobs == {"model_config": b'{"class_name": "X"}'}
    assert "unknown kind" in outcome.failure


def test_byte_strings_share_one_budget():
    first = frame(b"\x01a" + bytes(600), kind=b"B")
    second = frame(b"\x01b" + bytes(600), kind=b"B")
    outcome = run_isolated(writing(first, second), soon(), max_bytes=1000)
    assert list(outcome.blobs) == ["a"]
    assert "past its budget" in outcome.failure


def test_the_shape_check_reads_strings_as_strings():
    record = {
        "external": [{"dataset": 'a["{[', "target": '\\"]]]}}}' * 50, "offset": 1}] * 200,
        "unreadable": ["[" * 500],
    }
    assert json_shape_problem(json.dumps(record).encode()) is None
    assert json_shape_problem(json.dumps({"a": [[[[[[[[[1]]]]]]]]]}).encode()) is not None


def test_the_largest_walk_result_fits_the_caps():
    """The JSON cap is derived from the child's own caps: the worst legitimate walk
    result (every text at its length cap, all control characters) passes."""
    pytest.importorskip("h5py")
    text = "\x01" * (hdf5_tree.MAX_TEXT * 3)
    walk = hdf5_tree._Walk(SimpleNamespace(id=None), time.monotonic() + 60, int)
    for index in range(hdf5_tree.MAX_REPORTED * 2):  # one dataset may name many files
        if index % 2:
            walk._add(
                text.encode(), "external link", hdf5_tree.clip(text), object=hdf5_tree.clip(text)
            )
        else:
            walk._add(text.encode(), "external storage", text, offset=2**63 - 1, size=2**64 - 1)
    for entry in walk.external:  # what _add is given is clipped by its callers
        entry["target"] = hdf5_tree.clip(entry["target"])
    result = {
        "external": walk.external,
        "unreadable": [hdf5_tree.clip(text)] * hdf5_tree.MAX_UNREADABLE,
        "unreadable_count": 10**9,
        "stopped": f"more than {hdf5_tree.MAX_LINKS} links",
        "error": hdf5_tree.clip(text),
    }
    data = json.dumps(result, ensure_ascii=False).encode()
    assert len(walk.external) == hdf5_tree.MAX_REPORTED
    assert len(data) <= hdf5_tree.MAX_WALK_JSON <= hdf5_read.MAX_JSON_RECORD
    assert json_shape_problem(data) is None


def test_unreadable_objects_are_counted_not_all_kept():
    """The walk keeps a few examples of objects it could not read, and their count."""
    h5py = pytest.importorskip("h5py")

    class Links:
        def visit(self, callback, info=True):
            hard = SimpleNamespace(type=h5py.h5l.TYPE_HARD)
            for index in range(5000):
                callback(b"x" * 5000 + str(index).encode(), hard)

    # h5o.open fails on a root that is no HDF5 object, as on a corrupt object header
    root = SimpleNamespace(links=Links())
    result = hdf5_tree.walk_links(SimpleNamespace(id=root), time.monotonic() + 60, int)
    assert result["unreadable_count"] == 5000
    assert len(result["unreadable"]) == hdf5_tree.MAX_UNREADABLE
    assert all(len(text) <= hdf5_tree.MAX_TEXT for text in result["unreadable"])
