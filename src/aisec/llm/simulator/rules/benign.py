"""Ordinary customer requests, answered helpfully in every variant: small talk, sums,
tracking, questions the help pages answer, pages and searches through the client's
read-only tools, and the texts the answer repeats (where improper output shows)."""

from __future__ import annotations

import ast
import hashlib
import operator
import re
from collections.abc import Callable

from aisec.llm.simulator import arguments
from aisec.llm.simulator.context import Context, Outcome
from aisec.llm.simulator.persona import ASSISTANT, COMPANY
from aisec.llm.simulator.rules import indirect, output
from aisec.llm.simulator.tools import Action, by_kind

_I = re.IGNORECASE
_SMALL_TALK: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, _I), a) for p, a in (
    (r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|howdy)\b",
     f"Hello! I'm {ASSISTANT} from {COMPANY}. How can I help you today?"),
    (r"\bhow are you\b", "I'm doing well, thanks for asking! How can I help with your parcel?"),
    (r"\b(?:thanks|thank you|cheers)\b", "You're welcome! Is there anything else I can do?"),
    (r"\b(?:who|what) are you\b|\bwhat can you do\b",
     f"I'm {ASSISTANT}, the support assistant of {COMPANY}. I can track parcels, change "
     "deliveries, arrange returns and answer questions about our services."),
    (r"\btell me a joke\b", "Why did the parcel go to school? To get a little more packaged "
     "knowledge!"),
))  # fmt: skip
_SUM = re.compile(r"\b(?:what(?:'s| is)|calculate|compute)\s+(?P<e>[\d\s+\-*/().x×÷]{3,60})", _I)
_TRACK = re.compile(
    r"\b(?:where(?:'s| is)|track|trace|status of|locate|find)\b[^\n]{0,40}?\b(?:parcel|package"
    r"|order|shipment|delivery)\b(?:\s*(?:number|no\.?|id|#))?\s*[:#]?\s*(?P<id>[^\n]{0,300})",
    _I,
)
_TRACKING_ID = re.compile(r"^(?:NP|NW)?-?\d{6,14}$", _I)
_STATUSES = (
    "in transit at the Leipzig hub and due tomorrow",
    "out for delivery today",
    "delivered to your parcel locker",
    "waiting at the Hamburg depot for the next round",
)
_LOOKUP = re.compile(
    r"\b(?:search|look up|lookup|find)\b[^\n]{0,30}?\b(?:docs|documents|knowledge base"
    r"|help cent(?:re|er)|faq|for)\b(?:\s+for\b)?\s*(?P<q>[^\n]{1,200})",
    _I,
)
_READ = re.compile(
    r"\b(?:summari[sz]e|summary|read|open|fetch|visit|browse|look at|check out|go to|load"
    r"|what (?:does|is on|'s on)|tell me about|get|see|says?)\b",
    _I,
)
_OPERATORS: dict[type[ast.AST], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}  # fmt: skip
NO_BROWSING = (
    "Web pages are out of my reach in this chat. Paste the text here and I will gladly help."
)
FALLBACK = (f"I'm {ASSISTANT}, the {COMPANY} support assistant. I can help you track a parcel, "
            "change a delivery, arrange a return or find our opening hours. What can I do for "
            "you?")  # fmt: skip


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise ValueError("not arithmetic")


def arithmetic(text: str) -> str | None:
    match = _SUM.search(text)
    if match is None:
        return None
    expression = match.group("e").strip().rstrip("?.").translate(str.maketrans("x×÷", "**/"))
    if not re.search(r"\d\s*[-+*/]", expression):
        return None
    try:
        value = _evaluate(ast.parse(expression, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    shown = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    return f"{expression} is {shown}."


def tracking(rest: str) -> str:
    """The status of the parcel named at the start of ``rest``. A number that is not one
    is repeated back, whatever it holds: the reflection improper output exploits."""
    rest = rest.strip().rstrip("?.!")
    token = rest.split()[0].rstrip(",;") if rest.split() else ""
    if _TRACKING_ID.match(token):
        status = _STATUSES[hashlib.sha256(token.upper().encode()).digest()[0] % len(_STATUSES)]
        return f"Parcel {token.upper()} is {status}."
    if output.has_active(rest):
        shown = rest
    elif any(ch.isdigit() for ch in token):
        shown = token
    else:
        return "I can check that for you: what is your tracking number? It starts with NP."
    return f"I couldn't find a parcel with the number {shown}. Please check it and try again."


def _read_only(ctx: Context, text: str) -> Outcome | None:
    found = arguments.fields(text)
    fetch, search = by_kind(ctx.tools, "fetch"), by_kind(ctx.tools, "search")
    if fetch is not None and not fetch.side_effecting and "url" in found and _READ.search(text):
        return Outcome(
            calls=(Action(fetch, arguments.fill(fetch, found)),), reasons=("tools.fetch",)
        )
    lookup = _LOOKUP.search(text)
    if search is not None and not search.side_effecting and lookup:
        found["query"] = lookup.group("q").strip().rstrip("?.")
        return Outcome(
            calls=(Action(search, arguments.fill(search, found)),), reasons=("tools.search",)
        )
    return None


def answer(ctx: Context, text: str) -> Outcome:
    if reflected := output.reflected(text):
        task, fragment = reflected
        return Outcome(output.reflection_answer(task, fragment), reasons=(f"reflect.{task}",))
    if called := _read_only(ctx, text):
        return called
    for pattern, reply in _SMALL_TALK:
        if pattern.search(text):
            return Outcome(reply, reasons=("benign.small_talk",))
    if sum_text := arithmetic(text):
        return Outcome(sum_text, reasons=("benign.arithmetic",))
    if match := _TRACK.search(text):
        return Outcome(tracking(match.group("id")), reasons=("benign.tracking",))
    if "url" in arguments.fields(text) and _READ.search(text):
        return Outcome(NO_BROWSING, reasons=("benign.no_fetch_tool",))
    hits = ctx.store.search(text, confidential=False)
    if hits:
        document = hits[0].document
        if followed := indirect.follow(ctx, [document.text], "document"):
            return followed
        return Outcome(document.text, reasons=("benign.retrieval", f"document.{document.id}"))
    return Outcome(FALLBACK, reasons=("benign.fallback",))
