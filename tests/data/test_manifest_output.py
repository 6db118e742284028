"""Writing a manifest file: an input is never replaced, an existing output or a symlink
needs ``force``, and the write goes through a fresh temporary file, never a planted one."""

import os

import pytest

from aisec.core.errors import UsageError
from aisec.data.manifest.output import check_output, write_atomically


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    (root / "train.csv").write_text("id\n1\n")
    return root


def test_the_output_may_not_be_an_input_even_with_force(data):
    train = data / "train.csv"
    for spelling in (train, data / "." / "train.csv", data / ".." / "data" / "train.csv"):
        with pytest.raises(UsageError, match="is the input"):
            check_output(spelling, [train], force=True)
    os.link(train, data / "hard.csv")  # another name, same inode
    with pytest.raises(UsageError, match="is the input"):
        check_output(data / "hard.csv", [train], force=True)
    with pytest.raises(UsageError, match="is the input"):
        check_output(data, [data], force=True)


def test_the_input_spelled_through_a_linked_directory_is_caught(data, tmp_path):
    (tmp_path / "link").symlink_to(data)
    with pytest.raises(UsageError, match="is the input"):
        check_output(tmp_path / "link" / "train.csv", [data / "train.csv"], force=True)


def test_an_existing_output_needs_force_and_a_new_one_inside_the_data_does_not(data):
    check_output(data / "MANIFEST.json", [data], force=False)
    (data / "MANIFEST.json").write_text("{}")
    with pytest.raises(UsageError, match="already exists"):
        check_output(data / "MANIFEST.json", [data], force=False)
    check_output(data / "MANIFEST.json", [data], force=True)


def test_a_symlink_output_needs_force_and_then_the_link_is_replaced(data, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "m.json"
    out.symlink_to(victim)
    with pytest.raises(UsageError, match="is a symlink"):
        check_output(out, [data], force=False)
    check_output(out, [data], force=True)
    write_atomically(out, "{}\n")
    assert not out.is_symlink() and out.read_text() == "{}\n"
    assert victim.read_text() == "precious"


def test_a_symlink_output_that_is_an_input_is_refused_even_with_force(data):
    (data / "alias.csv").symlink_to("train.csv")
    with pytest.raises(UsageError, match="is the input"):
        check_output(data / "alias.csv", [data / "alias.csv"], force=True)


def test_planted_temporary_names_are_never_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "m.json"
    # The old scheme's predictable names, for this process and its neighbours.
    for pid in range(os.getpid() - 5, os.getpid() + 5):
        (tmp_path / f".m.json.{pid}.tmp").symlink_to(victim)
    write_atomically(out, "{}\n")
    assert victim.read_text() == "precious" and out.read_text() == "{}\n"
    assert not out.is_symlink()
    leftovers = {p.name for p in tmp_path.iterdir()} - {"victim.txt", "m.json"}
    assert all((tmp_path / name).is_symlink() for name in leftovers)  # only the planted ones


def test_the_written_file_is_readable_per_umask_and_a_failed_write_leaves_nothing(tmp_path):
    out = tmp_path / "m.json"
    write_atomically(out, "{}\n")
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    from aisec.core.errors import InputError

    with pytest.raises(InputError, match="cannot write"):
        write_atomically(tmp_path / "absent" / "m.json", "{}\n")
    directory = tmp_path / "dir"
    directory.mkdir()
    (directory / "x").write_text("")
    with pytest.raises(InputError, match="cannot write"):
        write_atomically(directory, "{}\n")  # a non-empty directory cannot be replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "m.json"]
