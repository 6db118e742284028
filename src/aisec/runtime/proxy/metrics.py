"""Prometheus metrics at ``/metrics``, in a registry of the gateway's own (several
gateways in one test process must not share counters).

Label values are configured names (models, key names, detector names, actions), never
request content, so the series stay bounded by the configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class GatewayMetrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "aisec_gateway_requests", "Requests answered, by model, client, action and status",
            ["model", "client", "action", "status"], registry=self.registry,
        )  # fmt: skip
        self.detections = Counter(
            "aisec_gateway_detections", "Detector verdicts that crossed their threshold",
            ["model", "detector"], registry=self.registry,
        )  # fmt: skip
        self.detector_errors = Counter(
            "aisec_gateway_detector_errors", "Detectors that raised instead of answering",
            ["model", "detector"], registry=self.registry,
        )  # fmt: skip
        buckets = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
        self.latency = Histogram(
            "aisec_gateway_request_seconds", "Time from request to answer, upstream included",
            ["model"], buckets=buckets, registry=self.registry,
        )  # fmt: skip
        self.overhead = Histogram(
            "aisec_gateway_overhead_seconds", "Time the gateway itself added to a request",
            ["model"], buckets=buckets, registry=self.registry,
        )  # fmt: skip
        self.breaker = Gauge(
            "aisec_gateway_breaker_state",
            "Upstream circuit breaker: 0 closed, 1 half-open, 2 open",
            ["model"], registry=self.registry,
        )  # fmt: skip
        self.alerts = Counter(
            "aisec_gateway_alerts", "Alerts raised, by model and detector",
            ["model", "detector"], registry=self.registry,
        )  # fmt: skip
        self.audit = Gauge(
            "aisec_gateway_audit_entries", "Traffic log entries by state (recorded, written, "
            "spooled, pending)", ["state"], registry=self.registry,
        )  # fmt: skip

    def watch_audit(self, counters: Callable[[], dict[str, int]]) -> None:
        """Read the traffic log's counters when /metrics is scraped, not per request."""

        def reader(state: str) -> Callable[[], float]:
            return lambda: float(counters().get(state, 0))

        for state in ("recorded", "written", "spooled", "replayed", "pending", "refused"):
            self.audit.labels(state).set_function(reader(state))

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
