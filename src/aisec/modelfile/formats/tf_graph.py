"""TensorFlow GraphDefs and function libraries, read from the protobuf wire format.

Field numbers follow TensorFlow's ``graph.proto``, ``node_def.proto``, ``function.proto``,
``attr_value.proto`` and ``tensor.proto``. Only what the checks need is kept: each node's
name, op, inputs, the functions its attributes call, a few string attributes, and the
first value of string constants (paths, embedded graphs). Nothing is copied: values
stay windows on the file.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from aisec.core.errors import LimitExceeded
from aisec.modelfile.formats.protobuf import LENGTH, Buffer, ProtobufError, fields, fields_at

MAX_NODES = 1_000_000  # nodes of one file, graph and functions together
# Steps spent resolving where file names come from (one per input followed, memo hits
# included), for one file; beyond, names are unknown, which reports their ops.
MAX_RESOLUTIONS = 1_000_000
CHECK_EVERY = 4096  # units of work between two looks at the clock
MAX_FUNCTIONS = 100_000
MAX_ATTR_DEPTH = 8  # functions named inside function attributes inside ...
MAX_TEXT = 4096  # characters kept of a string attribute or constant
DT_STRING = 7
GRAPH = ""  # the scope name of the graph itself; functions are scoped by their name


def text(value: Buffer) -> str:
    return bytes(value[:MAX_TEXT]).decode("utf-8", "replace")


@dataclass(slots=True)
class Node:
    name: str
    op: str
    offset: int  # of the NodeDef in the file
    inputs: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # functions named by attributes
    attrs: dict[str, str] = field(default_factory=dict)  # wanted string attributes
    const: Buffer | None = None  # first value of a string constant
    const_offset: int = 0


@dataclass(slots=True)
class Scope:
    """The graph, or one function of its library."""

    name: str
    offset: int
    args: list[str] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Deadline:
    """When the time budget for the file ends (``time.monotonic()``), and the setting it
    comes from."""

    at: float = math.inf
    seconds: float = 0.0

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise LimitExceeded("timeout_seconds", self.seconds)


@dataclass
class Budget:
    """The work spent on one file (every meta graph and embedded graph): nodes read,
    resolution steps, and everything else that looks at the clock now and then."""

    deadline: Deadline = field(default_factory=Deadline)
    nodes: int = 0
    resolutions: int = 0
    unresolved: bool = False  # a resolution was refused: the budget was spent
    work: int = 0

    def spend(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise LimitExceeded("tensorflow graph nodes", MAX_NODES)
        self.tick()

    def resolve(self) -> bool:
        """Count one resolution step; False once the file's resolution budget is spent."""
        if self.resolutions >= MAX_RESOLUTIONS:
            self.unresolved = True
            return False
        self.resolutions += 1
        self.tick()
        return True

    def tick(self) -> None:
        """One unit of work; the deadline is checked every ``CHECK_EVERY``."""
        self.work += 1
        if self.work % CHECK_EVERY == 0:
            self.deadline.check()


@dataclass
class Graph:
    budget: Budget = field(default_factory=Budget)
    scopes: list[Scope] = field(default_factory=list)

    def count(self) -> None:
        self.budget.spend()


def base_name(reference: str) -> str:
    """The node (or function argument) an input refers to: ``^a``, ``a:1``, ``a:out:0``."""
    return reference.lstrip("^").split(":", 1)[0]


