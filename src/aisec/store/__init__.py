"""The store: inventory, runs and findings over time, in SQLite or PostgreSQL.

    from aisec.store import open_store
    with open_store() as store:                       # .aisec/aisec.db, created on first use
        store.runs.record(aisec.scan(["models/"]))
        store.findings.list(FindingFilter(min_severity=Severity.HIGH))

Importing this package, its records and its repository protocols costs no SQLAlchemy:
the names below that need it are imported on first use, so ``aisec scan`` never pays
for the store (docs/adr/0005, docs/adr/0010).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "Asset",
    "DatasetAsset",
    "EndpointAsset",
    "FindingFilter",
    "ModelAsset",
    "Place",
    "Store",
    "StoredApproval",
    "StoredAssessment",
    "StoredEvidence",
    "StoredFinding",
    "StoredIncident",
    "StoredRightsRequest",
    "StoredRun",
    "SystemAsset",
    "TriageEntry",
    "TriageState",
    "VendorAsset",
    "open_store",
]

_LAZY = {
    "open_store": "aisec.store.store",
    "Store": "aisec.store.store",
    **dict.fromkeys(
        ("Asset", "DatasetAsset", "EndpointAsset", "ModelAsset", "Place"), "aisec.store.records"
    ),
    **dict.fromkeys(("SystemAsset", "VendorAsset"), "aisec.store.records"),
    **dict.fromkeys(
        ("StoredApproval", "StoredEvidence", "StoredIncident", "StoredRightsRequest"),
        "aisec.store.governance_records",
    ),
    **dict.fromkeys(
        (
            "FindingFilter",
            "StoredAssessment",
            "StoredFinding",
            "StoredRun",
            "TriageEntry",
            "TriageState",
        ),
        "aisec.store.tracking",
    ),
}

if TYPE_CHECKING:
    from aisec.store.governance_records import (
        StoredApproval,
        StoredEvidence,
        StoredIncident,
        StoredRightsRequest,
    )
    from aisec.store.records import (
        Asset,
        DatasetAsset,
        EndpointAsset,
        ModelAsset,
        Place,
        SystemAsset,
        VendorAsset,
    )
    from aisec.store.store import Store, open_store
    from aisec.store.tracking import (
        FindingFilter,
        StoredAssessment,
        StoredFinding,
        StoredRun,
        TriageEntry,
        TriageState,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
