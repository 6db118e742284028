"""``aisec scan --require-signature``: every scanned path must carry a valid signature.

Each path given to the scan is verified as one model (a directory against
``DIR/model.sig``, a file against ``FILE.sig``) with the configured ``signature_key``: a
PEM public key, or a PEM file of trusted CA certificates for certificate-based
signatures. The outcome is a :class:`SignatureReport` judged by the checks registered for
the ``signature`` subject kind, so a missing signature, an invalid one and each changed
file become findings like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError
from aisec.core.finding import Finding, Location
from aisec.core.registry import Registry
from aisec.core.run import Run
from aisec.core.settings import Settings
from aisec.inventory.signature_report import SignatureReport


def verify_targets(paths: Sequence[Path], settings: Settings) -> list[SignatureReport]:
    """Verify every path when ``settings.require_signature``; else nothing.

    Called before the scan, so that a configuration mistake (no key, an unreadable key)
    stops the command before minutes of scanning rather than after.
    """
    if not settings.require_signature:
        return []
    raw = settings.signature_key
    if not raw or not isinstance(raw, str):
        raise ConfigError(
            "require_signature is on but no signature_key is configured",
            hint="pass --signature-key PUB (a PEM public key or CA certificates), "
            "or set signature_key in aisec.toml",
        )
    from aisec.inventory import signing_keys
    from aisec.inventory.verifying import verify_model

    key = Path(raw)
    if signing_keys.pem_kind(key) == "certificates":
        return [verify_model(path, chain=[key]) for path in paths]
    return [verify_model(path, key=key) for path in paths]


def add_signature_findings(
    run: Run, reports: Sequence[SignatureReport], registry: Registry
) -> None:
    """Judge each report with the ``signature`` checks and add their findings to ``run``.

    A check that raises is recorded as an error of the run (exit 3), as in the scanner,
    and the other checks still run.
    """
    if not reports:
        return
    checks: list[Any] = [cls() for cls in registry.for_kind("signature")]
    if not checks:  # fail closed: a required signature must not pass unjudged
        raise ConfigError(
            "a signature is required but no check for signatures is enabled",
            hint="see aisec checks list: the inventory.signature.* checks",
        )
    found: list[Finding] = []
    run.record_checks(check.id for check in checks)
    for report in reports:
        for check in checks:
            try:
                found.extend(check.run(report))
            except Exception as exc:  # a check bug must not cost the other checks' findings
                where = Location(report.location.path).display()
                run.errors.append(f"{where}: check {check.id} failed: {type(exc).__name__}: {exc}")
    # First in the report: whether the model is the one that was signed frames the rest.
    run.findings[:0] = found
