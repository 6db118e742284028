"""Any HTTP JSON endpoint, described by where the prompt goes and where the answer is.

For chatbots behind an in-house API: ``{"query": "{{prompt}}", "session": "red-team"}``
and ``answer_path="data.output.text"``. Such endpoints take no tool definitions, so the
target says ``supports_tools = False`` and leaves tools out of what it sends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aisec.assurance.targets.http_target import public_url
from aisec.core.errors import ConfigError, TargetAnswerInvalid, TargetError
from aisec.llm.targets.base import (
    ChatAnswer,
    ChatRequest,
    canonical_json,
    capped_raw,
    decode_json,
    text_of,
)
from aisec.llm.targets.cache import identity, secret_digest
from aisec.llm.targets.redaction import Redactor, header_secrets, url_secrets
from aisec.llm.targets.template import (
    PathMissing,
    fill,
    format_path,
    parse_path,
    parse_template,
    read_path,
)
from aisec.llm.targets.transport import HttpChannel, env_headers, read_capped

_METHODS = ("POST", "PUT", "PATCH")


class HttpTemplateTarget:
    supports_tools = False

    def __init__(
        self,
        url: str,
        body_template: Mapping[str, Any] | str,
        answer_path: str,
        method: str = "POST",
        headers_env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        name: str | None = None,
    ) -> None:
        if method.upper() not in _METHODS:
            raise ConfigError(f"method {method!r}: use one of {', '.join(_METHODS)}")
        self.template = parse_template(body_template)
        self.steps = parse_path(answer_path)
        headers = env_headers(headers_env or {})
        self.redactor = Redactor([*header_secrets(headers.values()), *url_secrets(url)])
        self.method, self.timeout, self.header_names = method.upper(), timeout, sorted(headers)
        self.channel = HttpChannel(url, headers, timeout, self.redactor)
        self.name = name or public_url(url)

    def __repr__(self) -> str:
        return f"HttpTemplateTarget({self.name!r})"

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "http-template", "name": self.name, "url": self.channel.shown,
            "method": self.method, "body_template": self.template,
            "answer_path": format_path(self.steps), "headers_env": self.header_names,
            "timeout": self.timeout,
        }  # fmt: skip

    def cache_identity(self) -> dict[str, Any]:
        """:meth:`describe` and, as SHA-256 only, the full URL and the header values."""
        return {**identity(self.describe()), "private": {
            "url": secret_digest(self.channel.url),
            "headers": {k: secret_digest(v) for k, v in sorted(self.channel.headers.items())},
        }}  # fmt: skip

    def body(self, request: ChatRequest) -> Any:
        users = [m for m in request.messages if m.get("role") == "user"]
        prompt = text_of(users[-1].get("content")) if users else ""
        system = "\n\n".join(
            text_of(m.get("content")) for m in request.messages if m.get("role") == "system"
        )
        return fill(self.template, prompt, system, request.messages)

    async def send(self, request: ChatRequest) -> ChatAnswer:
        started = time.perf_counter()
        try:
            answer, status = await self._send(request)
        except TargetError as error:
            raise self.redactor.error(error) from None
        # Every string that leaves the target is scrubbed.
        answer = self.redactor.answer(answer)
        return replace(answer, status=status, seconds=time.perf_counter() - started)

    async def _send(self, request: ChatRequest) -> tuple[ChatAnswer, int]:
        async with self.channel.open(self.method, self.body(request), self.timeout) as response:
            data = await read_capped(response)
        text = data.decode("utf-8", errors="replace")
        try:
            decoded: Any = decode_json(text, f"{self.name}: the answer")
        except ValueError:
            if self.steps:
                raise TargetAnswerInvalid(f"{self.name}: the answer is not JSON") from None
            decoded = text  # a plain-text endpoint, read whole
        decoded = self.redactor.value(decoded)
        try:
            value = read_path(decoded, self.steps)
        except PathMissing as exc:
            raise TargetAnswerInvalid(
                f"{self.name}: nothing at answer_path {format_path(self.steps)!r}: {exc}",
                hint="fix answer_path to where the endpoint puts its answer",
            ) from None
        answer = ChatAnswer(
            content=_as_text(value), finish_reason="stop",
            raw=capped_raw(decoded if isinstance(decoded, Mapping) else {"body": decoded}),
        )  # fmt: skip
        return answer, response.status_code

    async def aclose(self) -> None:
        await self.channel.aclose()


def _as_text(value: Any) -> str:
    # A number or an object at the path is still an answer a detector can read.
    if isinstance(value, str):
        return value
    return "" if value is None else canonical_json(value)
