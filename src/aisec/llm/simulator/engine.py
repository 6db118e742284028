"""The simulated LLM application: a deterministic, rule-based stand-in for a customer
support assistant with a system prompt, a retrieval store and tools (docs/redteam.md).

``SimulatedApp.chat`` is a pure function of its arguments and the configuration: the
same conversation always gets the same answer, tool-call ids included.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from aisec.llm.simulator import conversation
from aisec.llm.simulator.canaries import Canaries, derive
from aisec.llm.simulator.catalogue import example_tools
from aisec.llm.simulator.config import SimulatorConfig
from aisec.llm.simulator.context import Context, Outcome, refusal
from aisec.llm.simulator.guard import Guard
from aisec.llm.simulator.persona import builtin_documents, system_prompt
from aisec.llm.simulator.reply import CHARS_PER_TOKEN, Reply, ToolCall, call_id, tokens
from aisec.llm.simulator.retrieval import Store
from aisec.llm.simulator.rules import benign
from aisec.llm.simulator.rules.output import sanitise
from aisec.llm.simulator.tools import specs
from aisec.llm.simulator.turn import answer_tools, answer_user


class SimulatedApp:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config

    @cached_property
    def canaries(self) -> Canaries:
        return derive(self.config.seed)

    @cached_property
    def system_prompt(self) -> str:
        return system_prompt(self.canaries)

    @property
    def tools(self) -> list[dict[str, Any]]:
        """Example tool definitions a red-team harness can offer (any others work too)."""
        return example_tools()

    @cached_property
    def _store(self) -> Store:
        return Store((*builtin_documents(self.canaries), *self.config.documents))

    @cached_property
    def _guard(self) -> Guard | None:
        return Guard(self.canaries) if self.config.hardened else None

    def chat(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        max_tokens: int | None = None,
    ) -> Reply:
        """The answer to ``messages`` (OpenAI chat format), with ``tools`` offered."""
        read = conversation.read(messages)
        offered = specs(tools)
        ctx = Context(self.config, self.canaries, self.system_prompt, self._store, offered,
                      read, self._guard)  # fmt: skip
        if read.tool_results:
            outcome = answer_tools(ctx)
        elif read.last_role == "user":
            outcome = answer_user(ctx)
        else:
            outcome = Outcome(benign.FALLBACK, reasons=("no_user_turn",))
        prompt_chars = (
            len(self.system_prompt)
            + read.size
            + sum(len(t.name) + len(t.description) for t in offered)
        )
        return self._finish(ctx, outcome, max_tokens, tokens(prompt_chars))

    def _finish(self, ctx: Context, outcome: Outcome, max_tokens: object, prompt: int) -> Reply:
        """The output stage: escaping, the canary filter, the cap."""
        reasons = list(outcome.reasons)
        if outcome.calls:
            key = _key(ctx.conversation)
            calls = tuple(
                ToolCall(call_id(key, a.tool.name, i), a.tool.name, a.arguments)
                for i, a in enumerate(outcome.calls)
            )
            size = sum(len(c.name) + len(c.arguments_json()) for c in calls)
            return Reply(None, calls, "tool_calls", prompt, tokens(size), tuple(reasons))
        content = outcome.content or ""
        if not ctx.on("improper_output") and (clean := sanitise(content)) != content:
            content = clean
            reasons.append("output.escaped")
        if self._guard is not None and self._guard.leaks(content):
            content = refusal("leak").content or ""
            reasons.append("guard.canary_filter")
        if self._guard is not None and not self._guard.available:
            reasons.append("guard.injection_model_unavailable")
        finish = "stop"
        limit = _limit(
            max_tokens, None if ctx.on("unbounded_consumption") else self.config.max_output_tokens
        )
        if limit is not None and len(content) > limit * CHARS_PER_TOKEN:
            content = content[: limit * CHARS_PER_TOKEN]
            finish = "length"
            reasons.append("output.capped")
        return Reply(content, (), finish, prompt, tokens(len(content)), tuple(reasons))


def _limit(requested: object, cap: int | None) -> int | None:
    """The tokens an answer may have: the client's max_tokens and the application's cap,
    whichever is smaller (the client's is honoured even without a cap, as by any API)."""
    valid = requested if isinstance(requested, int) and not isinstance(requested, bool) else None
    limits = [n for n in (valid, cap) if n is not None and n > 0]
    return min(limits) if limits else None


def _key(read: conversation.Conversation) -> str:
    parts: Sequence[object] = (read.user_turns, [r.text for r in read.tool_results],
                               read.previous_assistant)  # fmt: skip
    return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()
