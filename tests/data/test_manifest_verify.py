"""``verify_manifest`` on real trees: each kind of change is named, and only what
changed is reported."""

import os
import stat

import pytest

from aisec.core.errors import UsageError
from aisec.data.manifest import build_manifest, verify_manifest
from aisec.data.manifest.ranges import APPENDED, CHANGED, TRUNCATED

CHUNK = 64 * 1024


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "data"
    (root / "images").mkdir(parents=True)
    (root / "weights.bin").write_bytes(os.urandom(16 * CHUNK))
    (root / "images" / "cat.png").write_bytes(b"\x89PNG cat")
    (root / "labels.csv").write_bytes(
        b"id,label\n" + b"".join(b"%d,label-%d\n" % (i, i % 7) for i in range(40_000))
    )
    (root / "run.sh").write_bytes(b"#!/bin/sh\n")
    return root


def check(root, manifest):
    report = verify_manifest(manifest, root, workers=2)
    return report, {(c.kind, os.fsdecode(c.path)): c for c in report.changes}


def test_an_untouched_tree_is_intact_with_the_same_root_hash(tree):
    manifest = build_manifest([tree], CHUNK)
    report, changes = check(tree, manifest)
    assert changes == {} and report.exit_code == 0 and report.status == "intact"
    assert report.actual_root_hash == manifest.root_hash == report.expected_root_hash


def test_one_byte_in_the_middle_is_one_chunk_range(tree):
    manifest = build_manifest([tree], CHUNK)
    path = tree / "weights.bin"
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 + 100
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    report, changes = check(tree, manifest)
    assert report.exit_code == 1 and report.actual_root_hash != manifest.root_hash
    change = changes[("modified", "weights.bin")]
    assert len(changes) == 1 and len(change.ranges) == 1
    r = change.ranges[0]
    assert (r.what, r.start, r.end) == (CHANGED, 8 * CHUNK, 9 * CHUNK)
    assert r.start <= middle < r.end and r.lines is None


def test_an_append_is_told_apart_from_a_change(tree):
    manifest = build_manifest([tree], CHUNK)
    size = (tree / "labels.csv").stat().st_size
    with (tree / "labels.csv").open("ab") as out:
        out.write(b"40000,label-x\n40001,label-y\n")
    _, changes = check(tree, manifest)
    (r,) = changes[("modified", "labels.csv")].ranges
    assert (r.what, r.start, r.end, r.lines) == (APPENDED, size, size + 28, (40_002, 40_003))


def test_an_edited_row_is_reported_by_line(tree):
    manifest = build_manifest([tree], CHUNK)
    path = tree / "labels.csv"
    path.write_bytes(path.read_bytes().replace(b"\n20000,label-1\n", b"\n20000,label-X\n"))
    _, changes = check(tree, manifest)
    (r,) = changes[("modified", "labels.csv")].ranges
    assert r.what == CHANGED and r.lines[0] <= 20_002 <= r.lines[1]
    assert r.lines[1] - r.lines[0] < 10_000  # one chunk of lines, not the file


def test_truncation(tree):
    manifest = build_manifest([tree], CHUNK)
    with (tree / "weights.bin").open("r+b") as f:
        f.truncate(4 * CHUNK)
    _, changes = check(tree, manifest)
    ranges = changes[("modified", "weights.bin")].ranges
    assert [(r.what, r.start, r.end) for r in ranges] == [(TRUNCATED, 4 * CHUNK, 16 * CHUNK)]


def test_rename_delete_add(tree):
    manifest = build_manifest([tree], CHUNK)
    (tree / "images" / "cat.png").rename(tree / "images" / "kitten.png")
    (tree / "run.sh").unlink()
    (tree / "images" / "dog.png").write_bytes(b"\x89PNG dog")
    _, changes = check(tree, manifest)
    assert set(changes) == {
        ("renamed", "images/kitten.png"),
        ("removed", "run.sh"),
        ("added", "images/dog.png"),
    }
    assert changes[("renamed", "images/kitten.png")].old_path == b"images/cat.png"


def test_chmod_is_a_mode_change(tree):
    manifest = build_manifest([tree], CHUNK)
    path = tree / "run.sh"
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    _, changes = check(tree, manifest)
    assert set(changes) == {("mode-changed", "run.sh")}
    assert changes[("mode-changed", "run.sh")].detail == "not executable -> executable"


