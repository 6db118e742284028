"""Static analysis of Jinja2 chat templates for sandbox escapes.

The template is parsed with Jinja2's own parser (never rendered) and its syntax tree is
walked: regular expressions cannot see through ``'__cla' ~ 'ss__'`` or ``|attr(name)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Names a template can reach that lead to Python internals when the environment is not
# sandboxed (e.g. ``cycler.__init__.__globals__``).
ESCAPE_ROOTS = frozenset(
    {"self", "cycler", "joiner", "namespace", "lipsum", "config", "request", "url_for",
     "get_flashed_messages", "range", "dict"}
)  # fmt: skip


def _const_text(node: Any) -> str | None:
    """The value of a constant string expression, folding concatenations."""
    from jinja2 import nodes

    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    if isinstance(node, (nodes.Concat,)):
        parts = [_const_text(n) for n in node.nodes]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    if isinstance(node, nodes.Add):
        left, right = _const_text(node.left), _const_text(node.right)
        return None if left is None or right is None else left + right
    return None


def _dunder(name: str) -> bool:
    return name.startswith("__")


def template_problems(source: str) -> Iterator[tuple[str, dict[str, Any]]]:
    from jinja2 import Environment, nodes
    from jinja2.exceptions import TemplateSyntaxError

    try:
        tree = Environment().parse(source)
    except TemplateSyntaxError as exc:
        yield f"template does not parse ({exc.message}, line {exc.lineno})", {"line": exc.lineno}
        return
    seen: set[str] = set()

    def report(problem: str, node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if problem not in seen and len(seen) < 20:
            seen.add(problem)
            yield problem, {"line": getattr(node, "lineno", None)}

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Name)):
        if isinstance(node, nodes.Getattr) and _dunder(node.attr):
            yield from report(f"accesses the internal attribute {node.attr!r}", node)
        elif isinstance(node, nodes.Getitem):
            key = _const_text(node.arg)
            if key is not None and _dunder(key):
                yield from report(f"accesses the internal attribute {key!r} by subscript", node)
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            name = _const_text(node.args[0]) if node.args else None
            if name is None:
                yield from report("uses the 'attr' filter with a computed name", node)
            elif _dunder(name):
                yield from report(f"reaches {name!r} through the 'attr' filter", node)
        elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name in ESCAPE_ROOTS:
            if node.name in ("range", "dict"):
                continue  # ordinary in chat templates; dangerous only with a dunder after it
            yield from report(f"reaches the global {node.name!r}, a known escape route", node)
