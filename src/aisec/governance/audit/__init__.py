"""The governance audit trail: an append-only Merkle log of every governance change with
Ed25519-signed checkpoints, and its verification (docs/adr/0018).

    from aisec.governance.audit import AuditLog, load_or_create_signing_key
    log = AuditLog(store, key=load_or_create_signing_key(key_path()))
    log.append("dpo@example.com", "risk.accepted", "risk", risk_id, {"until": "2027-01-01"})
    log.checkpoint()
    report = log.verify(key.public)          # report.problems: edited, deleted, reordered ...

The names are imported on first use: the store imports the hashing (:mod:`.records`,
:mod:`.merkle`) and must not pull in the log, which imports the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "AuditLog",
    "Checkpoint",
    "Entry",
    "Problem",
    "SigningKey",
    "VerifyKey",
    "VerifyReport",
    "key_path",
    "load_or_create_signing_key",
    "load_signing_key",
    "load_verify_key",
]

_LAZY = {
    "AuditLog": "aisec.governance.audit.log",
    "Checkpoint": "aisec.governance.audit.records",
    "Entry": "aisec.governance.audit.records",
    "Problem": "aisec.governance.audit.verify",
    "VerifyReport": "aisec.governance.audit.verify",
    **dict.fromkeys(
        (
            "SigningKey",
            "VerifyKey",
            "key_path",
            "load_or_create_signing_key",
            "load_signing_key",
            "load_verify_key",
        ),
        "aisec.governance.audit.keys",
    ),
}

if TYPE_CHECKING:
    from aisec.governance.audit.keys import (
        SigningKey,
        VerifyKey,
        key_path,
        load_or_create_signing_key,
        load_signing_key,
        load_verify_key,
    )
    from aisec.governance.audit.log import AuditLog
    from aisec.governance.audit.records import Checkpoint, Entry
    from aisec.governance.audit.verify import Problem, VerifyReport


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
