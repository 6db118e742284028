"""Verify a model against its OpenSSF model-signing signature, naming every file that
was added, removed or changed since signing.

Two steps, in this order. First the cryptographic check, done by model-signing: the
bundle must parse, its verification material must fit the key, chain or identity given,
and the DSSE signature must verify; only then is the signed manifest (the in-toto
statement's ``predicate.resources``: names and digests) trusted. A failure there is an
*invalid signature*. Then the files on disk are hashed the way the manifest says they
were (its ``serialization`` parameters: hash, file or shard granularity, links, ignored
paths) and compared with it file by file: a difference is *changed content*.

model-signing's own ``verify`` stops at the first mismatch with a message; the comparison
is done here so that a report lists every file and a hostile tree (a link, a FIFO) is a
named change rather than an exception.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from aisec.core.errors import InputError, UsageError
from aisec.core.finding import Location
from aisec.inventory import signing_keys
from aisec.inventory.bundle import Invalid, authenticate, serialization
from aisec.inventory.manifest_diff import compare, current_files
from aisec.inventory.signature_report import (
    Change,
    FileChange,
    SignatureReport,
    SignatureStatus,
)
from aisec.inventory.signing import (
    default_signature_path,
    inside,
    model_root,
    require_model_signing,
)


def verify_model(
    model: Path,
    *,
    key: Path | None = None,
    chain: Sequence[Path] = (),
    identity: str | None = None,
    issuer: str | None = None,
    signature: Path | None = None,
) -> SignatureReport:
    """Verify ``model`` against its signature (by default ``DIR/model.sig`` or ``FILE.sig``).

    Raises :class:`SigningError` (or a usage/input error) when the key material cannot
    be used; every verdict on the model or the signature is in the returned report.
    """
    root = model_root(model)
    target = signature or default_signature_path(model)
    method = _check_material(key, list(chain), identity, issuer)
    location = Location(str(model))
    if not target.exists():
        reason = f"no signature at {target}"
        return SignatureReport(location, SignatureStatus.MISSING, str(target), reason, method)
    require_model_signing()
    verifier = _verifier(method, key, list(chain), identity, issuer)
    try:
        manifest, signer, notes = authenticate(target, verifier, method)
        params = serialization(manifest)
    except Invalid as exc:
        return SignatureReport(location, SignatureStatus.INVALID, str(target), str(exc), method)
    ignored = [*params["ignore_paths"], inside(target, root)]
    regular, irregular = current_files(
        root, [p for p in ignored if p is not None], params["allow_symlinks"]
    )
    try:
        actual = _hash(root, params, regular)
    except Invalid as exc:
        return SignatureReport(location, SignatureStatus.INVALID, str(target), str(exc), method)
    changes, files = compare(
        model, manifest, actual, irregular, sharded=params["method"] == "shards"
    )
    status = SignatureStatus.CONTENT_CHANGED if changes else SignatureStatus.VERIFIED
    reason = _summary(changes)
    notes = (*notes, *_unchecked(root, params["ignore_paths"], target))
    return SignatureReport(
        location, status, str(target), reason, method, signer, tuple(changes), files, notes
    )


def _unchecked(root: Path, ignored: Sequence[PurePosixPath], target: Path) -> list[str]:
    """A note for each path the signature excludes that is present now, except the
    signature being read: whatever it holds was not compared (it may have been added
    since signing; nothing says what was there then), so it must not pass unmentioned.
    Notes, not failures: the signer chose to leave these paths out (docs/adr/0009)."""
    if not root.is_dir():
        return []
    own = target.resolve()
    notes = []
    for relative in sorted(set(ignored)):
        path = root / relative
        if not os.path.lexists(path) or (path.resolve() == own and path.is_file()):
            continue
        what = "a directory" if path.is_dir() and not path.is_symlink() else "present"
        notes.append(
            f"{relative.as_posix()} ({what}) is excluded by the signature and was not checked"
        )
    return notes


def _summary(changes: list[FileChange]) -> str:
    counts = Counter(c.change.value for c in changes)
    return ", ".join(f"{counts[c.value]} {c.value}" for c in Change if counts[c.value])


def _check_material(
    key: Path | None, chain: list[Path], identity: str | None, issuer: str | None
) -> str:
    given = [
        name
        for name, value in (
            ("--key", key),
            ("--certificate-chain", chain),
            ("--identity", identity),
        )
        if value
    ]
    if len(given) != 1:
        raise UsageError(
            "say how to verify: --key PUB, --certificate-chain CHAIN, or --identity ID --issuer URL"
            + (f" (not {' and '.join(given)} together)" if given else "")
        )
    if key is not None:
        signing_keys.load_public_key(key)
        return "key"
    if chain:
        signing_keys.load_certificates(chain, "certificate chain")
        return "certificate"
    if not issuer:
        raise UsageError("--identity goes with --issuer URL (the OpenID Connect issuer)")
    return "sigstore"


def _verifier(
    method: str, key: Path | None, chain: list[Path], identity: str | None, issuer: str | None
) -> Any:
    if method == "key" and key is not None:
        from model_signing._signing import sign_ec_key

        return sign_ec_key.Verifier(key)
    if method == "certificate":
        from model_signing._signing import sign_certificate

        return sign_certificate.Verifier(chain)
    from aisec.inventory.keyless import keyless_verifier

    return keyless_verifier(identity or "", issuer or "")


def _hash(root: Path, params: dict[str, Any], files: list[Path]) -> Any:
    from model_signing import hashing

    config = hashing.Config()  # type: ignore[no-untyped-call]
    try:
        if params["method"] == "files":
            config.use_file_serialization(
                hashing_algorithm=params["hash_type"], allow_symlinks=params["allow_symlinks"]
            )
        else:
            config.use_shard_serialization(
                hashing_algorithm=params["hash_type"],
                shard_size=int(params["shard_size"]),
                allow_symlinks=params["allow_symlinks"],
            )
        if params["method"] == "shards" and int(params["shard_size"]) <= 0:
            raise ValueError("shard_size must be positive")
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid(f"unsupported hashing parameters in the signed manifest ({exc})") from None
    config.set_ignored_paths(
        paths=[Path(p) for p in params["ignore_paths"]], ignore_git_paths=False
    )
    config.set_allow_symlinks(params["allow_symlinks"])
    try:
        return config.hash(root, files_to_hash=files)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot hash {root}: {exc}", hint="check the files and permissions"
        ) from None
