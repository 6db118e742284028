"""Paths below a root are opened without following a link in any component, and a
directory swapped for a link is reported as such by verify, never read through."""

import errno
import os

import pytest

from aisec.data.manifest import build_manifest, verify_manifest
from aisec.data.manifest import verify as verifying
from aisec.data.manifest.beneath import first_non_directory, open_beneath
from aisec.data.manifest.report import REMOVED, TYPE_CHANGED


@pytest.fixture
def swapped(tmp_path):
    """``ds`` with ``a/x.csv`` and ``b/y.csv``; ``outside/a/x.csv`` holds the same bytes."""
    ds, outside = tmp_path / "ds", tmp_path / "outside"
    for base in (ds, outside):
        (base / "a").mkdir(parents=True)
        (base / "a" / "x.csv").write_text("x\n1\n")
    (ds / "b").mkdir()
    (ds / "b" / "y.csv").write_text("y\n2\n")
    return ds, outside


def _swap(ds, outside):
    (ds / "a" / "x.csv").unlink()
    (ds / "a").rmdir()
    (ds / "a").symlink_to(outside / "a")


def test_open_beneath_refuses_a_link_in_a_middle_component(swapped):
    ds, outside = swapped
    root = os.fsencode(ds)
    os.close(open_beneath(root, b"a/x.csv", os.O_RDONLY))
    _swap(ds, outside)
    with pytest.raises(OSError) as caught:
        open_beneath(root, b"a/x.csv", os.O_RDONLY)
    assert caught.value.errno in (errno.ELOOP, errno.ENOTDIR)
    assert first_non_directory(root, b"a/x.csv")[0] == b"a"
    assert first_non_directory(root, b"b/y.csv") is None


def test_a_linked_root_is_still_followed(swapped, tmp_path):
    ds, _ = swapped
    (tmp_path / "alias").symlink_to(ds)
    os.close(open_beneath(os.fsencode(tmp_path / "alias"), b"b/y.csv", os.O_RDONLY))


@pytest.mark.parametrize("inputs", [["a/x.csv", "b/y.csv"], ["."]])
def test_a_directory_swapped_for_a_link_outside_is_a_type_change(swapped, monkeypatch, inputs):
    ds, outside = swapped
    manifest = build_manifest([ds / p for p in inputs], 4096, root=ds)
    _swap(ds, outside)
    read: list[bytes] = []
    real = verifying.hash_file

    def spy(path, *args, **kwargs):
        read.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(verifying, "hash_file", spy)
    report = verify_manifest(manifest, ds, workers=1)
    assert report.exit_code == 1 and not report.intact
    assert [(c.kind, c.path, c.detail) for c in report.changes] == [
        (TYPE_CHANGED, b"a", "directory replaced by a symlink to "
         + os.fsdecode(outside / "a") + ", outside the root"),
    ]  # fmt: skip
    assert all(c.kind != REMOVED for c in report.changes)
    assert read == [b"b/y.csv"]  # nothing under the link was opened


def test_a_directory_replaced_by_a_file_is_a_type_change(swapped):
    ds, _ = swapped
    manifest = build_manifest([ds / "a" / "x.csv"], 4096, root=ds)
    (ds / "a" / "x.csv").unlink()
    (ds / "a").rmdir()
    (ds / "a").write_text("now a file\n")
    report = verify_manifest(manifest, ds, workers=1)
    assert [(c.kind, c.path) for c in report.changes] == [(TYPE_CHANGED, b"a")]
    assert report.changes[0].detail.startswith("directory replaced by a file")


def test_an_input_reached_through_a_link_is_recorded_as_the_link(swapped):
    ds, outside = swapped
    _swap(ds, outside)
    manifest = build_manifest([ds / "a" / "x.csv"], 4096, root=ds)
    assert [(e.path, e.kind, e.escapes_root) for e in manifest.entries] == [(b"a", "symlink", True)]
    assert verify_manifest(manifest, ds, workers=1).exit_code == 0
