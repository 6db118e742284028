"""TensorFlow SavedModels (``saved_model.pb``) and GraphDefs (frozen ``.pb``): recognised
by structure and read from the protobuf wire format, without TensorFlow.

Schemas (``saved_model.proto``, ``meta_graph.proto``, ``saver.proto``,
``saved_object_graph.proto``): SavedModel {1 schema version, 2 MetaGraphDef*};
MetaGraphDef {1 meta_info_def, 2 graph_def, 3 saver_def, 4 collection_def map,
5 signature_def map, 6 asset_file_def*, 7 object_graph_def}. From each meta graph we keep
what tells the model's own machinery (saver, assets, init ops, signatures) apart from the
rest of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aisec.modelfile.formats.protobuf import (
    LENGTH,
    VARINT,
    Buffer,
    ProtobufError,
    fields,
    fields_at,
    varints,
)
from aisec.modelfile.formats.tf_graph import Budget, Graph, base_name, read_graph, text

MAX_META_GRAPHS = 1_000
ASSETS_COLLECTION = "saved_model_assets"  # where TensorFlow 1 builders list assets
MAX_OBJECTS = 1_000_000
MAX_NAMED = 1_000_000  # signature tensors, collection entries, assets, bindings


@dataclass
class MetaGraph:
    label: str
    graph: Graph
    saver_nodes: list[str] = field(default_factory=list)
    run_roots: list[str] = field(default_factory=list)  # signature outputs, init ops
    asset_nodes: set[str] = field(default_factory=set)  # tensors fed with asset paths
    assets: list[str] = field(default_factory=list)  # asset file names, by index
    objects: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    bindings: dict[str, list[int]] = field(default_factory=dict)  # function -> objects


class _Named:
    """Counts the names a meta graph lists, so that no list grows without bound."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, target: list[str] | set[str], name: str) -> None:
        self.count += 1
        if self.count > MAX_NAMED:
            raise ProtobufError("too many named tensors in a meta graph")
        if isinstance(target, set):
            target.add(name)
        else:
            target.append(name)


def read_saved_model(data: Buffer, budget: Budget, wanted: frozenset[str]) -> list[MetaGraph]:
    metas: list[MetaGraph] = []
    for number, wire, value, at in fields_at(data):
        if number == 2 and wire == LENGTH and isinstance(value, Buffer):
            if len(metas) >= MAX_META_GRAPHS:
                raise ProtobufError("too many meta graphs")
            metas.append(read_meta_graph(value, at, len(metas), budget, wanted))
    return metas


def read_meta_graph(
    data: Buffer, base: int, index: int, budget: Budget, wanted: frozenset[str]
) -> MetaGraph:
    meta = MetaGraph(f"meta graph {index}", Graph(budget))
    named = _Named()
    for number, wire, value, at in fields_at(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 2:
            read_graph(value, base + at, meta.graph, wanted)
        elif number in _PARTS:
            _PARTS[number](value, meta, named)
    return meta


def _meta_info(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    tags = _strings(data, 4)
    if tags:
        meta.label += f" ({', '.join(tags[:8])})"


def _saver(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    """SaverDef: save_tensor_name (2) and restore_op_name (3)."""
    for number in (2, 3):
        for name in _strings(data, number):
            named.add(meta.saver_nodes, base_name(name))


def _collection(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    """collection_def entry: key (1), CollectionDef (2) with node_list (1) of names (1)
    or any_list (5) of Any (value 2), which is how TensorFlow 1 builders list assets."""
    assets = next(iter(_strings(data, 1)), "") == ASSETS_COLLECTION
    for collection in _map_values(data):
        for nodes in _values(collection, 1):
            for name in _strings(nodes, 1):
                named.add(meta.run_roots, base_name(name))
        for items in _values(collection, 5) if assets else ():
            for item in _values(items, 1):
                for asset in _values(item, 2):
                    _asset(asset, meta, named)


def _signature(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    """signature_def entry: SignatureDef (2) whose outputs (2) name tensors (1)."""
    for signature in _map_values(data):
        for outputs in _values(signature, 2):
            for info in _map_values(outputs):
                for name in _strings(info, 1):
                    named.add(meta.run_roots, base_name(name))


def _asset(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    """AssetFileDef: tensor_info (1) whose name (1) the loader feeds with the path of
    filename (2) in assets/."""
    for info in _values(data, 1):
        for name in _strings(info, 1):
            named.add(meta.asset_nodes, base_name(name))
    named.add(meta.assets, next(iter(_strings(data, 2)), ""))


def _object_graph(data: Buffer, meta: MetaGraph, named: _Named) -> None:
    """SavedObjectGraph: nodes (1) by kind; concrete_functions (2) with bound_inputs (2)."""
    for number, wire, value in fields(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 1:
            if len(meta.objects) >= MAX_OBJECTS:
                raise ProtobufError("too many objects in the object graph")
            meta.objects.append(_object_kind(value))
        elif number == 2:
            name = next(iter(_strings(value, 1)), "")
            bound: list[int] = []
            for function in _map_values(value):
                for n, w, v in fields(function):
                    if n == 2 and w == VARINT and isinstance(v, int):
                        bound.append(v)
                    elif n == 2 and w == LENGTH and isinstance(v, Buffer):
                        bound.extend(varints(v))
                    if len(bound) > MAX_NAMED:
                        raise ProtobufError("too many bound inputs")
            named.count += len(bound)
            meta.bindings[name] = bound


def _object_kind(data: Buffer) -> tuple[str, str]:
    for number, wire, value in fields(data):
        if wire != LENGTH or not isinstance(value, Buffer):
            continue
        if number == 5:  # SavedAsset: asset_file_def_index (1)
            index = next((v for n, w, v in fields(value) if n == 1 and isinstance(v, int)), 0)
            return "asset", str(index)
        if number == 9:  # SavedConstant: operation (1)
            return "constant", next(iter(_strings(value, 1)), "")
    return "other", ""


_PARTS = {
    1: _meta_info,
    3: _saver,
    4: _collection,
    5: _signature,
    6: _asset,
    7: _object_graph,
}


def _values(data: Buffer, number: int) -> list[Buffer]:
    return [v for n, w, v in fields(data) if n == number and w == LENGTH and isinstance(v, Buffer)]


def _map_values(entry: Buffer) -> list[Buffer]:
    return _values(entry, 2)


def _strings(data: Buffer, number: int) -> list[str]:
    return [text(v) for n, w, v in fields(data) if n == number and isinstance(v, Buffer)]
