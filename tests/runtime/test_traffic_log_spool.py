"""The spool's line parser (hypothesis: any bytes, any cut), the spool file's modes, and
the Merkle tree's frontier export and import."""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.governance.audit.merkle import Tree, leaf_hash, root_of
from aisec.runtime.audit.records import (
    CHECKPOINT_HEADER,
    TrafficEntry,
    checkpoint_message,
    latency_us,
    make_entry,
)
from aisec.runtime.audit.spool import Spool, SpoolBatch, encode_batch, parse_spool

_text = st.text(max_size=30)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_fields = st.tuples(_text, _text, _text, _text, st.integers(), st.floats(),
                    st.dictionaries(_text, _json, max_size=4))  # fmt: skip


@st.composite
def spool_content(draw):
    batches = draw(st.lists(st.lists(_fields, min_size=1, max_size=3), min_size=1, max_size=4))
    seq = 0
    lines = []
    for batch in batches:
        entries = []
        for fields in batch:
            seq += 1
            entries.append(make_entry("gw", seq, 1_700_000_000_000_000 + seq, fields))
        lines.append(encode_batch(entries, None))
    return lines


@given(st.binary(max_size=2000))
def test_any_bytes_parse_without_raising(data):
    batches, problems = parse_spool(data)
    assert all(isinstance(b, SpoolBatch) for b in batches)
    assert len(batches) + len(problems) >= data.count(b"\n")


@given(spool_content(), st.data())
def test_a_cut_keeps_every_complete_line_and_reports_the_torn_one(lines, data):
    content = b"".join(lines)
    cut = data.draw(st.integers(min_value=0, max_value=len(content)))
    batches, problems = parse_spool(content[:cut])
    complete = content[:cut].count(b"\n")
    assert len(batches) == complete
    assert [b.entries for b in batches] == [parse_spool(line)[0][0].entries for line in lines][
        :complete
    ]
    torn = cut not in {0, *(len(b"".join(lines[: i + 1])) for i in range(len(lines)))}
    assert len(problems) == int(torn)
    if torn:
        assert "torn" in problems[0].reason


@given(spool_content())
def test_entries_round_trip_with_their_hashes(lines):
    for line in lines:
        (batch,), problems = parse_spool(line)
        assert not problems
        for entry in batch.entries:
            assert entry.computed_leaf().hex() == entry.leaf_hash


def test_a_corrupted_entry_is_reported_not_replayed():
    entry = make_entry("gw", 1, 1_700_000_000_000_000, ("c", "m", "r", "allow", 200, 2.0, {"a": 1}))
    line = encode_batch([entry], None).replace(b'"a":1', b'"a":2')
    batches, problems = parse_spool(line + encode_batch([entry], None))
    assert len(batches) == 1 and len(problems) == 1
    assert "leaf hash" in problems[0].reason


def test_spool_file_is_private_and_never_follows_a_symlink(tmp_path):
    entry = make_entry("gw", 1, 1_700_000_000_000_000, ("c", "m", "r", "allow", 200, 2.0, {}))
    spool = Spool(tmp_path, "gw")
    spool.append([entry], None)
    spool.close()
    assert stat.S_IMODE(os.stat(spool.path).st_mode) == 0o600
    (tmp_path / "target").write_bytes(b"")
    planted = Spool(tmp_path, "planted")
    os.symlink(tmp_path / "target", planted.path)
    with pytest.raises(OSError):
        planted.append([entry], None)
    assert (tmp_path / "target").read_bytes() == b""


def test_a_torn_line_is_ended_before_the_next_append(tmp_path):
    entry = make_entry("gw", 1, 1_700_000_000_000_000, ("c", "m", "r", "allow", 200, 2.0, {}))
    spool = Spool(tmp_path, "gw")
    spool.path.write_bytes(encode_batch([entry], None)[:-10])
    spool.append([entry], None)
    spool.close()
    batches, problems = parse_spool(spool.path.read_bytes())
    assert len(batches) == 1 and len(problems) == 1


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=40))
def test_a_tree_rebuilt_from_its_frontier_grows_the_same(size, more):
    leaves = [leaf_hash(str(i).encode()) for i in range(size + more)]
    tree = Tree(leaves[:size])
    rebuilt = Tree.from_frontier(size, [peak for _, peak in tree.frontier()])
    assert rebuilt.frontier() == tree.frontier()
    for leaf in leaves[size:]:
        rebuilt.append(leaf)
    assert rebuilt.root() == root_of(leaves)
    assert rebuilt.size == size + more


def test_a_frontier_of_another_size_is_refused():
    tree = Tree([leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")])
    with pytest.raises(ValueError):
        Tree.from_frontier(4, [peak for _, peak in tree.frontier()])


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_latency_hashes_the_same_after_a_float_column(latency):
    entry = make_entry("gw", 1, 0, ("c", "m", "r", "allow", 200, latency, {}))
    stored = float(repr(entry.latency_ms))  # what either database hands back
    again = TrafficEntry(**{**entry.row(), "latency_ms": stored})
    assert latency_us(stored) == latency_us(entry.latency_ms)
    assert again.computed_leaf().hex() == entry.leaf_hash


def test_gateway_leaves_and_checkpoints_cannot_pass_for_governance_ones():
    from datetime import UTC, datetime

    from aisec.governance.audit.records import CHECKPOINT_HEADER as GOVERNANCE
    from aisec.governance.audit.records import checkpoint_message as governance_message

    at = datetime(2026, 3, 1, tzinfo=UTC)
    assert CHECKPOINT_HEADER != GOVERNANCE
    assert checkpoint_message("gw", 5, "ab", at) != governance_message(5, "ab", at)
    entry = make_entry("gw", 1, 0, ("c", "m", "r", "allow", 200, 1.0, {}))
    assert entry.content()["type"] == "aisec.gateway-entry"
