"""Keyless signing and verification through Sigstore's public instance.

Both need the network: the trust root comes from Sigstore's TUF repository, the signing
certificate from Fulcio (for an OpenID Connect identity: ambient CI credentials, or a
browser flow), the transparency-log entry from Rekor. Offline, every step fails; the
failure is turned into a :class:`SigningError` that says keyless needs internet access
and how to sign without it.
"""

from __future__ import annotations

from typing import Any

from aisec.core.errors import SigningError

KEYLESS_HINT = (
    "keyless signing needs internet access to Sigstore (its TUF trust root, Fulcio and "
    "Rekor) and an OpenID Connect identity; offline, sign with --key KEY, or with "
    "--certificate CERT --key KEY"
)


def keyless_signer() -> Any:
    from model_signing._signing import sign_sigstore

    try:
        return sign_sigstore.Signer(use_ambient_credentials=True)
    except Exception as exc:  # fetching the trust root is the first thing that needs the network
        raise keyless_error(exc) from None


def keyless_error(exc: BaseException) -> SigningError:
    detail = f"{type(exc).__name__}: {exc}"
    if _network_failure(exc):
        return SigningError(
            f"keyless signing could not reach Sigstore ({detail})", hint=KEYLESS_HINT
        )
    return SigningError(f"keyless signing failed ({detail})", hint=KEYLESS_HINT)


def _network_failure(exc: BaseException | None) -> bool:
    network = ("TUFError", "NetworkError", "DownloadError", "RequestException", "HTTPError")
    seen = 0
    while exc is not None and seen < 20:  # bounded: exception chains can be cyclic
        names = {cls.__name__ for cls in type(exc).__mro__}
        if isinstance(exc, OSError) or names.intersection(network):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def keyless_verifier(identity: str, issuer: str) -> Any:
    from model_signing._signing import sign_sigstore

    try:
        return sign_sigstore.Verifier(identity=identity, oidc_issuer=issuer)
    except Exception as exc:  # the trust root comes from Sigstore's TUF repository
        raise SigningError(
            "cannot get Sigstore's trust root to verify a keyless signature "
            f"({type(exc).__name__}: {exc})",
            hint=KEYLESS_HINT.replace("keyless signing", "verifying a keyless signature"),
        ) from None
