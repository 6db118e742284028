"""Sign a model (one file or a directory) in the OpenSSF model-signing format.

The signature is a Sigstore bundle written by the ``model-signing`` library: a DSSE
envelope around an in-toto statement whose predicate lists every file with its SHA-256
digest. Signing works offline with an EC private key, or with a certificate (and its
chain) issued for that key; keyless signing through Sigstore needs the internet.

Where the signature goes, unless told: ``DIR/model.sig`` inside a model directory (the
name model-signing's own tool uses, and it travels with the directory), ``FILE.sig``
beside a single-file model. A signature inside the directory is excluded from what is
hashed, as are ``.git``, ``.github``, ``.gitignore`` and ``.gitattributes``
(model-signing's defaults) and the paths given to ``ignore``; the excluded paths are
recorded in the signed statement, so the verifier ignores exactly those. The files are
listed by aisec's own walk (:func:`aisec.inventory.manifest_diff.current_files`), the one
the verifier uses, and signing refuses what that walk cannot hash (a link to a directory,
a directory it cannot list) rather than leave it silently unsigned.

model-signing is imported only inside the functions of this package (signing, verifying,
bundle, keyless): it costs most of a second to import (see docs/adr/0005).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

from aisec.core.errors import InputError, SigningError, UsageError
from aisec.inventory import signing_keys
from aisec.inventory.keyless import keyless_error, keyless_signer

DEFAULT_SIGNATURE_NAME = "model.sig"
# What model-signing leaves out when signing with ``ignore_git_paths=True``; recorded in
# the signed statement, so the verifier reads them from there.
GIT_PATHS: Final = (".git", ".gitattributes", ".github", ".gitignore")
HASH_ALGORITHM: Final = "sha256"


@dataclass(frozen=True)
class SignedModel:
    model: str
    signature: str
    method: str
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "signature": self.signature,
            "method": self.method,
            "files": list(self.files),
            "ignored": list(self.ignored),
        }


def default_signature_path(model: Path) -> Path:
    return (
        model / DEFAULT_SIGNATURE_NAME if model.is_dir() else model.with_name(model.name + ".sig")
    )


def require_model_signing() -> None:
    import importlib.util

    for module in ("model_signing", "OpenSSL"):
        if importlib.util.find_spec(module) is None:
            raise SigningError(
                f"signing needs the optional dependency {module!r}",
                hint="pip install 'aisec[signing]'",
            )


def model_root(model: Path) -> Path:
    """The model's real path: model-signing refuses a symbolic link as the model itself,
    while a user naturally passes ``models/current``."""
    if not model.exists():
        raise InputError(f"no such file or directory: {model}", hint="check the path")
    return model.resolve()


def inside(path: Path, root: Path) -> PurePosixPath | None:
    """``path`` relative to the directory ``root`` (POSIX form), or None if outside it."""
    if not root.is_dir():
        return None
    try:
        return PurePosixPath(path.resolve().relative_to(root).as_posix())
    except ValueError:
        return None


def sign_model(
    model: Path,
    *,
    key: Path | None = None,
    certificate: Path | None = None,
    chain: Sequence[Path] = (),
    keyless: bool = False,
    signature: Path | None = None,
    ignore: Sequence[str] = (),
    allow_symlinks: bool = False,
    password: str | None = None,
) -> SignedModel:
    """Hash ``model`` and write its signature; returns where, and what was signed."""
    root = model_root(model)
    target = signature or default_signature_path(model)
    if target.resolve() == root or target.is_dir():
        raise UsageError(f"cannot write the signature to {target}", hint="pass --signature FILE")
    if not target.parent.is_dir():
        raise InputError(
            f"no such directory: {target.parent}", hint="create it or pass --signature"
        )
    ignored = _ignored(root, ignore, target)
    require_model_signing()
    signer, method = _signer(key, certificate, list(chain), keyless, password)
    manifest = _hash(root, ignored, allow_symlinks)
    files = [
        root.name if r.identifier == "." else r.identifier for r in manifest.resource_descriptors()
    ]
    if not files:
        raise SigningError(
            f"nothing to sign: no files in {model}", hint="check the path and --ignore"
        )
    from model_signing._signing.signing import Payload

    try:
        bundle = signer.sign(Payload(manifest))
    except Exception as exc:
        if keyless:
            raise keyless_error(exc) from None
        raise SigningError(f"signing failed: {type(exc).__name__}: {exc}") from None
    _write_atomically(bundle, target)
    return SignedModel(str(model), str(target), method, files, [str(p) for p in ignored])


def _ignored(root: Path, ignore: Sequence[str], target: Path) -> list[PurePosixPath]:
    paths = []
    for raw in ignore:
        path = PurePosixPath(raw.replace(os.sep, "/"))
        if not root.is_dir():
            raise UsageError("--ignore applies to a model directory, not to a single file")
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise UsageError(
                f"--ignore {raw!r} must be a path inside the model directory, relative to it"
            )
        paths.append(path)
    own = inside(target, root)
    if own is not None:
        paths.append(own)  # a file cannot sign itself
    return paths


def _signer(
    key: Path | None,
    certificate: Path | None,
    chain: list[Path],
    keyless: bool,
    password: str | None,
) -> tuple[Any, str]:
    if keyless:
        if key or certificate or chain:
            raise UsageError(
                "--keyless signs with a Sigstore identity: drop --key, --certificate and --chain"
            )
        return keyless_signer(), "sigstore"
    if key is None:
        raise UsageError("say how to sign: --key KEY, --certificate CERT --key KEY, or --keyless")
    private = signing_keys.load_private_key(key, password)
    if certificate is None:
        if chain:
            raise UsageError("--chain goes with --certificate")
        from model_signing._signing import sign_ec_key

        # Typed as str, but handed to cryptography, which needs bytes (model-signing 1.1.1).
        secret: Any = password.encode() if password is not None else None
        return sign_ec_key.Signer(key, secret), "key"
    if password is not None:
        # model-signing 1.1.1 reads the key of a certificate signer without a password.
        raise SigningError(
            "model-signing cannot sign with a certificate and an encrypted key",
            hint="use an unencrypted key file kept out of the model directory",
        )
    leaf = signing_keys.load_certificates([certificate])[0]
    signing_keys.check_certificate_for_key(leaf, private, certificate)
    signing_keys.load_certificates(chain, "certificate chain")
    from model_signing._signing import sign_certificate

    return sign_certificate.Signer(key, certificate, chain), "certificate"


def _hash(root: Path, ignored: list[PurePosixPath], allow_symlinks: bool) -> Any:
    from model_signing import hashing

    files = _files_to_sign(root, ignored, allow_symlinks)
    config = hashing.Config().use_file_serialization(  # type: ignore[no-untyped-call]
        hashing_algorithm=HASH_ALGORITHM, allow_symlinks=allow_symlinks
    )
    config.set_ignored_paths(paths=[Path(p) for p in ignored], ignore_git_paths=True)
    config.set_allow_symlinks(allow_symlinks)
    try:
        return config.hash(root, files_to_hash=files)
    except ValueError as exc:  # a symbolic link or a special file inside the model
        hint = "pass --allow-symlinks to sign links (their targets are hashed)"
        if "symlink" not in str(exc):
            hint = "remove it or exclude it with --ignore"
        raise SigningError(str(exc), hint=hint) from None
    except OSError as exc:
        raise InputError(
            f"cannot read {exc.filename}: {exc.strerror}", hint="check permissions"
        ) from None


def _files_to_sign(root: Path, ignored: list[PurePosixPath], allow_symlinks: bool) -> list[Path]:
    """The files to hash, walked as the verifier walks them; refuse what would be left out.

    model-signing's own listing (``glob("**/*")``) skips linked and unreadable
    directories without a word: a signature made that way would not cover files that
    are there, and the verifier (which reports such directories) would never agree.
    """
    from aisec.inventory.manifest_diff import LINK_NOT_ALLOWED, current_files

    skip = [*ignored, *(PurePosixPath(p) for p in GIT_PATHS)]
    files, irregular = current_files(root, skip, allow_symlinks)
    if not irregular:
        return files
    shown = [f"{name} {why}" for name, why in sorted(irregular.items())]
    more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
    hint = "remove it or exclude it with --ignore"
    if all(why == LINK_NOT_ALLOWED for why in irregular.values()):
        hint = "pass --allow-symlinks to sign links (their targets are hashed)"
    raise SigningError(f"cannot sign {root}: " + "; ".join(shown[:3]) + more, hint=hint)


def _write_atomically(bundle: Any, target: Path) -> None:
    """Write through a temporary file: an interrupted run must not leave half a
    signature where a whole one (or none) was."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix=".aisec-", suffix=".sig.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        bundle.write(tmp)
        tmp.chmod(0o644)  # a signature is public; mkstemp's 0600 would keep others from verifying
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(
            f"cannot write {target}: {exc.strerror}", hint="check the directory"
        ) from None
