"""The simulator as a Python function in the OpenAI message shape, for ``aisec redteam
run --callable`` and for tests: no server needed.

    aisec redteam run --callable aisec.llm.simulator.callable:vulnerable
    aisec redteam run --callable aisec.llm.simulator.callable:hardened

Canaries: the default configurations' (seed 0); ``aisec redteam serve-target --canaries
FILE`` writes the same values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aisec.llm.simulator.config import SimulatorConfig
from aisec.llm.simulator.engine import SimulatedApp

ChatFunction = Callable[[list[dict[str, Any]], list[dict[str, Any]]], dict[str, Any]]


def openai_function(app: SimulatedApp) -> ChatFunction:
    """``app.chat`` answering an OpenAI-shaped message, with its token counts."""

    def chat(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        reply = app.chat(messages, tools)
        message: dict[str, Any] = {
            "content": reply.content or "",
            "finish_reason": reply.finish_reason,
            "usage": {"prompt_tokens": reply.prompt_tokens,
                      "completion_tokens": reply.completion_tokens},
        }  # fmt: skip
        if reply.tool_calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": json.dumps(dict(c.arguments))}}
                for c in reply.tool_calls
            ]  # fmt: skip
        return message

    return chat


vulnerable = openai_function(SimulatedApp(SimulatorConfig.vulnerable()))
hardened = openai_function(SimulatedApp(SimulatorConfig.hardened_variant()))
