"""Symbolic values on the analyser's stack.

Nothing here is ever imported or called: a :class:`Global` is a name, a :class:`Call`
is the record of a call the real unpickler *would* make. Containers keep at most
``KEEP`` items (the count stays exact) so memory does not grow with the data.
"""

from __future__ import annotations

from typing import Any

from aisec.modelfile.pickle.policy import Verdict

KEEP = 4096


class Global:
    """A name resolved by GLOBAL, STACK_GLOBAL, INST or an extension code."""

    __slots__ = ("index", "invoked", "module", "mutated", "name", "offset", "raw", "verdict")

    def __init__(
        self, module: str, name: str, offset: int, index: int, verdict: Verdict, raw: str
    ) -> None:
        self.module = module
        self.name = name
        self.offset = offset
        self.index = index
        self.verdict = verdict
        self.invoked = False
        self.mutated = False
        self.raw = raw

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


class Call:
    """The result of REDUCE, NEWOBJ(_EX), OBJ or INST: ``func(*args, **kwargs)``."""

    __slots__ = ("args", "func", "index", "kwargs", "offset", "state")

    def __init__(self, func: Any, args: Any, kwargs: Any, offset: int, index: int) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.offset = offset
        self.index = index
        self.state: Any = None  # set by BUILD


class Persistent:
    """What the loader's ``persistent_load`` returns for a persistent id."""

    __slots__ = ("offset", "pid")

    def __init__(self, pid: Any, offset: int) -> None:
        self.pid = pid
        self.offset = offset


class Opaque:
    """A value the analyser does not model (large payloads, unresolved extensions)."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what


class Container:
    """A list, dict or set built by the stream; keeps the first ``KEEP`` items."""

    __slots__ = ("count", "items", "type")

    def __init__(self, type_: str) -> None:
        self.type = type_
        self.items: list[Any] = []
        self.count = 0

    def extend(self, values: list[Any]) -> None:
        room = KEEP - len(self.items)
        if room > 0:
            self.items.extend(values[:room])
        self.count += len(values)

    def as_dict(self) -> dict[Any, Any]:
        """Pairs whose key is a plain value (str/int/...), for reading known state."""
        out: dict[Any, Any] = {}
        if self.type != "dict":
            return out
        for item in self.items:
            if not (isinstance(item, tuple) and len(item) == 2):
                continue
            key, value = item
            if isinstance(key, (str, int, bytes, float, bool)) or key is None:
                out[key] = value
        return out


def describe(value: Any, depth: int = 0, budget: list[int] | None = None) -> str:
    """A bounded, Python-like rendering used as evidence, e.g. ``os.system('id')``."""
    if budget is None:
        budget = [600]
    if budget[0] <= 0 or depth > 6:
        return "…"
    text = _describe(value, depth, budget)
    budget[0] -= len(text)
    return text


def _describe(value: Any, depth: int, budget: list[int]) -> str:  # noqa: PLR0912
    if isinstance(value, Global):
        return value.qualname
    if isinstance(value, Call):
        # The callable first, so that long arguments never crowd it out of the budget.
        func = describe(value.func, depth + 1, budget)
        args = value.args
        parts: list[str] = []
        if isinstance(args, tuple):
            parts = [describe(a, depth + 1, budget) for a in args[:8]]
            if len(args) > 8:
                parts.append("…")
        elif args is not None:
            parts = ["*" + describe(args, depth + 1, budget)]
        if isinstance(value.kwargs, Container):
            parts.append("**" + describe(value.kwargs, depth + 1, budget))
        return f"{func}({', '.join(parts)})"
    if isinstance(value, Persistent):
        return f"persistent_load({describe(value.pid, depth + 1, budget)})"
    if isinstance(value, Opaque):
        return f"<{value.what}>"
    if isinstance(value, Container):
        shown = value.items[:8]
        if value.type == "dict":
            inner = ", ".join(
                f"{describe(item[0], depth + 1, budget)}: {describe(item[1], depth + 1, budget)}"
                if isinstance(item, tuple) and len(item) == 2
                else describe(item, depth + 1, budget)
                for item in shown
            )
            more = ", …" if value.count > len(shown) else ""
            return "{" + inner + more + "}"
        inner = ", ".join(describe(v, depth + 1, budget) for v in shown)
        more = ", …" if value.count > len(shown) else ""
        if value.type == "list":
            return "[" + inner + more + "]"
        return f"{value.type}({{{inner}{more}}})"
    if isinstance(value, tuple):
        inner = ", ".join(describe(v, depth + 1, budget) for v in value[:8])
        if len(value) > 8:
            inner += ", …"
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, (str, bytes, bytearray)):
        text = repr(value[:200])
        return text + ("…" if len(value) > 200 else "")
    return repr(value)[:200]


def strings_in(value: Any, depth: int = 0) -> list[str]:
    """The string literals inside a value (bounded), for payload heuristics."""
    if depth > 4:
        return []
    if isinstance(value, str):
        return [value[:4096]]
    if isinstance(value, (tuple, list)):
        out: list[str] = []
        for item in value[:32]:
            out.extend(strings_in(item, depth + 1))
        return out
    if isinstance(value, Container):
        out = []
        for item in value.items[:32]:
            out.extend(strings_in(item, depth + 1))
        return out
    if isinstance(value, Call):
        return strings_in(value.args, depth + 1)
    return []
