"""Signing and verifying with the OpenSSF model-signing format, through the library API."""

import base64
import errno
import json
import os

import pytest

pytest.importorskip("model_signing")
pytest.importorskip("OpenSSL")

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from aisec.core.errors import InputError, SigningError, UsageError
from aisec.inventory.signature_report import Change, SignatureStatus
from aisec.inventory.signing import default_signature_path, sign_model
from aisec.inventory.verifying import verify_model
from signing_material import ec_keypair, model_directory, pki, write_private, write_public


@pytest.fixture
def keys(tmp_path):
    (tmp_path / "keys").mkdir()
    return ec_keypair(tmp_path / "keys")


@pytest.fixture
def model(tmp_path):
    return model_directory(tmp_path)


def changes(report):
    return {(c.change, c.name) for c in report.changes}


# -- round trips -------------------------------------------------------------------


def test_round_trip_of_a_single_file(tmp_path, keys):
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"\x00" * 1000)
    signed = sign_model(weights, key=keys.private)
    assert signed.signature == str(tmp_path / "model.bin.sig")
    assert signed.files == ["model.bin"]
    report = verify_model(weights, key=keys.public)
    assert report.status is SignatureStatus.VERIFIED, report.reason
    assert report.files == 1 and report.changes == ()
    assert report.signer["public_key_sha256"]


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()])
def test_round_trip_of_a_directory_on_each_supported_curve(tmp_path, model, curve):
    pair = ec_keypair(tmp_path, curve=curve)
    signed = sign_model(model, key=pair.private)
    assert signed.signature == str(model / "model.sig")
    # The signature and git metadata are not part of what is signed.
    assert sorted(signed.files) == ["config.json", "tokenizer/vocab.txt", "weights.safetensors"]
    report = verify_model(model, key=pair.public)
    assert report.verified, report.reason
    assert report.files == 3


def test_the_bundle_is_a_sigstore_bundle_with_an_in_toto_manifest(model, keys):
    sign_model(model, key=keys.private)
    bundle = json.loads((model / "model.sig").read_text())
    assert bundle["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    envelope = bundle["dsseEnvelope"]
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    predicate = statement["predicate"]
    assert predicate["serialization"]["hash_type"] == "sha256"
    assert "model.sig" in predicate["serialization"]["ignore_paths"]
    assert ".git" in predicate["serialization"]["ignore_paths"]
    assert {r["name"] for r in predicate["resources"]} == {
        "config.json",
        "tokenizer/vocab.txt",
        "weights.safetensors",
    }


# -- content changes name the file ---------------------------------------------------


def flip_one_byte(model):
    path = model / "weights.safetensors"
    data = bytearray(path.read_bytes())
    data[1234] ^= 0x01
    path.write_bytes(bytes(data))
    return Change.CHANGED, "weights.safetensors"


def add_a_file(model):
    (model / "tokenizer" / "extra.py").write_text("print('hi')\n")
    return Change.ADDED, "tokenizer/extra.py"


def remove_a_file(model):
    (model / "config.json").unlink()
    return Change.REMOVED, "config.json"


@pytest.mark.parametrize("tamper", [flip_one_byte, add_a_file, remove_a_file])
def test_tampering_fails_verification_and_names_the_file(model, keys, tamper):
    sign_model(model, key=keys.private)
    expected = tamper(model)
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.CONTENT_CHANGED
    assert changes(report) == {expected}
    [change] = report.changes
    assert change.path == str(model / expected[1])
    assert report.signer  # the signature itself was authentic


def test_every_difference_is_listed_at_once(model, keys):
    sign_model(model, key=keys.private)
    found = {flip_one_byte(model), add_a_file(model), remove_a_file(model)}
    report = verify_model(model, key=keys.public)
    assert changes(report) == found
    assert report.reason == "1 added, 1 removed, 1 changed"
    assert report.to_dict()["removed"] == [
        {
            "name": "config.json",
            "path": str(model / "config.json"),
            "change": "removed",
            "detail": "signed, no longer present",
        }
    ]


def test_hidden_files_are_signed_and_checked(model, keys):
    (model / ".env").write_text("A=1\n")
    assert ".env" in sign_model(model, key=keys.private).files
    (model / ".env").write_text("A=2\n")
    (model / "tokenizer" / ".hook.py").write_text("import os\n")
    report = verify_model(model, key=keys.public)
    assert changes(report) == {(Change.CHANGED, ".env"), (Change.ADDED, "tokenizer/.hook.py")}


def test_tampering_with_a_single_file_names_it(tmp_path, keys):
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"\x00" * 1000)
    sign_model(weights, key=keys.private)
    weights.write_bytes(b"\x00" * 999 + b"\x01")
    report = verify_model(weights, key=keys.public)
    assert changes(report) == {(Change.CHANGED, "model.bin")}
    assert "digest signed" in report.changes[0].detail


