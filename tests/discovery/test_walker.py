"""The walk: links out of the tree are not followed, tool directories are skipped, special
files are not opened, unreadable places are reported."""

from __future__ import annotations

import os

import pytest

from aisec.core.severity import Severity
from aisec.discovery import discover
from aisec.discovery.walker import Entry, Passed, walk


def relatives(root, **kw):
    return [i.relative for i in walk(str(root), **kw) if isinstance(i, Entry)]


def test_sorted_depth_first_and_tool_directories_skipped(tmp_path):
    for name in ("b.py", "a/z.py", "a/y/x.py", ".git/config", "node_modules/m/i.js", "c.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert relatives(tmp_path) == ["b.py", "c.txt", "a/z.py", "a/y/x.py"]
    assert set(relatives(tmp_path, include_skipped=True)) >= {".git/config", "node_modules/m/i.js"}


def test_environments_of_installed_packages_are_skipped_whatever_their_name(tmp_path):
    for name in (
        "train.py",
        ".venv-tf/pyvenv.cfg",
        ".venv-tf/lib/python3.11/site-packages/m/model.pkl",
        "envs/ml/conda-meta/history",
        "envs/ml/lib/data.csv",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert relatives(tmp_path) == ["train.py"]
    assert "envs/ml/lib/data.csv" in relatives(tmp_path, include_skipped=True)


def test_links_out_of_the_tree_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("import pickle\npickle.loads(b'')\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "real.py").write_text("x = 1\n")
    os.symlink(outside, root / "dir_link")
    os.symlink(outside / "secret.py", root / "file_link.py")
    os.symlink(root / "real.py", root / "inner_link.py")
    os.symlink(root, root / "loop")
    items = list(walk(str(root)))
    entries = {i.relative for i in items if isinstance(i, Entry)}
    assert entries == {"inner_link.py", "real.py"}
    passed = {i.relative: i for i in items if isinstance(i, Passed)}
    assert set(passed) == {"dir_link", "file_link.py"}
    assert not any(p.problem for p in passed.values())
    report = discover(root)
    assert report.of_kind("loader") == []
    assert any("dir_link" in w and "not followed" in w for w in report.run.warnings)
    assert report.run.exit_code(Severity.HIGH) == 0  # a link not followed is no failure


def test_a_fifo_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "a.py").write_text("import openai\n")
    assert relatives(tmp_path) == ["a.py"]
    assert [i.name for i in discover(tmp_path).items] == ["openai"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable directories")
def test_an_unreadable_directory_is_reported(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        report = discover(tmp_path)
        assert report.run.exit_code(Severity.HIGH) == 3
    finally:
        locked.chmod(0o700)


def test_one_file_as_the_root(tmp_path):
    path = tmp_path / "train.py"
    path.write_text("import torch\nm = torch.load('m.pt')\n")
    report = discover(path)
    (finding,) = report.run.findings
    assert finding.location.display() == f"{path}:2"
    assert report.of_kind("loader")[0].places[0].path == "train.py"


def test_unparsable_python_makes_the_run_incomplete_not_a_crash(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n")
    (tmp_path / "deep.py").write_text("x = " + "(" * 200_000 + ")" * 200_000 + "\n")
    (tmp_path / "bad.ipynb").write_text("{not json")
    (tmp_path / "pyproject.toml").write_text("[project\n")
    report = discover(tmp_path)
    reasons = sorted(a.location.path.rsplit("/", 1)[-1] for a in report.run.incomplete)
    assert reasons == ["bad.ipynb", "broken.py", "deep.py", "pyproject.toml"]
    assert report.run.exit_code(Severity.HIGH) == 3