def read_graph(data: Buffer, base: int, graph: Graph, wanted: frozenset[str]) -> None:
    """Add the graph's nodes and its library's functions to ``graph``."""
    scope = Scope(GRAPH, base)
    graph.scopes.append(scope)
    for number, wire, value, at in fields_at(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 1:  # node
            graph.count()
            scope.nodes.append(read_node(value, base + at, wanted))
        elif number == 2:  # library
            read_library(value, base + at, graph, wanted)


def read_library(data: Buffer, base: int, graph: Graph, wanted: frozenset[str]) -> None:
    functions = 0
    for number, wire, value, at in fields_at(data):
        if number == 1 and wire == LENGTH and isinstance(value, Buffer):
            functions += 1
            if functions > MAX_FUNCTIONS:
                raise LimitExceeded("tensorflow library functions", MAX_FUNCTIONS)
            graph.scopes.append(read_function(value, base + at, graph, wanted))


def read_function(data: Buffer, base: int, graph: Graph, wanted: frozenset[str]) -> Scope:
    scope = Scope("?", base)
    for number, wire, value, at in fields_at(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 1:  # signature: OpDef with name (1) and input_arg (2, ArgDef name 1)
            for n, w, v in fields(value):
                if n == 1 and w == LENGTH and isinstance(v, Buffer):
                    scope.name = text(v)
                elif n == 2 and w == LENGTH and isinstance(v, Buffer):
                    scope.args.append(_first_string(v, 1))
        elif number == 3:  # node_def
            graph.count()
            scope.nodes.append(read_node(value, base + at, wanted))
    return scope


def read_node(data: Buffer, base: int, wanted: frozenset[str]) -> Node:
    node = Node("", "", base)
    value_attr: tuple[Buffer, int] | None = None
    # A known field with another wire type is an unknown field to protobuf: skipped.
    for number, wire, value, at in fields_at(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 1:
            node.name = text(value)
        elif number == 2:
            node.op = text(value)
        elif number == 3:
            node.inputs.append(text(value))
        elif number == 5:  # attr: map entry with key (1) and AttrValue (2)
            key, attr, attr_at = _attr_entry(value)
            if attr is None:
                continue
            _calls(attr, node.calls, 0)
            if key in wanted:
                node.attrs[key] = _attr_string(attr)
            if key == "value":
                value_attr = (attr, base + at + attr_at)
    if value_attr is not None and node.op == "Const":
        _string_constant(*value_attr, node)
    return node


def _attr_entry(data: Buffer) -> tuple[str, Buffer | None, int]:
    key, attr, attr_at = "", None, 0
    for number, wire, value, at in fields_at(data):
        if wire == LENGTH and isinstance(value, Buffer):
            if number == 1:
                key = text(value)
            elif number == 2:
                attr, attr_at = value, at
    return key, attr, attr_at


def _calls(attr: Buffer, calls: list[str], depth: int) -> None:
    """Functions named in an AttrValue: func (10), list.func (1 -> 9), and the attributes
    of those NameAttrLists in turn."""
    if depth > MAX_ATTR_DEPTH:
        raise ProtobufError("function attributes nested too deep")
    for number, wire, value in fields(attr):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 10:
            _name_attr_list(value, calls, depth)
        elif number == 1:
            for n, w, v in fields(value):
                if n == 9 and w == LENGTH and isinstance(v, Buffer):
                    _name_attr_list(v, calls, depth)


def _name_attr_list(data: Buffer, calls: list[str], depth: int) -> None:
    for number, wire, value in fields(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 1:
            calls.append(text(value))
        elif number == 2:  # attr map entry: its value (2) may name functions too
            for n, w, v in fields(value):
                if n == 2 and w == LENGTH and isinstance(v, Buffer):
                    _calls(v, calls, depth + 1)


def _attr_string(attr: Buffer) -> str:
    """An attribute's string value (s, or the first of list.s); placeholders, which a
    caller binds, are shown as such."""
    for number, wire, value in fields(attr):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 2:
            return text(value)
        if number == 1:
            return _first_string(value, 2)
        if number == 9:
            return f"<placeholder {text(value)}>"
    return ""


def _string_constant(attr: Buffer, base: int, node: Node) -> None:
    for number, wire, value, at in fields_at(attr):
        if number != 8 or wire != LENGTH or not isinstance(value, Buffer):
            continue
        dtype = 0
        for n, w, v, pos in fields_at(value):
            if n == 1 and isinstance(v, int):
                dtype = v
            elif n == 8 and w == LENGTH and isinstance(v, Buffer) and node.const is None:
                node.const, node.const_offset = v, base + at + pos
        if dtype != DT_STRING:
            node.const = None


def _first_string(data: Buffer, number: int) -> str:
    for n, w, v in fields(data):
        if n == number and w == LENGTH and isinstance(v, Buffer):
            return text(v)
    return ""