def test_changes_under_ignored_paths_do_not_count(model, keys):
    (model / "notes").mkdir()
    (model / "notes" / "todo.txt").write_text("x")
    signed = sign_model(model, key=keys.private, ignore=["notes"])
    assert "notes" in signed.ignored
    (model / "notes" / "todo.txt").write_text("changed")
    (model / ".git" / "HEAD").write_text("changed")
    assert verify_model(model, key=keys.public).verified


def test_a_signature_kept_outside_the_model_and_a_custom_one_inside(tmp_path, model, keys):
    outside = tmp_path / "model.bundle"
    sign_model(model, key=keys.private, signature=outside)
    assert verify_model(model, key=keys.public, signature=outside).verified
    inside = model / "sigs.json"
    sign_model(model, key=keys.private, signature=inside)
    assert verify_model(model, key=keys.public, signature=inside).verified


def test_link_added_after_signing_is_a_named_change_not_a_crash(model, keys):
    sign_model(model, key=keys.private)
    os.symlink("/etc/passwd", model / "config.json.link")
    (model / "config.json").unlink()
    os.symlink("weights.safetensors", model / "config.json")
    report = verify_model(model, key=keys.public)
    assert changes(report) == {
        (Change.ADDED, "config.json.link"),
        (Change.CHANGED, "config.json"),
    }
    assert "symbolic link" in report.changes[0].detail


def test_fifo_added_after_signing_is_reported(model, keys):
    sign_model(model, key=keys.private)
    os.mkfifo(model / "pipe")
    report = verify_model(model, key=keys.public)
    assert changes(report) == {(Change.ADDED, "pipe")}
    assert "not a regular file" in report.changes[0].detail


def test_links_are_refused_unless_allowed(model, keys):
    os.symlink("weights.safetensors", model / "alias.safetensors")
    with pytest.raises(SigningError) as caught:
        sign_model(model, key=keys.private)
    assert "--allow-symlinks" in caught.value.hint
    signed = sign_model(model, key=keys.private, allow_symlinks=True)
    assert "alias.safetensors" in signed.files
    assert verify_model(model, key=keys.public).verified


