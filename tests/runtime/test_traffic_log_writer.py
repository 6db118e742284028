"""The traffic log writer on SQLite and PostgreSQL: every record stored once, checkpoints
signed, restarts resume seq and tree, outages spooled and replayed, one writer per stream."""

from __future__ import annotations

import pytest
import traffic_log_support as support
from sqlalchemy import delete, func, select
from traffic_log_support import record_many, wait_for

from aisec.core.errors import ConfigError
from aisec.governance.audit.keys import SigningKey
from aisec.runtime.audit import TrafficLog, TrafficLogRefused, verify_stream
from aisec.store.models import GatewayCheckpoint, GatewayEntry
from aisec.store.sql_gateway_log import SqlGatewayLog

# The databases' fixtures, shared with the other traffic log tests (no conftest here).
gw_db = support.gw_db
gw_postgres_admin = support.gw_postgres_admin
KEY = SigningKey.generate()


@pytest.fixture(params=["thread", "process"])
def writer(request):
    """Where the writer's work runs: a thread, or a child process (the gateway's default)."""
    return request.param


def _log(store, tmp_path, writer="thread", **options):
    options.setdefault("key", KEY)
    options["separate_process"] = writer == "process"
    return TrafficLog(store, stream=options.pop("stream", "gw-1"),
                      spool_dir=tmp_path / "spool", **options)  # fmt: skip


def _seqs(store, stream="gw-1"):
    with store.engine.connect() as connection:
        query = select(GatewayEntry.seq).where(GatewayEntry.stream == stream)
        return sorted(connection.scalars(query))


def test_ten_thousand_records_are_stored_once_and_verify(gw_db, tmp_path, writer):
    with gw_db.open() as store:
        log = _log(store, tmp_path, writer)
        log.start()
        seqs = record_many(log, 10_000)
        assert log.flush(120)
        log.close()
        assert seqs == list(range(1, 10_001))
        assert _seqs(store) == list(range(1, 10_001))
        counters = log.counters()
        assert (counters.recorded, counters.written, counters.pending) == (10_000, 10_000, 0)
        reader = SqlGatewayLog(store)
        assert reader.count(stream="gw-1") == 10_000
        checkpoints = reader.checkpoints("gw-1")
        # One at least every checkpoint_every entries, as batches (up to 500) fall.
        assert len(checkpoints) >= 10_000 // (1000 + 500)
        assert checkpoints[-1].tree_size == 10_000
        report = verify_stream(store, "gw-1", KEY.public)
        assert report.ok, report.problems
        assert (report.verified_size, report.unsigned_tail) == (10_000, 0)


def test_entries_read_back_for_the_dashboard(gw_db, tmp_path):
    with gw_db.open() as store:
        with _log(store, tmp_path) as log:
            record_many(log, 150)
        reader = SqlGatewayLog(store)
        entries = list(reader.iter_entries(stream="gw-1", batch=40))
        assert [e.seq for e in entries] == list(range(1, 151))
        assert all(e.computed_leaf().hex() == e.leaf_hash for e in entries)
        first = entries[0]
        assert reader.count(since=first.recorded_at) == 150
        assert reader.count(model="other") == 0
        assert reader.streams() == ["gw-1"]
        assert reader.last_position("gw-1").last_seq == 150
        activity = {(a.client, a.action): a for a in reader.activity(first.recorded_at)}
        assert sum(a.requests for a in activity.values()) == 150
        assert sum(a.alerts for a in activity.values()) == sum(i % 3 for i in range(150))
        assert sum(a.requests for (_, action), a in activity.items() if action == "block") == 3


def test_restart_resumes_seq_and_tree(gw_db, tmp_path, writer):
    with gw_db.open() as store:
        with _log(store, tmp_path, writer, checkpoint_every=1000) as log:
            record_many(log, 1500)
        # As after a crash: the entries after the last regular checkpoint are stored but
        # the final checkpoint never came; the restart recomputes them from the frontier.
        with store.engine.begin() as connection:
            connection.execute(delete(GatewayCheckpoint).where(GatewayCheckpoint.tree_size > 1000))
        with _log(store, tmp_path, writer, checkpoint_every=1000) as log:
            assert record_many(log, 700, start=1500)[0] == 1501
        assert _seqs(store) == list(range(1, 2201))
        report = verify_stream(store, "gw-1", KEY.public)
        assert report.ok, report.problems
        assert report.verified_size == 2200


