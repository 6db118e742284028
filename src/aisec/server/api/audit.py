"""The governance audit trail: its entries, newest first, and whether it verifies (as
``aisec audit verify``, with the public key beside the configured audit key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import ConfigError
from aisec.server.access.deps import require, store_of
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import ERRORS
from aisec.server.api.models_core import AuditEntryOut, AuditVerdict
from aisec.server.api.pagination import Page, PagingDep

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.governance.audit.keys import VerifyKey
    from aisec.governance.audit.records import Entry

router = APIRouter(tags=["audit"], responses=ERRORS)
_READ = [Depends(require(Permission.READ))]
Filter = Annotated[str | None, Query(max_length=200)]


@router.get("/audit", response_model=Page[AuditEntryOut], dependencies=_READ)
def audit_entries(
    request: Request, paging: PagingDep, object_kind: Filter = None, object_id: Filter = None
) -> Page[AuditEntryOut]:
    """Newest first."""
    from aisec.governance.audit import AuditLog

    store = store_of(request)
    log = AuditLog(store)
    entries: list[Entry]
    if object_kind or object_id:
        kind, ident = object_kind or None, object_id or None
        total = store.audit.count(object_kind=kind, object_id=ident)
        entries = store.audit.entries(
            newest_first=True, offset=paging.offset, limit=paging.limit,
            object_kind=kind, object_id=ident,
        )  # fmt: skip
    else:
        # Entries are numbered 1..size without gaps: the page is a range of numbers.
        total = log.size()
        last = total - paging.offset
        first = max(1, last - paging.limit + 1)
        entries = [] if last < 1 else log.entries(start=first, limit=last - first + 1)[::-1]
    return paging.page([_entry(e) for e in entries], total)


@router.get(
    "/audit/verify",
    response_model=AuditVerdict,
    dependencies=_READ,
    responses={400: ERRORS[422] | {"description": "no audit public key is configured"}},
)
def audit_verify(
    request: Request,
    allow_unsigned_tail: Annotated[
        bool, Query(description="entries after the last signed checkpoint are no problem")
    ] = False,
) -> AuditVerdict:
    """Recompute every hash and check every signed checkpoint: the verdict and its counts
    (the problems themselves: ``aisec audit verify``)."""
    from aisec.governance.audit import AuditLog

    report = AuditLog(store_of(request)).verify(
        _verify_key(request.app.state.settings), allow_unsigned_tail=allow_unsigned_tail
    )
    return AuditVerdict(
        ok=report.ok,
        entries=report.entries,
        checkpoints=report.checkpoints,
        verified_size=report.verified_size,
        unsigned_tail=report.unsigned_tail,
        problems=report.problem_count,
        key_id=report.key_id,
    )


def _verify_key(settings: Settings) -> VerifyKey:
    from aisec.governance.audit.keys import key_path, load_verify_key, public_key_path

    private = key_path(settings=settings)
    for candidate in (public_key_path(private), private):
        if candidate.is_file():
            return load_verify_key(candidate)
    raise ConfigError(
        "the server has no audit public key to verify with",
        hint="sign a checkpoint first: aisec audit checkpoint",
    )


def _entry(entry: Entry) -> AuditEntryOut:
    return AuditEntryOut(
        seq=entry.seq,
        recorded_at=entry.recorded_at,
        actor=entry.actor,
        action=entry.action,
        object_kind=entry.object_kind,
        object_id=entry.object_id,
        payload=dict(entry.payload),
    )
