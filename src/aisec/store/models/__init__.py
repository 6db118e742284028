"""SQLAlchemy models of the store; importing this module defines every table."""

from __future__ import annotations

from aisec.store.models.assessments import Assessment
from aisec.store.models.audit import AuditCheckpoint, AuditEntry
from aisec.store.models.base import Base, UTCDateTime
from aisec.store.models.components import Component, system_components
from aisec.store.models.inventory import (
    AISystem,
    Dataset,
    Endpoint,
    Model,
    Vendor,
    model_datasets,
    system_datasets,
    system_endpoints,
    system_models,
)
from aisec.store.models.runs import (
    TRIAGE_STATES,
    FindingRecord,
    RunFinding,
    RunMeasurement,
    ScanRun,
    Triage,
)

__all__ = [
    "TRIAGE_STATES",
    "AISystem",
    "Assessment",
    "AuditCheckpoint",
    "AuditEntry",
    "Base",
    "Component",
    "Dataset",
    "Endpoint",
    "FindingRecord",
    "Model",
    "RunFinding",
    "RunMeasurement",
    "ScanRun",
    "Triage",
    "UTCDateTime",
    "Vendor",
    "model_datasets",
    "system_components",
    "system_datasets",
    "system_endpoints",
    "system_models",
]
