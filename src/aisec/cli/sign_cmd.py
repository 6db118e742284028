"""``aisec sign`` and ``aisec verify``: OpenSSF model-signing signatures (Sigstore bundles).

Exit codes of ``verify``: 0 the signature is authentic and every file matches; 1 the
signature is missing or invalid, or files were added, removed or changed; 2 usage or
configuration error (a key that cannot be used, a missing path).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aisec.inventory.signature_report import SignatureReport
    from aisec.inventory.signing import SignedModel


class Output(StrEnum):
    console = "console"
    json = "json"


FormatOption = Annotated[Output, typer.Option("--format", "-f", help="Output format.")]
SignatureOption = Annotated[
    Path | None,
    typer.Option(
        "--signature", help="Signature file [default: DIR/model.sig, or FILE.sig beside a file]."
    ),
]


def sign(
    path: Annotated[Path, typer.Argument(help="Model file or directory to sign.")],
    key: Annotated[
        Path | None, typer.Option("--key", help="PEM EC private key (P-256, P-384 or P-521).")
    ] = None,
    certificate: Annotated[
        Path | None,
        typer.Option("--certificate", help="PEM signing certificate issued for --key."),
    ] = None,
    chain: Annotated[
        list[Path] | None,
        typer.Option("--chain", help="PEM intermediate/CA certificates of --certificate."),
    ] = None,
    keyless: Annotated[
        bool,
        typer.Option(
            "--keyless",
            help="Sign with a Sigstore identity (OIDC); needs internet access to Sigstore.",
        ),
    ] = False,
    signature: SignatureOption = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Path inside the model directory to leave unsigned."),
    ] = None,
    allow_symlinks: Annotated[
        bool, typer.Option("--allow-symlinks", help="Sign symbolic links (their targets).")
    ] = False,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Environment variable holding the key's password."),
    ] = None,
    fmt: FormatOption = Output.console,
) -> int:
    """Sign a model in the OpenSSF model-signing format (a Sigstore bundle).

    Every file is hashed (SHA-256) except the signature itself, .git, .github,
    .gitignore, .gitattributes and --ignore paths. Offline with --key, or
    --certificate and --key; --keyless needs the internet.
    """
    from aisec.inventory.signing import sign_model

    with _busy(f"hashing and signing {path}"):
        signed = sign_model(
            path,
            key=key,
            certificate=certificate,
            chain=chain or (),
            keyless=keyless,
            signature=signature,
            ignore=ignore or (),
            allow_symlinks=allow_symlinks,
            password=_password(password_env),
        )
    typer.echo(
        _signed_text(signed) if fmt is Output.console else json.dumps(signed.to_dict(), indent=2)
    )
    return 0


def verify(
    path: Annotated[Path, typer.Argument(help="Model file or directory to verify.")],
    key: Annotated[
        Path | None, typer.Option("--key", help="PEM public key the model was signed with.")
    ] = None,
    certificate_chain: Annotated[
        list[Path] | None,
        typer.Option("--certificate-chain", help="PEM CA certificates to trust."),
    ] = None,
    identity: Annotated[
        str | None, typer.Option("--identity", help="Keyless: the signer's identity.")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="Keyless: the identity's OIDC issuer URL.")
    ] = None,
    signature: SignatureOption = None,
    fmt: FormatOption = Output.console,
) -> int:
    """Verify a model's signature and list every file added, removed or changed since
    signing. Exit 0 verified, 1 missing or invalid signature or changed files, 2 usage
    error."""
    from aisec.inventory.verifying import verify_model

    with _busy(f"verifying {path}"):
        report = verify_model(
            path,
            key=key,
            chain=certificate_chain or (),
            identity=identity,
            issuer=issuer,
            signature=signature,
        )
    code = 0 if report.verified else 1
    if fmt is Output.json:
        typer.echo(json.dumps({**report.to_dict(), "exit_code": code}, indent=2))
    else:
        typer.echo(_report_text(report))
    return code


def _busy(message: str) -> AbstractContextManager[object]:
    """A spinner on a terminal's stderr: hashing a large model takes seconds, and
    model-signing reports no progress to draw a bar from."""
    import sys
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console
    from rich.markup import escape

    return Console(stderr=True).status(escape(message))


def _password(variable: str | None) -> str | None:
    if variable is None:
        return None
    import os

    from aisec.core.errors import UsageError

    value = os.environ.get(variable)
    if value is None:
        raise UsageError(f"environment variable {variable} is not set", hint="export it first")
    return value


def _signed_text(signed: SignedModel) -> str:
    from aisec.report import printable

    count = len(signed.files)
    lines = [
        f"signed {count} file{'s' if count != 1 else ''} of {printable(signed.model)} "
        f"({signed.method}): {printable(signed.signature)}"
    ]
    if signed.ignored:
        lines.append("  not signed: " + ", ".join(printable(p) for p in signed.ignored))
    return "\n".join(lines)


def _report_text(report: SignatureReport) -> str:
    from aisec.report import printable

    text = _verdict_text(report)
    notes = [f"  note: {printable(note)}" for note in report.notes]
    return "\n".join([text, *notes])


def _verdict_text(report: SignatureReport) -> str:
    from aisec.inventory.signature_report import SignatureStatus
    from aisec.report import printable

    model, sig = printable(report.location.path), printable(report.signature)
    if report.verified:
        signer = ", ".join(f"{k} {printable(v)}" for k, v in report.signer.items())
        files = f"{report.files} file{'s' if report.files != 1 else ''}"
        return f"verified: {model}: {files} match {sig}" + (f" ({signer})" if signer else "")
    if report.status is SignatureStatus.MISSING:
        return (
            f"FAILED: {model}: no signature at {sig}\n"
            f"  hint: sign it with `aisec sign {model} --key KEY`, or pass --signature FILE"
        )
    if report.status is SignatureStatus.INVALID:
        return (
            f"FAILED: {model}: invalid signature {sig}: {printable(report.reason)}\n"
            "  hint: check the key or certificate chain; otherwise treat the model as "
            "tampered with and re-obtain it and its signature"
        )
    lines = [f"FAILED: {model}: content changed since signing ({sig}): {printable(report.reason)}"]
    for change in report.changes:
        lines.append(
            f"  {change.change.value:<8} {printable(change.name)}  ({printable(change.detail)})"
        )
    return "\n".join(lines)