def test_sharded_manifests_are_compared_per_file(model, keys):
    from model_signing import hashing, signing

    (model / "model.sig").unlink(missing_ok=True)
    hashing_config = hashing.Config().use_shard_serialization(shard_size=4096)
    hashing_config.set_ignored_paths(paths=["model.sig"])
    signing.Config().use_elliptic_key_signer(private_key=keys.private).set_hashing_config(
        hashing_config
    ).sign(model, model / "model.sig")
    assert verify_model(model, key=keys.public).verified
    flip_one_byte(model)
    report = verify_model(model, key=keys.public)
    assert changes(report) == {(Change.CHANGED, "weights.safetensors")}
    shards = -(-(model / "weights.safetensors").stat().st_size // 4096)
    assert report.changes[0].detail == f"1 of {shards} signed shards differ"


# -- invalid signatures are not content changes --------------------------------------


def test_wrong_key_is_an_invalid_signature(tmp_path, model, keys):
    sign_model(model, key=keys.private)
    other = ec_keypair(tmp_path, "other")
    report = verify_model(model, key=other.public)
    assert report.status is SignatureStatus.INVALID
    assert "Key mismatch" in report.reason
    assert report.changes == () and report.signer == {}


def test_a_forged_key_hint_still_fails_the_signature_check(tmp_path, model, keys, capsys):
    sign_model(model, key=keys.private)
    other = ec_keypair(tmp_path, "other")
    bundle = json.loads((model / "model.sig").read_text())
    bundle["verificationMaterial"]["publicKey"]["hint"] = ""
    (model / "model.sig").write_text(json.dumps(bundle))
    report = verify_model(model, key=other.public)
    assert report.status is SignatureStatus.INVALID
    assert "does not verify" in report.reason
    # model-signing prints a warning about the old format: it must not reach stdout.
    assert capsys.readouterr().out == ""


def test_an_edited_manifest_in_the_bundle_is_invalid_not_changed(model, keys):
    sign_model(model, key=keys.private)
    flip_one_byte(model)
    # An attacker who changed the weights "fixes" the digest in the signed statement.
    bundle = json.loads((model / "model.sig").read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    from model_signing import hashing

    now = {r.identifier: r.digest.digest_hex for r in hashing.hash(model).resource_descriptors()}
    for resource in statement["predicate"]["resources"]:
        resource["digest"] = now[resource["name"]]
    bundle["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    (model / "model.sig").write_text(json.dumps(bundle))
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.INVALID
    assert report.changes == ()


@pytest.mark.parametrize(
    "content",
    [b"", b"not json at all", b'{"mediaType": "x"}', b"[1, 2]", b"[" * 100_000, b"\xff\xfe"],
    ids=["empty", "text", "wrong-shape", "list", "deep", "binary"],
)
def test_a_corrupt_bundle_is_an_invalid_signature_with_a_clear_reason(model, keys, content):
    sign_model(model, key=keys.private)
    (model / "model.sig").write_bytes(content)
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.INVALID
    assert report.reason


def test_a_truncated_bundle_says_it_is_not_a_bundle(model, keys):
    sign_model(model, key=keys.private)
    data = (model / "model.sig").read_bytes()
    (model / "model.sig").write_bytes(data[: len(data) // 2])
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.INVALID
    assert "is not a Sigstore bundle" in report.reason


def test_an_oversized_signature_file_is_not_read(model, keys, monkeypatch):
    import aisec.inventory.bundle as bundle

    sign_model(model, key=keys.private)
    monkeypatch.setattr(bundle, "MAX_BUNDLE_SIZE", 100)
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.INVALID
    assert "larger than 100 bytes" in report.reason


def test_missing_signature(model, keys):
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.MISSING
    assert report.signature == str(default_signature_path(model))


# -- certificates --------------------------------------------------------------------


def test_certificate_round_trip_with_a_chain(tmp_path, model):
    ca = pki(tmp_path)
    signed = sign_model(model, key=ca.leaf_key, certificate=ca.leaf, chain=[ca.intermediate])
    assert signed.method == "certificate"
    report = verify_model(model, chain=[ca.root])
    assert report.verified, report.reason
    assert report.signer["subject"] == "CN=Model signer"
    assert report.signer["issuer"] == "CN=Intermediate"
    (model / "config.json").write_text("{}")
    assert changes(verify_model(model, chain=[ca.root])) == {(Change.CHANGED, "config.json")}


def test_certificate_from_an_untrusted_ca_is_invalid(tmp_path, model):
    ca = pki(tmp_path)
    stranger = pki(tmp_path, "stranger-")
    sign_model(model, key=ca.leaf_key, certificate=ca.leaf, chain=[ca.intermediate])
    report = verify_model(model, chain=[stranger.root])
    assert report.status is SignatureStatus.INVALID
    assert "does not chain to the trusted certificates" in report.reason


def test_key_and_certificate_signatures_name_the_option_that_verifies_them(tmp_path, model, keys):
    ca = pki(tmp_path)
    sign_model(model, key=ca.leaf_key, certificate=ca.leaf, chain=[ca.intermediate])
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.INVALID
    assert "--certificate-chain" in report.reason
    sign_model(model, key=keys.private)
    report = verify_model(model, chain=[ca.root])
    assert report.status is SignatureStatus.INVALID
    assert "--key" in report.reason


def test_certificate_must_belong_to_the_key(tmp_path, model, keys):
    ca = pki(tmp_path)
    with pytest.raises(SigningError, match="not issued for this private key"):
        sign_model(model, key=keys.private, certificate=ca.leaf, chain=[ca.intermediate])


# -- unusable key material is an error (exit 2), never a verdict ----------------------


def test_missing_and_unreadable_keys(tmp_path, model, keys):
    with pytest.raises(SigningError, match="private key not found"):
        sign_model(model, key=tmp_path / "nope.key")
    (tmp_path / "garbage.key").write_text("hello")
    with pytest.raises(SigningError, match="cannot read private key"):
        sign_model(model, key=tmp_path / "garbage.key")
    with pytest.raises(SigningError, match="public key not found"):
        verify_model(model, key=tmp_path / "nope.pub")
    with pytest.raises(SigningError, match="is a private key"):
        verify_model(model, key=keys.private)


@pytest.mark.parametrize(
    "make",
    [
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519.Ed25519PrivateKey.generate,
        lambda: ec.generate_private_key(ec.SECP256K1()),
    ],
    ids=["rsa", "ed25519", "secp256k1"],
)
def test_unsupported_key_types_say_which_are_supported(tmp_path, model, make):
    key = make()
    private = write_private(key, tmp_path / "k.key")
    public = write_public(key.public_key(), tmp_path / "k.pub")
    with pytest.raises(SigningError) as caught:
        sign_model(model, key=private)
    assert "P-256" in str(caught.value) and "openssl genpkey" in caught.value.hint
    with pytest.raises(SigningError, match="P-256"):
        verify_model(model, key=public)


def test_encrypted_key_needs_its_password(tmp_path, model):
    pair = ec_keypair(tmp_path, "locked", password=b"s3cret")
    with pytest.raises(SigningError) as caught:
        sign_model(model, key=pair.private)
    assert "--password-env" in caught.value.hint
    with pytest.raises(SigningError, match="cannot read private key"):
        sign_model(model, key=pair.private, password="wrong")
    sign_model(model, key=pair.private, password="s3cret")
    assert verify_model(model, key=pair.public).verified


def test_usage_errors(tmp_path, model, keys):
    with pytest.raises(UsageError, match="say how to sign"):
        sign_model(model)
    with pytest.raises(UsageError, match="say how to verify"):
        verify_model(model)
    with pytest.raises(UsageError, match="not --key and --certificate-chain together"):
        verify_model(model, key=keys.public, chain=[keys.public])
    with pytest.raises(UsageError, match="inside the model directory"):
        sign_model(model, key=keys.private, ignore=["../elsewhere"])
    with pytest.raises(InputError, match="no such file"):
        sign_model(tmp_path / "absent", key=keys.private)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SigningError, match="nothing to sign"):
        sign_model(tmp_path / "empty", key=keys.private)


# -- keyless ---------------------------------------------------------------------------


def test_keyless_signing_offline_fails_with_a_message_about_internet_access(model, monkeypatch):
    from sigstore import models
    from sigstore.errors import TUFError

    def offline(*args, **kwargs):
        raise TUFError("Failed to refresh TUF metadata")

    # What sigstore-python raises when the TUF repository cannot be reached.
    monkeypatch.setattr(models.ClientTrustConfig, "production", classmethod(offline))
    with pytest.raises(SigningError) as caught:
        sign_model(model, keyless=True)
    assert "could not reach Sigstore" in caught.value.message
    assert "internet access" in caught.value.hint and "--key" in caught.value.hint
    assert not (model / "model.sig").exists()


# -- what the walk cannot hash is named, never skipped (review: linked and unreadable dirs)


def elsewhere(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "evil.py").write_text("import os\n")
    return outside


def test_a_linked_directory_added_after_signing_is_a_named_change(tmp_path, model, keys):
    sign_model(model, key=keys.private, allow_symlinks=True)
    os.symlink(elsewhere(tmp_path), model / "extra")
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.CONTENT_CHANGED
    assert changes(report) == {(Change.ADDED, "extra")}
    assert "symbolic link to a directory" in report.changes[0].detail
    assert str(tmp_path / "elsewhere") in report.changes[0].detail


def test_a_linked_directory_is_a_disallowed_link_without_allow_symlinks(tmp_path, model, keys):
    sign_model(model, key=keys.private)
    os.symlink(elsewhere(tmp_path), model / "tokenizer" / "extra")
    report = verify_model(model, key=keys.public)
    assert changes(report) == {(Change.ADDED, "tokenizer/extra")}
    assert "does not allow" in report.changes[0].detail


def test_signing_refuses_a_linked_directory_whose_files_would_go_unsigned(tmp_path, model, keys):
    os.symlink(elsewhere(tmp_path), model / "extra")
    with pytest.raises(SigningError, match="extra is a symbolic link to a directory") as caught:
        sign_model(model, key=keys.private, allow_symlinks=True)
    assert "--ignore" in caught.value.hint
    assert not (model / "model.sig").exists()
    signed = sign_model(model, key=keys.private, allow_symlinks=True, ignore=["extra"])
    assert "extra" in signed.ignored


def test_a_linked_directory_inside_a_linked_directory_does_not_loop(model, keys):
    sign_model(model, key=keys.private, allow_symlinks=True)
    os.symlink("..", model / "tokenizer" / "up")  # a cycle a following walk would loop in
    report = verify_model(model, key=keys.public)
    assert changes(report) == {(Change.ADDED, "tokenizer/up")}


def failing_listing(monkeypatch, directory, error):
    """``os.scandir`` fails on ``directory`` as it would on one the user cannot read, or
    one removed while the walk is under way; as root, chmod 000 does not stop a listing."""
    import aisec.inventory.manifest_diff as manifest_diff

    real = os.scandir

    code = errno.EACCES if error is PermissionError else errno.ENOENT

    def scandir(path):
        if os.fspath(path) == os.fspath(directory):
            raise error(code, os.strerror(code), os.fspath(path))
        return real(path)

    monkeypatch.setattr(manifest_diff.os, "scandir", scandir)


@pytest.mark.parametrize(
    "error", [PermissionError, FileNotFoundError], ids=["unreadable", "vanished"]
)
def test_a_directory_that_cannot_be_listed_is_a_named_change(model, keys, monkeypatch, error):
    sign_model(model, key=keys.private)
    (model / "hidden").mkdir()
    (model / "hidden" / "evil.py").write_text("import os\n")
    failing_listing(monkeypatch, model / "hidden", error)
    report = verify_model(model, key=keys.public)
    assert report.status is SignatureStatus.CONTENT_CHANGED
    assert changes(report) == {(Change.ADDED, "hidden")}
    assert "cannot be listed" in report.changes[0].detail


def test_a_signed_directory_that_becomes_unlistable_is_changed(model, keys, monkeypatch):
    sign_model(model, key=keys.private)
    failing_listing(monkeypatch, model / "tokenizer", PermissionError)
    report = verify_model(model, key=keys.public)
    assert changes(report) == {
        (Change.CHANGED, "tokenizer"),
        (Change.REMOVED, "tokenizer/vocab.txt"),
    }


def test_signing_refuses_a_directory_that_cannot_be_listed(model, keys, monkeypatch):
    failing_listing(monkeypatch, model / "tokenizer", PermissionError)
    with pytest.raises(SigningError, match="tokenizer is a directory that cannot be listed"):
        sign_model(model, key=keys.private)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="runs as root, whom mode 000 does not stop; see the scandir and nobody variants",
)
def test_an_unreadable_directory_added_after_signing_is_a_named_change(model, keys):
    sign_model(model, key=keys.private)
    (model / "hidden").mkdir()
    (model / "hidden" / "evil.py").write_text("import os\n")
    (model / "hidden").chmod(0)
    try:
        report = verify_model(model, key=keys.public)
    finally:
        (model / "hidden").chmod(0o755)
    assert changes(report) == {(Change.ADDED, "hidden")}
    assert "cannot be listed" in report.changes[0].detail


def test_an_unreadable_directory_is_named_for_a_user_who_cannot_read_it():
    """The real permission case as root: the walk runs in a child as ``nobody``."""
    import shutil
    import subprocess
    import sys
    import tempfile

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to run a child as another user (the non-root test covers it)")
    base = tempfile.mkdtemp(prefix="aisec-walk-")
    try:
        os.chmod(base, 0o755)
        model = os.path.join(base, "m")
        os.makedirs(os.path.join(model, "hidden"))
        with open(os.path.join(model, "a.bin"), "w") as handle:
            handle.write("a")
        with open(os.path.join(model, "hidden", "evil.py"), "w") as handle:
            handle.write("x")
        os.chmod(os.path.join(model, "hidden"), 0)
        code = (
            "import sys; from pathlib import Path\n"
            "from aisec.inventory.manifest_diff import current_files\n"
            "files, irregular = current_files(Path(sys.argv[1]), [], False)\n"
            "print(sorted(p.name for p in files), sorted(irregular.items()))\n"
        )
        src = os.path.dirname(os.path.dirname(os.path.abspath(__import__("aisec").__file__)))
        result, why = None, "no interpreter"
        # This venv's interpreter may live where nobody cannot reach (/root/.pyenv).
        for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
            try:
                result = subprocess.run(
                    [python, "-c", code, model],
                    user="nobody",
                    capture_output=True,
                    text=True,
                    env={"PYTHONPATH": src, "PATH": os.environ.get("PATH", "")},
                    timeout=60,
                    check=False,
                )
            except (KeyError, OSError) as exc:  # no such user; cannot execute
                result, why = None, str(exc)
                continue
            if result.returncode == 0:
                break
            why = result.stderr[-300:]
        if result is None or result.returncode != 0:
            pytest.skip(f"cannot run the walk as nobody here: {why}")
        assert "['a.bin']" in result.stdout
        assert "('hidden', 'is a directory that cannot be listed (Permission denied)" in (
            result.stdout
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- the content digest of each change ---------------------------------------------------


def test_added_and_changed_files_carry_their_current_digest(model, keys):
    import hashlib

    sign_model(model, key=keys.private)
    flip_one_byte(model)
    add_a_file(model)
    remove_a_file(model)
    report = verify_model(model, key=keys.public)
    by_name = {c.name: c for c in report.changes}
    for name in ("weights.safetensors", "tokenizer/extra.py"):
        expected = hashlib.sha256((model / name).read_bytes()).hexdigest()
        assert by_name[name].digest == expected
        assert by_name[name].to_dict()["digest"] == expected
    assert by_name["config.json"].digest == ""


# -- paths the signature excludes: notes, not failures -------------------------------------


def test_what_lies_under_excluded_paths_is_noted(tmp_path, model, keys):
    sign_model(model, key=keys.private)
    outside = tmp_path / "model.bundle"
    outside.write_bytes((model / "model.sig").read_bytes())
    (model / "model.sig").unlink()
    (model / "model.sig").mkdir()  # a directory named like the signature the signer left out
    (model / "model.sig" / "evil.py").write_text("import os\n")
    (model / ".git" / "hooks").mkdir()
    (model / ".git" / "hooks" / "post-checkout").write_text("#!/bin/sh\n")
    report = verify_model(model, key=keys.public, signature=outside)
    assert report.verified, report.reason  # the signer excluded both: not a failure
    assert ".git (a directory) is excluded by the signature and was not checked" in report.notes
    assert "model.sig (a directory) is excluded by the signature and was not checked" in (
        report.notes
    )
    assert report.to_dict()["notes"] == list(report.notes)


def test_the_signature_being_read_is_not_noted(model, keys):
    shutil_rmtree_git(model)
    sign_model(model, key=keys.private)
    report = verify_model(model, key=keys.public)
    assert report.verified and report.notes == ()


def shutil_rmtree_git(model):
    import shutil

    shutil.rmtree(model / ".git")
