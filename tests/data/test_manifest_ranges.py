"""Changed ranges are sound: every byte that differs lies in a reported range, an append
is reported as exactly the new bytes, and line numbers count the current file's lines."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.data.manifest.hashing import hash_file
from aisec.data.manifest.model import BYTES, LINES, Entry
from aisec.data.manifest.ranges import (
    APPENDED,
    TRUNCATED,
    changed_ranges,
    with_line_numbers,
)

CHUNK = 4096


def entry_for(path, chunking):
    d = hash_file(path, CHUNK, chunking)
    return Entry(b"f", "file", d.size, d.sha256, False, chunking, d.chunks)


def diff(tmp_path, before, after, chunking):
    path = os.fsencode(tmp_path / "f")
    with open(path, "wb") as f:
        f.write(before)
    old = entry_for(path, chunking)
    with open(path, "wb") as f:
        f.write(after)
    ranges = changed_ranges(old, hash_file(path, CHUNK, chunking, (old.size,)))
    return path, ranges


_edit = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 10**6), st.binary(min_size=1, max_size=50)),
    st.tuples(st.just("append"), st.just(0), st.binary(min_size=1, max_size=9000)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=50)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.binary(min_size=1, max_size=30_000).map(lambda b: b.replace(b"\r", b"\n")),
    edit=_edit,
    chunking=st.sampled_from([BYTES, LINES]),
)
def test_every_differing_byte_is_reported(tmp_path, base, edit, chunking):
    kind, at, data = edit
    at %= len(base)
    after = {
        "set": base[:at] + data + base[at + len(data) :],
        "append": base + data,
        "truncate": base[:at],
        "insert": base[:at] + data + base[at:],
    }[kind]
    _, ranges = diff(tmp_path, base, after, chunking)
    if after == base:
        assert ranges == []
        return
    current = [r for r in ranges if r.what != TRUNCATED]
    for i in range(min(len(base), len(after))):
        if base[i] != after[i]:
            assert any(r.start <= i < r.end for r in current), (i, ranges)
    if len(after) > len(base):
        assert any(r.start <= len(after) - 1 < r.end for r in current)
    if len(after) < len(base):
        assert [(r.start, r.end) for r in ranges if r.what == TRUNCATED] == [
            (len(after), len(base))
        ]
    if kind == "append":
        assert [(r.what, r.start, r.end) for r in ranges] == [(APPENDED, len(base), len(after))]


def test_line_numbers_are_those_of_the_current_file(tmp_path):
    before = b"".join(b"row %05d\n" % i for i in range(3000))
    after = before.replace(b"row 01500\n", b"row 01500 edited\n")
    path, ranges = diff(tmp_path, before, after, LINES)
    (r,) = with_line_numbers(path, ranges)
    assert r.lines[0] <= 1501 <= r.lines[1]
    assert after[: r.start].count(b"\n") + 1 == r.lines[0]
    assert after[: r.end].count(b"\n") == r.lines[1]
