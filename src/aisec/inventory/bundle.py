"""Reading a signature bundle and establishing that it is authentic.

Everything in a bundle is attacker-controlled until model-signing's verifier has checked
it: any failure on the way (a parser error on hostile bytes included) is an
:class:`Invalid` signature, and nothing in the bundle is used further. Only then are the
signed manifest's hashing parameters read, and checked, since they steer what is read
from disk.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path, PurePosixPath
from typing import Any

# A manifest of a million files is a few hundred MB; anything larger is not a signature.
MAX_BUNDLE_SIZE = 256 * 1024 * 1024


class Invalid(Exception):
    """The signature cannot be trusted; the message says why."""


def authenticate(
    target: Path, verifier: Any, method: str
) -> tuple[Any, dict[str, str], tuple[str, ...]]:
    if not target.is_file():
        raise Invalid(f"{target} is not a file")
    if target.stat().st_size > MAX_BUNDLE_SIZE:
        raise Invalid(f"{target} is larger than {MAX_BUNDLE_SIZE} bytes: not a signature")
    from model_signing._signing import sign_sigstore, sign_sigstore_pb

    # Keyless bundles are read by sigstore-python; key and certificate ones by the
    # protobuf model, which admits their verification material.
    reader: Any = sign_sigstore.Signature if method == "sigstore" else sign_sigstore_pb.Signature
    try:
        bundle = reader.read(target)
    except Exception as exc:  # hostile or corrupt input: any parser error is a verdict
        raise Invalid(f"{target} is not a Sigstore bundle ({type(exc).__name__}: {exc})") from None
    signer = _signer_of(bundle, method)
    printed = io.StringIO()
    try:
        # model-signing prints warnings about old bundle formats to stdout, which
        # would corrupt a JSON report: keep them as notes instead.
        with contextlib.redirect_stdout(printed):
            manifest = verifier.verify(bundle)
    except Exception as exc:
        raise Invalid(_failure(exc)) from None
    notes = tuple(line for line in printed.getvalue().splitlines() if line.strip())
    return manifest, signer, notes


def _signer_of(bundle: Any, method: str) -> dict[str, str]:
    """Who signed, from the bundle; a mismatch between the material and the method is
    reported with the option that would verify it."""
    if method == "sigstore":
        return {}
    material = bundle.bundle.verification_material
    chain = getattr(material, "x509_certificate_chain", None)
    public_key = getattr(material, "public_key", None)
    if method == "key":
        if public_key is None:
            made_with = "a certificate" if chain is not None else "no key this verifier knows"
            raise Invalid(
                f"the signature was made with {made_with}; verify it with --certificate-chain"
            )
        return {"public_key_sha256": str(public_key.hint or "")}
    if chain is None or not chain.certificates:
        raise Invalid(
            "the signature was made with a bare key, not a certificate; verify it with --key PUB"
        )
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        leaf = x509.load_der_x509_certificate(chain.certificates[0].raw_bytes)
    except Exception as exc:
        raise Invalid(f"the signing certificate in the bundle cannot be read ({exc})") from None
    return {
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "serial": format(leaf.serial_number, "x"),
        "sha256": leaf.fingerprint(hashes.SHA256()).hex(),
    }


def _failure(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "InvalidSignature":
        return "the signature does not verify with this key (wrong key, or the bundle was altered)"
    if name == "X509StoreContextError":
        return f"the signing certificate does not chain to the trusted certificates ({exc})"
    return f"{name}: {exc}" if str(exc) else name


def serialization(manifest: Any) -> dict[str, Any]:
    """The signed hashing parameters, checked: they are authentic, but they steer what
    is read from disk."""
    params = dict(manifest.serialization_type)
    if params.get("method") not in ("files", "shards"):
        raise Invalid(
            f"unknown serialization method {params.get('method')!r} in the signed manifest"
        )
    if not list(manifest.resource_descriptors()):
        raise Invalid("the signed manifest lists no files")
    ignore = params.get("ignore_paths", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise Invalid("malformed ignore_paths in the signed manifest")
    params["ignore_paths"] = [PurePosixPath(p) for p in ignore]
    # Only the JSON value true allows links (v0.2 manifests wrote the string "false").
    params["allow_symlinks"] = params.get("allow_symlinks") is True
    return params
