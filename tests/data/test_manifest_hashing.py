"""Chunking and hashing in one pass: every chunk digest is the SHA-256 of exactly its
bytes, chunks tile the file, line chunks end at line ends, snapshots see a prefix."""

import hashlib
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data.manifest.hashing import hash_file
from aisec.data.manifest.model import BYTES, LINES


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _write(tmp_path, data, name="f"):
    path = tmp_path / name
    path.write_bytes(data)
    return os.fsencode(path)


def _tiles(data, digest):
    chunks = digest.chunks or ()
    if not chunks:
        return [(0, len(data))]
    offset = 0
    for chunk in chunks:
        assert chunk.offset == offset
        assert chunk.sha256 == _sha(data[chunk.offset : chunk.end])
        offset = chunk.end
    assert offset == len(data)
    return [(c.offset, c.end) for c in chunks]


def test_fixed_chunks_tile_the_file(tmp_path):
    data = os.urandom(10 * 4096 + 123)
    digest = hash_file(_write(tmp_path, data), 4096, BYTES)
    assert digest.size == len(data) and digest.sha256 == _sha(data)
    spans = _tiles(data, digest)
    assert len(spans) == 11 and all(end - start == 4096 for start, end in spans[:-1])


def test_a_file_of_one_chunk_lists_no_chunks(tmp_path):
    digest = hash_file(_write(tmp_path, b"x" * 4096), 4096, BYTES)
    assert digest.chunks == () and digest.sha256 == _sha(b"x" * 4096)
    empty = hash_file(_write(tmp_path, b"", "e"), 4096, BYTES)
    assert empty.size == 0 and empty.sha256 == _sha(b"") and empty.chunks == ()


def test_line_chunks_end_at_line_ends(tmp_path):
    data = b"".join(b"%d,some value,%d\n" % (i, i * 7) for i in range(5000))
    digest = hash_file(_write(tmp_path, data), 4096, LINES)
    spans = _tiles(data, digest)
    assert len(spans) > 5
    for start, end in spans:
        assert data[end - 1 : end] == b"\n"
        assert end - start >= 4096 or end == len(data)


def test_a_line_longer_than_twice_the_chunk_is_cut(tmp_path):
    data = b"a" * 20_000 + b"\n" + b"b" * 10
    spans = _tiles(data, hash_file(_write(tmp_path, data), 4096, LINES))
    assert spans[0] == (0, 8192) and spans[1] == (8192, 16384)


def test_snapshot_is_the_digest_of_the_chunk_so_far(tmp_path):
    data = os.urandom(3 * 4096)
    digest = hash_file(_write(tmp_path, data), 4096, BYTES, snapshot_at=(5000,))
    assert digest.snapshots[5000] == _sha(data[4096:5000])
    _tiles(data, digest)  # the split for the snapshot does not move chunk boundaries


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=300).map(lambda b: b.replace(b"\n", b"")), max_size=80),
    noise=st.binary(max_size=2000),
    chunking=st.sampled_from([BYTES, LINES]),
    snapshot=st.integers(min_value=1, max_value=30_000),
)
def test_any_content_tiles_exactly(tmp_path_factory, lines, noise, chunking, snapshot):
    data = b"\n".join(lines) + noise
    path = _write(tmp_path_factory.mktemp("h"), data)
    digest = hash_file(path, 256, chunking, snapshot_at=(snapshot,))
    assert digest.sha256 == _sha(data)
    spans = _tiles(data, digest)
    if chunking == LINES:
        for start, end in spans[:-1]:
            assert data[end - 1 : end] == b"\n" or end - start == 512
    if snapshot <= len(data):
        start = max(s for s, _ in spans if s < snapshot)
        assert digest.snapshots[snapshot] == _sha(data[start:snapshot])
