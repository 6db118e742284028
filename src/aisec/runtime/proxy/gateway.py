"""The gateway as an ASGI application: lifecycle, routing, and the refusals every route
shares (authentication, scope, rate and quota). The exchange with the model itself is in
:mod:`.exchange`."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aisec.core.errors import (
    AccessDenied,
    AccessError,
    AuthRequired,
    GatewayRefusal,
    RateLimited,
    RequestRefused,
)
from aisec.runtime.access.limits import RateLimiterUnavailable, utc_day
from aisec.runtime.access.principal import Denial, Principal
from aisec.runtime.proxy import asgi
from aisec.runtime.proxy.alerts import AlertSink
from aisec.runtime.proxy.breaker import STATE_NUMBER
from aisec.runtime.proxy.capture import Capture
from aisec.runtime.proxy.exchange import Exchange, Outcome
from aisec.runtime.proxy.guard import ModelGuard, build_guard
from aisec.runtime.proxy.metrics import GatewayMetrics
from aisec.runtime.proxy.routes import METRICS, Route, match
from aisec.runtime.proxy.upstream import Upstream

if TYPE_CHECKING:
    from collections.abc import Callable

    import aiohttp

    from aisec.runtime.access.keys import KeyRing
    from aisec.runtime.access.limits import RateLimiter
    from aisec.runtime.audit.writer import TrafficLog
    from aisec.runtime.config import GatewayConfig
    from aisec.store.store import Store

_log = logging.getLogger(__name__)
ANONYMOUS = Principal("anonymous", "anonymous", frozenset(), frozenset(), None, None, None)


@dataclass
class Penalties:
    """Clients a detector throttled: until when, and when each last got a request through
    (time.monotonic). Held from the moment of the detection, not after one more request
    (a token bucket would start full). Per process: see docs/gateway.md."""

    until: dict[str, float] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)

    def impose(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self.until[client], self.last[client] = now + seconds, now

    def wait(self, client: str, rate: float) -> float | None:
        """None when ``client`` may send now (and it is counted); else seconds to wait."""
        end = self.until.get(client)
        if end is None:
            return None
        now = time.monotonic()
        if end <= now:
            del self.until[client]
            self.last.pop(client, None)
            return None
        left = self.last.get(client, 0.0) + 1.0 / rate - now
        if left > 0:
            return left
        self.last[client] = now
        return None


class Gateway:
    def __init__(
        self,
        config: GatewayConfig,
        *,
        keyring: KeyRing,
        limiter: RateLimiter,
        log: TrafficLog | None,
        digest_key: bytes,
        store: Store | None = None,
        metrics_public: bool = False,
    ) -> None:
        self.config = config
        self.keyring = keyring
        self.limiter = limiter
        self.log = log
        self.metrics = GatewayMetrics()
        self.metrics_public = metrics_public
        self.penalties = Penalties()
        self.guards: dict[str, ModelGuard] = {m.name: build_guard(m) for m in config.models}
        # The session is made on the event loop (aiohttp binds it there), at startup.
        self.session: aiohttp.ClientSession | None = None
        self.upstreams = {m.name: Upstream(m) for m in config.models}
        alerting = config.alerts
        wanted = alerting.jsonl or alerting.webhooks or alerting.incident_system
        self.alerts = AlertSink(alerting, store) if wanted else None
        self.exchange = Exchange(self, digest_key)
        capture = config.capture
        self.capture = Capture(capture.path, capture.max_bytes) if capture.path else None
        for name, upstream in self.upstreams.items():
            self.metrics.breaker.labels(name).set_function(_breaker_state(upstream))
        if log is not None:
            self.metrics.watch_audit(lambda: dataclasses.asdict(log.counters()))

    # -- lifecycle ----------------------------------------------------------------------

    async def startup(self) -> None:
        from aisec.runtime.proxy.upstream import new_session

        self.session = new_session()
        for upstream in self.upstreams.values():
            upstream.session = self.session
        await self.keyring.open()
        if self.alerts is not None:
            self.alerts.start(self.session)
        if self.capture is not None:
            self.capture.start()
        if self.log is not None:
            await asyncio.to_thread(self.log.start)

    async def shutdown(self) -> None:
        await self.keyring.close()
        if self.alerts is not None:
            await self.alerts.close()
        if self.session is not None:
            await self.session.close()
        await self.limiter.aclose()
        if self.capture is not None:
            await asyncio.to_thread(self.capture.close)
        if self.log is not None:
            await asyncio.to_thread(self.log.close)

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: asgi.Receive, send: asgi.Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- requests -----------------------------------------------------------------------

    async def _http(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        path, method = scope["path"], scope["method"]
        if path == "/healthz" and method == "GET":
            await asgi.answer(
                send, 200, b'{"status":"ok"}', [(b"content-type", b"application/json")]
            )
            return
        if path == "/metrics" and method == "GET":
            await self._metrics(scope, send)
            return
        route = match(method, path)
        if route is None:
            error = RequestRefused(f"no gateway route {method} {path}", status=404)
            await asgi.refuse(send, error)
            return
        request_id = uuid.uuid4().hex
        outcome = Outcome(request_id=request_id, started=time.perf_counter(), at=time.time())
        try:
            await self._serve(scope, receive, send, route, outcome)
        except (GatewayRefusal, AccessError) as error:
            refusal = error if isinstance(error, GatewayRefusal) else _refusal(error)
            outcome.refused(refusal)
            await self.exchange.finish(outcome, send, refusal)
        except ConnectionResetError:
            outcome.status, outcome.action = 499, "client-gone"
            self.exchange.record_after(outcome)

    async def _serve(
        self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send, route: Route,
        outcome: Outcome,
    ) -> None:  # fmt: skip
        principal = self._authenticate(scope, outcome)
        outcome.route = route.kind
        # Limits and the scope first: a key over its rate, or calling a model it may not,
        # must not make the gateway read and parse a body for it.
        await self._limit(principal, outcome)
        if route.model is not None:
            self._scope(principal, self._guard(route.model, route).config.name, route)
        body = await asgi.read_body(scope, receive, self.config.max_body_bytes)
        parsed = asgi.parse_json(body) if route.kind != "metadata" else None
        guard = self._guard(route.model or _body_model(parsed), route)
        outcome.model = guard.config.name
        self._scope(principal, guard.config.name, route)
        await self.exchange.run(scope, send, route, guard, body, parsed, outcome)

    def _guard(self, name: str | None, route: Route) -> ModelGuard:
        guard = self.guards.get(name or "")
        if guard is None or guard.config.protocol != route.protocol:
            raise RequestRefused(f"no model {name!r} behind this gateway route", status=404)
        return guard

    def _scope(self, principal: Principal, model: str, route: Route) -> None:
        if principal.allows(model, route.kind):
            return
        if route.model is None and principal.models and model not in principal.models:
            # Named in the body: answer as for a model that does not exist, so that a key
            # cannot list the models behind the gateway by trying names.
            raise RequestRefused(f"no model {model!r} behind this gateway route", status=404)
        raise AccessDenied(f"key {principal.name!r} may not call {route.kind} on {model}")

    def _authenticate(self, scope: asgi.Scope, outcome: Outcome) -> Principal:
        if self.config.anonymous:
            outcome.client = ANONYMOUS.name
            return ANONYMOUS
        found = self.keyring.authenticate(scope.get("headers", ()))
        if isinstance(found, Denial):
            outcome.client = found.key or "unknown"
            outcome.detail["denied"] = found.reason
            raise AuthRequired(
                "a valid gateway API key is required",
                hint="send Authorization: Bearer aisg_... (aisec gateway keys create)",
            )
        outcome.client = found.name
        return found

    async def _limit(self, principal: Principal, outcome: Outcome) -> None:
        """Throttle penalties, the key's token bucket, then its daily quota. A shared
        limiter that cannot be reached fails open or closed as configured."""
        settings = self.config.rate
        try:
            held = self.penalties.wait(principal.name, settings.throttle_rate)
            if held is not None:
                raise RateLimited(
                    f"key {principal.name!r} is throttled after a detection", retry_after=held
                )
            rate = principal.rate if principal.rate is not None else settings.rate
            if rate is not None and rate > 0:
                burst = principal.bucket_size or settings.burst or max(1.0, rate)
                allowance = await self.limiter.take(f"rate:{principal.key_id}", rate, burst)
                if not allowance.allowed:
                    raise RateLimited(
                        f"key {principal.name!r} is over its rate of {rate:g} requests/s",
                        retry_after=allowance.retry_after,
                    )
            if principal.daily_quota is not None:
                day = utc_day(time.time())
                allowance = await self.limiter.quota(
                    f"quota:{principal.key_id}", principal.daily_quota, day
                )
                if not allowance.allowed:
                    raise RateLimited(
                        f"key {principal.name!r} has used its {principal.daily_quota} "
                        "requests for today (UTC)",
                        retry_after=allowance.retry_after,
                    )
        except RateLimiterUnavailable as exc:
            outcome.detail["limiter"] = "unavailable"
            if settings.fail == "closed":
                raise RateLimited(
                    "the shared rate limiter is unavailable and this gateway fails closed",
                    retry_after=5,
                ) from exc

    async def _metrics(self, scope: asgi.Scope, send: asgi.Send) -> None:
        if not (self.metrics_public or self.config.anonymous):
            found = self.keyring.authenticate(scope.get("headers", ()))
            if isinstance(found, Denial):
                await asgi.refuse(send, _refusal(AuthRequired("a gateway API key is required")))
                return
            if METRICS not in found.routes:  # named explicitly: it shows every client
                await asgi.refuse(send, _refusal(AccessDenied("this key may not read metrics")))
                return
        body, content_type = self.metrics.render()
        await asgi.answer(send, 200, body, [(b"content-type", content_type.encode())])


def _refusal(error: AccessError) -> GatewayRefusal:
    """An access error in the gateway's envelope, keeping its own code (E701, E702)."""
    refusal = GatewayRefusal(error.message, status=error.status, hint=error.hint)
    refusal.code = error.code
    return refusal


def _breaker_state(upstream: Upstream) -> Callable[[], float]:
    return lambda: float(STATE_NUMBER[upstream.breaker.state])


def _body_model(parsed: Any) -> str | None:
    model = parsed.get("model") if isinstance(parsed, dict) else None
    return model if isinstance(model, str) else None
