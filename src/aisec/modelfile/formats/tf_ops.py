"""Which ops of a TensorFlow graph are a risk, told apart from the model's own machinery.

Every node of the graph and of every library function is classified. Checkpoint ops are
a risk only outside the saver (the nodes its save and restore tensors depend on, the
functions they call, or a graph-level ``save/`` scope) or when something a loader runs
(signatures, init ops) depends on them. Vocabulary files are a risk only when they are
not one of the model's assets. See docs/adr/0007-tensorflow-graphs.md.

Where a file name comes from is resolved through identities, variables and calls, up to
``MAX_RESOLVE_DEPTH`` inputs deep. Results are memoised by (scope, name, depth), which
gives what the plain recursion would, in time linear in the inputs followed rather than
exponential in the depth; every step counts against the file's resolution budget
(``tf_graph.MAX_RESOLUTIONS``), and a name not resolved within it is unknown: its op is
reported (fail closed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from aisec.modelfile.formats.tf_graph import GRAPH, Node, Scope, base_name, text
from aisec.modelfile.formats.tf_policy import OpPolicy
from aisec.modelfile.formats.tf_savedmodel import MetaGraph

SAVER_SCOPE = re.compile(r"save(_\d+)?/")
UNKNOWN: tuple[str, str | None] = ("unknown", None)
RUN_TIME = "the file name is computed at run time"
UNRESOLVED = "the file name was not resolved: the resolution budget for the file was spent"
CALL_OPS = frozenset({"PartitionedCall", "StatefulPartitionedCall"})
MAX_RESOLVE_DEPTH = 16
KIND = {
    "python": "tf-python-op",
    "file": "tf-file-access-op",
    "checkpoint": "tf-file-access-op",
    "asset": "tf-file-access-op",
    "network": "tf-network-op",
    "unknown": "tf-unknown-op",
    "opaque": "tf-opaque-op",
}


@dataclass(frozen=True, slots=True)
class Use:
    """One node whose op is a risk."""

    kind: str
    op: str
    scope: str  # GRAPH or a function name
    node: str
    offset: int
    path: str | None = None  # the constant file name or address it uses, if any
    reason: str = ""


class MetaGraphOps:
    """The classification of one meta graph (or bare GraphDef)."""

    def __init__(self, meta: MetaGraph, policy: OpPolicy) -> None:
        self.meta = meta
        self.policy = policy
        self.budget = meta.graph.budget
        self.scopes = meta.graph.scopes
        self.functions = {s.name: s for s in self.scopes if s.name != GRAPH}
        self.graph_nodes = {n.name: n for s in self.scopes if s.name == GRAPH for n in s.nodes}
        self._locals: dict[str, dict[str, Node]] = {}
        self._assigns: dict[str, dict[str, list[Node]]] = {}
        self._arguments: dict[int, dict[str, int]] = {}  # id(scope) -> argument -> index
        self._data: dict[int, list[str]] = {}  # id(node) -> its data inputs
        self._resolved: dict[tuple[int, str, int], tuple[str, str | None]] = {}
        self.callers: dict[str, list[tuple[Scope, Node]]] = {}
        for scope in self.scopes:
            for node in scope.nodes:
                for callee in self.callees(node):
                    self.callers.setdefault(callee, []).append((scope, node))
        self.saver_nodes = self.ancestors(meta.saver_nodes)
        self.saver_functions = self.reach(self.saver_nodes)
        self.run_nodes = self.ancestors(meta.run_roots)
        self.run_functions = self.reach(self.run_nodes)

    # -- graph structure ------------------------------------------------------------------
    def callees(self, node: Node) -> Iterator[str]:
        yield from (c for c in node.calls if c in self.functions)
        if node.op in self.functions:
            yield node.op

    def ancestors(self, roots: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = [r for r in roots if r in self.graph_nodes]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            self.budget.tick()
            for reference in self.graph_nodes[name].inputs:
                base = base_name(reference)
                if base not in seen and base in self.graph_nodes:  # inputs may name nothing
                    stack.append(base)
        return seen

    def reach(self, graph_nodes: set[str]) -> set[str]:
        seen: set[str] = set()
        stack = [c for name in graph_nodes for c in self.callees(self.graph_nodes[name])]
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                self.budget.tick()
                stack.extend(c for n in self.functions[name].nodes for c in self.callees(n))
        return seen

    def local(self, scope: Scope) -> dict[str, Node]:
        if scope.name == GRAPH:
            return self.graph_nodes
        if scope.name not in self._locals:
            self._locals[scope.name] = {n.name: n for n in scope.nodes}
        return self._locals[scope.name]

    def assigns(self, scope: Scope) -> dict[str, list[Node]]:
        """AssignVariableOp nodes of a scope by the variable they assign."""
        key = f"assigns:{scope.name}"
        if key not in self._assigns:
            found: dict[str, list[Node]] = {}
            for node in scope.nodes:
                if node.op == "AssignVariableOp" and len(node.inputs) >= 2:
                    found.setdefault(base_name(node.inputs[0]), []).append(node)
            self._assigns[key] = found
        return self._assigns[key]

    # -- classification ---------------------------------------------------------------------
    def uses(self) -> Iterator[Use]:
        for scope in self.scopes:
            for node in scope.nodes:
                self.budget.tick()
                if node.op and node.op not in self.functions:
                    use = self.judge(scope, node, self.policy.classify(node.op))
                    if use is not None:
                        yield use

    def judge(self, scope: Scope, node: Node, category: str) -> Use | None:
        if category == "standard":
            return None
        path = self.path(scope, node)
        use = Use(KIND[category], node.op, scope.name, node.name, node.offset, path)
        if category == "file":
            return self._file(node, use)
        if category == "checkpoint":
            return None if self._standard_checkpoint(scope, node) else use
        if category == "asset":
            source, value = self.source(scope, self._path_input(node), 0)
            if source in ("asset", "caller"):
                return None
            reason = "" if source == "const" else UNRESOLVED if self.budget.unresolved else RUN_TIME
            return Use(use.kind, node.op, scope.name, node.name, node.offset, value, reason)
        return use

    def _file(self, node: Node, use: Use) -> Use | None:
        rule = self.policy.path_attr.get(node.op)
        if rule is not None:
            value = node.attrs.get(rule[0], "")
            if not value or value.startswith(rule[1]):
                return None
            return Use(use.kind, use.op, use.scope, use.node, use.offset, value)
        if node.op in self.policy.memory_when_empty and use.path == "":
            return None
        return use

    def _standard_checkpoint(self, scope: Scope, node: Node) -> bool:
        if scope.name == GRAPH:
            if node.name in self.run_nodes:
                return False
            return node.name in self.saver_nodes or SAVER_SCOPE.match(node.name) is not None
        return scope.name in self.saver_functions and scope.name not in self.run_functions

    def _path_input(self, node: Node) -> str | None:
        index = self.policy.path_input.get(node.op)
        if index is None:
            return None
        data = self._data_inputs(node)
        return data[index] if index < len(data) else None

    def _data_inputs(self, node: Node) -> list[str]:
        """The node's inputs without its control dependencies (``^name``)."""
        found = self._data.get(id(node))
        if found is None:
            found = self._data[id(node)] = [i for i in node.inputs if not i.startswith("^")]
        return found

    def _argument_index(self, scope: Scope, name: str) -> int | None:
        indexes = self._arguments.get(id(scope))
        if indexes is None:
            indexes = self._arguments[id(scope)] = {}
            for index, arg in enumerate(scope.args):
                indexes.setdefault(arg, index)  # the first of repeated names, as .index()
        return indexes.get(name)

    def path(self, scope: Scope, node: Node) -> str | None:
        """The constant value of the node's file-name input, when it is one."""
        source, value = self.source(scope, self._path_input(node), 0)
        return value if source == "const" else None

    def source(self, scope: Scope, reference: str | None, depth: int) -> tuple[str, str | None]:
        """Where a string input comes from: ``asset`` (a file of the model's assets),
        ``const`` (with its value), ``caller`` (an argument nothing in the file binds),
        or ``unknown`` (computed at run time, or not resolved within the budget)."""
        if reference is None or depth > MAX_RESOLVE_DEPTH or not self.budget.resolve():
            return UNKNOWN
        key = (id(scope), base_name(reference), depth)
        found = self._resolved.get(key)
        if found is None:
            # depth grows on every path below, so a key is never met while it is computed
            found = self._resolved[key] = self._resolve(scope, key[1], depth)
        return found

    def _resolve(self, scope: Scope, name: str, depth: int) -> tuple[str, str | None]:
        if scope.name == GRAPH and name in self.meta.asset_nodes:
            return "asset", None
        node = self.local(scope).get(name)
        if node is not None:
            if node.const is not None:
                return "const", text(node.const)
            if node.op == "Identity" and node.inputs:
                return self.source(scope, node.inputs[0], depth + 1)
            if node.op == "ReadVariableOp" and node.inputs:
                # TF2 keeps asset paths in a variable assigned from the asset placeholder
                handle = base_name(node.inputs[0])
                return _worst(
                    [
                        self.source(scope, assign.inputs[1], depth + 1)
                        for assign in self.assigns(scope).get(handle, ())
                    ]
                )
            return UNKNOWN
        index = self._argument_index(scope, name)
        if index is not None:
            return self._argument(scope, index, depth)
        return UNKNOWN

    def _argument(self, scope: Scope, index: int, depth: int) -> tuple[str, str | None]:
        sources: list[tuple[str, str | None]] = []
        bound = self.meta.bindings.get(scope.name)
        if bound is not None:
            position = index - (len(scope.args) - len(bound))
            if 0 <= position < len(bound):
                sources.append(self._bound(bound[position]))
        for caller_scope, caller in self.callers.get(scope.name, ()):
            data = self._data_inputs(caller)
            if (caller.op in CALL_OPS or caller.op == scope.name) and index < len(data):
                sources.append(self.source(caller_scope, data[index], depth + 1))
            else:
                self.budget.resolve()  # a step too: callers can be many
                sources.append(UNKNOWN)
        return _worst(sources) if sources else ("caller", None)

    def _bound(self, object_id: int) -> tuple[str, str | None]:
        if not 0 <= object_id < len(self.meta.objects):
            return "unknown", None
        kind, detail = self.meta.objects[object_id]
        if kind == "asset":
            return "asset", None
        if kind == "constant":
            node = self.graph_nodes.get(base_name(detail))
            if node is not None and node.const is not None:
                return "const", text(node.const)
        return "unknown", None


def _worst(sources: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """The riskiest of several possible sources: a constant path, then an unknown one."""
    for kind in ("const", "unknown", "asset", "caller"):
        for source in sources:
            if source[0] == kind:
                return source
    return "unknown", None
