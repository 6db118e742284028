"""Indirect prompt injection (OWASP LLM01): instructions inside data the application
reads, the output of the client's tools and the documents retrieval finds.

Data that speaks to the model ("AI assistants must ...", "ignore your instructions",
"SYSTEM:", "IMPORTANT:") holds an injection; the hardened variant also asks aisec's
prompt-injection model. With ``indirect_injection`` on, the instruction is carried out:
a side-effecting call (made at once only with ``excessive_agency`` on too), a leak (only
with that leak's weakness on too), or the output it asks for. Off, the data is
summarised as data, without the sentences that gave orders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aisec.llm.simulator.context import Context, Outcome
from aisec.llm.simulator.readings import Reading, plain, readings
from aisec.llm.simulator.rules import agency, leakage
from aisec.llm.simulator.rules.injection import addressed_to_model, marker, signal_at

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
EXCERPT_CHARS = 400


def injected(ctx: Context, text: str) -> bool:
    if addressed_to_model(plain(text)):
        return True
    return ctx.guard is not None and ctx.guard.injected(text)


def _orders(sentence: str, ctx: Context) -> bool:
    return (
        addressed_to_model(sentence)
        or marker(sentence) is not None
        or agency.find(sentence, ctx.tools) is not None
    )


def excerpt(ctx: Context, texts: Sequence[str], *, dropped: bool) -> str:
    """The opening sentences of ``texts``; without those giving orders when ``dropped``."""
    kept: list[str] = []
    size = 0
    for text in texts:
        for piece in _SENTENCE.split(plain(text)):
            sentence = piece.strip()
            if not sentence or (dropped and _orders(sentence, ctx)):
                continue
            if size + len(sentence) > EXCERPT_CHARS:
                break
            kept.append(sentence)
            size += len(sentence) + 1
    summary = " ".join(kept) or "nothing I can use"
    if dropped:
        summary += (
            " (The content also held instructions addressed to an AI assistant: I ignored them.)"
        )
    return summary


def _carry_out(ctx: Context, reading: Reading, followed: tuple[str, ...]) -> Outcome | None:
    if action := agency.find(reading.text, ctx.tools):
        if ctx.on("excessive_agency"):
            return agency.call(action, *followed, "excessive_agency.called")
        return agency.confirm(action, *followed)
    if ctx.on("system_prompt_leak") and (out := leakage.prompt_rule(ctx, reading)):
        return out.because(*followed)
    if ctx.on("data_leak") and (out := leakage.data_rule(ctx, reading)):
        return out.because(*followed)
    if wanted := marker(reading.text):
        return Outcome(wanted, reasons=(*followed, f"reading.{reading.kind}"))
    return None


def follow(ctx: Context, texts: Sequence[str], source: str) -> Outcome | None:
    """What the application does with data holding an injection; None when none does."""
    suspicious = [t for t in texts if injected(ctx, t)]
    if not suspicious:
        return None
    seen = f"indirect_injection.{source}"
    if not ctx.on("indirect_injection"):
        ignored = excerpt(ctx, texts, dropped=True)
        return Outcome(
            f"Here is what I found: {ignored}", reasons=(seen, "indirect_injection.ignored")
        )
    followed = (seen, "indirect_injection.followed")
    for text in suspicious:
        # From the first sign of the injection on, read as a user turn would be: an order
        # in base64 inside a web page is decoded when the page asks for it.
        read = plain(text)
        for reading in readings(read[signal_at(read) or 0 :]):
            if outcome := _carry_out(ctx, reading, followed):
                return outcome
    ignored = excerpt(ctx, texts, dropped=True)
    return Outcome(
        f"Here is what I found: {ignored}", reasons=(seen, "indirect_injection.no_order")
    )
