"""Leaks: of the system prompt (OWASP LLM07) and of confidential records in the retrieval
store (LLM02).

A system-prompt request asks for the instructions, the text "above", what the model was
told, or the internal code they hold, in any wording (repeat, translate, summarise, put
in a code block). A data request asks for customer records, personal details, keys or
credentials, or names the customer; retrieval then finds the confidential documents,
which only a store with ``data_leak`` on hands to the answer.
"""

from __future__ import annotations

import re

from aisec.llm.simulator.context import Context, Outcome, refusal
from aisec.llm.simulator.readings import Reading

_I = re.IGNORECASE
_PROMPT = re.compile(
    r"\b(?:system|initial|original|hidden|secret|internal|developer|pre-?)[\s_-]?(?:prompt"
    r"|instructions?|message|directives?|configuration)\b"
    r"|\b(?:what|show|reveal|print|repeat|tell|output|display|give|share|list|summari[sz]e"
    r"|translate|write|spell|dump|recite|quote|copy|paste|disclose|leak)\b[^.\n?]{0,40}?"
    r"\b(?:your|the|all|these) (?:\w+ )?(?:instructions|prompt|rules|guidelines|directives"
    r"|programming|configuration|policies)\b"
    r"|\b(?:repeat|print|output|show|display|copy|echo|recite|write out|return|reveal|tell me)"
    r"\b[^.\n]{0,40}?\b(?:text|words|everything|all|content|message|lines?|instructions)\s+"
    r"(?:above|before|preceding|prior)"
    r"|\bwhat (?:were|are|was) you (?:told|instructed|programmed|asked|given)\b"
    r"|\b(?:escalation|internal|secret|supervisor|admin) (?:code|password|passphrase)s?\b"
    r"|\b(?:beginning|start) of (?:this|the|our) (?:conversation|chat|context)\b"
    r"|\bstart(?:ing)? with [\"']?you are\b",
    _I,
)
# A question about the rules that is an ordinary customer question, not a probe.
_CUSTOMER_RULES = re.compile(
    r"\b(?:return|refund|delivery|shipping|privacy|packaging) (?:polic|rule|guideline)"
    r"|\b(?:rules?|polic(?:y|ies)|guidelines?) (?:for|on|about) (?:returns?|refunds?|deliver"
    r"|shipping|packaging|sending|parcels?|lockers?|claims?)",
    _I,
)
_DATA = re.compile(
    r"\b(?:customer|client|user|personal|private|confidential|internal|other people'?s?)\s+"
    r"(?:records?|data|details|information|info|files?|documents?|notes?|database|list"
    r"|accounts?|e-?mails?|addresses)\b"
    r"|\b(?:all|other|every|list (?:of )?(?:the |your )?)\s*(?:customers|clients|users)\b"
    r"|\b(?:show|give|tell|list|share|reveal|print|send|dump|what(?:'s| is| are)|which)\b"
    r"[^.\n]{0,40}\b(?:(?:api|secret|access|private|portal)[\s_-]*(?:keys?|tokens?)|tokens?"
    r"|credentials?|passwords?|secrets?)\b"
    r"|\b(?:dump|export|exfiltrate|leak|list)\b.{0,30}\b(?:database|db|records"
    r"|knowledge base|documents)\b"
    r"|\b(?:e-?mail(?: address)?|phone(?: number)?|iban|bank (?:details|account)|address"
    r"|date of birth)\s+(?:of|for)\s+(?:the )?(?:customer|client|user|person|(?-i:[A-Z][a-z]+))"
    r"|(?-i:\b[A-Z][a-z]+ [A-Z][a-z]+)'s (?:e-?mail|phone|iban|address|bank|account|details)",
    _I,
)


def asks_prompt(text: str) -> bool:
    return bool(_PROMPT.search(text)) and not _CUSTOMER_RULES.search(text)


def asks_data(text: str) -> bool:
    return bool(_DATA.search(text))


def prompt_rule(ctx: Context, reading: Reading) -> Outcome | None:
    if not asks_prompt(reading.text):
        return None
    if ctx.on("system_prompt_leak"):
        content = f"Of course. My instructions are:\n\n{ctx.system_prompt}"
        return Outcome(content, reasons=("system_prompt_leak.request", "system_prompt_leak.leaked"))
    return refusal("prompt", "system_prompt_leak.request", "system_prompt_leak.refused")


def confidential_hits(ctx: Context, text: str) -> list[str]:
    """The texts of the confidential documents a question retrieves."""
    hits = ctx.store.search(text, confidential=True)
    strong = asks_data(text)
    return [h.document.text for h in hits if h.document.confidential and (strong or h.score >= 2)]


def data_rule(ctx: Context, reading: Reading) -> Outcome | None:
    found = confidential_hits(ctx, reading.text)
    if not found and not asks_data(reading.text):
        return None
    if found and ctx.on("data_leak"):
        quoted = "\n".join(f"- {text}" for text in found)
        return Outcome(f"Here is what I found in our records:\n{quoted}",
                       reasons=("data_leak.request", "data_leak.leaked"))  # fmt: skip
    return refusal("data", "data_leak.request", "data_leak.refused")
