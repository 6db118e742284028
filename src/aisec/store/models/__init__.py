"""SQLAlchemy models of the store; importing this module defines every table."""

from __future__ import annotations

from aisec.store.models.access import ROLES, ApiKey, User, WebSession
from aisec.store.models.assessments import Assessment
from aisec.store.models.audit import AuditCheckpoint, AuditEntry
from aisec.store.models.base import Base, UTCDateTime
from aisec.store.models.components import Component, system_components
from aisec.store.models.gateway import GatewayCheckpoint, GatewayEntry, GatewayKey
from aisec.store.models.governance import Approval, Evidence, RiskRecord, run_systems
from aisec.store.models.incidents import Incident, RightsRequest
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
from aisec.store.models.work import JOB_KINDS, JOB_STATES, NOTE_KINDS, FindingNote, Job

__all__ = [
    "JOB_KINDS",
    "JOB_STATES",
    "NOTE_KINDS",
    "ROLES",
    "TRIAGE_STATES",
    "AISystem",
    "ApiKey",
    "Approval",
    "Assessment",
    "AuditCheckpoint",
    "AuditEntry",
    "Base",
    "Component",
    "Dataset",
    "Endpoint",
    "Evidence",
    "FindingNote",
    "FindingRecord",
    "GatewayCheckpoint",
    "GatewayEntry",
    "GatewayKey",
    "Incident",
    "Job",
    "Model",
    "RightsRequest",
    "RiskRecord",
    "RunFinding",
    "RunMeasurement",
    "ScanRun",
    "Triage",
    "UTCDateTime",
    "User",
    "Vendor",
    "WebSession",
    "model_datasets",
    "run_systems",
    "system_components",
    "system_datasets",
    "system_endpoints",
    "system_models",
]
