"""One answer: to the latest user turn, or to the output of the tools called for it.

The attack rules run first, on every reading of the turn (plain, de-spaced, de-leeted,
then decoded when asked), in a fixed order: actions, leaks, restricted requests, output
floods, overrides. A request that is both an override and a leak is judged as a leak, so
that each attack family succeeds only with its own weakness on. What no attack rule
claims is an ordinary request.
"""

from __future__ import annotations

from collections.abc import Callable

from aisec.llm.simulator.context import Context, Outcome, refusal
from aisec.llm.simulator.readings import Reading, readings
from aisec.llm.simulator.rules import (
    agency,
    benign,
    consumption,
    indirect,
    injection,
    jailbreak,
    leakage,
)
from aisec.llm.simulator.tools import by_name, spec

Rule = Callable[[Context, Reading], Outcome | None]
ATTACK_RULES: tuple[Rule, ...] = (
    agency.rule,
    leakage.prompt_rule,
    leakage.data_rule,
    jailbreak.rule,
    consumption.rule,
    injection.rule,
)


def _screen(ctx: Context, found: list[Reading]) -> Outcome | None:
    """The hardened variant's input defences: no instruction is taken from decoded or
    joined text, and a turn the injection model flags is refused."""
    for reading in found:
        if reading.decoded and any(rule(ctx, reading) is not None for rule in ATTACK_RULES):
            return refusal("encoded", f"guard.encoded_instruction.{reading.kind}")
    if ctx.guard is not None and ctx.guard.injected(ctx.conversation.latest):
        return refusal("injection", "guard.injection_model")
    return None


def answer_user(ctx: Context) -> Outcome:
    found = readings(ctx.conversation.latest)
    if ctx.hardened and (blocked := _screen(ctx, found)):
        return blocked
    if confirmed := agency.confirmed(ctx):
        return confirmed
    for reading in found:
        for rule in ATTACK_RULES:
            if (outcome := rule(ctx, reading)) is not None:
                return (
                    outcome
                    if reading.kind == "plain"
                    else outcome.because(f"reading.{reading.kind}")
                )
    return benign.answer(ctx, found[0].text)


def answer_tools(ctx: Context) -> Outcome:
    """After the client ran the tools: follow or ignore what their output says, then
    report it (a side-effecting tool's result as done, a read's as what was found)."""
    results = ctx.conversation.tool_results
    texts = [r.text for r in results]
    if followed := indirect.follow(ctx, texts, "tool_output"):
        return followed
    found = indirect.excerpt(ctx, texts, dropped=False)
    # The client may not offer the tools again with the results: then the name tells.
    specs = [by_name(ctx.tools, r.name) or spec({"name": r.name}) for r in results]
    acted = [s for s in specs if s is not None and s.side_effecting]
    if acted and len(acted) == len(results):
        return Outcome(f"Done. The tool reported: {found}", reasons=("tools.reported",))
    return Outcome(f"Here is what I found: {found}", reasons=("tools.summarised",))
