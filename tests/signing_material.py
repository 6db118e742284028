"""Keys and certificates for the signing tests, generated per test (never committed)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class KeyPair:
    private: Path
    public: Path


@dataclass
class Pki:
    root: Path  # the trust anchor a verifier is given
    intermediate: Path  # the chain a signer ships
    leaf: Path
    leaf_key: Path


def write_private(key, path: Path, password: bytes | None = None) -> Path:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return path


def write_public(key, path: Path) -> Path:
    path.write_bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def ec_keypair(directory: Path, name: str = "signer", curve=None, password=None) -> KeyPair:
    key = ec.generate_private_key(curve or ec.SECP256R1())
    return KeyPair(
        write_private(key, directory / f"{name}.key", password),
        write_public(key.public_key(), directory / f"{name}.pub"),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def pki(directory: Path, prefix: str = "") -> Pki:
    """A self-signed root CA, an intermediate CA and a code-signing leaf (P-256)."""
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = _certificate(
        f"{prefix}Root CA", f"{prefix}Root CA", root_key.public_key(), root_key, ca=True
    )
    mid_key = ec.generate_private_key(ec.SECP256R1())
    mid = _certificate(
        f"{prefix}Intermediate", f"{prefix}Root CA", mid_key.public_key(), root_key, ca=True
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(
        "Model signer", f"{prefix}Intermediate", leaf_key.public_key(), mid_key, ca=False
    )
    paths = {}
    for label, cert in (("root", root), ("intermediate", mid), ("leaf", leaf)):
        paths[label] = directory / f"{prefix}{label}.pem"
        paths[label].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Pki(
        paths["root"],
        paths["intermediate"],
        paths["leaf"],
        write_private(leaf_key, directory / f"{prefix}leaf.key"),
    )


def model_directory(root: Path) -> Path:
    """A small model directory with a nested file and git metadata."""
    model = root / "model"
    (model / "tokenizer").mkdir(parents=True)
    header = b'{"w":{"dtype":"U8","shape":[16384],"data_offsets":[0,16384]}}'
    data = len(header).to_bytes(8, "little") + header + bytes(range(256)) * 64
    (model / "weights.safetensors").write_bytes(data)
    (model / "config.json").write_text('{"layers": 2}\n')
    (model / "tokenizer" / "vocab.txt").write_text("a\nb\nc\n")
    (model / ".git").mkdir()
    (model / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return model
