"""The Ed25519 key that signs checkpoints, and the public key that verifies them.

The private key lives outside the database (the ``audit_key`` setting, whose environment
form is ``AISEC_AUDIT_KEY``; else ``.aisec/audit-key.pem``): someone who can write to the
database must not also hold what signs it. Verifying needs only the public key, which can
be handed to an auditor.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    from aisec.core.settings import Settings

ENV_VAR = "AISEC_AUDIT_KEY"  # the audit_key setting's environment form
DEFAULT_KEY = Path(".aisec") / "audit-key.pem"
DEFAULT_PUBLIC_KEY = Path(".aisec") / "audit-key.pub.pem"


class VerifyKey:
    """A public key and its id (the SHA-256 of its DER encoding)."""

    def __init__(self, key: Ed25519PublicKey) -> None:
        self.key = key
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = hashlib.sha256(der).hexdigest()

    def verifies(self, message: bytes, signature_hex: str) -> bool:
        try:
            self.key.verify(bytes.fromhex(signature_hex), message)
        except (InvalidSignature, ValueError):  # ValueError: not hex at all
            return False
        return True

    def pem(self) -> bytes:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class SigningKey:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.key = key
        self.public = VerifyKey(key.public_key())
        self.key_id = self.public.key_id

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> str:
        return self.key.sign(message).hex()

    def pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def key_path(
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    settings: Settings | None = None,
) -> Path:
    """The signing key's path: the ``audit_key`` setting (``settings``, else read as every
    setting is: aisec.toml or [tool.aisec] in ``cwd`` < ``AISEC_AUDIT_KEY`` in
    ``environ``), else ``.aisec/audit-key.pem`` under ``cwd``."""
    if settings is None:
        from aisec.core.settings import load_settings

        settings = load_settings(directory=cwd, environ=os.environ if environ is None else environ)
    configured = settings.audit_key
    return Path(configured) if configured else (cwd or Path.cwd()) / DEFAULT_KEY


def load_or_create_signing_key(path: Path) -> SigningKey:
    """The key at ``path``; a new one is made there (0600, its public key beside it as
    ``*.pub.pem``) if there is none."""
    if not path.exists():
        return _create(path)
    return load_signing_key(path)


def load_signing_key(path: Path) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read the audit signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"the audit signing key {path} is not an Ed25519 private key")
    return SigningKey(key)


def load_verify_key(path: Path) -> VerifyKey:
    """A public key PEM, or a private key PEM (whose public half is used)."""
    try:
        data = path.read_bytes()
        if b"PRIVATE KEY" in data:
            return load_signing_key(path).public
        return verify_key_from_pem(data)
    except OSError as exc:
        raise ConfigError(f"cannot read the audit public key {path}: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"the audit public key {path}: {exc.message}") from None


def verify_key_from_pem(data: bytes) -> VerifyKey:
    """The Ed25519 public key in ``data`` (PEM); ConfigError for anything else."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read a public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("not an Ed25519 public key")
    return VerifyKey(key)


def public_key_path(private: Path) -> Path:
    name = private.name.removesuffix(".pem")
    return private.with_name(f"{name}.pub.pem")


# Never through a symlink: one planted where a key goes would make aisec write (or, for
# the public key, overwrite) a file of the attacker's choosing.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _create(path: Path) -> SigningKey:
    key = SigningKey.generate()
    public = public_key_path(path)
    if public.exists() or public.is_symlink():
        # A public key without its private key is an auditor's copy, or planted: a new key
        # pair would not match it, and it must not be overwritten either.
        raise ConfigError(
            f"there is a public key {public} but no audit signing key {path}: "
            "not creating a new key pair",
            hint=f"set {ENV_VAR} to the private key that {public} belongs to",
        )
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL with the mode given at creation: the key is never readable by others, not
        # even between a write and a chmod, and a key made meanwhile is never overwritten.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError:
        return load_signing_key(path)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the audit signing key {path}: {exc.strerror or exc}",
            hint=f"set {ENV_VAR} to the path of an Ed25519 private key (PEM)",
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(key.pem())
    try:
        public_fd = os.open(public, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    except OSError as exc:  # made (or planted) since the check above
        raise ConfigError(
            f"cannot write the audit public key {public}: {exc.strerror or exc}",
            hint=f"the signing key {path} was created; write its public key elsewhere",
        ) from None
    with os.fdopen(public_fd, "wb") as out:
        out.write(key.public.pem())
    return key
