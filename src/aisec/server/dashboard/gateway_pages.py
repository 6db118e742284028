"""The gateway's live activity: requests, actions and alerts per model and per client
over a recent window, the newest detections, and the state of each traffic log stream.
The page refreshes itself (a meta refresh: the dashboard runs no scripts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.charts import stacked_bars
from aisec.server.dashboard.templating import render

router = APIRouter()
WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}
ACTIONS = (
    "allow", "log", "alert", "tag", "redact", "throttle", "block", "refused", "fail-closed",
    "detector-error", "client-gone",
)  # fmt: skip
TOP_CLIENTS = 50
RECENT = 50
REFRESH_SECONDS = 15


def activity_summary(store: Any, window: str, now: datetime | None = None) -> dict[str, Any]:
    """What the page and the API show: counted in the database over ``window``."""
    until = now or datetime.now(UTC)
    since = until - WINDOWS[window]
    models: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    clients: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    alerts: dict[str, int] = defaultdict(int)
    for row in store.gateway_log.activity(since, until):
        models[row.model][row.action] += row.requests
        key = (row.model, row.client)
        clients[key][row.action] += row.requests
        clients[key]["alerts"] += row.alerts
        alerts[row.model] += row.alerts
    by_client = sorted(clients.items(), key=lambda item: -sum(
        n for action, n in item[1].items() if action != "alerts"
    ))[:TOP_CLIENTS]  # fmt: skip
    return {
        "window": window,
        "since": since,
        "until": until,
        "totals": {
            "requests": sum(sum(v.values()) for v in models.values()),
            "blocked": sum(v.get("block", 0) for v in models.values()),
            "refused": sum(
                v.get("refused", 0) + v.get("throttle", 0) + v.get("fail-closed", 0)
                for v in models.values()
            ),
            "alerts": sum(alerts.values()),
        },
        "models": {m: {"actions": dict(v), "alerts": alerts[m]} for m, v in sorted(models.items())},
        "clients": [_client_row(model, client, counts) for (model, client), counts in by_client],
        "recent": store.gateway_log.recent(limit=RECENT, since=since),
        "streams": _streams(store),
    }


def _client_row(model: str, client: str, counts: dict[str, int]) -> dict[str, Any]:
    actions = {a: n for a, n in counts.items() if a != "alerts"}
    return {"model": model, "client": client, "requests": sum(actions.values()),
            "alerts": counts.get("alerts", 0), "actions": actions}  # fmt: skip


def _streams(store: Any) -> list[dict[str, Any]]:
    out = []
    for stream in store.gateway_log.streams():
        position = store.gateway_log.last_position(stream)
        checkpoint = store.gateway_log.newest_checkpoint(stream)
        stored = position.last_seq - position.first_seq + 1 if position.last_seq else 0
        out.append({
            "stream": stream, "entries": stored, "last_seq": position.last_seq,
            "last_recorded_at": position.last_recorded_at,
            "signed_size": checkpoint.tree_size if checkpoint else 0,
            "signed_at": checkpoint.created_at if checkpoint else None,
        })  # fmt: skip
    return out


@router.get("/gateway", response_class=HTMLResponse)
def gateway_activity(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    window: Annotated[str, Query(pattern="^(1h|24h|7d)$")] = "1h",
) -> HTMLResponse:
    summary = activity_summary(store_of(request), window)
    rows = {model: info["actions"] for model, info in summary["models"].items()}
    chart = stacked_bars(rows, ACTIONS, title=f"Requests by action, last {window}") if rows else ""
    return render(request, "gateway/activity.html", {
        **summary, "chart": chart, "windows": list(WINDOWS), "refresh": REFRESH_SECONDS,
    })  # fmt: skip
