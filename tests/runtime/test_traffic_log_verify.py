"""Verification of a traffic log stream after tampering, after pruning, and after spool
replays that crashed half way or found a torn line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import traffic_log_support as support
from sqlalchemy import delete, update
from traffic_log_support import record_many

from aisec.core.errors import ConfigError
from aisec.governance.audit.keys import SigningKey
from aisec.runtime.audit import TrafficLog, prune, verify_stream
from aisec.runtime.audit.records import make_entry
from aisec.runtime.audit.spool import encode_batch
from aisec.store.models import GatewayCheckpoint, GatewayEntry
from aisec.store.sql_gateway_log import SqlGatewayLog

# The databases' fixtures, shared with the other traffic log tests (no conftest here).
gw_db = support.gw_db
gw_postgres_admin = support.gw_postgres_admin
KEY = SigningKey.generate()


def _write(store, tmp_path, n, *, start=0, **options):
    options.setdefault("checkpoint_every", 500)
    with TrafficLog(store, stream="gw", spool_dir=tmp_path / "spool", key=KEY, **options) as log:
        record_many(log, n, start=start)
    return log


def _kinds(report):
    return {p.kind for p in report.problems}


def _where(seq):
    return (GatewayEntry.stream == "gw") & (GatewayEntry.seq == seq)


def test_edited_payload_is_found(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 1200)
        with store.engine.begin() as connection:
            connection.execute(update(GatewayEntry).where(_where(700)).values(payload={"x": 1}))
        report = verify_stream(store, "gw", KEY.public)
        assert {(p.kind, p.seq or p.tree_size) for p in report.problems} >= {
            ("edited", 700),
            ("root-mismatch", 1000),
        }


def test_edited_latency_is_found(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 300)
        with store.engine.begin() as connection:
            connection.execute(update(GatewayEntry).where(_where(5)).values(latency_ms=0.25))
        assert "edited" in _kinds(verify_stream(store, "gw", KEY.public))


def test_deleted_row_is_found(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 1200)
        with store.engine.begin() as connection:
            connection.execute(delete(GatewayEntry).where(_where(42)))
        report = verify_stream(store, "gw", KEY.public)
        assert ("deleted", 42) in {(p.kind, p.seq) for p in report.problems}
        assert "root-mismatch" in _kinds(report)


def test_deleted_tail_is_truncated(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 1200)
        with store.engine.begin() as connection:
            connection.execute(delete(GatewayEntry).where(GatewayEntry.seq > 1100))
        assert "truncated" in _kinds(verify_stream(store, "gw", KEY.public))


def test_reordered_rows_are_found(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 600)
        reader = SqlGatewayLog(store)
        a, b = (e for e in reader.iter_entries("gw") if e.seq in (10, 11))
        # Swap two requests' content, leaf hashes included: each row hashes right but
        # the tree and the times disagree.
        with store.engine.begin() as connection:
            for target, source in ((a, b), (b, a)):
                values = {**source.row(), "seq": target.seq}
                connection.execute(update(GatewayEntry).where(_where(target.seq)).values(values))
        report = verify_stream(store, "gw", KEY.public)
        assert {"edited", "root-mismatch"} <= _kinds(report)


def test_forged_checkpoint_and_wrong_key(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 600)
        with store.engine.begin() as connection:
            connection.execute(
                update(GatewayCheckpoint)
                .where(GatewayCheckpoint.tree_size == 500)
                .values(root_hash="00" * 32)
            )
        kinds = _kinds(verify_stream(store, "gw", KEY.public))
        assert {"bad-signature", "root-mismatch", "bad-frontier"} <= kinds
        other = SigningKey.generate()
        assert "wrong-key" in _kinds(verify_stream(store, "gw", other.public))


def test_unsigned_log_is_reported_unless_allowed(gw_db, tmp_path):
    with gw_db.open() as store:
        with TrafficLog(store, stream="gw", spool_dir=tmp_path / "s", key=None) as log:
            record_many(log, 50)
        assert _kinds(verify_stream(store, "gw", KEY.public)) == {"unsigned"}
        assert verify_stream(store, "gw", KEY.public, allow_unsigned_tail=True).ok


def test_prune_keeps_the_log_verifiable(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 1300)
        cut = datetime.now(UTC) + timedelta(seconds=1)
        with pytest.raises(ConfigError, match="six months"):
            prune(store, "gw", cut)
        # Every entry is older than the cut: deleted up to the last checkpoint (1300, the
        # one close() signs), the checkpoints kept.
        assert prune(store, "gw", cut, allow_short=True) == 1300
        assert SqlGatewayLog(store).count(stream="gw") == 0
        emptied = verify_stream(store, "gw", KEY.public)
        assert emptied.ok, emptied.problems
        assert (emptied.first_seq, emptied.entries, emptied.verified_size) == (1301, 0, 1300)
        _write(store, tmp_path, 400, start=1300)
        reader = SqlGatewayLog(store)
        assert reader.last_position("gw").first_seq == 1301
        report = verify_stream(store, "gw", KEY.public)
        assert report.ok, report.problems
        assert (report.first_seq, report.tree_size, report.entries) == (1301, 1700, 400)
        # A row deleted below the prune point's checkpoint is no longer pruning.
        with store.engine.begin() as connection:
            connection.execute(delete(GatewayEntry).where(_where(1301)))
        assert "deleted" in _kinds(verify_stream(store, "gw", KEY.public))


def test_prune_stops_at_a_checkpoint(gw_db, tmp_path):
    with gw_db.open() as store:
        _write(store, tmp_path, 1200)
        reader = SqlGatewayLog(store)
        middle = next(e.recorded_at for e in reader.iter_entries("gw") if e.seq == 700)
        # Entries before 700 are old, but only the checkpoint at 500 covers old ones only.
        assert prune(store, "gw", middle, allow_short=True) == 500
        assert verify_stream(store, "gw", KEY.public).ok
        assert prune(store, "gw", middle, allow_short=True) == 0  # nothing more to do


def _spool_of(entries, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    half = len(entries) // 2
    path.write_bytes(encode_batch(entries[:half], None) + encode_batch(entries[half:], None))


def _entries(first, last):
    at = 1_700_000_000_000_000
    return [
        make_entry("gw", seq, at + seq, ("c", "m", "predict", "allow", 200, 1.5, {"n": seq}))
        for seq in range(first, last + 1)
    ]


def test_replay_after_a_crash_half_way_duplicates_nothing(gw_db, tmp_path):
    with gw_db.open() as store:
        entries = _entries(1, 300)
        SqlGatewayLog(store).insert_batch(entries[:180])  # the crash came after these
        _spool_of(entries, tmp_path / "spool" / "gw.spool")
        with TrafficLog(store, stream="gw", spool_dir=tmp_path / "spool", key=KEY) as log:
            assert log.record("c", "m", "predict", "allow", 200, 1.0, {}) == 301
        counters = log.counters()
        assert (counters.replayed, counters.skipped) == (120, 180)
        assert SqlGatewayLog(store).count(stream="gw") == 301
        assert not (tmp_path / "spool" / "gw.spool").exists()
        report = verify_stream(store, "gw", KEY.public)
        assert report.ok, report.problems


def test_torn_spool_line_keeps_every_complete_line(gw_db, tmp_path):
    with gw_db.open() as store:
        entries = _entries(1, 100)
        path = tmp_path / "spool" / "gw.spool"
        _spool_of(entries[:80], path)
        with path.open("ab") as out:
            out.write(encode_batch(entries[80:], None)[:-40])  # the crash cut it short
        with TrafficLog(store, stream="gw", spool_dir=tmp_path / "spool", key=KEY) as log:
            assert log.record("c", "m", "predict", "allow", 200, 1.0, {}) == 81
        problems = log.counters().spool_problems
        assert len(problems) == 1 and "torn" in problems[0]
        assert SqlGatewayLog(store).count(stream="gw") == 81
        assert verify_stream(store, "gw", KEY.public).ok
