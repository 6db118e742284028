"""Key material for signing and verifying: read and checked before model-signing sees it.

model-signing raises bare ``ValueError``/``TypeError`` on a wrong key; reading the files
here first turns each mistake into a :class:`SigningError` that says what to do next.
model-signing 1.1.1 signs with elliptic-curve keys on P-256, P-384 and P-521 only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aisec.core.errors import SigningError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import (
        EllipticCurvePrivateKey,
        EllipticCurvePublicKey,
    )
    from cryptography.x509 import Certificate

CURVES = ("secp256r1", "secp384r1", "secp521r1")
# Keys and chains are small; a multi-megabyte "key" is a wrong path, not a key.
MAX_PEM_SIZE = 1024 * 1024
NEW_KEY_HINT = (
    "create one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
    "-out key.pem && openssl pkey -in key.pem -pubout -out key.pub"
)


def read_pem(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > MAX_PEM_SIZE:
            raise SigningError(
                f"{what} {path} is larger than {MAX_PEM_SIZE} bytes", hint=f"pass a PEM {what}"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"{what} not found: {path}", hint="check the path") from None
    except IsADirectoryError:
        raise SigningError(
            f"{what} {path} is a directory", hint=f"pass a PEM {what} file"
        ) from None
    except OSError as exc:
        raise SigningError(
            f"cannot read {what} {path}: {exc.strerror}", hint="check permissions"
        ) from None


def load_private_key(path: Path, password: str | None = None) -> EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = read_pem(path, "private key")
    secret = password.encode() if password is not None else None
    try:
        key = load_pem_private_key(data, secret)
    except TypeError:
        if password is None:
            raise SigningError(
                f"private key {path} is encrypted",
                hint="put its password in an environment variable and pass --password-env NAME",
            ) from None
        raise SigningError(
            f"private key {path} is not encrypted", hint="drop --password-env"
        ) from None
    except ValueError:
        hint = "check the password" if password is not None else "pass a PEM private key"
        raise SigningError(f"cannot read private key {path}", hint=hint) from None
    except Exception as exc:  # cryptography reports some malformed keys with its own types
        raise SigningError(
            f"cannot read private key {path}: {exc}", hint="pass a PEM private key"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name not in CURVES:
        raise SigningError(f"private key {path} is {_describe(key)}", hint=NEW_KEY_HINT)
    return key


def load_public_key(path: Path) -> EllipticCurvePublicKey:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = read_pem(path, "public key")
    if b"PRIVATE KEY-----" in data:
        raise SigningError(
            f"{path} is a private key; verifying needs only the public key",
            hint=f"extract it with: openssl pkey -in {path} -pubout -out key.pub",
        )
    if b"-----BEGIN CERTIFICATE-----" in data:
        raise SigningError(
            f"{path} holds certificates, not a public key",
            hint="verify certificate-based signatures with --certificate-chain",
        )
    try:
        key = load_pem_public_key(data)
    except Exception:  # ValueError, or cryptography's unsupported-algorithm errors
        raise SigningError(f"cannot read public key {path}", hint="pass a PEM public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name not in CURVES:
        raise SigningError(f"public key {path} is {_describe(key)}", hint=NEW_KEY_HINT)
    return key


def load_certificates(paths: list[Path], what: str = "certificate") -> list[Certificate]:
    from cryptography.x509 import load_pem_x509_certificates

    certificates: list[Certificate] = []
    for path in paths:
        data = read_pem(path, what)
        try:
            certificates += load_pem_x509_certificates(data)
        except ValueError:
            raise SigningError(
                f"no PEM certificate in {path}", hint=f"pass a PEM {what} file"
            ) from None
    return certificates


def check_certificate_for_key(
    certificate: Certificate, key: EllipticCurvePrivateKey, path: Path
) -> None:
    if certificate.public_key() != key.public_key():
        raise SigningError(
            f"certificate {path} was not issued for this private key",
            hint="pass the key the certificate was issued for with --key",
        )


def pem_kind(path: Path) -> str:
    """``"certificates"`` or ``"public-key"``: what a configured verification file holds."""
    data = read_pem(path, "signature key")
    return "certificates" if b"-----BEGIN CERTIFICATE-----" in data else "public-key"


def _describe(key: object) -> str:
    curve = getattr(key, "curve", None)
    if curve is not None:
        return (
            f"an EC key on {curve.name}, which model-signing does not support (P-256, P-384, P-521)"
        )
    kind = type(key).__name__.replace("PrivateKey", "").replace("PublicKey", "") or "non-EC"
    return f"a key of type {kind}; model-signing signs with EC keys (P-256, P-384, P-521) only"
