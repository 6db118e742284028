"""The inference gateway's recent activity, as the dashboard's gateway page shows it:
requests, actions and alerts per model and client over a window, the newest detections
and refusals, and each traffic log stream's state."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from aisec.server.access.deps import require, store_of
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import ERRORS

router = APIRouter(tags=["gateway"], responses=ERRORS)


class GatewayTotals(BaseModel):
    requests: int
    blocked: int
    refused: int  # refused before the model (keys, limits, unreadable) or throttled
    alerts: int


class GatewayModelActivity(BaseModel):
    model: str
    requests: int
    actions: dict[str, int]
    alerts: int


class GatewayClientActivity(GatewayModelActivity):
    client: str


class GatewayDetection(BaseModel):
    stream: str
    seq: int
    recorded_at: datetime
    client: str
    model: str
    action: str
    status: int
    detectors: list[str]


class GatewayStream(BaseModel):
    stream: str
    entries: int  # stored (pruning removes the oldest)
    last_seq: int
    last_recorded_at: datetime | None
    signed_size: int  # entries covered by the newest signed checkpoint
    signed_at: datetime | None


class GatewayActivity(BaseModel):
    window: str
    since: datetime
    until: datetime
    totals: GatewayTotals
    models: list[GatewayModelActivity]
    clients: list[GatewayClientActivity]
    recent: list[GatewayDetection]
    streams: list[GatewayStream]


@router.get(
    "/gateway/activity",
    response_model=GatewayActivity,
    dependencies=[Depends(require(Permission.READ))],
)
def gateway_activity(
    request: Request, window: Annotated[str, Query(pattern="^(1h|24h|7d)$")] = "1h"
) -> GatewayActivity:
    from aisec.server.dashboard.gateway_pages import activity_summary

    summary: dict[str, Any] = activity_summary(store_of(request), window)
    return GatewayActivity(
        window=window, since=summary["since"], until=summary["until"],
        totals=GatewayTotals(**summary["totals"]),
        models=[GatewayModelActivity(model=m, requests=sum(i["actions"].values()),
                                     actions=i["actions"], alerts=i["alerts"])
                for m, i in summary["models"].items()],
        clients=[GatewayClientActivity(**row) for row in summary["clients"]],
        recent=[GatewayDetection(stream=e.stream, seq=e.seq, recorded_at=e.recorded_at,
                                 client=e.client, model=e.model, action=e.action,
                                 status=e.status, detectors=list(e.payload.get("fired") or []))
                for e in summary["recent"]],
        streams=[GatewayStream(**s) for s in summary["streams"]],
    )  # fmt: skip
