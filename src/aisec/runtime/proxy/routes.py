"""The gateway's URL space: which model a path calls, with which protocol, and where the
call goes upstream.

    POST /v2/models/{model}[/versions/{v}]/infer   kserve-v2  predict
    GET  /v2/models/{model}[/versions/{v}][/ready] kserve-v2  metadata
    POST /models/{model}/invocations               mlflow     predict
    POST /models/{model}/predict                   custom     predict
    POST /openai/{model}/v1/chat/completions       openai     chat
    POST /openai/{model}/v1/completions            openai     chat
    POST /v1/chat/completions, /v1/completions     openai     chat (model named in the body)
    GET  /healthz                                  the gateway's own liveness
    GET  /metrics                                  Prometheus (a key with the "metrics" route)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREDICT, CHAT, METADATA, METRICS = "predict", "chat", "metadata", "metrics"
# A version goes into the upstream URL: one plain segment, never "..".
_VERSION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
ROUTE_KINDS = (PREDICT, CHAT, METADATA, METRICS)


@dataclass(frozen=True, slots=True)
class Route:
    kind: str
    protocol: str
    model: str | None  # None: named in the body (OpenAI's single base URL)
    upstream_path: str  # "{model}" is replaced by the model's upstream name
    stream_capable: bool = False


def match(method: str, path: str) -> Route | None:
    parts = path.strip("/").split("/")
    if parts[:2] == ["v2", "models"] and len(parts) >= 3:
        return _kserve(method, parts[2], parts[3:])
    if parts[:1] == ["models"] and len(parts) == 3 and method == "POST":
        if parts[2] == "invocations":
            return Route(PREDICT, "mlflow", parts[1], "/invocations")
        if parts[2] == "predict":
            return Route(PREDICT, "custom", parts[1], "")
        return None
    if method == "POST" and parts[:1] == ["openai"] and len(parts) >= 4:
        tail = "/" + "/".join(parts[2:])
        if tail in ("/v1/chat/completions", "/v1/completions"):
            return Route(CHAT, "openai", parts[1], tail, stream_capable=True)
        return None
    if method == "POST" and path in ("/v1/chat/completions", "/v1/completions"):
        return Route(CHAT, "openai", None, path, stream_capable=True)
    return None


def _kserve(method: str, model: str, rest: list[str]) -> Route | None:
    version = ""
    if rest[:1] == ["versions"] and len(rest) >= 2:
        if not _VERSION.fullmatch(rest[1]):
            return None
        version, rest = f"/versions/{rest[1]}", rest[2:]
    base = "/v2/models/{model}" + version
    if method == "POST" and rest == ["infer"]:
        return Route(PREDICT, "kserve-v2", model, base + "/infer")
    if method == "GET" and rest in ([], ["ready"]):
        return Route(METADATA, "kserve-v2", model, base + ("/ready" if rest else ""))
    return None
