"""Signing a manifest with an Ed25519 key (the same key files as the audit trail's).

The signature covers the manifest's canonical bytes (:func:`~.codec.canonical`): every
member but the signature itself, including the recorded root, so a signed manifest can
neither be edited nor pointed at other data. A manifest is signed after its root is
recorded; ``verify`` checks the signature only when given the public key, because a
signature anyone could have made proves nothing without knowing whose key it is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from aisec.data.manifest.codec import canonical
from aisec.data.manifest.model import Manifest, Signature
from aisec.data.manifest.report import SignatureCheck

ED25519 = "ed25519"


def sign_manifest(manifest: Manifest, key: Path) -> Manifest:
    """``manifest`` signed with the Ed25519 private key (PEM, unencrypted) at ``key``."""
    from aisec.governance.audit.keys import load_signing_key

    signing_key = load_signing_key(key)
    unsigned = replace(manifest, signature=None)
    value = signing_key.sign(canonical(unsigned))
    return replace(unsigned, signature=Signature(ED25519, signing_key.key_id, value))


def check_signature(manifest: Manifest, key: Path | None) -> SignatureCheck:
    """The signature's status; ``key`` is a PEM public (or private) Ed25519 key."""
    signature = manifest.signature
    if key is None:
        if signature is None:
            return SignatureCheck("unsigned")
        return SignatureCheck("not-checked", signature.key_id, "pass --key to check it")
    from aisec.governance.audit.keys import load_verify_key

    verify_key = load_verify_key(key)
    if signature is None:
        return SignatureCheck("missing", verify_key.key_id, "the manifest is not signed")
    if signature.algorithm != ED25519 or signature.key_id != verify_key.key_id:
        return SignatureCheck(
            "invalid", signature.key_id, "signed with another key or algorithm than --key"
        )
    if not verify_key.verifies(canonical(manifest), signature.value):
        return SignatureCheck(
            "invalid", signature.key_id, "the signature does not match the manifest's content"
        )
    return SignatureCheck("valid", signature.key_id)
