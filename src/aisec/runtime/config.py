"""The gateway's configuration file (``aisec gateway serve --config gateway.yaml``).

Format ``aisec.gateway/1``; every key is documented in docs/gateway.md. Paths in the file
are relative to the file's directory. The database and the audit key are not in this file:
they are the usual settings (``AISEC_DATABASE_URL``, ``AISEC_AUDIT_KEY``), so the file
holds no secret and can live in a repository. Webhook secrets are named by the
environment variable that holds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aisec.core.errors import ConfigError
from aisec.runtime.config_reading import Section

FORMAT = "aisec.gateway/1"
PROTOCOLS = ("kserve-v2", "mlflow", "custom", "openai")
ACTIONS = ("log", "alert", "tag", "throttle", "block", "redact")
# Most severe first: when several detectors fire, the strongest action is taken.
ACTION_ORDER = {"block": 5, "throttle": 4, "redact": 3, "tag": 2, "alert": 1, "log": 0}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MIN_RETENTION_DAYS = 183  # EU AI Act Art. 19 and 26(6): logs kept at least six months
WRITERS = ("process", "thread")  # where the traffic log's work runs (docs/adr/0023)


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    name: str  # "evasion.ood"
    action: str  # what happens when it fires
    params: Mapping[str, Any] = field(default_factory=dict)  # the detector's own


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    failures: int = 5  # consecutive upstream failures that open the breaker
    reset_seconds: float = 10.0  # how long it stays open before one trial request
    retries: int = 1  # further attempts after a connection failure (never after a reply)
    timeout_seconds: float = 30.0  # per upstream request


@dataclass(frozen=True, slots=True)
class CustomShape:
    """Where a custom JSON API keeps its rows and answers (RFC 6901 JSON pointers)."""

    inputs: str = "/inputs"  # a list of rows (lists of numbers) or of {name: value}
    predictions: str = "/predictions"
    probabilities: str | None = None


@dataclass(frozen=True, slots=True)
class ModelConfig:
    name: str
    protocol: str
    upstream: str  # base URL, e.g. http://10.0.0.5:8080
    upstream_model: str  # the model's name on the upstream (KServe path, OpenAI "model")
    path: str  # custom: the upstream path requests go to
    reference: Path | None  # `aisec gateway reference build` output
    schema: Path | None  # the feature schema (as in test plans): requests are checked on it
    features: tuple[str, ...]  # input column order; from the reference when not given
    fail: str  # "open" or "closed": when a detector errors
    detectors: tuple[DetectorConfig, ...]
    breaker: BreakerConfig
    custom: CustomShape
    max_rows: int  # rows per request


@dataclass(frozen=True, slots=True)
class RateConfig:
    backend: str = "memory"  # or "redis"
    redis_url: str | None = None
    rate: float | None = None  # default per-key requests/s when a key sets none
    burst: float | None = None
    fail: str = "open"  # when Redis is unreachable
    throttle_rate: float = 1.0  # requests/s left to a client a detector throttles
    throttle_seconds: float = 300.0


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str
    secret_env: str  # environment variable holding the HMAC secret
    min_severity: str = "alert"


@dataclass(frozen=True, slots=True)
class AlertConfig:
    jsonl: Path | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    incident_system: str | None = None  # open governance incidents against this AI system
    incident_detectors: tuple[str, ...] = ()  # which detectors' alerts open one
    incident_categories: tuple[str, ...] = ()  # EU AI Act Art. 3(49) points: a, b, c, d


@dataclass(frozen=True, slots=True)
class AuditConfig:
    spool_dir: Path = Path(".aisec/gateway-spool")
    checkpoint_every: int = 1000
    checkpoint_seconds: float = 10.0
    retention_days: int = MIN_RETENTION_DAYS
    writer: str = "process"  # where the log's work runs: its own process, or a thread


@dataclass(frozen=True, slots=True)
class CaptureConfig:
    path: Path | None = None  # requests and answers as JSON lines, for `gateway replay`
    max_bytes: int = 1 << 30


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    instance: str
    host: str
    port: int
    max_body_bytes: int
    models: tuple[ModelConfig, ...]
    rate: RateConfig
    alerts: AlertConfig
    audit: AuditConfig
    anonymous: bool  # serve without keys (testing only; every request is "anonymous")
    keys: tuple[Any, ...] = ()  # keys declared here by their SHA-256 (access.config_keys)
    capture: CaptureConfig = CaptureConfig()
    metrics_public: bool = False  # /metrics without a key (bind to a private address)
    source: Path | None = None

    def model(self, name: str) -> ModelConfig | None:
        return next((m for m in self.models if m.name == name), None)


def load_config(path: Path) -> GatewayConfig:
    from aisec.assurance.plans.yaml_file import read_yaml

    return parse_config(read_yaml(path, "gateway configuration"), base=path.parent, source=path)


def parse_config(data: object, *, base: Path, source: Path | None = None) -> GatewayConfig:
    top = Section(data, "")
    fmt = top.raw("format", FORMAT)
    if fmt != FORMAT:
        raise ConfigError(f"format must be {FORMAT!r}, not {fmt!r}")
    listen = top.section("listen")
    host = listen.text("host", "127.0.0.1")
    port = listen.integer("port", 8400, low=0, high=65535)
    listen.done()
    raw_models = top.items("models")
    if not raw_models:
        raise ConfigError("models: the gateway needs at least one model to protect")
    models = tuple(_model(item, f"models[{i}]", base) for i, item in enumerate(raw_models))
    names = [m.name for m in models]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"models: the name {name!r} is used twice")
    config = GatewayConfig(
        instance=_name(top.text("instance", "gateway"), "instance"),
        host=host,
        port=port,
        max_body_bytes=top.integer("max_body_bytes", 1 << 20, low=1024, high=1 << 30),
        models=models,
        rate=_rate(top.section("rate_limits")),
        alerts=_alerts(top.section("alerts"), base),
        audit=_audit(top.section("audit"), base),
        anonymous=top.flag("allow_anonymous", False),
        keys=tuple(top.items("keys")),
        metrics_public=top.flag("metrics_public", False),
        capture=_capture(top.section("capture"), base),
        source=source,
    )
    top.done()
    return config


def _name(value: str, where: str) -> str:
    if not _NAME.fullmatch(value):
        raise ConfigError(
            f"{where} {value!r} must be 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


def _url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} must be an http(s) URL, not {value!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{where} must be a base URL without query or fragment")
    return value.rstrip("/")


def _model(item: object, path: str, base: Path) -> ModelConfig:
    section = Section(item, path)
    name = _name(section.text("name", required=True), f"{path}.name")
    protocol = section.choice("protocol", "kserve-v2", PROTOCOLS)
    reference = section.optional_text("reference")
    schema = section.optional_text("schema")
    breaker = section.section("breaker")
    shape = section.section("custom")
    model = ModelConfig(
        name=name,
        protocol=protocol,
        upstream=_url(section.text("upstream", required=True), f"{path}.upstream"),
        upstream_model=section.text("upstream_model", name),
        path=_path(section.text("path", "/predict"), f"{path}.path"),
        reference=(base / reference) if reference else None,
        schema=(base / schema) if schema else None,
        features=section.texts("features"),
        fail=section.choice("fail", "open", ("open", "closed")),
        detectors=_detectors(section.section("detectors")),
        breaker=BreakerConfig(
            failures=breaker.integer("failures", 5, low=1, high=10_000),
            reset_seconds=breaker.number("reset_seconds", 10.0, low=0.01, high=3600),
            retries=breaker.integer("retries", 1, low=0, high=5),
            timeout_seconds=breaker.number("timeout_seconds", 30.0, low=0.01, high=3600),
        ),
        custom=CustomShape(
            inputs=_pointer(shape.text("inputs", "/inputs"), f"{path}.custom.inputs"),
            predictions=_pointer(
                shape.text("predictions", "/predictions"), f"{path}.custom.predictions"
            ),
            probabilities=_optional_pointer(shape, "probabilities"),
        ),
        max_rows=section.integer("max_rows", 1000, low=1, high=1_000_000),
    )
    for part in (breaker, shape, section):
        part.done()
    return model


def _path(value: str, where: str) -> str:
    if not value.startswith("/") or "?" in value or "#" in value or ".." in value:
        raise ConfigError(f"{where} must be an absolute path without '..', query or fragment")
    return value


def _pointer(value: str, where: str) -> str:
    if value and not value.startswith("/"):
        raise ConfigError(f"{where} must be a JSON pointer such as /inputs, not {value!r}")
    return value


def _optional_pointer(section: Section, key: str) -> str | None:
    value = section.optional_text(key)
    return None if value is None else _pointer(value, section.at(key))


def _detectors(section: Section) -> tuple[DetectorConfig, ...]:
    made: list[DetectorConfig] = []
    for name in list(section.rest()):
        spec = Section(section.raw(name), section.at(name))
        action = spec.choice("action", "alert", ACTIONS)
        made.append(DetectorConfig(name=name, action=action, params=spec.rest()))
    return tuple(made)


def _rate(section: Section) -> RateConfig:
    backend = section.choice("backend", "memory", ("memory", "redis"))
    redis_url = section.optional_text("redis_url")
    if backend == "redis" and redis_url is None:
        raise ConfigError(f"{section.at('redis_url')} is required with backend: redis")
    rate = section.number("rate", 0, low=0, high=1e9) if section.has("rate") else None
    burst = section.number("burst", 0, low=1, high=1e9) if section.has("burst") else None
    config = RateConfig(
        backend=backend,
        redis_url=redis_url,
        rate=rate,
        burst=burst,
        fail=section.choice("fail", "open", ("open", "closed")),
        throttle_rate=section.number("throttle_rate", 1.0, low=0.001, high=1e6),
        throttle_seconds=section.number("throttle_seconds", 300.0, low=1, high=86_400 * 30),
    )
    section.done()
    return config


def _alerts(section: Section, base: Path) -> AlertConfig:
    jsonl = section.optional_text("jsonl")
    hooks = []
    for index, item in enumerate(section.items("webhooks")):
        hook = Section(item, f"{section.at('webhooks')}[{index}]")
        hooks.append(
            WebhookConfig(
                url=_url(hook.text("url", required=True), hook.at("url")),
                secret_env=hook.text("secret_env", required=True),
                min_severity=hook.choice("on", "alert", ("alert", "block")),
            )
        )
        hook.done()
    incident = section.section("incidents")
    system = incident.optional_text("system")
    categories = incident.texts("categories")
    if system is not None and not categories:
        raise ConfigError(
            f"{incident.at('categories')} is required with an incident system: governance "
            "keeps serious incidents only (EU AI Act Art. 3(49)), and their deadline "
            "depends on the category",
            hint="a: harm to health, b: critical infrastructure, c: fundamental rights, "
            "d: property or environment",
        )
    unknown = sorted(set(categories) - {"a", "b", "c", "d"})
    if unknown:
        raise ConfigError(f"{incident.at('categories')}: unknown category {unknown[0]!r}",
                          hint="use a, b, c or d (EU AI Act Art. 3(49))")  # fmt: skip
    config = AlertConfig(
        jsonl=(base / jsonl) if jsonl else None,
        webhooks=tuple(hooks),
        incident_system=system,
        incident_detectors=incident.texts("detectors"),
        incident_categories=categories,
    )
    incident.done()
    section.done()
    return config


def _audit(section: Section, base: Path) -> AuditConfig:
    retention = section.integer("retention_days", MIN_RETENTION_DAYS, low=1, high=36_500)
    allow_short = section.flag("allow_short_retention", False)
    if retention < MIN_RETENTION_DAYS and not allow_short:
        raise ConfigError(
            f"{section.at('retention_days')} is {retention}: the EU AI Act (Art. 19, 26(6)) "
            f"asks for at least {MIN_RETENTION_DAYS} days",
            hint="set allow_short_retention: true if this gateway is not in its scope",
        )
    config = AuditConfig(
        spool_dir=base / section.text("spool_dir", ".aisec/gateway-spool"),
        checkpoint_every=section.integer("checkpoint_every", 1000, low=1, high=10_000_000),
        checkpoint_seconds=section.number("checkpoint_seconds", 10.0, low=0.1, high=86_400),
        retention_days=retention,
        writer=section.choice("writer", "process", WRITERS),
    )
    section.done()
    return config


def _capture(section: Section, base: Path) -> CaptureConfig:
    path = section.optional_text("path")
    config = CaptureConfig(
        path=(base / path) if path else None,
        max_bytes=section.integer("max_mb", 1024, low=1, high=1 << 20) << 20,
    )
    section.done()
    return config
