"""TensorFlow GraphDefs, MetaGraphDefs and SavedModel directories for the tests, built with
TensorFlow's own schema as tensorboard ships it (no TensorFlow needed). Ops are only
named, never run: nothing here executes."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

pytest.importorskip("tensorboard")
from tensorboard.compat.proto import (
    attr_value_pb2,
    function_pb2,
    graph_pb2,
    meta_graph_pb2,
    node_def_pb2,
    saved_object_graph_pb2,
    saver_pb2,
    tensor_pb2,
    types_pb2,
)

TABLE_MAGIC = (0xDB4775248B80FB57).to_bytes(8, "little")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def node(name, op, inputs=(), *, func=None, **attrs):
    """A NodeDef; string attributes as keywords, ``func`` a function the node calls."""
    result = node_def_pb2.NodeDef(name=name, op=op, input=list(inputs))
    for key, value in attrs.items():
        result.attr[key].s = value.encode() if isinstance(value, str) else value
    if func is not None:
        result.attr["f"].func.name = func
    return result


def const(name, value: bytes | str):
    """A string constant (the path a file op reads, or bytes of a nested graph)."""
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING)
    tensor.string_val.append(value.encode() if isinstance(value, str) else value)
    result = node_def_pb2.NodeDef(name=name, op="Const")
    result.attr["dtype"].type = types_pb2.DT_STRING
    result.attr["value"].tensor.CopyFrom(tensor)
    return result


def call(name, function, inputs=()):
    return node(name, "StatefulPartitionedCall", inputs, func=function)


def function(name, *nodes, args=()):
    result = function_pb2.FunctionDef()
    result.signature.name = name
    for arg in args:
        result.signature.input_arg.add(name=arg, type=types_pb2.DT_STRING)
    result.node_def.extend(nodes)
    return result


def graph(*nodes, functions=()):
    result = graph_pb2.GraphDef()
    result.node.extend(nodes)
    result.library.function.extend(functions)
    result.versions.producer = 1000
    return result


def meta_graph(graph_def, *, saver=None, outputs=(), assets=(), tags=("serve",)):
    """A MetaGraphDef; ``saver`` is (save tensor, restore op), ``outputs`` the tensors of
    a serving signature, ``assets`` (tensor, file name) pairs."""
    meta = meta_graph_pb2.MetaGraphDef()
    meta.meta_info_def.tags.extend(tags)
    meta.graph_def.CopyFrom(graph_def)
    if saver is not None:
        meta.saver_def.CopyFrom(
            saver_pb2.SaverDef(
                filename_tensor_name="saver_filename:0",
                save_tensor_name=saver[0],
                restore_op_name=saver[1],
                version=saver_pb2.SaverDef.V2,
            )
        )
    signature = meta.signature_def["serving_default"]
    for i, name in enumerate(outputs):
        signature.outputs[f"output_{i}"].name = name
    for tensor, filename in assets:
        meta.asset_file_def.add(filename=filename).tensor_info.name = tensor
    return meta


def bind(meta, function_name, *kinds):
    """Object-graph bindings of a function's captured inputs: ``("asset", 0)`` or
    ``("constant", "Const")`` per captured argument."""
    objects = meta.object_graph_def
    bound = []
    for kind, detail in kinds:
        node_def = objects.nodes.add()
        if kind == "asset":
            node_def.asset.CopyFrom(saved_object_graph_pb2.SavedAsset(asset_file_def_index=detail))
        else:
            node_def.constant.CopyFrom(saved_object_graph_pb2.SavedConstant(operation=detail))
        bound.append(len(objects.nodes) - 1)
    objects.concrete_functions[function_name].bound_inputs.extend(bound)
    return meta


def saved_model(*metas, version=1) -> bytes:
    """SavedModel {1: schema version, 2: MetaGraphDef*}, written by hand (tensorboard
    does not ship saved_model.proto)."""
    head = varint(1 << 3) + varint(version) if version is not None else b""
    return head + b"".join(field(2, m.SerializeToString()) for m in metas)


# -- the standard savers --------------------------------------------------------------------
def tf1_saver_nodes():
    """What tf.compat.v1.train.Saver adds to a graph (names as TensorFlow writes them)."""
    return [
        node("save/filename", "PlaceholderWithDefault", ["save/filename/input"]),
        const("save/Const", "model"),
        const("save/SaveV2/tensor_names", "w"),
        const("save/SaveV2/shape_and_slices", ""),
        node("save/StringJoin", "StringJoin", ["save/Const", "save/StringJoin/inputs_1"]),
        node("save/ShardedFilename", "ShardedFilename", ["save/StringJoin", "save/s", "save/n"]),
        node(
            "save/SaveV2",
            "SaveV2",
            [
                "save/ShardedFilename",
                "save/SaveV2/tensor_names",
                "save/SaveV2/shape_and_slices",
                "w",
            ],
        ),
        node("save/control_dependency", "Identity", ["save/ShardedFilename", "^save/SaveV2"]),
        node("save/MergeV2Checkpoints", "MergeV2Checkpoints", ["save/prefixes", "save/Const"]),
        node("save/Identity", "Identity", ["save/Const", "^save/MergeV2Checkpoints"]),
        node("save/RestoreV2", "RestoreV2", ["save/Const", "save/SaveV2/tensor_names", "save/s"]),
        node("save/AssignVariableOp", "AssignVariableOp", ["w", "save/RestoreV2"]),
        node("save/restore_all", "NoOp", ["^save/AssignVariableOp"]),
    ]


def tf2_saver():
    """What tf.saved_model.save writes: call nodes on the saver_filename placeholder and
    the __inference__traced_save/_restore functions (returns nodes, functions)."""
    save = function(
        "__inference__traced_save_47",
        node("StringJoin", "StringJoin", ["file_prefix", "Const"]),
        node("ShardedFilename", "ShardedFilename", ["StringJoin:output:0", "n", "s"]),
        node("SaveV2", "SaveV2", ["ShardedFilename:filename:0", "names", "slices", "v"]),
        node("MergeV2Checkpoints", "MergeV2Checkpoints", ["prefixes", "file_prefix"]),
        args=("file_prefix",),
    )
    restore = function(
        "__inference__traced_restore_59",
        node("RestoreV2", "RestoreV2", ["file_prefix", "names", "slices"]),
        node("AssignVariableOp", "AssignVariableOp", ["v", "RestoreV2:tensors:0"]),
        args=("file_prefix",),
    )
    nodes = [
        node("saver_filename", "Placeholder"),
        call("StatefulPartitionedCall_1", "__inference__traced_save_47", ["saver_filename"]),
        call("StatefulPartitionedCall_2", "__inference__traced_restore_59", ["saver_filename"]),
    ]
    return nodes, [save, restore]


def tf2_model(*serving_nodes, extra_functions=()):
    """A TF2-style SavedModel: a serving function called from the graph, plus the saver."""
    saver_nodes, saver_functions = tf2_saver()
    serve = function("__inference___call___11", *serving_nodes, args=("x",))
    nodes = [
        node("serving_default_x", "Placeholder"),
        call("StatefulPartitionedCall", "__inference___call___11", ["serving_default_x"]),
        *saver_nodes,
    ]
    graph_def = graph(*nodes, functions=[serve, *saver_functions, *extra_functions])
    return meta_graph(
        graph_def,
        saver=("StatefulPartitionedCall_1:0", "StatefulPartitionedCall_2"),
        outputs=("StatefulPartitionedCall:0",),
    )


def benign_graph():
    return graph(
        node("x", "Placeholder"),
        node("w", "VarHandleOp"),
        node("w/Read", "ReadVariableOp", ["w"]),
        node("y", "MatMul", ["x", "w/Read"]),
        node("z", "Relu", ["y"]),
    )


# -- hostile resolution structure -------------------------------------------------------------
def variable_chain(k: int, depth: int, path: str):
    """ReadFile of ``r0``, where each variable ``v<i>`` is assigned ``k`` times from the read
    of the next one, and the last from a constant ``path``: following every assignment
    without memo takes ``k ** (depth + 1)`` steps (k=4, depth 11: about a minute)."""
    nodes = []
    for i in range(depth + 2):
        nodes += [node(f"v{i}", "VarHandleOp"), node(f"r{i}", "ReadVariableOp", [f"v{i}"])]
    for i in range(depth + 1):
        nodes += [node(f"a{i}_{j}", "AssignVariableOp", [f"v{i}", f"r{i + 1}"]) for j in range(k)]
    nodes += [const("path", path), node("last", "AssignVariableOp", [f"v{depth + 1}", "path"])]
    nodes.append(node("read", "ReadFile", ["r0"]))
    return graph(*nodes)


def call_chain(k: int, depth: int, *, asset: bool):
    """A vocabulary table initialised in ``f0`` from its argument; ``f<i>`` is called
    ``k`` times by ``f<i+1>`` with its own argument, and the last ``k`` times by the
    graph with an asset (a SavedModel) or a constant path: following every caller without
    memo takes ``k ** (depth + 1)`` steps."""
    init = node("init", "InitializeTableFromTextFileV2", ["table", "a"])
    functions = [function("f0", node("table", "HashTableV2"), init, args=("a",))]
    for i in range(1, depth + 1):
        calls = [call(f"c{j}", f"f{i - 1}", ["a"]) for j in range(k)]
        functions.append(function(f"f{i}", *calls, args=("a",)))
    source = node("asset_path", "Placeholder") if asset else const("asset_path", "/etc/shadow")
    calls = [call(f"call{j}", f"f{depth}", ["asset_path"]) for j in range(k)]
    meta = meta_graph(
        graph(source, *calls, functions=functions),
        assets=[("asset_path:0", "vocab.txt")] if asset else (),
    )
    return saved_model(meta)


# -- the other files of a SavedModel directory ----------------------------------------------
def fingerprint() -> bytes:
    version = varint(1 << 3) + varint(1)
    body = b"".join(varint(n << 3) + varint(0x9ABCDEF012345678 + n) for n in range(1, 6))
    return body + field(6, version) + field(7, b"3f1c2a9e")


def _block(entries: list[tuple[bytes, bytes]]) -> bytes:
    data = b"".join(varint(0) + varint(len(k)) + varint(len(v)) + k + v for k, v in entries)
    return data + struct.pack("<II", 0, 1) + b"\x00" + b"\x00" * 4  # restarts, trailer


def bundle_index() -> bytes:
    """A TensorBundle index: a data block (header entry under the empty key and one
    tensor), an empty metaindex block, an index block and the footer with the magic."""
    header = varint(1 << 3) + varint(1)  # BundleHeaderProto num_shards = 1
    entry = varint(1 << 3) + varint(1) + field(2, b"") + varint(4 << 3) + varint(0)
    data = _block([(b"", header), (b"w", entry)])
    meta_at = len(data)
    metaindex = _block([])
    index_at = meta_at + len(metaindex)
    handle = varint(0) + varint(len(data) - 5)
    index = _block([(b"x", handle)])
    handles = varint(meta_at) + varint(len(metaindex) - 5)
    handles += varint(index_at) + varint(len(index) - 5)
    footer = handles.ljust(40, b"\x00") + TABLE_MAGIC
    return data + metaindex + index + footer


def saved_model_dir(root: Path, model: bytes, *, shards: int = 1) -> Path:
    """saved_model.pb with fingerprint.pb, variables/ (index and shards) and assets/."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "saved_model.pb").write_bytes(model)
    (root / "fingerprint.pb").write_bytes(fingerprint())
    variables = root / "variables"
    variables.mkdir()
    (variables / "variables.index").write_bytes(bundle_index())
    for shard in range(shards):
        raw = struct.pack("<8f", *range(8)) + bytes(range(256))  # raw tensor bytes
        (variables / f"variables.data-{shard:05d}-of-{shards:05d}").write_bytes(raw)
    assets = root / "assets"
    assets.mkdir()
    (assets / "vocab.txt").write_text("a\nb\nc\n")
    return root


def string_list_attr(values):
    return attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(s=values))


@pytest.fixture
def scan_bytes(scan_bytes):
    """The suite's scan_bytes, and the run must have analysed everything without error."""

    def _scan(data, name="model.pb", settings=None):
        run = scan_bytes(data, name, settings)
        assert run.errors == [], run.errors
        assert all(a.status.value == "analysed" for a in run.artefacts), run.artefacts
        return run

    return _scan
