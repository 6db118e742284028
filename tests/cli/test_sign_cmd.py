"""``aisec sign``, ``aisec verify`` and ``aisec scan --require-signature`` end to end:
the installed command in a real process, real keys, real exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("model_signing")
pytest.importorskip("OpenSSL")

from aisec.cli.main import main
from signing_material import ec_keypair, model_directory, pki


def aisec(*args, cwd=None, env=None):
    exe = Path(sys.executable).with_name("aisec")
    return subprocess.run(
        [str(exe), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture
def keys(tmp_path):
    (tmp_path / "keys").mkdir()
    return ec_keypair(tmp_path / "keys")


@pytest.fixture
def model(tmp_path):
    return model_directory(tmp_path)


def test_sign_then_verify_then_tamper(model, keys):
    done = aisec("sign", model, "--key", keys.private)
    assert done.returncode == 0, done.stderr
    assert "signed 3 files" in done.stdout
    assert (model / "model.sig").is_file()

    done = aisec("verify", model, "--key", keys.public)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("verified:")

    (model / "tokenizer" / "vocab.txt").write_text("tampered\n")
    (model / "extra.bin").write_bytes(b"\x00")
    (model / "config.json").unlink()
    done = aisec("verify", model, "--key", keys.public)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("FAILED:") and "content changed" in lines[0]
    assert any(line.split()[:2] == ["changed", "tokenizer/vocab.txt"] for line in lines)
    assert any(line.split()[:2] == ["added", "extra.bin"] for line in lines)
    assert any(line.split()[:2] == ["removed", "config.json"] for line in lines)

    done = aisec("verify", model, "--key", keys.public, "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["status"] == "content-changed" and report["exit_code"] == 1
    assert [c["name"] for c in report["changed"]] == ["tokenizer/vocab.txt"]
    assert [c["name"] for c in report["added"]] == ["extra.bin"]
    assert [c["name"] for c in report["removed"]] == ["config.json"]


def test_single_file_with_custom_signature_path_and_json(tmp_path, keys):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights")
    sig = tmp_path / "sigs" / "w.bundle"
    sig.parent.mkdir()
    done = aisec("sign", weights, "--key", keys.private, "--signature", sig, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == ["w.bin"]
    done = aisec("verify", weights, "--key", keys.public, "--signature", sig, "-f", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["verified"] is True


def test_wrong_key_and_missing_signature_exit_1(tmp_path, model, keys):
    other = ec_keypair(tmp_path, "other")
    done = aisec("verify", model, "--key", keys.public)
    assert done.returncode == 1
    assert "no signature at" in done.stdout and "aisec sign" in done.stdout
    assert aisec("sign", model, "--key", keys.private).returncode == 0
    done = aisec("verify", model, "--key", other.public)
    assert done.returncode == 1
    assert "invalid signature" in done.stdout


def test_certificate_signing_and_verification(tmp_path, model):
    ca = pki(tmp_path)
    done = aisec(
        "sign",
        model,
        "--certificate",
        ca.leaf,
        "--chain",
        ca.intermediate,
        "--key",
        ca.leaf_key,
    )
    assert done.returncode == 0, done.stderr
    done = aisec("verify", model, "--certificate-chain", ca.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CN=Model signer" in done.stdout
    stranger = pki(tmp_path, "stranger-")
    done = aisec("verify", model, "--certificate-chain", stranger.root)
    assert done.returncode == 1
    assert "does not chain" in done.stdout


def test_key_problems_exit_2_and_say_what_to_do(tmp_path, model, keys):
    done = aisec("sign", model, "--key", tmp_path / "missing.key")
    assert done.returncode == 2
    assert "AISEC-E500" in done.stderr and "private key not found" in done.stderr
    done = aisec("sign", model)
    assert done.returncode == 2
    assert "--key KEY" in done.stderr
    (tmp_path / "bad.pub").write_text(
        "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"
    )
    done = aisec("verify", model, "--key", tmp_path / "bad.pub")
    assert done.returncode == 2
    assert "cannot read public key" in done.stderr and "hint:" in done.stderr
    assert aisec("verify", tmp_path / "absent", "--key", keys.public).returncode == 2


def test_encrypted_key_password_from_the_environment(tmp_path, model, monkeypatch):
    pair = ec_keypair(tmp_path, "locked", password=b"pw")
    assert main(["sign", str(model), "--key", str(pair.private)]) == 2
    assert main(["sign", str(model), "--key", str(pair.private), "--password-env", "PW"]) == 2
    monkeypatch.setenv("PW", "pw")
    assert main(["sign", str(model), "--key", str(pair.private), "--password-env", "PW"]) == 0
    assert main(["verify", str(model), "--key", str(pair.public)]) == 0


def test_keyless_offline_exits_2_saying_it_needs_the_internet(model, keys, monkeypatch, capsys):
    from sigstore import models
    from sigstore.errors import TUFError

    def offline(*args, **kwargs):
        raise TUFError("Failed to refresh TUF metadata")

    monkeypatch.setattr(models.ClientTrustConfig, "production", classmethod(offline))
    assert main(["sign", str(model), "--keyless"]) == 2
    err = capsys.readouterr().err
    assert "could not reach Sigstore" in err and "internet access" in err
    assert main(["sign", str(model), "--key", str(keys.private)]) == 0
    assert (
        main(["verify", str(model), "--identity", "me@example.com", "--issuer", "https://x"]) == 2
    )
    assert "trust root" in capsys.readouterr().err


def test_hostile_file_names_are_printed_escaped(model, keys, capsys):
    assert main(["sign", str(model), "--key", str(keys.private)]) == 0
    capsys.readouterr()
    (model / "evil\x1b[2J.bin").write_bytes(b"x")
    assert main(["verify", str(model), "--key", str(keys.public)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "evil\\x1b[2J.bin" in out


# -- scan --require-signature --------------------------------------------------------


def findings(done):
    report = json.loads(done.stdout)
    return [(f["check_id"], f["location"]["path"]) for f in report["findings"]]


def test_scan_requires_a_signature(tmp_path, model, keys):
    done = aisec("scan", "-f", "json", "--require-signature", "--signature-key", keys.public, model)
    assert done.returncode == 1, done.stderr
    assert ("inventory.signature.missing", str(model)) in findings(done)

    assert aisec("sign", model, "--key", keys.private).returncode == 0
    done = aisec("scan", "-f", "json", "--signature-key", keys.public, model)
    assert done.returncode == 0, done.stdout + done.stderr
    assert findings(done) == []

    (model / "weights.safetensors").write_bytes(b"\x00" * 10)
    (model / "new.json").write_text("{}")
    done = aisec("scan", "-f", "json", "--signature-key", keys.public, model)
    assert done.returncode == 1
    assert set(findings(done)) >= {
        ("inventory.signature.content-changed", str(model / "weights.safetensors")),
        ("inventory.signature.content-changed", str(model / "new.json")),
    }

    other = ec_keypair(tmp_path, "other")
    done = aisec("scan", "-f", "json", "--signature-key", other.public, model)
    assert done.returncode == 1
    assert ("inventory.signature.invalid", str(model / "model.sig")) in findings(done)


def test_scan_signature_settings_from_the_configuration_file(tmp_path, model, keys):
    ca = pki(tmp_path)
    assert (
        main(
            [
                "sign",
                str(model),
                "--certificate",
                str(ca.leaf),
                "--chain",
                str(ca.intermediate),
                "--key",
                str(ca.leaf_key),
            ]
        )
        == 0
    )
    # A CA certificate file as signature_key verifies certificate-based signatures.
    (tmp_path / "aisec.toml").write_text(
        f'require_signature = true\nsignature_key = "{ca.root.name}"\n'
    )
    assert aisec("scan", "model", cwd=tmp_path).returncode == 0
    (model / "config.json").write_text("{}")
    done = aisec("scan", "-f", "json", "model", cwd=tmp_path)
    assert done.returncode == 1
    assert ("inventory.signature.content-changed", "model/config.json") in findings(done)
    # The command line switches a configured requirement off.
    assert aisec("scan", "--no-require-signature", "model", cwd=tmp_path).returncode == 0


def test_scan_require_signature_without_a_key_is_a_usage_error(model):
    done = aisec("scan", "--require-signature", model)
    assert done.returncode == 2
    assert "signature_key" in done.stderr and "--signature-key" in done.stderr


def test_scan_without_require_signature_does_not_import_model_signing(model):
    code = (
        "import sys; from aisec.cli.main import main; rc = main(['scan', sys.argv[1]]); "
        "assert 'model_signing' not in sys.modules; raise SystemExit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(model)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_signature_findings_cannot_be_baselined(tmp_path, model, keys):
    """Review finding: one --write-baseline must not make every later change "known"."""
    baseline = tmp_path / "baseline.json"
    scan = ("scan", "-f", "json", "--signature-key", keys.public)
    done = aisec(*scan, "--write-baseline", baseline, model)
    assert ("inventory.signature.missing", str(model)) in findings(done)
    assert done.returncode == 1, done.stdout  # recording a baseline does not accept it
    assert json.loads(baseline.read_text())["findings"] == []
    assert aisec(*scan, "--baseline", baseline, model).returncode == 1

    assert aisec("sign", model, "--key", keys.private).returncode == 0
    (model / "config.json").write_text('{"layers": 3}\n')
    done = aisec(*scan, "--write-baseline", baseline, model)
    assert done.returncode == 1
    assert json.loads(baseline.read_text())["findings"] == []
    # A baseline that lists the finding (hand-written, or from an older aisec) does not
    # match it either.
    [fingerprint] = [f["fingerprint"] for f in json.loads(done.stdout)["findings"]]
    entry = {"fingerprint": fingerprint, "check_id": "x", "location": "x", "severity": "x"}
    baseline.write_text(json.dumps({"version": 1, "findings": [entry]}))
    done = aisec(*scan, "--baseline", baseline, model)
    assert done.returncode == 1
    assert "suppression" not in json.loads(done.stdout)["findings"][0]


def test_a_fingerprint_suppression_covers_only_the_content_it_was_written_for(model, keys):
    assert aisec("sign", model, "--key", keys.private).returncode == 0
    (model / "config.json").write_text('{"layers": 3}\n')
    scan = ("scan", "-f", "json", "--signature-key", keys.public, "model")
    cwd = model.parent
    [finding] = json.loads(aisec(*scan, cwd=cwd).stdout)["findings"]
    (cwd / "aisec.toml").write_text(
        "[[suppress]]\n"
        f'fingerprint = "{finding["fingerprint"]}"\n'
        'justification = "reviewed edit, re-signing in ticket 42"\n'
        "expires = 2099-12-31\n"
    )
    assert aisec(*scan, cwd=cwd).returncode == 0  # a reviewed, expiring decision applies
    (model / "config.json").write_text('{"layers": 4}\n')  # a later edit is not covered
    done = aisec(*scan, cwd=cwd)
    assert done.returncode == 1
    assert "suppression" not in json.loads(done.stdout)["findings"][0]


def test_verify_prints_the_notes_on_excluded_paths(model, keys):
    assert aisec("sign", model, "--key", keys.private).returncode == 0
    (model / ".git" / "hooks").mkdir(parents=True, exist_ok=True)
    (model / ".git" / "hooks" / "post-checkout").write_text("#!/bin/sh\n")
    done = aisec("verify", model, "--key", keys.public)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("verified:")
    assert "  note: .git (a directory) is excluded by the signature and was not checked" in (
        done.stdout
    )
