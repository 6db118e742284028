"""Who a request is from: the user, their role, and how they proved it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aisec.server.access.roles import Permission, permissions_of


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    role: str
    via: Literal["session", "key"]
    csrf_token: str | None = None  # sessions only
    session_id: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in permissions_of(self.role)
