"""Prompt injection (OWASP LLM01): text that tries to replace the application's
instructions, and the output it then asks for.

Three signals mark an injection: an override ("ignore your previous instructions", "new
instructions:", "from now on", "developer mode"), a fake role marker ("SYSTEM:",
"<|im_start|>"), and, in documents and tool output, words addressed to the model ("AI
assistants must ...", "note to the AI"). A directive ("say X", "reply only with X",
"start your answer with X") names the output the attacker wants to see.
"""

from __future__ import annotations

import re

from aisec.llm.simulator.context import Context, Outcome, refusal
from aisec.llm.simulator.readings import Reading

_OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|skip|bypass|override|overrule|abandon|discard|drop"
    r"|set aside|put aside|cancel|suspend|lift)\b(?!\s+table\b)"
    r"[^.\n]{0,40}?\b(?:instructions?|directions?|rules?|guidelines?|polic(?:y|ies)|prompts?|"
    r"programming|constraints?|guardrails?|restrictions?|context|orders|directives?|"
    r"everything|the above|what you (?:were|have been) told)\b"
    r"|\b(?:new|updated|revised|real|actual|override) (?:instructions?|task|rules|orders|"
    r"system prompt|directive)s?(?: from [^:\n]{1,30})?\s*[:\-]"
    r"|\b(?:earlier|previous|prior|old|original) (?:rules|instructions|guidelines)\b[^.\n]{0,20}?"
    r"\b(?:are|is|have been) (?:cancell?ed|void|suspended|lifted|revoked|no longer)"
    r"|\bfrom now on\b|\byou (?:are|will be) no longer\b|\bstop being\b"
    r"|\b(?:system|admin|developer|root|debug|maintenance|god) (?:override|mode|command|access)\b"
    r"|\b(?:instead|rather)\b,? (?:just )?(?:say|reply|respond|print|output|write)\b"
    r"|\bend of (?:user )?(?:input|prompt|instructions)\b",
    re.IGNORECASE,
)
_ROLE_MARKER = re.compile(
    # [ \t], not \s: a run of blank lines would otherwise be rescanned from each one.
    r"(?:^|\n)[ \t]*(?:#{1,4}[ \t]*|\[|<)?(?:system|admin|developer|instruction)s?[ \t]*"
    r"(?:\]|>)?[ \t]*:"
    r"|<\|im_start\|>|\[/?INST\]|<<SYS>>|<\|(?:system|user|assistant)\|>",
    re.IGNORECASE,
)
_ADDRESSED = re.compile(
    r"\b(?:ai|a\.i\.|assistants?|chat ?bots?|language models?|llms?|gpt|copilots?|agents?)\b"
    r"[^.\n]{0,60}?\b(?:must|should|shall|need to|have to|are (?:required|instructed) to|"
    r"will now|please)\b"
    r"|\b(?:note|message|instructions?|reminder) (?:to|for) (?:the |any )?(?:ai|assistants?|"
    r"bots?|llms?|models?|agents?)\b"
    r"|\bif you are an? (?:ai|assistant|language model|llm|bot|agent)\b"
    r"|\b(?:dear|hey|attention) (?:ai|assistant|bot|llm|model|agent)\b"
    r"|\b(?:important|attention|urgent)\b\s*[:!]",
    re.IGNORECASE,
)
_QUOTED = (
    r"\"(?P<q1>[^\"\n]{1,200})\"|'(?P<q2>[^'\n]{1,200})'"
    r"|“(?P<q3>[^”\n]{1,200})”|`(?P<q4>[^`\n]{1,200})`"
)
# The end of a bare (unquoted) payload: the end of the line or of the sentence.
_END = r"(?=\s*(?:\n|$)|[.!?;](?:\s|$))"
_DIRECTIVE = re.compile(
    r"\b(?:say(?:ing)?|print|output|write|type|state|echo|return|repl(?:y|ying)"
    r"|respond(?:ing)?|answer(?:ing)?|repeat after me"
    r"|(?:begin|start|end|prefix|open) (?:your|the|each) (?:reply|answer|response|message))"
    r"(?:\s+(?:only|exactly|just|verbatim|with|by saying|the (?:word|words|phrase|text|string"
    r"|sentence|following)|this|these words|:))*\s*:?\s*"
    rf"(?:{_QUOTED}|(?P<bare>[^\s\"'“`][^\n]{{0,199}}?){_END})"
    # "include this image in your reply: ![x](...)": the payload follows a colon.
    r"|\b(?:include|append|add|insert|embed|put)\b[^:\n]{0,60}?\b(?:reply|answer|response"
    rf"|message|output)\b[^:\n]{{0,20}}:\s*(?:{_QUOTED.replace('q', 'r')}"
    rf"|(?P<rest>[^\n]{{1,300}}?){_END})",
    re.IGNORECASE,
)
# Applied to a payload of at most 200 characters only: its backtracking stays small.
_TRAILING = re.compile(
    r"\s+(?:and nothing else|and nothing more|only|verbatim|exactly|in (?:all )?caps|on its own|"
    r"by itself|alone|"
    r"without (?:any )?(?:explanation|comment|quotes)|to (?:the|every) user|in your "
    r"(?:reply|answer|response)|at the (?:start|end|beginning)[\w\s]{0,30})\s*$",
    re.IGNORECASE,
)


def overrides(text: str) -> bool:
    """Whether ``text`` tries to replace the application's instructions."""
    return bool(_OVERRIDE.search(text) or _ROLE_MARKER.search(text))


def addressed_to_model(text: str) -> bool:
    """Whether data (a document, a tool's output) speaks to the model that reads it."""
    return overrides(text) or bool(_ADDRESSED.search(text))


def _first(text: str, patterns: tuple[re.Pattern[str], ...]) -> int | None:
    starts = [m.start() for p in patterns if (m := p.search(text))]
    return min(starts) if starts else None


def signal_at(text: str) -> int | None:
    """Where the first sign of an injection in data starts, or None when there is none:
    a directive is looked for from there, not in the honest text before it."""
    return _first(text, (_OVERRIDE, _ROLE_MARKER, _ADDRESSED))


def marker(text: str) -> str | None:
    """The output a directive in ``text`` asks for, quotes removed, or None."""
    for match in _DIRECTIVE.finditer(text):
        groups = ("q1", "q2", "q3", "q4", "r1", "r2", "r3", "r4", "rest")
        quoted = next((g for g in match.group(*groups) if g), None)
        if quoted is not None:
            return quoted.strip()
        bare = match.group("bare")
        if bare:
            while (trimmed := _TRAILING.sub("", bare)) != bare:
                bare = trimmed
            if bare.strip():
                return bare.strip()
    return None


def rule(ctx: Context, reading: Reading) -> Outcome | None:
    """A user turn that overrides the instructions, or an instruction the user asked to
    decode or join: followed with ``direct_injection`` on, refused off."""
    # A customer may write "Important:" to the assistant; only an override counts here.
    start = _first(reading.text, (_OVERRIDE, _ROLE_MARKER))
    if start is None and not reading.decoded:
        return None
    wanted = marker(reading.text[start or 0 :])
    if start is None and wanted is None:
        return None
    if not ctx.on("direct_injection"):
        return refusal("injection", "direct_injection.override", "direct_injection.refused")
    reasons = ("direct_injection.override", "direct_injection.followed")
    if wanted is None:
        return Outcome("Understood: I will ignore my previous instructions. What should I do "
                       "instead?", reasons=reasons)  # fmt: skip
    return Outcome(wanted, reasons=reasons)
