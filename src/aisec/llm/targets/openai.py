"""An OpenAI-compatible chat-completions endpoint: OpenAI itself, Azure's and most
gateways' compatible routes, vLLM, llama.cpp, Ollama, LiteLLM, aisec's own simulator.

``POST {base_url}/chat/completions``, whole or streamed. The API key is read from the
environment variable the user names, sent as a bearer token, and never shown:
:meth:`OpenAIChatTarget.describe`, errors and transcripts hold the variable's name only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.http_target import public_url
from aisec.core.errors import ConfigError, TargetAnswerInvalid, TargetError
from aisec.llm.targets.base import (
    ChatAnswer,
    ChatRequest,
    canonical_json,
    capped_raw,
    decode_json,
    text_of,
    token_count,
    tool_call_out,
)
from aisec.llm.targets.cache import identity, secret_digest
from aisec.llm.targets.redaction import Redactor, header_secrets, url_secrets
from aisec.llm.targets.stream import LineSplitter, StreamAssembler
from aisec.llm.targets.transport import (
    MAX_ANSWER_BYTES,
    HttpChannel,
    env_headers,
    read_capped,
    too_large,
)

if TYPE_CHECKING:
    import httpx

# A streamed answer may take long in total while each piece arrives promptly: ``timeout``
# bounds the silence between pieces, this many timeouts the whole answer.
STREAM_TOTAL_FACTOR = 10
_FIXED = frozenset({"model", "messages", "stream", "tools"})


class OpenAIChatTarget:
    supports_tools = True

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str | None = None,
        headers_env: Mapping[str, str] | None = None,
        stream: bool = False,
        timeout: float = 60.0,
        extra_body: Mapping[str, Any] | None = None,
        name: str | None = None,
        max_tokens_field: str = "max_tokens",
    ) -> None:
        fixed = sorted(set(extra_body or {}) & _FIXED)
        if fixed:
            raise ConfigError(f"extra_body cannot set {', '.join(fixed)}: the target sets them")
        headers = env_headers(headers_env or {})
        if api_key_env is not None:
            key = os.environ.get(api_key_env)
            if not key:
                raise ConfigError(f"environment variable {api_key_env} (the API key) is not set",
                                  hint=f"export {api_key_env}=...")  # fmt: skip
            headers["Authorization"] = f"Bearer {key}"
        self.redactor = Redactor([*header_secrets(headers.values()), *url_secrets(base_url)])
        self.base_url, self.model, self.stream = base_url.rstrip("/"), model, stream
        self.api_key_env, self.header_names = api_key_env, sorted(headers_env or {})
        self.timeout, self.extra_body = timeout, dict(extra_body or {})
        self.max_tokens_field = max_tokens_field
        self.channel = HttpChannel(completions_url(base_url), headers, timeout, self.redactor)
        self.name = name or f"{model} at {public_url(self.base_url)}"

    def __repr__(self) -> str:
        return f"OpenAIChatTarget({self.name!r})"

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "openai-chat", "name": self.name, "base_url": public_url(self.base_url),
            "model": self.model, "stream": self.stream, "timeout": self.timeout,
            "api_key_env": self.api_key_env, "headers_env": self.header_names,
            "extra_body": self.redactor.value(self.extra_body),
            "max_tokens_field": self.max_tokens_field,
        }  # fmt: skip

    def cache_identity(self) -> dict[str, Any]:
        """What the cache keys answers on: :meth:`describe` and what it hides (the full
        URL, the header values, ``extra_body``), the hidden parts as SHA-256 only."""
        return {**identity(self.describe()), "private": {
            "url": secret_digest(self.channel.url),
            "headers": {k: secret_digest(v) for k, v in sorted(self.channel.headers.items())},
            "extra_body": secret_digest(canonical_json(self.extra_body)),
        }}  # fmt: skip

    def payload(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "stream": self.stream,
                                "messages": [dict(m) for m in request.messages]}  # fmt: skip
        if request.tools:
            body["tools"] = [dict(t) for t in request.tools]
        if request.max_tokens is not None:
            body[self.max_tokens_field] = request.max_tokens
        if self.stream:
            body["stream_options"] = {"include_usage": True}
        for key, value in self.extra_body.items():
            # None removes a field a server refuses (some reject "stream_options").
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    async def send(self, request: ChatRequest) -> ChatAnswer:
        started = time.perf_counter()
        total = self.timeout * (STREAM_TOTAL_FACTOR if self.stream else 1)
        try:
            async with self.channel.open("POST", self.payload(request), total) as response:
                kind = response.headers.get("content-type", "")
                if self.stream and kind.startswith("text/event-stream"):
                    answer = await self._streamed(response)
                else:  # a server that ignores "stream" answers whole
                    answer = self._whole(await read_capped(response))
        except TargetError as error:
            raise self.redactor.error(error) from None
        # Every string that leaves the target is scrubbed, tool calls included.
        answer = self.redactor.answer(answer)
        return replace(answer, status=response.status_code, seconds=time.perf_counter() - started)

    async def aclose(self) -> None:
        await self.channel.aclose()

    async def _streamed(self, response: httpx.Response) -> ChatAnswer:
        assembler, lines, size = StreamAssembler(self.redactor), LineSplitter(), 0
        async for chunk in response.aiter_raw():  # as sent: no decoder runs
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise too_large(MAX_ANSWER_BYTES)
            for line in lines.feed(chunk):
                assembler.feed_line(line)
                if assembler.done:
                    break
            if assembler.done:
                break
        rest = lines.rest()
        if rest is not None and not assembler.done:
            assembler.feed_line(rest)
        assembler.finish()
        prompt, completion = assembler.tokens()
        raw = {"streamed_chunks": assembler.chunks, "finish_reason": assembler.finish_reason,
               "usage": assembler.usage, "done": assembler.done}  # fmt: skip
        return ChatAnswer(
            content="".join(assembler.content), tool_calls=assembler.tool_calls(),
            finish_reason=assembler.finish_reason, prompt_tokens=prompt,
            completion_tokens=completion, raw=capped_raw(self.redactor.value(raw)),
        )  # fmt: skip

    def _whole(self, data: bytes) -> ChatAnswer:
        try:
            body = decode_json(data, f"{self.name}: the answer")
        except ValueError:
            raise TargetAnswerInvalid(f"{self.name}: the answer is not JSON") from None
        return parse_completion(self.redactor.value(body), self.name)


def completions_url(base_url: str) -> str:
    """``{base_url}/chat/completions``, the path added before any query string (Azure's
    ``?api-version=...``); a fragment is never sent, so it is dropped."""
    base = base_url.partition("#")[0]
    path, mark, query = base.partition("?")
    return f"{path.rstrip('/')}/chat/completions{mark}{query}"


def parse_completion(body: Any, name: str) -> ChatAnswer:
    """A ``chat.completion`` object as an answer; its first choice only."""
    choices = body.get("choices") if isinstance(body, Mapping) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise TargetAnswerInvalid(f"{name}: the answer has no choices[0]",
                                  hint="is this an OpenAI-compatible endpoint?")  # fmt: skip
    message = choices[0].get("message")
    if not isinstance(message, Mapping):
        raise TargetAnswerInvalid(f"{name}: the answer has no choices[0].message")
    # A model's structured refusal comes in "refusal" with no content; a detector of
    # refusals must see it.
    content = text_of(message.get("content")) or text_of(message.get("refusal"))
    calls = [c for c in message.get("tool_calls") or () if isinstance(c, Mapping)]
    if isinstance(message.get("function_call"), Mapping):  # the pre-tools protocol
        calls.append({"id": "function_call", "function": message["function_call"]})
    usage = body.get("usage") if isinstance(body.get("usage"), Mapping) else {}
    finish = choices[0].get("finish_reason")
    return ChatAnswer(
        content=content,
        tool_calls=tuple(tool_call_out(c, i) for i, c in enumerate(calls)),
        finish_reason=finish if isinstance(finish, str) else None,
        prompt_tokens=token_count(usage.get("prompt_tokens")),
        completion_tokens=token_count(usage.get("completion_tokens")),
        raw=capped_raw(body),
    )