def test_database_outage_is_spooled_then_replayed(gw_db, tmp_path, writer):
    with gw_db.open() as store:
        log = _log(store, tmp_path, writer, checkpoint_every=200, retry_min=0.1, retry_max=0.5)
        log.start()
        record_many(log, 500)
        assert log.flush(60)
        gw_db.break_it()
        try:
            record_many(log, 1000, start=500)  # requests go on while the database is down
            assert log.flush(60)
            assert log.counters().spooled > 0
            assert (tmp_path / "spool" / "gw-1.spool").exists()
        finally:
            gw_db.mend()
        record_many(log, 300, start=1500)
        assert wait_for(lambda: not log.counters().spooling)
        log.close()
        counters = log.counters()
        assert counters.lost == 0 and counters.spool_problems == ()
        assert counters.written + counters.spooled == 1800
        assert not (tmp_path / "spool" / "gw-1.spool").exists()
        assert _seqs(store) == list(range(1, 1801))  # none lost, none twice
        report = verify_stream(store, "gw-1", KEY.public)
        assert report.ok, report.problems


def test_full_spool_refuses_records(gw_db, tmp_path, writer):
    with gw_db.open() as store:
        log = _log(store, tmp_path, writer, spool_max_bytes=20_000, retry_min=60)
        log.start()
        record_many(log, 10)
        assert log.flush(60)
        gw_db.break_it()
        try:
            refused = None
            for i in range(100_000):
                try:
                    record_many(log, 1, start=i)
                except TrafficLogRefused as exc:
                    refused = exc
                    break
                if i % 50 == 0:
                    log.flush(60)
            assert refused is not None and "spool is full" in str(refused)
            assert log.counters().refused == 1
            assert log.counters().lost == 0
        finally:
            gw_db.mend()
        log.close()
    # Whatever was accepted went to the spool, and from it into the database.
    with gw_db.open() as store:
        with _log(store, tmp_path, writer):
            pass
        assert not (tmp_path / "spool" / "gw-1.spool").exists()
        report = verify_stream(store, "gw-1", KEY.public, allow_unsigned_tail=True)
        assert report.ok, report.problems
        with store.engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(GatewayEntry))
        assert stored == report.tree_size


def test_second_writer_on_a_stream_is_refused(tmp_path):
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'gw.db'}") as store:
        with _log(store, tmp_path):
            with pytest.raises(ConfigError, match="already written by another"):
                _log(store, tmp_path).start()
            with _log(store, tmp_path, stream="gw-2") as other:  # another stream: fine
                other.record("c", "m", "predict", "allow", 200, 1.0, {})
        with _log(store, tmp_path) as again:  # released on close
            assert again.record("c", "m", "predict", "allow", 200, 1.0, {}) == 1


def test_stream_names_are_checked(tmp_path):
    with pytest.raises(ConfigError):
        TrafficLog(None, stream="../x", spool_dir=tmp_path, key=None)


def test_record_after_close_is_refused(tmp_path):
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'gw.db'}") as store:
        log = _log(store, tmp_path)
        with log:
            pass
        with pytest.raises(TrafficLogRefused):
            log.record("c", "m", "predict", "allow", 200, 1.0, {})


def test_odd_values_hash_the_same_after_the_database(gw_db, tmp_path):
    odd = {
        "text": "nul\x00 surrogate\udcff emoji\U0001f600 " + "x" * 5000,
        "floats": [float("nan"), float("inf"), -0.0, 1e-300, 0.1 + 0.2],
        1: "int key",
        "nested": {"tuple": (1, 2), "deep": [[[[{"a": None}]]]]},
        "big": 2**70,
    }
    with gw_db.open() as store:
        with _log(store, tmp_path) as log:
            log.record("c\x00\udcff" * 80, "m" * 300, "predict", "allow", 200, 1e300, odd)
            log.record("c", "m", "chat", "allow", True, float("nan"), {"ok": 1})
        (entry, other) = SqlGatewayLog(store).iter_entries("gw-1")
        assert entry.payload["1"] == "int key"
        assert len(entry.model) == 100
        assert other.latency_ms == 0.0
        report = verify_stream(store, "gw-1", KEY.public)
        assert report.ok, report.problems
