"""The target of a red-team run, from a YAML file or command-line flags, wrapped in its
policy (docs/redteam.md#targets).

```yaml
kind: openai                  # openai | http | callable
url: http://127.0.0.1:8500/v1
model: support-bot
api_key_env: SUPPORT_BOT_KEY  # the key is read from the environment, never written here
stream: false
canaries: ["NW-7781-ESC"]     # what the tester planted; the attacks hunt for it
policy: {requests_per_second: 5, concurrency: 4, max_requests: 2000, max_cost: 2.0,
         price_per_1k_prompt: 0.0005, price_per_1k_completion: 0.0015}
```

Flags given on the command line override the file's policy. Unknown keys are refused:
a misspelt budget must not silently mean "no budget".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError, UsageError

CACHE = Path(".aisec/redteam/cache.sqlite")
KEYS = frozenset({"kind", "name", "url", "model", "api_key_env", "headers_env", "stream",
                  "timeout", "extra_body", "body", "answer", "method", "function", "tools",
                  "canaries", "policy", "cache", "transcript"})  # fmt: skip
POLICY_KEYS = frozenset({"requests_per_second", "concurrency", "retries", "backoff",
                         "max_requests", "max_tokens", "max_cost", "price_per_1k_prompt",
                         "price_per_1k_completion", "max_retry_after"})  # fmt: skip


@dataclass(frozen=True)
class TargetOptions:
    file: Path | None = None
    openai: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    callable: str | None = None
    rate: float | None = None
    concurrency: int | None = None
    max_requests: int | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    cache: bool = True
    seed: int = 0
    trust: bool = False  # a target file may name Python code to import


@dataclass
class BuiltTarget:
    target: Any  # a Guarded target
    canaries: tuple[str, ...] = ()
    tools: bool = True
    spec: dict[str, Any] = field(default_factory=dict)


def build_target(options: TargetOptions) -> BuiltTarget:
    given = [x for x in (options.file, options.openai, options.callable) if x is not None]
    if len(given) != 1:
        raise UsageError("name one target: --target FILE, --openai URL --model NAME, or "
                         "--callable MODULE:FUNCTION")  # fmt: skip
    if options.file is not None:
        spec = read_spec(options.file)
        if spec.get("kind") == "callable" and not options.trust:
            # A target file can come with a repository; importing the code it names runs it.
            raise ConfigError(
                f"{options.file} names Python code to import ({spec.get('function')!r})",
                hint="pass --trust if you wrote it or reviewed it, or use --callable",
            )
    elif options.openai is not None:
        if not options.model:
            raise UsageError("--openai needs --model NAME")
        spec = {"kind": "openai", "url": options.openai, "model": options.model,
                "api_key_env": options.api_key_env}  # fmt: skip
    else:
        spec = {"kind": "callable", "function": options.callable}
    target = _raw_target(spec)
    policy = _policy(spec, options)
    from aisec.llm.targets import Guarded

    canaries = spec.get("canaries") or []
    if not isinstance(canaries, list) or not all(isinstance(c, str) and c for c in canaries):
        raise ConfigError("target: canaries must be a list of non-empty strings")
    tools = bool(spec.get("tools", target.supports_tools)) and target.supports_tools
    return BuiltTarget(Guarded(target, policy), tuple(canaries), tools, spec)


BOOLEANS = ("stream", "tools")


def _check_types(path: Path, data: dict[str, Any]) -> None:
    """Refuse what YAML reads but does not mean: ``stream: "false"`` is a true string."""
    for key in BOOLEANS:
        if key in data and not isinstance(data[key], bool):
            raise ConfigError(f"{path}: {key} must be true or false, not {data[key]!r}")
    if "cache" in data and not isinstance(data["cache"], bool | str):
        raise ConfigError(f"{path}: cache must be true, false or a file path")
    headers = data.get("headers_env")
    if headers is not None and not (
        isinstance(headers, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in headers.items())
    ):  # fmt: skip
        raise ConfigError(f"{path}: headers_env must map header names to variable names")
    for key in ("url", "model", "api_key_env", "function", "answer", "method", "name"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{path}: {key} must be a string")


def read_spec(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of target settings")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r}", hint=f"keys: {', '.join(sorted(KEYS))}"
        )
    _check_types(path, data)
    return data


def read_canaries(path: Path | None) -> list[str]:
    """Canaries from a JSON file: a list of strings; an object with a ``values`` list
    (what ``aisec redteam serve-target --canaries`` writes, beside the model name and URL,
    which are not canaries); or an object whose string values, at any depth, are."""
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read canaries from {path}: {exc}") from None
    found: list[str] = []
    _strings(data.get("values", data) if isinstance(data, dict) else data, found)
    if not found:
        raise ConfigError(f"{path} holds no canary strings")
    return found


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str) and value.strip():
        out.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def _raw_target(spec: Mapping[str, Any]) -> Any:
    from aisec.llm.targets import CallableTarget, HttpTemplateTarget, OpenAIChatTarget

    kind = spec.get("kind")
    try:
        if kind == "openai":
            return OpenAIChatTarget(
                _required(spec, "url"), _required(spec, "model"),
                api_key_env=spec.get("api_key_env"), headers_env=spec.get("headers_env"),
                stream=bool(spec.get("stream", False)), timeout=float(spec.get("timeout", 60)),
                extra_body=spec.get("extra_body"), name=spec.get("name"),
            )  # fmt: skip
        if kind == "http":
            return HttpTemplateTarget(
                _required(spec, "url"), _required(spec, "body"), _required(spec, "answer"),
                method=str(spec.get("method", "POST")), headers_env=spec.get("headers_env"),
                timeout=float(spec.get("timeout", 60)), name=spec.get("name"),
            )  # fmt: skip
        if kind == "callable":
            return CallableTarget(_required(spec, "function"), name=spec.get("name"),
                                  supports_tools=bool(spec.get("tools", True)))  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"target: {exc}") from None
    raise ConfigError(f"target kind {kind!r}: expected openai, http or callable")


def _required(spec: Mapping[str, Any], key: str) -> Any:
    if spec.get(key) in (None, ""):
        raise ConfigError(f"target of kind {spec.get('kind')}: {key!r} is required")
    return spec[key]


def _policy(spec: Mapping[str, Any], options: TargetOptions) -> Any:
    from aisec.llm.targets import Policy, ResponseCache

    given = spec.get("policy") or {}
    if not isinstance(given, dict):
        raise ConfigError("target: policy must be a mapping")
    unknown = sorted(set(given) - POLICY_KEYS)
    if unknown:
        raise ConfigError(f"target policy: unknown key {unknown[0]!r}",
                          hint=f"keys: {', '.join(sorted(POLICY_KEYS))}")  # fmt: skip
    flags = {"requests_per_second": options.rate, "concurrency": options.concurrency,
             "max_requests": options.max_requests, "max_tokens": options.max_tokens,
             "max_cost": options.max_cost}  # fmt: skip
    merged = {**given, **{k: v for k, v in flags.items() if v is not None}}
    cache = None
    if options.cache and spec.get("cache", True) is not False:
        where = spec.get("cache")
        cache = ResponseCache(Path(where) if isinstance(where, str) else CACHE)
    transcript = None
    if spec.get("transcript"):
        from aisec.llm.targets import TranscriptLog

        transcript = TranscriptLog(Path(str(spec["transcript"])))
    try:
        return Policy(**merged, cache=cache, transcript=transcript, seed=options.seed)
    except TypeError as exc:
        raise ConfigError(f"target policy: {exc}") from None
