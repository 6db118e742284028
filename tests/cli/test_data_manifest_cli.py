"""``aisec data manifest`` and ``aisec data verify`` end to end through the CLI app:
outputs, exit codes (0 intact, 1 changed, 2 unusable manifest, 3 unreadable) and
terminal-safe names."""

import json
import os

import pytest
import typer.main
import typer.testing
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aisec.cli.data_manifest_cmd import parse_size
from aisec.cli.main import app, main
from aisec.core.errors import UsageError
from aisec.governance.audit import SigningKey

_COMMANDS: dict[int, object] = {}
_BUILD = typer.main.get_command


@pytest.fixture(autouse=True)
def _command_built_once(monkeypatch):
    """The command tree is static; building it (about a second) once per module keeps
    these end-to-end tests fast."""

    def cached(app):
        if id(app) not in _COMMANDS:
            _COMMANDS[id(app)] = _BUILD(app)
        return _COMMANDS[id(app)]

    monkeypatch.setattr(typer.main, "get_command", cached)
    monkeypatch.setattr(typer.testing, "_get_command", cached)


def run(*argv):
    return CliRunner().invoke(app, [str(a) for a in argv])


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "data"
    root.mkdir()
    (root / "train.csv").write_bytes(
        b"id,text\n" + b"".join(b"%d,row %d\n" % (i, i) for i in range(3000))
    )
    (root / "weights.bin").write_bytes(os.urandom(200_000))
    return root


def test_manifest_then_verify_intact_then_changed(dataset, tmp_path):
    made = run("data", "manifest", dataset, "--chunk-size", "16KiB")
    assert made.exit_code == 0, made.output
    assert "manifest of 2 files" in made.output
    doc = json.loads((tmp_path / "dataset.manifest.json").read_text())
    assert doc["schema"] == "aisec.dataset-manifest/1" and doc["root"] == "data"
    assert doc["chunk_size"] == 16 * 1024

    intact = run("data", "verify", "dataset.manifest.json")
    assert intact.exit_code == 0, intact.output
    assert intact.output.startswith("intact: 2 entries under")

    with (dataset / "train.csv").open("ab") as out:
        out.write(b"3000,row 3000\n")
    (dataset / "new.csv").write_text("a\n")
    changed = run("data", "verify", "dataset.manifest.json", "--format", "json")
    assert changed.exit_code == 1
    report = json.loads(changed.output)
    assert report["status"] == "changed" and report["exit_code"] == 1
    by_path = {c["path"]: c for c in report["changes"]}
    assert by_path["new.csv"]["change"] == "added"
    (appended,) = by_path["train.csv"]["ranges"]
    assert appended["what"] == "appended" and appended["lines"] == [3002, 3002]

    console = run("data", "verify", "dataset.manifest.json")
    assert console.exit_code == 1 and console.output.startswith("CHANGED: 2 differences")
    assert "lines 3002..3002 appended" in console.output


def test_manifest_inside_the_dataset_is_left_out(dataset):
    made = run("data", "manifest", dataset, "-o", dataset / "MANIFEST.json")
    assert made.exit_code == 0, made.output
    doc = json.loads((dataset / "MANIFEST.json").read_text())
    assert doc["root"] == "." and doc["excluded"] == [{"path": "MANIFEST.json"}]
    assert run("data", "verify", dataset / "MANIFEST.json").exit_code == 0


def test_explicit_root_and_stdout(dataset, tmp_path):
    made = run("data", "manifest", dataset / "train.csv", "-o", "-")
    assert made.exit_code == 0
    doc = json.loads(made.stdout)
    assert doc["inputs"] == [{"path": "train.csv"}]
    (tmp_path / "m.json").write_text(made.stdout)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "train.csv").write_bytes((dataset / "train.csv").read_bytes())
    assert run("data", "verify", "m.json", "--root", copy).exit_code == 0


