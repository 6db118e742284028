"""Roles and what each may do. One table, read by every route's dependency and by the
access-matrix test: a permission no role holds, or a route with none, fails a test."""

from __future__ import annotations

from enum import StrEnum

from aisec.store.models.access import ROLES


class Permission(StrEnum):
    READ = "read"
    INVENTORY_WRITE = "inventory.write"
    FINDINGS_TRIAGE = "findings.triage"
    FINDINGS_COMMENT = "findings.comment"
    JOBS_RUN = "jobs.run"
    GOVERNANCE_WRITE = "governance.write"
    INCIDENTS_WRITE = "incidents.write"
    APPROVALS_DECIDE = "approvals.decide"
    USERS_MANAGE = "users.manage"
    KEYS_OWN = "keys.own"


_ALL = frozenset(ROLES)
ROLE_PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.READ: _ALL,
    Permission.INVENTORY_WRITE: frozenset({"admin", "security-engineer", "ml-engineer"}),
    Permission.FINDINGS_TRIAGE: frozenset({"admin", "security-engineer"}),
    Permission.FINDINGS_COMMENT: frozenset(
        {"admin", "security-engineer", "ml-engineer", "compliance-officer"}
    ),
    Permission.JOBS_RUN: frozenset({"admin", "security-engineer", "ml-engineer"}),
    Permission.GOVERNANCE_WRITE: frozenset({"admin", "compliance-officer"}),
    Permission.INCIDENTS_WRITE: frozenset({"admin", "security-engineer", "compliance-officer"}),
    Permission.APPROVALS_DECIDE: frozenset({"admin", "compliance-officer"}),
    Permission.USERS_MANAGE: frozenset({"admin"}),
    # A user's own API keys carry the user's role: an auditor's key reads, nothing more.
    Permission.KEYS_OWN: _ALL,
}

ROLE_TITLES = {
    "admin": "Administrator",
    "security-engineer": "Security engineer",
    "ml-engineer": "ML engineer",
    "compliance-officer": "Compliance officer",
    "auditor": "Auditor (read-only)",
}


def allowed(role: str, permission: Permission) -> bool:
    return role in ROLE_PERMISSIONS[permission]


def permissions_of(role: str) -> frozenset[Permission]:
    return frozenset(p for p, roles in ROLE_PERMISSIONS.items() if role in roles)
