"""Building manifests: what is recorded for each kind of path, the root they are
relative to, the root hash, and the bounds."""

import hashlib
import os

import pytest

from aisec.core.errors import LimitExceeded, UsageError
from aisec.data.manifest import build as building
from aisec.data.manifest import build_manifest, inputs_root
from aisec.data.manifest.merkle import entry_leaf, root_hash
from aisec.data.manifest.model import Entry
from aisec.data.manifest.walk import walk


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "d"
    (root / "b").mkdir(parents=True)
    (root / "b" / "x.jsonl").write_bytes(b'{"a": 1}\n' * 2000)
    (root / "a.bin").write_bytes(b"\x00" * 10_000)
    os.symlink("a.bin", root / "inside")
    os.symlink("../../elsewhere", root / "b" / "outside")
    os.mkfifo(root / "pipe")
    return root


def test_what_each_path_records(tree):
    manifest = build_manifest([tree], 4096)
    by_path = {e.path: e for e in manifest.entries}
    assert list(by_path) == [b"a.bin", b"b/outside", b"b/x.jsonl", b"inside", b"pipe"]
    data = (tree / "b" / "x.jsonl").read_bytes()
    jsonl = by_path[b"b/x.jsonl"]
    assert jsonl.sha256 == hashlib.sha256(data).hexdigest() and jsonl.size == len(data)
    assert jsonl.chunking == "lines"  # 9-byte lines: chunks of the first 456 lines >= 4096
    assert [c.size for c in jsonl.chunks] == [4104] * 4 + [18000 - 4 * 4104]
    assert by_path[b"a.bin"].chunking == "bytes" and len(by_path[b"a.bin"].chunks) == 3
    assert (by_path[b"inside"].target, by_path[b"inside"].escapes_root) == (b"a.bin", False)
    assert by_path[b"b/outside"].escapes_root is True
    assert by_path[b"pipe"].kind == "fifo" and by_path[b"pipe"].sha256 is None
    assert manifest.files == 2 and manifest.inputs == (b".",) and manifest.skipped == ()


def test_files_given_share_the_deepest_common_directory(tree):
    manifest = build_manifest([tree / "a.bin", tree / "b" / "x.jsonl"], 4096)
    assert manifest.inputs == (b"a.bin", b"b/x.jsonl")
    with pytest.raises(UsageError, match="not inside the root"):
        build_manifest([tree / "a.bin"], 4096, root=tree / "b")


def test_excluded_paths_and_missing_paths(tree):
    manifest = build_manifest([tree], 4096, exclude=[tree / "a.bin", tree.parent / "other"])
    assert b"a.bin" not in {e.path for e in manifest.entries}
    assert manifest.excluded == (b"a.bin",)
    with pytest.raises(UsageError, match="no such file"):
        build_manifest([tree / "absent.csv"], 4096)


def test_unreadable_files_are_skipped_with_the_reason(tree, monkeypatch):
    real = building.hash_file

    def deny(path, *args, **kwargs):
        if path.endswith(b"a.bin"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(building, "hash_file", deny)
    manifest = build_manifest([tree], 4096)
    assert [(s.path, s.reason) for s in manifest.skipped] == [
        (b"a.bin", "cannot read: Permission denied")
    ]
    assert b"a.bin" not in {e.path for e in manifest.entries}


@pytest.mark.parametrize("size", [0, 4095, 2 * 1024**3])
def test_chunk_size_bounds(tree, size):
    with pytest.raises(UsageError, match="chunk size"):
        build_manifest([tree], size)


def test_the_entry_cap(tree):
    with pytest.raises(LimitExceeded):
        walk(os.fsencode(tree), [b"."], max_entries=3)


def test_root_hash_is_rfc6962_over_sorted_entries():
    a, b, c = (Entry(name, "fifo") for name in (b"a", b"b", b"c"))
    la, lb, lc = (entry_leaf(e) for e in (a, b, c))
    node = hashlib.sha256(b"\x01" + la + lb).digest()
    assert root_hash([c, a, b]) == hashlib.sha256(b"\x01" + node + lc).hexdigest()
    assert root_hash([]) == hashlib.sha256(b"").hexdigest()
    assert root_hash([a]) == la.hex()


def test_every_recorded_field_changes_the_leaf():
    base = Entry(b"f", "file", 3, "ab" * 32, False, "bytes", (), None, False)
    variants = [
        Entry(b"g", "file", 3, "ab" * 32),
        Entry(b"f", "file", 4, "ab" * 32),
        Entry(b"f", "file", 3, "cd" * 32),
        Entry(b"f", "file", 3, "ab" * 32, True),
        Entry(b"f", "symlink", target=b"x"),
        Entry(b"f", "fifo"),
    ]
    assert len({entry_leaf(v) for v in [base, *variants]}) == len(variants) + 1


def test_the_excluded_output_is_matched_by_real_path(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "x.csv").write_text("x\n")
    (real / "m.json").write_text("{}")
    (tmp_path / "link").symlink_to(real)
    manifest = build_manifest([tmp_path / "link"], 4096, exclude=[real / "m.json"])
    assert manifest.excluded == (b"m.json",)
    assert [e.path for e in manifest.entries] == [b"x.csv"]
    # and the other way round: the data by its real name, the output through the link
    manifest = build_manifest([real], 4096, exclude=[tmp_path / "link" / "m.json"])
    assert manifest.excluded == (b"m.json",)


def test_the_default_root_of_inputs(tree):
    assert inputs_root([tree]) == tree
    assert inputs_root([tree / "a.bin", tree / "b" / "x.jsonl"]) == tree
