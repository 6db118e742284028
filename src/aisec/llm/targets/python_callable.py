"""A Python function as the target: an application's own entry point, a LangChain chain
wrapped in two lines, or a local model, tested without standing up a server.

The function is called as ``function(messages, tools)`` with OpenAI's message and tool
dicts (copies: it may change them freely) and answers a string, or a message dict with
``content`` and ``tool_calls`` (and optionally ``usage`` and ``finish_reason``), or an
awaitable of either. A plain function runs in a worker thread so that a slow one does
not stall the other conversations of a run.

Named on the command line as ``module:function`` or ``file.py:function``; importing the
module runs its code, as the user who named it intends.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from aisec.core.errors import TargetAnswerInvalid, TargetError, TargetUnavailable
from aisec.llm.targets.base import (
    MAX_JSON_DEPTH,
    ChatAnswer,
    ChatRequest,
    capped_raw,
    text_of,
    token_count,
    too_deep,
    tool_call_out,
)
from aisec.llm.targets.cache import identity
from aisec.llm.targets.redaction import Redactor

# No secret is sent to a function, but what it answers is made safe to encode alike.
_CLEAN = Redactor(())


class CallableTarget:
    def __init__(self, function: Callable[..., Any] | str, name: str | None = None,
                 supports_tools: bool = True) -> None:  # fmt: skip
        self.digest = ""
        if isinstance(function, str):
            # Shared with `aisec validate --callable`, so both name functions alike.
            from aisec.core.user_code import resolve

            self.spec = function
            function, self.digest = resolve(function)
        else:
            self.spec = getattr(function, "__qualname__", None) or repr(function)
        self.function = function
        self.name = name or self.spec
        self.supports_tools = supports_tools

    def __repr__(self) -> str:
        return f"CallableTarget({self.name!r})"

    def describe(self) -> dict[str, Any]:
        return {"kind": "callable", "name": self.name, "callable": self.spec,
                "sha256": self.digest, "supports_tools": self.supports_tools}  # fmt: skip

    def cache_identity(self) -> dict[str, Any] | None:
        """None (not cached) for a function given as an object: two lambdas or closures
        share a name, and nothing tells their answers apart. One named by its file or
        module is keyed on its file's SHA-256."""
        return identity(self.describe()) if self.digest else None

    async def send(self, request: ChatRequest) -> ChatAnswer:
        messages = [copy.deepcopy(dict(m)) for m in request.messages]
        tools = [copy.deepcopy(dict(t)) for t in request.tools] if self.supports_tools else []
        started = time.perf_counter()
        try:
            if inspect.iscoroutinefunction(self.function):
                result = await self.function(messages, tools)
            else:
                result = await asyncio.to_thread(self.function, messages, tools)
                if inspect.isawaitable(result):
                    result = await result
        except TargetError as error:
            # The function's own verdict, e.g. TargetUnavailable to ask for a retry.
            raise _CLEAN.error(error) from None
        except Exception as exc:
            raise _CLEAN.error(TargetUnavailable(f"{self.name} raised {type(exc).__name__}: "
                                                 f"{exc}", retryable=False)) from exc  # fmt: skip
        return replace(self.answer(result), seconds=time.perf_counter() - started)

    def answer(self, result: Any) -> ChatAnswer:
        return _CLEAN.answer(self._answer(result))

    def _answer(self, result: Any) -> ChatAnswer:
        if too_deep(result):
            raise TargetAnswerInvalid(f"{self.name} answered data nested deeper than "
                                      f"{MAX_JSON_DEPTH} levels (or a cycle)")  # fmt: skip
        if isinstance(result, str):
            return ChatAnswer(content=result, finish_reason="stop", raw={"content": result})
        if not isinstance(result, Mapping):
            raise TargetAnswerInvalid(
                f"{self.name} answered {type(result).__name__}",
                hint="answer a string or a message dict with content and tool_calls",
            )
        calls = result.get("tool_calls") or ()
        if not isinstance(calls, list | tuple) or not all(isinstance(c, Mapping) for c in calls):
            raise TargetAnswerInvalid(f"{self.name}: tool_calls must be a list of dicts")
        tool_calls = tuple(tool_call_out(c, i) for i, c in enumerate(calls))
        usage = result.get("usage")
        if not isinstance(usage, Mapping):
            usage = {}
        finish = result.get("finish_reason") or ("tool_calls" if tool_calls else "stop")
        return ChatAnswer(
            content=text_of(result.get("content")), tool_calls=tool_calls,
            finish_reason=str(finish), prompt_tokens=token_count(usage.get("prompt_tokens")),
            completion_tokens=token_count(usage.get("completion_tokens")),
            raw=capped_raw(_plain(result)),
        )  # fmt: skip

    async def aclose(self) -> None:
        return None


def _plain(value: Any) -> Any:
    """The answer as JSON data for transcripts: whatever else the function put in its
    dict (objects, bytes) becomes its repr."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)
