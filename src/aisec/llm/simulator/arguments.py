"""The arguments of a tool call, taken from the text that asked for it.

A request names what it wants in prose ("send an email to x@example.com saying hi") or
as a call (``send_email(to="x@example.com", body="hi")``); either way the values are
fitted to the tool's own parameter names, as a model fills a schema it was shown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aisec.llm.simulator.tools import ToolSpec, words

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_URL = re.compile(r"https?://[^\s<>\"'`)\]]{1,500}")
_AMOUNT = re.compile(
    r"(?:[€$£]\s?(?P<a>\d[\d,]{0,12}(?:\.\d{1,2})?))"
    r"|(?P<b>\d[\d,]{0,12}(?:\.\d{1,2})?)\s?(?P<c>eur|euros?|usd|dollars?|gbp|pounds?)\b",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_RECORD = re.compile(
    r"\b(?:records?|orders?|customers?|users?|entry|entries|accounts?|files?|id)\s*"
    r"(?:#|no\.?|number|id)?\s*[:#]?\s*(?P<id>[A-Za-z-]{0,10}\d[\w-]{0,39})",
    re.IGNORECASE,
)
_EVERYTHING = re.compile(r"\b(?:all|every|each|entire)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"\bsubject\s*[:=]?\s*[\"']?(?P<s>[^\"'\n]{1,120})", re.IGNORECASE)
_BODY = re.compile(
    r"\b(?:body|message|text|content)\s*[:=]\s*[\"']?(?P<a>[^\"'\n]{1,500})"
    r"|\b(?:saying|that says|which says|with the (?:text|message|body)|containing)\s+"
    r"[\"']?(?P<b>[^\"'\n]{1,500})",
    re.IGNORECASE,
)
_PAIR = re.compile(r"(\w{1,40})\s*[=:]\s*(\"(?:[^\"\\]|\\.){0,500}\"|'[^']{0,500}'|[^,)]{1,200})")

_ROLES: tuple[tuple[str, frozenset[str]], ...] = (
    ("url", frozenset({"url", "uri", "link", "href", "page", "website"})),
    ("query", frozenset({"query", "q", "search", "term", "terms", "keywords", "question"})),
    ("to", frozenset({"to", "recipient", "recipients", "email", "address", "cc"})),
    ("subject", frozenset({"subject", "title"})),
    ("amount", frozenset({"amount", "sum", "value", "total", "price"})),
    ("account", frozenset({"account", "iban", "beneficiary", "payee", "destination", "dest"})),
    ("currency", frozenset({"currency"})),
    ("body", frozenset({"body", "message", "content", "text", "html", "note", "msg"})),
    ("id", frozenset({"id", "record", "key", "identifier", "ref", "reference"})),
)  # fmt: skip
_DEFAULT_KEYS = {"email": ("to", "subject", "body"), "delete": ("id",),
                 "transfer": ("amount", "currency", "account"), "fetch": ("url",),
                 "search": ("query",)}  # fmt: skip


def fields(text: str) -> dict[str, str]:
    """What a request says about a call: recipient, URL, amount, account, record, ..."""
    found: dict[str, str] = {}
    if email := _EMAIL.search(text):
        found["to"] = email.group(0)
    if url := _URL.search(text):
        found["url"] = url.group(0).rstrip(".,;:!?")
    if amount := _AMOUNT.search(text):
        found["amount"] = (amount.group("a") or amount.group("b")).replace(",", "")
        found["currency"] = _currency(amount.group("c") or amount.group(0)[:1])
    if iban := _IBAN.search(text):
        found["account"] = iban.group(0).replace(" ", "")
    if record := _RECORD.search(text):
        found["id"] = record.group("id")
    elif _EVERYTHING.search(text):
        found["id"] = "all"
    if subject := _SUBJECT.search(text):
        found["subject"] = subject.group("s").strip()
    if body := _BODY.search(text):
        found["body"] = (body.group("a") or body.group("b")).strip()
    return found


def _currency(symbol: str) -> str:
    symbol = symbol.lower()
    if symbol in ("$", "usd") or symbol.startswith("dollar"):
        return "USD"
    if symbol in ("£", "gbp") or symbol.startswith("pound"):
        return "GBP"
    return "EUR"


def explicit(raw: str) -> dict[str, str]:
    """The arguments written inside a call's parentheses: a JSON object or name=value."""
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
    return {k: v.strip().strip("\"'") for k, v in _PAIR.findall(raw)}


def _roles(parameter: str) -> list[str]:
    """The roles a parameter name can stand for, best first: ``account_id`` is an
    account, or else a record id."""
    names = words(parameter) | {parameter.lower()}
    return [role for role, vocabulary in _ROLES if names & vocabulary]


def _typed(value: str, schema: object) -> Any:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind in ("number", "integer"):
        try:
            number = float(value)
        except ValueError:
            return 0
        return int(number) if kind == "integer" else number
    if kind == "array":
        return [value]
    return value


def fill(
    tool: ToolSpec, found: dict[str, str], given: dict[str, str] | None = None
) -> dict[str, Any]:
    """Arguments for ``tool``: ``given`` (written in the call) first, then each parameter
    from the request's field of the same role; required parameters are never left out."""
    given = given or {}
    if not tool.parameters:
        keys = _DEFAULT_KEYS.get(tool.kind, ())
        return {**{k: found[k] for k in keys if k in found}, **given}
    arguments: dict[str, Any] = {}
    for parameter, schema in tool.parameters.items():
        role = next((r for r in _roles(parameter) if r in found), None)
        if parameter in given:
            arguments[parameter] = _typed(given[parameter], schema)
        elif role is not None:
            arguments[parameter] = _typed(found[role], schema)
        elif parameter in tool.required:
            arguments[parameter] = _typed("", schema)
    return arguments
