"""The traffic log's writer in its own process: what only a process can do wrong (die on
its own, outlive its parent, be handed something it cannot read)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from traffic_log_support import record_many, wait_for

from aisec.core.errors import ConfigError
from aisec.governance.audit.keys import SigningKey
from aisec.runtime.audit import TrafficLog, TrafficLogRefused, verify_stream
from aisec.runtime.audit.process_host import WriterProcess
from aisec.store import open_store

KEY = SigningKey.generate()


def _log(store, tmp_path, **options):
    return TrafficLog(store, stream="gw-p", spool_dir=tmp_path / "spool", key=KEY,
                      separate_process=True, **options)  # fmt: skip


def _child(log: TrafficLog) -> WriterProcess:
    host = log._worker
    assert isinstance(host, WriterProcess)
    return host


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes: it writes nothing more.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_counters_come_back_from_the_child(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        log = _log(store, tmp_path, checkpoint_every=100)
        log.start()
        record_many(log, 450)
        assert log.flush(60)
        counters = log.counters()
        assert (counters.recorded, counters.written, counters.pending) == (450, 450, 0)
        assert counters.checkpoints >= 1  # batches of up to 500 arrive at once here
        assert not counters.spooling and counters.spool_problems == ()
        log.close()
        assert verify_stream(store, "gw-p", KEY.public).ok


def test_a_killed_writer_process_makes_records_refused(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        log = _log(store, tmp_path)
        log.start()
        record_many(log, 20)
        assert log.flush(60)
        pid = _child(log)._process.pid
        os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: not _alive(pid))
        with pytest.raises(TrafficLogRefused, match="writer failed"):
            record_many(log, 1, start=20)
        assert log.counters().refused == 1
        log.close(5)
        # What it wrote before it died is intact; a new writer goes on from there.
        with _log(store, tmp_path) as again:
            assert record_many(again, 5, start=21)[0] == 21
        report = verify_stream(store, "gw-p", KEY.public)
        assert report.ok, report.problems
        assert report.tree_size == 25


def test_the_writer_process_ends_when_its_parent_is_gone(tmp_path):
    """A gateway killed outright must not leave its writer running (or its stream locked
    by an orphan): the child notices within a quarter of a second and ends."""
    script = textwrap.dedent(f"""
        import os
        from aisec.governance.audit.keys import SigningKey
        from aisec.runtime.audit import TrafficLog
        from aisec.store import open_store
        store = open_store({f"sqlite:///{tmp_path / 'g.db'}"!r})
        log = TrafficLog(store, stream="gw-p", spool_dir={str(tmp_path / "spool")!r},
                         key=SigningKey.generate(), separate_process=True)
        log.start()
        for i in range(30):
            log.record("c", "m", "predict", "allow", 200, 1.0, {{"i": i}})
        assert log.flush(60)
        print(log._worker._process.pid, flush=True)
        os._exit(0)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    child = int(done.stdout.split()[-1])
    assert wait_for(lambda: not _alive(child), 10)
    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        assert store.gateway_log.count(stream="gw-p") == 30


def test_a_record_that_cannot_be_pickled_is_kept_as_an_error_entry(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'g.db'}") as store:
        with _log(store, tmp_path) as log:
            record_many(log, 3)
            log.record("c", "m", "predict", "allow", 200, 1.0, {"bad": lambda: None})
            record_many(log, 3, start=3)
        entries = list(store.gateway_log.iter_entries(stream="gw-p"))
        assert [e.seq for e in entries] == list(range(1, 8))
        assert entries[3].payload == {"error": "unencodable record"}
        assert verify_stream(store, "gw-p", KEY.public).ok


def test_in_memory_sqlite_needs_the_thread(tmp_path):
    with open_store("sqlite://") as store:
        log = _log(store, tmp_path)
        with pytest.raises(ConfigError, match="in-memory SQLite"):
            log.start()
        # The stream is not left locked by the failed start.
        with TrafficLog(store, stream="gw-p", spool_dir=tmp_path / "spool", key=KEY) as log:
            record_many(log, 2)


def test_a_writer_process_that_cannot_start_is_an_error(tmp_path):
    from aisec.core.errors import StoreError
    from aisec.runtime.audit.process_host import ChildStart

    bad = ChildStart(url="sqlite:////nonexistent-dir/x.db", spool_dir=str(tmp_path),
                     settings={"stream": "gw-p"}, key_pem=None, tree_size=0, peaks=(),
                     signed_size=0)  # fmt: skip
    with pytest.raises(StoreError, match="did not start"):
        WriterProcess(bad).start(timeout=60)