def test_a_file_replaced_by_a_symlink(tree):
    manifest = build_manifest([tree], CHUNK)
    (tree / "run.sh").unlink()
    os.symlink("/etc/passwd", tree / "run.sh")
    report, changes = check(tree, manifest)
    change = changes[("type-changed", "run.sh")]
    assert "file -> symlink to /etc/passwd, outside the root" in change.detail
    assert any("outside the root" in note for note in report.notes)


def test_a_retargeted_symlink(tree):
    os.symlink("images/cat.png", tree / "latest")
    manifest = build_manifest([tree], CHUNK)
    (tree / "latest").unlink()
    os.symlink("../../secret", tree / "latest")
    _, changes = check(tree, manifest)
    assert changes[("symlink-changed", "latest")].detail == (
        "images/cat.png -> ../../secret (outside the root)"
    )


def test_a_fifo_is_recorded_and_never_opened(tree):
    os.mkfifo(tree / "pipe")  # opening it for reading would block forever
    manifest = build_manifest([tree], CHUNK)
    assert [e.kind for e in manifest.entries if e.path == b"pipe"] == ["fifo"]
    report, changes = check(tree, manifest)
    assert changes == {} and report.exit_code == 0
    (tree / "pipe").unlink()
    (tree / "pipe").write_bytes(b"now a file")
    _, changes = check(tree, manifest)
    assert changes[("type-changed", "pipe")].detail == "fifo -> file, 10 bytes"


def test_an_unreadable_file_is_reported_not_a_difference(tree, monkeypatch):
    manifest = build_manifest([tree], CHUNK)
    from aisec.data.manifest import verify as verifying

    real = verifying.hash_file

    def deny(path, *args, **kwargs):
        if path.endswith(b"cat.png"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(verifying, "hash_file", deny)
    report, changes = check(tree, manifest)
    assert changes == {} and report.exit_code == 3 and report.actual_root_hash is None
    assert [(s.path, s.reason) for s in report.unreadable] == [
        (b"images/cat.png", "cannot read: Permission denied")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_real_permissions(tree):
    manifest = build_manifest([tree], CHUNK)
    (tree / "images").chmod(0)
    try:
        report, _ = check(tree, manifest)
    finally:
        (tree / "images").chmod(0o755)
    assert report.exit_code in (1, 3) and report.unreadable


def test_only_the_inputs_are_verified(tree):
    manifest = build_manifest([tree / "labels.csv", tree / "images"], CHUNK)
    assert manifest.inputs == (b"images", b"labels.csv")
    (tree / "unrelated.txt").write_bytes(b"not part of the dataset")
    report, changes = check(tree, manifest)
    assert changes == {} and report.checked == 2


def test_names_that_are_not_utf8_or_hold_newlines(tmp_path):
    root = os.fsencode(tmp_path / "d")
    os.mkdir(root)
    for name in (b"caf\xe9.csv", b"two\nlines.txt", b"tab\there"):
        with open(os.path.join(root, name), "wb") as f:
            f.write(name)
    manifest = build_manifest([os.fsdecode(root)], CHUNK)
    assert {e.path for e in manifest.entries} == {b"caf\xe9.csv", b"two\nlines.txt", b"tab\there"}
    os.remove(os.path.join(root, b"caf\xe9.csv"))
    _, changes = check(os.fsdecode(root), manifest)
    assert set(changes) == {("removed", os.fsdecode(b"caf\xe9.csv"))}


def test_a_missing_root_is_a_usage_error(tree, tmp_path):
    manifest = build_manifest([tree], CHUNK)
    with pytest.raises(UsageError):
        verify_manifest(manifest, tmp_path / "nowhere")


def test_files_in_a_directory_that_cannot_be_listed_are_not_removed(tree, monkeypatch):
    from aisec.data.manifest import walk as walking

    manifest = build_manifest([tree], CHUNK)
    real = walking.open_beneath

    def deny(root, rel, flags):
        if rel.endswith(b"images"):
            raise PermissionError(13, "Permission denied")
        return real(root, rel, flags)

    monkeypatch.setattr(walking, "open_beneath", deny)
    report, changes = check(tree, manifest)
    assert changes == {} and report.exit_code == 3
    assert [(s.path, s.reason) for s in report.unreadable] == [
        (b"images", "cannot list: Permission denied")
    ]