def test_unusable_manifests_exit_2(dataset, tmp_path, capsys):
    (tmp_path / "bad.json").write_text('{"schema": "something else"}')
    assert main(["data", "verify", "bad.json"]) == 2
    assert "not a dataset manifest" in capsys.readouterr().err
    assert main(["data", "verify", "absent.json"]) == 2
    run("data", "manifest", dataset, "-o", "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    doc["entries"][0]["path"] = "../../etc/passwd"
    (tmp_path / "m.json").write_text(json.dumps(doc))
    assert main(["data", "verify", "m.json"]) == 2
    assert "leaves the root" in capsys.readouterr().err
    assert main(["data", "manifest", str(dataset), "--chunk-size", "lots"]) == 2


def test_unreadable_paths_exit_3(dataset, monkeypatch):
    assert run("data", "manifest", dataset).exit_code == 0
    from aisec.data.manifest import verify as verifying

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(verifying, "hash_file", deny)
    result = run("data", "verify", "dataset.manifest.json")
    assert result.exit_code == 3
    assert result.output.startswith("INCOMPLETE: 2 path(s) could not be read")
    assert "unreadable       train.csv: cannot read: Permission denied" in result.output


def test_signed_manifest_and_key(dataset, tmp_path):
    key = SigningKey.generate()
    (tmp_path / "k.pem").write_bytes(key.pem())
    (tmp_path / "k.pub.pem").write_bytes(key.public.pem())
    assert run("data", "manifest", dataset, "--sign-key", "k.pem").exit_code == 0
    ok = run("data", "verify", "dataset.manifest.json", "--key", "k.pub.pem")
    assert ok.exit_code == 0 and f"signature valid (key {key.key_id})" in ok.output
    other = SigningKey.generate()
    (tmp_path / "o.pub.pem").write_bytes(other.public.pem())
    bad = run("data", "verify", "dataset.manifest.json", "--key", "o.pub.pem")
    assert bad.exit_code == 1 and "signature invalid" in bad.output


def test_hostile_names_are_escaped_on_the_terminal(dataset):
    name = b"evil\x1b[2J\nname.csv"
    with open(os.path.join(os.fsencode(dataset), name), "wb") as f:
        f.write(b"x")
    made = run("data", "manifest", dataset)
    assert made.exit_code == 0
    os.remove(os.path.join(os.fsencode(dataset), name))
    result = run("data", "verify", "dataset.manifest.json")
    assert result.exit_code == 1
    assert "removed          evil\\x1b[2J\\x0aname.csv" in result.output
    assert "\x1b" not in result.output


def test_manifest_with_unreadable_files_is_written_and_exits_3(dataset, tmp_path, monkeypatch):
    from aisec.data.manifest import build as building

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(building, "hash_file", deny)
    made = run("data", "manifest", dataset)
    assert made.exit_code == 3
    assert "SKIPPED train.csv: cannot read: Permission denied" in made.output
    doc = json.loads((tmp_path / "dataset.manifest.json").read_text())
    assert [s["path"] for s in doc["skipped"]] == ["train.csv", "weights.bin"]
    assert doc["entries"] == []


def fail(capsys, *argv):
    """Exit code and standard error of ``aisec`` run as from a shell (errors included)."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_the_output_never_replaces_an_input(dataset, capsys):
    before = (dataset / "train.csv").read_bytes()
    for extra in ((), ("--force",)):
        for spelling in ("data/train.csv", "data/./train.csv", "data/../data/train.csv"):
            code, err = fail(capsys, "data", "manifest", "data/train.csv", "-o", spelling, *extra)
            assert code == 2 and "is the input" in err
    assert (dataset / "train.csv").read_bytes() == before


def test_an_existing_output_needs_force(dataset, capsys):
    assert run("data", "manifest", dataset, "-o", "data/MANIFEST.json").exit_code == 0
    code, err = fail(capsys, "data", "manifest", dataset, "-o", "data/MANIFEST.json")
    assert code == 2 and "already exists" in err and "--force" in err
    forced = run("data", "manifest", dataset, "-o", "data/MANIFEST.json", "--force")
    assert forced.exit_code == 0, forced.output
    assert run("data", "verify", "data/MANIFEST.json").exit_code == 0
    before = (dataset / "train.csv").read_bytes()
    code, err = fail(capsys, "data", "manifest", dataset, "-o", "data/train.csv")
    assert code == 2 and (dataset / "train.csv").read_bytes() == before


def test_the_manifest_is_written_through_a_fresh_file_not_a_planted_one(dataset, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    for pid in range(os.getpid() - 3, os.getpid() + 4):  # the old predictable names
        (tmp_path / f".m.json.{pid}.tmp").symlink_to(victim)
    made = run("data", "manifest", dataset, "-o", "m.json")
    assert made.exit_code == 0, made.output
    assert victim.read_text() == "precious" and not (tmp_path / "m.json").is_symlink()
    (tmp_path / "m.json").unlink()
    (tmp_path / "m.json").symlink_to(victim)
    code, err = fail(capsys, "data", "manifest", dataset, "-o", "m.json")
    assert code == 2 and "is a symlink" in err
    made = run("data", "manifest", dataset, "-o", "m.json", "--force")
    assert made.exit_code == 0, made.output
    assert victim.read_text() == "precious" and not (tmp_path / "m.json").is_symlink()
    assert json.loads((tmp_path / "m.json").read_text())["files"] == 2


def test_a_root_outside_the_manifest_directory_needs_root_or_a_checked_signature(
    dataset, tmp_path, capsys
):
    (tmp_path / "out").mkdir()
    made = run("data", "manifest", dataset, "-o", "out/m.json")
    assert made.exit_code == 0 and "verify will need --root" in made.output
    code, err = fail(capsys, "data", "verify", "out/m.json")
    assert code == 2 and "pass --root" in err
    assert run("data", "verify", "out/m.json", "--root", dataset).exit_code == 0
    key = SigningKey.generate()
    (tmp_path / "k.pem").write_bytes(key.pem())
    (tmp_path / "k.pub.pem").write_bytes(key.public.pem())
    signed = run("data", "manifest", dataset, "-o", "out/s.json", "--sign-key", "k.pem")
    assert signed.exit_code == 0
    assert fail(capsys, "data", "verify", "out/s.json")[0] == 2  # signature not checked
    assert run("data", "verify", "out/s.json", "--key", "k.pub.pem").exit_code == 0


def test_a_hostile_root_is_refused_before_anything_is_read(dataset, monkeypatch, capsys):
    assert run("data", "manifest", dataset, "-o", "data/m.json").exit_code == 0
    doc = json.loads((dataset / "m.json").read_text())
    doc["root"] = "../../../../etc"
    (dataset / "m.json").write_text(json.dumps(doc))
    from aisec.data.manifest import verify as verifying

    monkeypatch.setattr(verifying, "walk", lambda *a, **k: pytest.fail("walked"))
    code, err = fail(capsys, "data", "verify", "data/m.json")
    assert code == 2 and "outside the manifest's directory" in err


def test_sizes_are_bounded_and_clear(dataset, capsys):
    code, err = fail(capsys, "data", "manifest", dataset, "--chunk-size", "9" * 5000)
    assert code == 2 and "at most 12 digits" in err and "9" * 100 not in err
    code, err = fail(capsys, "data", "manifest", dataset, "--chunk-size", "999999999999")
    assert code == 2 and "outside" in err


def test_the_manifest_size_cap_is_an_option(dataset, capsys):
    assert run("data", "manifest", dataset).exit_code == 0
    code, err = fail(
        capsys, "data", "verify", "dataset.manifest.json", "--max-manifest-size", "100"
    )
    assert code == 2 and "larger than 100 bytes" in err and "--max-manifest-size" in err
    roomy = run("data", "verify", "dataset.manifest.json", "--max-manifest-size", "1MiB")
    assert roomy.exit_code == 0


def test_missing_inputs_exit_2_and_unreadable_inputs_exit_3(dataset, monkeypatch, capsys):
    code, err = fail(capsys, "data", "manifest", "data/absent.csv", "-o", "-")
    assert code == 2 and "no such file" in err
    from aisec.data.manifest import walk as walking

    real = walking.os.lstat

    def deny(path, *args, **kwargs):
        if os.fsencode(path).endswith(b"train.csv"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(walking.os, "lstat", deny)
    unreadable = run("data", "manifest", "data/train.csv", "data/weights.bin")
    assert unreadable.exit_code == 3 and "SKIPPED train.csv" in unreadable.output


_SIZES = st.builds(
    "{}{}".format, st.integers(0, 10**40), st.sampled_from(["", "k", " MiB", "gb", "KiB", "x"])
)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40) | _SIZES)
def test_parse_size_returns_a_bounded_size_or_a_usage_error(text):
    try:
        size, message = parse_size(text), ""
    except UsageError as exc:
        size, message = 0, exc.message
    assert 0 <= size <= 999_999_999_999 * 1024**3
    assert not message or ("--chunk-size" in message and len(message) < 300)
