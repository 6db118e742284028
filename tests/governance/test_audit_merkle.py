"""The audit log's Merkle tree: RFC 6962's tree hash, checked against the Certificate
Transparency test vectors, and the incremental tree against the recursive definition."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.governance.audit.merkle import EMPTY_ROOT, Tree, leaf_hash, node_hash, root_of
from aisec.governance.audit.records import Entry, canonical_json, checkpoint_message, timestamp

# The leaves and roots of the Certificate Transparency reference tests (RFC 6962 section
# 2.1, as used by certificate-transparency and Trillian): roots of the first n leaves.
LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
          "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHED = [leaf_hash(bytes.fromhex(leaf)) for leaf in LEAVES]


def test_the_empty_tree_is_the_hash_of_nothing():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_of([]) == EMPTY_ROOT == Tree().root()


@pytest.mark.parametrize("size", range(1, len(LEAVES) + 1))
def test_rfc6962_reference_roots(size):
    assert root_of(HASHED[:size]).hex() == ROOTS[size - 1]
    assert Tree(HASHED[:size]).root().hex() == ROOTS[size - 1]


def test_leaves_and_nodes_are_domain_separated():
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert a == hashlib.sha256(b"\x00a").digest()
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    # A two-leaf tree's root is not the leaf hash of the two leaves concatenated.
    assert root_of([a, b]) != leaf_hash(a + b)


def test_three_leaves_split_at_two():
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    assert root_of([a, b, c]) == node_hash(node_hash(a, b), c)


@given(st.lists(st.binary(max_size=8), max_size=70))
def test_every_prefix_root_of_the_incremental_tree_equals_the_root_from_scratch(data):
    leaves = [leaf_hash(d) for d in data]
    tree = Tree()
    assert tree.root() == root_of([])
    for n, leaf in enumerate(leaves, start=1):
        tree.append(leaf)
        assert tree.size == n
        assert tree.root() == root_of(leaves[:n])


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.tuples(_TEXT, _TEXT, st.dictionaries(_TEXT, _JSON, max_size=3)), max_size=20))
def test_the_root_of_a_log_prefix_equals_the_root_of_that_log_from_scratch(rows):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [
        Entry(seq, start + timedelta(seconds=seq), actor, action, "risk", str(seq), payload)
        for seq, (actor, action, payload) in enumerate(rows, start=1)
    ]
    full = Tree(e.computed_leaf() for e in entries)
    for size in range(len(entries) + 1):
        prefix = entries[:size]
        assert Tree(e.computed_leaf() for e in prefix).root() == root_of(
            [e.computed_leaf() for e in prefix]
        )
    assert full.root() == root_of([e.computed_leaf() for e in entries])


def test_an_entry_hashes_the_same_whatever_its_payload_key_order():
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    one = Entry(1, when, "dpo", "risk.accepted", "risk", "r1", {"a": 1, "b": [1, 2]})
    two = Entry(1, when, "dpo", "risk.accepted", "risk", "r1", {"b": [1, 2], "a": 1})
    assert one.computed_leaf() == two.computed_leaf()
    # ... but not at another seq: an entry moved is an entry changed.
    moved = Entry(2, when, "dpo", "risk.accepted", "risk", "r1", {"a": 1, "b": [1, 2]})
    assert moved.computed_leaf() != one.computed_leaf()


def test_the_canonical_encoding_is_fixed():
    when = datetime(2026, 3, 1, 13, 0, 0, 5, tzinfo=UTC)
    entry = Entry(7, when, "dpö", "x.y", "k", "id", {"z": 1, "a": "é"})
    assert (
        canonical_json(entry.content())
        == (
            '{"action":"x.y","actor":"dpö","object_id":"id","object_kind":"k",'
            '"payload":{"a":"é","z":1},"recorded_at":"2026-03-01T13:00:00.000005Z","seq":7,"v":1}'
        ).encode()
    )
    assert entry.computed_leaf() == leaf_hash(canonical_json(entry.content()))


def test_timestamps_have_one_text_per_instant():
    from datetime import timezone

    paris = timezone(timedelta(hours=1))
    assert timestamp(datetime(2026, 3, 1, 14, tzinfo=paris)) == "2026-03-01T13:00:00.000000Z"
    with pytest.raises(ValueError, match="naive"):
        timestamp(datetime(2026, 3, 1))


def test_the_checkpoint_message_is_the_documented_text():
    when = datetime(2026, 3, 1, tzinfo=UTC)
    assert (
        checkpoint_message(3, "ab" * 32, when)
        == (f"aisec audit checkpoint v1\n3\n{'ab' * 32}\n2026-03-01T00:00:00.000000Z").encode()
    )
