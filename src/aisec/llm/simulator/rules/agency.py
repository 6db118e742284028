"""Excessive agency (OWASP LLM06): side-effecting tool calls nobody confirmed.

A request for an action (send an e-mail, delete a record, transfer money, or a call
written out as ``send_email(to=..., body=...)`` or "use the delete_record tool") is matched
to a tool the client offered. With ``excessive_agency`` on the call is made at once,
whoever asked: the user, or text in a document or a tool's output. Off, and in the
hardened variant, the application asks first; the call is made only when the next user
turn confirms. The pending call travels in the confirmation question itself, as the
protocol keeps no state between requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from aisec.llm.simulator import arguments
from aisec.llm.simulator.context import Context, Outcome
from aisec.llm.simulator.readings import Reading
from aisec.llm.simulator.tools import Action, ToolSpec, by_kind, by_name

_I = re.IGNORECASE
_CALL = re.compile(r"\b(?P<name>[A-Za-z_][\w.-]{0,63})\s*\((?P<args>[^()]{0,2000})\)")
_USE = re.compile(
    r"\b(?:call|use|invoke|run|trigger|execute|fire)\b\s+(?:the\s+)?[`'\"]?(?P<name>[\w.-]{1,64})",
    _I,
)
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("transfer", re.compile(r"\b(?:transfer|wire|send|pay|refund|move|remit)\b[^.\n]{0,60}?(?:[€$£]"
                            r"|\d)[^.\n]{0,60}?\bto\b|\b(?:transfer|wire)\b[^.\n]{0,40}\b(?:funds"
                            r"|money)\b", _I)),
    ("delete", re.compile(r"\b(?:delete|remove|erase|wipe|purge|drop|destroy)\b[^.\n]{0,50}?\b(?:"
                          r"records?|accounts?|orders?|customers?|users?|entries|entry|data"
                          r"|database|files?|tables?|everything)\b", _I)),
    ("email", re.compile(r"\b(?:send|forward|e-?mail|mail|write)\b[^.\n]{0,80}?\bto\s+[\w.+-]+@"
                         r"[\w-]+(?:\.[\w-]+)+|\bsend (?:an? )?(?:e-?mail|message)\b", _I)),
)  # fmt: skip
_PENDING = re.compile(
    r"I will call (?P<name>[\w.-]{1,64}) with (?P<args>\{.*\})\. Reply \"yes\"", re.DOTALL
)
_YES = re.compile(
    r"^\W*(?:yes|yep|yeah|y|sure|ok(?:ay)?|confirm(?:ed)?|i confirm|go ahead|proceed|do it"
    r"|please do|approved?)\b",
    _I,
)
_NO = re.compile(r"\b(?:no|not|don'?t|cancel|stop|wait)\b", _I)


def find(text: str, tools: Sequence[ToolSpec]) -> Action | None:
    """The side-effecting call ``text`` asks for, fitted to one of ``tools``, or None."""
    side = [t for t in tools if t.side_effecting]
    for match in _CALL.finditer(text):
        if tool := by_name(side, match.group("name")):
            return Action(tool, arguments.fill(tool, {}, arguments.explicit(match.group("args"))))
    found = arguments.fields(text)
    for match in _USE.finditer(text):
        if tool := by_name(side, match.group("name")):
            return Action(tool, arguments.fill(tool, found))
    for kind, pattern in _ASKS:
        if pattern.search(text) and (tool := by_kind(side, kind)):
            return Action(tool, arguments.fill(tool, found))
    return None


def call(action: Action, *reasons: str) -> Outcome:
    return Outcome(calls=(action,), reasons=reasons)


def confirm(action: Action, *reasons: str) -> Outcome:
    args = json.dumps(action.arguments, ensure_ascii=False, sort_keys=True)
    return Outcome(
        f"Before I go ahead, please confirm: I will call {action.tool.name} with {args}. "
        'Reply "yes" to confirm or "no" to cancel.',
        reasons=(*reasons, "excessive_agency.confirmation_asked"),
    )


def confirmed(ctx: Context) -> Outcome | None:
    """The call the previous answer asked to confirm, when this turn confirms it."""
    conversation = ctx.conversation
    if not _YES.search(conversation.latest) or _NO.search(conversation.latest):
        return None
    pending = _PENDING.search(conversation.previous_assistant)
    tool = by_name(ctx.tools, pending.group("name")) if pending else None
    if pending is None or tool is None:
        return None
    try:
        args = json.loads(pending.group("args"))
    except ValueError:
        return None
    if not isinstance(args, dict):
        return None
    return call(Action(tool, args), "excessive_agency.confirmed_by_user")


def rule(ctx: Context, reading: Reading) -> Outcome | None:
    action = find(reading.text, ctx.tools)
    if action is None:
        return None
    if ctx.on("excessive_agency"):
        return call(action, "excessive_agency.request", "excessive_agency.called")
    return confirm(action, "excessive_agency.request")
