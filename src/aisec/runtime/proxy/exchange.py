"""One request through the gateway once it is authenticated and within its limits: read
it by protocol, judge it, call the model, judge the answer, act, record, answer.

The traffic log entry is written before the answer is sent: a request the log refuses
(its spool full while the database is down) is answered 503, never served unrecorded.
A streamed answer is passed on chunk by chunk as it arrives; its output detectors judge
the whole answer at the end, when it can no longer be withheld, so their block and redact
actions become alerts there (docs/gateway.md, "streaming").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aisec.core.errors import AisecError, BlockedByDetector, GatewayRefusal, RequestRefused
from aisec.runtime.observation import Observation
from aisec.runtime.proxy import asgi
from aisec.runtime.proxy.alerts import Alert
from aisec.runtime.proxy.decision import ALLOW, Decision, judge
from aisec.runtime.proxy.reading import read_answer, read_request, summary

if TYPE_CHECKING:
    from aisec.runtime.proxy.gateway import Gateway
    from aisec.runtime.proxy.guard import ModelGuard
    from aisec.runtime.proxy.routes import Route

_JSON = (b"content-type", b"application/json")
_log = logging.getLogger(__name__)


def _within_scan(guard: ModelGuard, text: str) -> None:
    """A prompt longer than the input text detectors scan is refused: unscanned text
    would pass as clean whatever the fail policy (padding would hide anything)."""
    limits = [getattr(d, "max_chars", None) for d in guard.input_detectors]
    bound = min((n for n in limits if isinstance(n, int)), default=None)
    if bound is not None and len(text) > bound:
        raise RequestRefused(
            f"the prompt has {len(text)} characters; this gateway scans at most {bound}",
            status=413, hint="shorten it, or raise the detectors' max_chars",
        )  # fmt: skip


def _client_error() -> type[Exception]:
    import aiohttp

    return aiohttp.ClientError


@dataclass
class Outcome:
    """What the traffic log records of one request."""

    request_id: str
    started: float  # perf_counter
    at: float  # time.time
    client: str = "unknown"
    model: str = "-"
    route: str = "-"
    action: str = ALLOW
    status: int = 0
    upstream_seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def refused(self, error: AisecError) -> None:
        self.status = int(getattr(error, "status", 500))
        if self.action == ALLOW:
            self.action = "refused"
        self.detail["refusal"] = error.code


class Exchange:
    def __init__(self, gateway: Gateway, digest_key: bytes) -> None:
        self.gateway = gateway
        self._digest_key = digest_key

    def digest(self, data: bytes) -> str:
        """An HMAC, not a plain hash: a low-entropy input (a row of a few features) could
        be confirmed against a plain SHA-256 by anyone reading the log."""
        return hmac.new(self._digest_key, data, hashlib.sha256).hexdigest()

    async def run(
        self, scope: asgi.Scope, send: asgi.Send, route: Route, guard: ModelGuard,
        body: bytes, parsed: Any, outcome: Outcome,
    ) -> None:  # fmt: skip
        upstream = self.gateway.upstreams[guard.config.name]
        path = route.upstream_path.replace("{model}", guard.config.upstream_model)
        if guard.config.protocol == "custom":
            path = guard.config.path
        headers = asgi.forwardable(scope)
        outcome.detail["input_digest"] = self.digest(body)
        if route.kind == "metadata":
            reply = await self._timed(outcome, upstream.call("GET", path, headers, b""))
            outcome.status = reply.status
            await self.finish_reply(outcome, send, reply.status, reply.body, reply.headers)
            return
        original = body
        request = read_request(guard, parsed)
        stream = parsed.get("stream") if guard.config.protocol == "openai" else None
        if stream not in (None, True, False):
            # Servers that coerce "true" or 1 would stream what the gateway then reads as
            # a whole answer it cannot parse: the output detectors would see nothing.
            raise RequestRefused("'stream' must be true or false")
        if request.text is not None:
            _within_scan(guard, request.text)
        decision = Decision()
        observation = Observation(
            guard.config.name, outcome.client, outcome.at, features=request.rows,
            text_in=request.text,
        )  # fmt: skip
        self._judge(guard, guard.input_detectors, observation, decision, outcome)
        self._enforce_input(guard, decision, outcome)
        # Redact whatever else fired too (a throttle outranks redact but must not let the
        # personal data through).
        if request.text is not None and any(a == "redact" for _, a in decision.fired):
            parsed, request = self._redact_prompt(guard, parsed, request)
        if guard.config.protocol == "openai":
            parsed = {**parsed, "model": guard.config.upstream_model}
            body = json.dumps(parsed, separators=(",", ":")).encode()
        if route.stream_capable and stream is True:
            await self._stream(
                send, guard, upstream, path, headers, body, request, decision, outcome
            )
            return
        reply = await self._timed(outcome, upstream.call("POST", path, headers, body))
        outcome.status = reply.status
        self._capture(outcome, original, reply.body)
        answer_body = reply.body
        if reply.status < 400:
            answer_body = self._judge_answer(guard, request, reply.body, decision, outcome)
        self._conclude(guard, decision, outcome)
        await self.finish_reply(outcome, send, outcome.status, answer_body, reply.headers,
                                decision.tags)  # fmt: skip

    # -- stages -------------------------------------------------------------------------

    def _judge(self, guard: ModelGuard, detectors: Any, observation: Observation,
               decision: Decision, outcome: Outcome) -> None:  # fmt: skip
        errors = self.gateway.metrics.detector_errors
        judge(detectors, guard.actions, observation, decision,
              on_error=lambda name: errors.labels(guard.config.name, name).inc())  # fmt: skip
        if decision.errors and guard.config.fail == "closed":
            outcome.detail["detector_errors"] = decision.errors
            outcome.action = "fail-closed"
            raise BlockedByDetector(
                f"a detector failed and model {guard.config.name} fails closed",
                status=503, hint="the gateway's traffic log names the detector and its error",
            )  # fmt: skip

    def _enforce_input(self, guard: ModelGuard, decision: Decision, outcome: Outcome) -> None:
        if decision.action != "block":
            return
        verdict = next(v for v, a in decision.fired if a == "block")
        self._conclude(guard, decision, outcome)
        # The explanation (distances, thresholds) stays in the alert and the log: told to
        # the client it would guide the next attempt just under the threshold.
        raise BlockedByDetector(
            f"blocked by {verdict.detector}", hint=f"request id {outcome.request_id}"
        )

    def _redact_prompt(self, guard: ModelGuard, parsed: Any, request: Any) -> tuple[Any, Any]:
        from aisec.runtime.protocols.chat import prompt_text, rewrite_prompt

        change = self._redactor(guard, "input")
        parsed = rewrite_prompt(parsed, change)
        return parsed, type(request)(rows=None, text=prompt_text(parsed))

    def _redactor(self, guard: ModelGuard, stage: str) -> Any:
        from aisec.runtime.detectors.redaction import redact

        detectors = [
            d for d in (guard.input_detectors if stage == "input" else guard.output_detectors)
            if guard.actions.get(d.name) == "redact" and hasattr(d, "spans")
        ]  # fmt: skip

        def change(text: str) -> str:
            for detector in detectors:
                text = redact(text, detector.spans(text))
            return text

        return change

    def _judge_answer(
        self, guard: ModelGuard, request: Any, body: bytes, decision: Decision, outcome: Outcome
    ) -> bytes:
        answer = read_answer(guard, request, body)
        outcome.detail["output"] = summary(answer, self.digest)
        if answer.empty:
            if guard.output_detectors and guard.config.protocol == "openai":
                # An answer the detectors cannot read has not been judged: the fail policy.
                decision.errors.append("the answer could not be read as a chat completion")
                if guard.config.fail == "closed":
                    outcome.detail["detector_errors"] = decision.errors
                    outcome.status, outcome.action = 503, "fail-closed"
                    outcome.detail["withheld"] = True
                    error = BlockedByDetector("the answer could not be judged and was withheld",
                                              status=503)  # fmt: skip
                    return asgi.refusal_body(error, 503)
            return body
        observation = Observation(
            guard.config.name, outcome.client, outcome.at, features=request.rows,
            predictions=answer.predictions, probabilities=answer.probabilities,
            text_in=request.text, text_out=answer.text,
        )  # fmt: skip
        before = len(decision.fired)
        self._judge(guard, guard.output_detectors, observation, decision, outcome)
        fired = decision.fired[before:]
        if any(a == "block" for _, a in fired):
            verdict = next(v for v, a in fired if a == "block")
            outcome.status = 403
            outcome.detail["withheld"] = True
            error = BlockedByDetector(
                f"the answer was withheld: {verdict.detector}",
                hint=f"request id {outcome.request_id}",
            )
            return asgi.refusal_body(error, 403)
        if any(a == "redact" for _, a in fired) and answer.text is not None:
            from aisec.runtime.protocols.chat import rewrite_answer

            parsed = json.loads(body)
            return json.dumps(rewrite_answer(parsed, self._redactor(guard, "output"))).encode()
        return body

    async def _stream(
        self, send: asgi.Send, guard: ModelGuard, upstream: Any, path: str,
        headers: dict[str, str], body: bytes, request: Any, decision: Decision, outcome: Outcome,
    ) -> str:  # fmt: skip
        """Pass the stream on; the answer's text, judged once it has all gone."""
        from aisec.runtime.protocols.chat import StreamReader

        status, reply_headers, chunks, response = await self._timed(
            outcome, upstream.open_stream("POST", path, headers, body)
        )
        outcome.status = status
        reader = StreamReader()
        extra = [(b"x-aisec-request-id", outcome.request_id.encode())]
        await send({"type": "http.response.start", "status": status,
                    "headers": [*reply_headers, *extra]})  # fmt: skip
        try:
            async for chunk in chunks:
                reader.feed(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except (TimeoutError, OSError, _client_error()) as exc:
            # The model broke off (or stalled past its timeout) mid-answer: what was sent
            # is judged and recorded all the same.
            upstream.breaker.failure()
            outcome.status = 502
            outcome.detail["stream_error"] = type(exc).__name__
        finally:
            response.release()
        await send({"type": "http.response.body", "body": b""})
        text = reader.answer()
        outcome.detail["output"] = {"chars": len(text), "digest": self.digest(text.encode()),
                                    "events": reader.events, "streamed": True}  # fmt: skip
        observation = Observation(guard.config.name, outcome.client, outcome.at,
                                  text_in=request.text, text_out=text)  # fmt: skip
        before = len(decision.fired)
        try:
            self._judge(guard, guard.output_detectors, observation, decision, outcome)
        except GatewayRefusal:
            outcome.action = "detector-error"  # the answer is sent: it cannot fail closed now
        # Sent already: what would have been withheld or redacted is reported instead.
        decision.fired[before:] = [
            (v, "alert" if a in ("block", "redact") else a) for v, a in decision.fired[before:]
        ]
        if decision.action in ("block", "redact"):
            decision.action = "alert"
        self._conclude(guard, decision, outcome)
        self.record_after(outcome)
        return text

    def _capture(self, outcome: Outcome, request: bytes, response: Any) -> None:
        capture = self.gateway.capture
        if capture is not None:
            capture.submit({"at": outcome.at, "model": outcome.model, "client": outcome.client,
                            "request_id": outcome.request_id, "request": request,
                            "response": response, "status": outcome.status})  # fmt: skip

    async def _timed(self, outcome: Outcome, call: Any) -> Any:
        start = time.perf_counter()
        try:
            return await call
        finally:
            outcome.upstream_seconds += time.perf_counter() - start

    # -- conclusion ---------------------------------------------------------------------

    def _conclude(self, guard: ModelGuard, decision: Decision, outcome: Outcome) -> None:
        """Take the decision's action, alert, and put its scores in the record."""
        gateway = self.gateway
        if decision.action != ALLOW:
            outcome.action = decision.action
        if decision.verdicts:
            outcome.detail["scores"] = decision.scores()
        if decision.fired:
            outcome.detail["fired"] = [v.detector for v, _ in decision.fired]
        if decision.alerts:
            outcome.detail["alerts"] = [v.detector for v, _ in decision.alerts]
        if decision.errors:
            outcome.detail["detector_errors"] = decision.errors
        if decision.action == "throttle":
            gateway.penalties.impose(outcome.client, gateway.config.rate.throttle_seconds)
        for verdict, _ in decision.fired:
            gateway.metrics.detections.labels(guard.config.name, verdict.detector).inc()
        for verdict, action in decision.alerts:
            gateway.metrics.alerts.labels(guard.config.name, verdict.detector).inc()
            if gateway.alerts is not None:
                gateway.alerts.submit(Alert(
                    at=outcome.at, model=guard.config.name, client=outcome.client,
                    detector=verdict.detector, action=action, score=float(verdict.score),
                    threshold=float(verdict.threshold), explanation=verdict.explanation,
                    request_id=outcome.request_id, details=dict(verdict.details),
                ))  # fmt: skip

    def record(self, outcome: Outcome) -> None:
        """The traffic log entry and the metrics; TrafficLogRefused propagates."""
        gateway = self.gateway
        elapsed = time.perf_counter() - outcome.started
        status = str(outcome.status)
        gateway.metrics.requests.labels(outcome.model, outcome.client, outcome.action, status).inc()
        if outcome.model != "-":
            gateway.metrics.latency.labels(outcome.model).observe(elapsed)
            gateway.metrics.overhead.labels(outcome.model).observe(
                max(elapsed - outcome.upstream_seconds, 0.0)
            )
        if gateway.log is None:
            return
        payload = {"request_id": outcome.request_id, **outcome.detail}
        if outcome.upstream_seconds:
            payload["upstream_ms"] = round(outcome.upstream_seconds * 1000, 3)
        gateway.log.record(outcome.client, outcome.model, outcome.route, outcome.action,
                           outcome.status, round(elapsed * 1000, 3), payload)  # fmt: skip

    def record_after(self, outcome: Outcome) -> None:
        """Record a request whose answer has gone already: a log that refuses now can no
        longer turn it into a 503, so the refusal is logged loudly instead."""
        from aisec.runtime.audit.writer import TrafficLogRefused

        try:
            self.record(outcome)
        except TrafficLogRefused as exc:
            _log.error("request %s served but not recorded: %s", outcome.request_id, exc)

    async def finish_reply(
        self, outcome: Outcome, send: asgi.Send, status: int, body: bytes,
        headers: list[tuple[bytes, bytes]], tags: list[str] | None = None,
    ) -> None:  # fmt: skip
        from aisec.runtime.audit.writer import TrafficLogRefused

        try:
            self.record(outcome)
        except TrafficLogRefused as exc:
            error = GatewayRefusal(f"not served: {exc.message}", status=503, retry_after=5)
            await asgi.refuse(send, error)
            return
        extra = [(b"x-aisec-request-id", outcome.request_id.encode())]
        if tags:
            extra.append((b"x-aisec-detections", ",".join(dict.fromkeys(tags)).encode()))
        if outcome.detail.get("withheld"):
            headers = [_JSON]
        await asgi.answer(send, status, body, [*headers, *extra])

    async def finish(self, outcome: Outcome, send: asgi.Send, error: GatewayRefusal) -> None:
        body = asgi.refusal_body(error, error.status)
        headers = [_JSON]
        if error.retry_after is not None:
            headers.append((b"retry-after", str(max(1, int(error.retry_after + 0.999))).encode()))
        await self.finish_reply(outcome, send, error.status, body, headers)
