"""The checks catalogue: every registered check as this server's installation sees it
(``aisec checks list``), with whether it can run here and why not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query

from aisec.core.errors import RecordNotFound
from aisec.server.access.deps import require
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import ERRORS, NOT_FOUND
from aisec.server.api.models_core import CheckDetail, CheckOut, SeverityName
from aisec.server.api.pagination import Page, PagingDep

if TYPE_CHECKING:
    from aisec.core.registry import Entry

router = APIRouter(tags=["catalogue"], responses=ERRORS)
_READ = [Depends(require(Permission.READ))]


@router.get("/checks", response_model=Page[CheckOut], dependencies=_READ)
def list_checks(
    paging: PagingDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the id or title")] = None,
    severity: Annotated[SeverityName | None, Query(description="at least this severe")] = None,
) -> Page[CheckOut]:
    from aisec.core.registry import default_registry
    from aisec.core.severity import Severity

    entries = list(default_registry())
    if q:
        needle = q.lower()
        entries = [e for e in entries if needle in f"{e.name} {_title(e)}".lower()]
    if severity:
        least = Severity.parse(severity)
        entries = [e for e in entries if e.check is not None and e.check.severity >= least]
    return paging.slice([_check(e) for e in entries])


@router.get("/checks/{check_id}", response_model=CheckDetail, responses=NOT_FOUND,
            dependencies=_READ)  # fmt: skip
def show_check(check_id: str) -> CheckDetail:
    from aisec.core.registry import default_registry

    entry = default_registry().get(check_id)
    if entry is None:
        raise RecordNotFound(f"no check {check_id!r}", hint="list them: GET /checks")
    check = entry.check
    return CheckDetail(
        **_check(entry).model_dump(),
        description=check.description if check else "",
        remediation=check.remediation if check else "",
    )


def _title(entry: Entry) -> str:
    return entry.check.title if entry.check else ""


def _check(entry: Entry) -> CheckOut:
    check = entry.check
    return CheckOut(
        id=entry.name,
        title=_title(entry),
        severity=check.severity.label if check else "",  # type: ignore[arg-type]
        applies_to=list(check.applies_to) if check else [],
        refs=list(check.refs) if check else [],
        status=entry.status,  # type: ignore[arg-type]  # Entry's statuses
        available=entry.enabled,
        reason=entry.reason,
    )
