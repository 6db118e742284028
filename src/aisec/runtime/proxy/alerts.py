"""Where alerts go: a JSON-lines file, signed webhooks, and governance incidents.

Alerts leave the request path through a bounded queue drained by one task, so a slow
webhook never slows a request; when the queue is full the alert is counted as dropped
(it is in the traffic log either way). A webhook body is signed with HMAC-SHA256 over
``"{timestamp}.{body}"`` (header ``X-Aisec-Signature: t=<unix>,v1=<hex>``), so a receiver
can check both origin and freshness. An alert opens at most one incident per (model,
detector, client) per UTC day; its ``aware_at`` is the alert's time, from which the
EU AI Act Art. 73 deadline runs once the incident is classified.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

    from aisec.runtime.config import AlertConfig, WebhookConfig
    from aisec.store.store import Store

_log = logging.getLogger(__name__)
QUEUE_SIZE = 10_000
ATTEMPTS = 3


@dataclass(frozen=True)
class Alert:
    at: float
    model: str
    client: str
    detector: str
    action: str
    score: float
    threshold: float
    explanation: str
    request_id: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        moment = datetime.fromtimestamp(self.at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "type": "aisec.gateway.alert", "at": moment, "model": self.model,
            "client": self.client, "detector": self.detector, "action": self.action,
            "score": self.score, "threshold": self.threshold,
            "explanation": self.explanation, "request_id": self.request_id,
            "details": self.details,
        }  # fmt: skip


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class AlertSink:
    def __init__(self, config: AlertConfig, store: Store | None = None) -> None:
        self.config = config
        self.session: aiohttp.ClientSession | None = None
        self._store = store  # for incidents
        self._queue: asyncio.Queue[Alert] = asyncio.Queue(QUEUE_SIZE)
        self._task: asyncio.Task[None] | None = None
        self._opened: set[tuple[str, str, str, str]] = set()
        self.sent = self.dropped = self.failed = self.incidents = 0

    def start(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self._task = asyncio.get_running_loop().create_task(self._drain())

    def submit(self, alert: Alert) -> None:
        try:
            self._queue.put_nowait(alert)
        except asyncio.QueueFull:
            self.dropped += 1

    async def close(self) -> None:
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        self._task = None

    async def _drain(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                await self._deliver(alert)
            except Exception:
                _log.exception("alert delivery failed")
                self.failed += 1
            finally:
                self._queue.task_done()

    async def _deliver(self, alert: Alert) -> None:
        body = json.dumps(alert.to_json(), sort_keys=True, separators=(",", ":")).encode()
        if self.config.jsonl is not None:
            await asyncio.to_thread(_append_line, self.config.jsonl, body)
        for hook in self.config.webhooks:
            if hook.min_severity == "block" and alert.action != "block":
                continue
            await self._post(hook, body)
        if self.config.incident_system and (
            not self.config.incident_detectors or alert.detector in self.config.incident_detectors
        ):
            await asyncio.to_thread(self._incident, alert)
        self.sent += 1

    async def _post(self, hook: WebhookConfig, body: bytes) -> None:
        import aiohttp

        secret = os.environ.get(hook.secret_env, "").encode()
        if not secret:
            _log.warning("webhook %s skipped: %s is not set", hook.url, hook.secret_env)
            self.failed += 1
            return
        for attempt in range(ATTEMPTS):
            headers = {
                "content-type": "application/json",
                "x-aisec-signature": signature(secret, int(time.time()), body),
            }
            assert self.session is not None  # started
            try:
                async with self.session.post(
                    hook.url, data=body, headers=headers, allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as response:  # fmt: skip
                    if response.status < 500:
                        if response.status >= 400:
                            self.failed += 1  # the receiver refuses it: retrying will not help
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2 * 2**attempt)
        self.failed += 1

    def _incident(self, alert: Alert) -> None:
        day = datetime.fromtimestamp(alert.at, UTC).date().isoformat()
        key = (alert.model, alert.detector, alert.client, day)
        if key in self._opened or self._store is None:
            return
        self._opened.add(key)
        store = self._store
        system = self.config.incident_system
        assert system is not None  # checked by the caller
        store.incidents.record(
            system,
            f"gateway: {alert.detector} on {alert.model} (client {alert.client})",
            categories=self.config.incident_categories,
            aware_at=datetime.fromtimestamp(alert.at, UTC),
            recorded_by="aisec-gateway",
            description=alert.explanation,
        )
        self.incidents += 1


def _append_line(path: Any, body: bytes) -> None:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, body + b"\n")
    finally:
        os.close(fd)
