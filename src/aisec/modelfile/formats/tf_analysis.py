"""TensorFlow SavedModels and GraphDefs, binary or text: read, classify, report.

A file is read as a SavedModel when its top level has the schema version (field 1,
varint), as a GraphDef when it has nodes (field 1, length-delimited) or GraphDef-only
fields (3-5), and both ways when it has nothing but fields 2 (then field 2 is a meta
graph to one reader and a function library to the other, and TensorFlow's loader picks
by file name): both readings are analysed, and either failing makes the file malformed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.protobuf import LENGTH, VARINT, Buffer, ProtobufError, fields
from aisec.modelfile.formats.tf_graph import GRAPH, Budget, Deadline, Graph, read_graph
from aisec.modelfile.formats.tf_ops import MetaGraphOps, Use
from aisec.modelfile.formats.tf_policy import OpPolicy, load_op_policy
from aisec.modelfile.formats.tf_savedmodel import MetaGraph, read_saved_model
from aisec.modelfile.formats.tf_sniff import looks_like_graph_def
from aisec.modelfile.formats.tf_text import MAX_TEXT, encode
from aisec.modelfile.reports import ArtefactReport

MAX_PROTOBUF = 2 * 1024 * 1024 * 1024  # protobuf's own cap on a message
MAX_EMBEDDED_DEPTH = 2  # graphs in string constants of graphs in string constants
MAX_LISTED = 20  # nodes named in one finding
MESSAGES = {
    "tf-python-op": "{op} calls a Python function registered in the loading process",
    "tf-file-access-op": "{op} reads or writes files",
    "tf-network-op": "{op} opens network connections",
    "tf-unknown-op": "{op!r} is not a TensorFlow op: it needs a custom-op library",
    "tf-opaque-op": "{op} runs a graph held in a tensor",
}


def readings(data: Buffer) -> tuple[bool, bool]:
    """(as a SavedModel, as a GraphDef), from the top-level fields."""
    shape = {(n, w) for n, w, _ in fields(data)}
    saved = (1, VARINT) in shape
    graph = (1, LENGTH) in shape or any(n in (3, 4, 5) for n, _ in shape)
    if not saved and not graph:  # field 2 is a meta graph to one, a library to the other
        saved = graph = (2, LENGTH) in shape
    if not saved and not graph:
        raise ProtobufError("neither a SavedModel nor a GraphDef")
    return saved, graph


def read_tensorflow(
    data: Buffer,
    policy: OpPolicy,
    saved_model: bool | None = None,
    budget: Budget | None = None,
) -> tuple[str, list[MetaGraph]]:
    """The file's format name and meta graphs (a bare GraphDef is one, without saver);
    ``saved_model`` says which it is when that is known (text format). ``budget`` is the
    work allowed for the file (caps, deadline), shared by every graph in it."""
    saved, graph = readings(data) if saved_model is None else (saved_model, not saved_model)
    budget, wanted = budget or Budget(), policy.wanted_attrs
    metas: list[MetaGraph] = []
    # A reading that fails is an error even when the other one decodes: the loader may
    # be using the failed one, and its content would go unseen.
    if saved:
        metas.extend(read_saved_model(data, budget, wanted))
    if graph:
        metas.append(_bare_graph(data, 0, budget, wanted, ""))
    return ("tensorflow-savedmodel" if saved else "tensorflow-graphdef"), metas


def _bare_graph(
    data: Buffer, base: int, budget: Budget, wanted: frozenset[str], label: str
) -> MetaGraph:
    meta = MetaGraph(label, Graph(budget))
    read_graph(data, base, meta.graph, wanted)
    return meta


@dataclass
class _Finding:
    use: Use
    where: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    count: int = 0


def collect(metas: list[MetaGraph], policy: OpPolicy) -> dict[tuple[str, str], _Finding]:
    """Risky ops by (anomaly kind, op), with where they are, embedded graphs included."""
    found: dict[tuple[str, str], _Finding] = {}
    queue = [(meta, 0) for meta in metas]
    while queue:
        meta, depth = queue.pop(0)
        ops = MetaGraphOps(meta, policy)
        for use in ops.uses():
            entry = found.setdefault((use.kind, use.op), _Finding(use))
            entry.count += 1
            if len(entry.where) < MAX_LISTED:
                scope = "graph" if use.scope == GRAPH else f"function {use.scope!r}"
                parts = (meta.label, scope, f"node {use.node!r}")
                entry.where.append(", ".join(part for part in parts if part))
            if use.path is not None and use.path not in entry.paths and len(entry.paths) < 10:
                entry.paths.append(use.path)
        if depth < MAX_EMBEDDED_DEPTH:
            queue.extend((inner, depth + 1) for inner in _embedded(meta))
    return found


def _embedded(meta: MetaGraph) -> list[MetaGraph]:
    """String constants that decode as GraphDefs (``DatasetFromGraph`` runs such graphs)."""
    inner = []
    for scope in meta.graph.scopes:
        for node in scope.nodes:
            meta.graph.budget.tick()
            if node.const is None or not looks_like_graph_def(bytes(node.const[:1024])):
                continue
            label = ", ".join(p for p in (meta.label, f"graph in constant {node.name!r}") if p)
            try:
                wanted = load_op_policy().wanted_attrs
                inner.append(
                    _bare_graph(node.const, node.const_offset, meta.graph.budget, wanted, label)
                )
            except ProtobufError:
                continue  # a string that only starts like a graph
    return inner


def analyse_tensorflow(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    if len(blob) > MAX_PROTOBUF:
        return False
    policy, budget = load_op_policy(), Budget(_deadline(ctx))
    with memoryview(blob.data) as whole, whole[blob.start : blob.end] as view:
        try:
            fmt, metas = read_tensorflow(view, policy, budget=budget)
        except (ProtobufError, RecursionError) as exc:
            raise MalformedInput(f"TensorFlow protobuf does not decode: {exc}") from None
        found = collect(metas, policy)
        _report(fmt, found, budget, location, ctx, len(blob), offsets=True)
    return True


def analyse_text_graph(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    """saved_model.pbtxt or a text GraphDef: re-encoded, then analysed the same way
    (offsets in the re-encoded bytes mean nothing in the file, so none are given)."""
    if len(blob) > MAX_TEXT:
        raise LimitExceeded("text-format TensorFlow graph size", MAX_TEXT)
    policy, deadline = load_op_policy(), _deadline(ctx)
    budget = Budget(deadline)
    try:
        saved, data = encode(blob.read(0, len(blob)), deadline)
        fmt, metas = read_tensorflow(memoryview(data), policy, saved_model=saved, budget=budget)
    except (ProtobufError, RecursionError) as exc:
        raise MalformedInput(f"TensorFlow text format does not parse: {exc}") from None
    found = collect(metas, policy)
    _report(f"{fmt}-text", found, budget, location, ctx, len(blob), offsets=False)
    return True


def _deadline(ctx: ScanContext) -> Deadline:
    return Deadline(ctx.deadline, ctx.settings.timeout_seconds)


def _report(
    fmt: str,
    found: dict[tuple[str, str], _Finding],
    budget: Budget,
    location: Location,
    ctx: ScanContext,
    size: int,
    *,
    offsets: bool,
) -> None:
    ctx.add_artefact(location, fmt, size)
    report = ArtefactReport(location, fmt, size)
    for (kind, op), entry in sorted(found.items()):
        where = location.at(entry.use.offset) if offsets else location
        report.add(kind, _detail(kind, op, entry), where, **_evidence(entry))
    if budget.unresolved:  # the names left unresolved made their ops reported
        report.add(
            "limit",
            f"limit tensorflow name resolution steps reached ({budget.resolutions}): "
            "file names not resolved by then were taken as unknown",
            location,
            limit="tensorflow name resolution steps",
        )
    ctx.judge(report)


def _detail(kind: str, op: str, entry: _Finding) -> str:
    text = MESSAGES[kind].format(op=op)
    if entry.paths:
        text += f" ({', '.join(repr(p) for p in entry.paths)})"
    elif entry.use.reason:
        text += f" ({entry.use.reason})"
    more = f" and {entry.count - 1} more" if entry.count > 1 else ""
    return f"{text}: {entry.where[0]}{more}"


def _evidence(entry: _Finding) -> dict[str, object]:
    evidence: dict[str, object] = {"op": entry.use.op, "nodes": entry.where, "count": entry.count}
    if entry.paths:
        evidence["paths"] = entry.paths
    return evidence
