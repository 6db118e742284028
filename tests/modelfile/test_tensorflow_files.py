"""TensorFlow SavedModel directories and GraphDefs: recognition by content (against ONNX
too), every file of a SavedModel directory, archives of it, hostile structure, fuzzing,
and, when a TensorFlow interpreter is configured, SavedModels written by TensorFlow."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import marshal
import os
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import FUZZ, mutated, scan_blob

from aisec.core.errors import LimitExceeded
from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.formats import tf_analysis, tf_graph, tf_text
from aisec.modelfile.formats.protobuf import ProtobufError, fields
from aisec.modelfile.formats.tf_analysis import collect, read_tensorflow
from aisec.modelfile.formats.tf_graph import Deadline
from aisec.modelfile.formats.tf_policy import load_op_policy
from aisec.modelfile.formats.tf_sniff import looks_like_graph_def, looks_like_saved_model
from aisec.modelfile.scanner import scan

tg = pytest.importorskip("checks.tensorflow_graphs")
from tensorboard.compat.proto import graph_pb2, meta_graph_pb2  # noqa: E402


def formats(run) -> dict[str, str]:
    return {
        Path(a.location.path).name + "".join(a.location.member): a.format for a in run.artefacts
    }


def hostile_model() -> bytes:
    return tg.saved_model(tg.tf2_model(tg.node("p", "EagerPyFunc", ["x"])))


# -- the fixtures are what TensorFlow's schema reads --------------------------------------
def test_tensorboard_reads_the_pieces_back():
    meta = tg.tf2_model(tg.node("Relu", "Relu", ["x"]))
    data = tg.saved_model(meta, meta)
    pieces = list(fields(data))
    assert pieces[0][:3] == (1, 0, 1)
    for number, _, value in pieces[1:]:
        assert number == 2
        parsed = meta_graph_pb2.MetaGraphDef.FromString(bytes(value))
        assert parsed == meta
        assert graph_pb2.GraphDef.FromString(parsed.graph_def.SerializeToString()).node


# -- recognition, and ONNX --------------------------------------------------------------
def test_saved_models_and_graphs_are_recognised():
    assert looks_like_saved_model(hostile_model()[:1024])
    assert looks_like_saved_model(tg.saved_model(tg.tf2_model(), version=None)[:1024])
    assert looks_like_graph_def(tg.benign_graph().SerializeToString()[:1024])
    library_only = graph_pb2.GraphDef()
    library_only.library.function.add().signature.name = "__inference_f_1"
    assert looks_like_graph_def(library_only.SerializeToString())


def onnx_models():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    models = [helper.make_model(graph, **kw) for kw in ({}, {"producer_name": ""})]
    models += [helper.make_model(graph, producer_name=p) for p in ("pytorch", "\n\x02ab", "2x")]
    try:
        import numpy as np
        from skl2onnx import to_onnx
        from sklearn.datasets import load_iris
        from sklearn.linear_model import LogisticRegression

        x, y = load_iris(return_X_y=True)
        fitted = LogisticRegression(max_iter=300).fit(x, y)
        models.append(to_onnx(fitted, x[:1].astype(np.float32)))
    except ImportError:
        pass
    assert onnx
    return [m.SerializeToString() for m in models]


def test_onnx_models_are_not_tensorflow(scan_bytes):
    for data in onnx_models():
        assert not looks_like_saved_model(data[:1024])
        assert not looks_like_graph_def(data[:1024])
        run = scan_bytes(data, "model.onnx")
        assert [a.format for a in run.artefacts] == ["onnx"], formats(run)


def test_saved_models_are_not_onnx(scan_bytes):
    pytest.importorskip("onnx")
    for data in (hostile_model(), tg.saved_model(tg.tf2_model(tg.node("r", "Relu", ["x"])))):
        run = scan_bytes(data, "saved_model.pb")
        assert [a.format for a in run.artefacts] == ["tensorflow-savedmodel"]


def test_a_file_that_is_onnx_and_a_saved_model_is_a_polyglot(scan_bytes):
    onnx = pytest.importorskip("onnx")
    model = onnx.ModelProto.FromString(onnx_models()[0])
    graph = tg.field(7, model.graph.SerializeToString())
    data = hostile_model() + graph  # TensorFlow skips field 7, onnx reads it
    ids = {f.check_id for f in scan_bytes(data, "x.pb").findings}
    assert {"modelfile.format.polyglot", "modelfile.tensorflow.python-op"} <= ids


def test_a_saved_model_without_schema_version_is_read_both_ways(scan_bytes):
    data = tg.saved_model(tg.tf2_model(tg.node("p", "PyFunc", ["x"])), version=None)
    run = scan_bytes(data, "saved_model.pb")
    assert "modelfile.tensorflow.python-op" in {f.check_id for f in run.findings}


# -- a SavedModel directory --------------------------------------------------------------
def test_a_saved_model_directory_scans_clean(tmp_path):
    model = tg.saved_model(tg.tf2_model(tg.node("r", "Relu", ["x"])))
    root = tg.saved_model_dir(tmp_path / "model", model, shards=2)
    run = scan([root], Settings())
    assert run.errors == []
    assert run.findings == []
    assert {a.status for a in run.artefacts} == {ArtefactStatus.ANALYSED}
    assert formats(run) == {
        "saved_model.pb": "tensorflow-savedmodel",
        "fingerprint.pb": "tf-fingerprint",
        "variables.index": "tf-checkpoint-index",
        "variables.data-00000-of-00002": "tf-checkpoint-data",
        "variables.data-00001-of-00002": "tf-checkpoint-data",
        "vocab.txt": "text",
    }
    assert run.exit_code(Settings().fail_on) == 0


def test_shards_need_their_index(tmp_path):
    root = tg.saved_model_dir(tmp_path / "m", tg.saved_model(tg.tf2_model()))
    (root / "variables" / "variables.index").write_bytes(b"not a table" * 10)
    (root / "variables" / "other.data-00000-of-00001").write_bytes(b"\x01\x02\xff" * 9)
    (root / "variables" / "variables.data-00003-of-00001").write_bytes(b"\x01\x02\xff" * 9)
    run = scan([root / "variables"], Settings())
    shards = [a for a in run.artefacts if ".data-" in a.location.path]
    assert len(shards) == 3
    assert {a.status for a in shards} == {ArtefactStatus.SKIPPED}
    assert run.exit_code(Settings().fail_on) == 3


def test_a_shard_that_starts_like_a_pickle_is_analysed(tmp_path):
    root = tg.saved_model_dir(tmp_path / "m", tg.saved_model(tg.tf2_model()))
    payload = b"\x80\x02cposix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."
    (root / "variables" / "variables.data-00000-of-00001").write_bytes(payload)
    run = scan([root], Settings())
    assert "modelfile.pickle.dangerous-call" in {f.check_id for f in run.findings}


def _archive_members(root: Path, order):
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return sorted(files, key=order)


@pytest.mark.parametrize("kind", ["zip", "tar-data-first", "tar-index-first"])
def test_a_saved_model_in_an_archive(tmp_path, kind):
    root = tg.saved_model_dir(tmp_path / "m", tg.saved_model(tg.tf2_model()))
    order = (lambda p: "index" not in p.name) if kind == "tar-index-first" else str
    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in _archive_members(root, order):
                archive.write(path, str(path.relative_to(tmp_path)))
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path in _archive_members(root, order):
                archive.add(path, str(path.relative_to(tmp_path)))
    target = tmp_path / "model.archive"
    target.write_bytes(buffer.getvalue())
    run = scan([target], Settings())
    assert run.errors == [] and run.findings == []
    assert {a.status for a in run.artefacts} == {ArtefactStatus.ANALYSED}, run.artefacts
    assert "tf-checkpoint-data" in {a.format for a in run.artefacts}


def test_fingerprints_and_indexes_are_recognised_by_content(scan_bytes):
    assert scan_bytes(tg.fingerprint(), "a").artefacts[0].format == "tf-fingerprint"
    assert scan_bytes(tg.bundle_index(), "b").artefacts[0].format == "tf-checkpoint-index"
    bad_handles = tg.bundle_index()[:-48] + b"\x80" * 40 + tg.TABLE_MAGIC
    assert scan_bytes(bad_handles, "c").artefacts[0].status is ArtefactStatus.SKIPPED


# -- keras_metadata.pb --------------------------------------------------------------------
def keras_node(path: bytes, identifier: bytes, config=None) -> bytes:
    body = tg.field(3, path) + tg.field(4, identifier)
    if config is not None:
        body += tg.field(5, json.dumps(config).encode())
    return tg.field(1, body)


def test_keras_metadata_is_recognised(scan_bytes):
    dense = {"class_name": "Dense", "config": {"units": 2}}
    model = {"class_name": "Sequential", "config": {"layers": [dense]}}
    data = keras_node(b"root", b"_tf_keras_sequential", model)
    run = scan_bytes(data + keras_node(b"root.layer-0", b"_tf_keras_layer"), "keras_metadata.pb")
    assert [a.format for a in run.artefacts] == ["tf-keras-metadata"]
    assert run.findings == []


def test_a_lambda_in_keras_metadata_is_reported_once(scan_bytes):
    pytest.importorskip("aisec.modelfile.checks.keras_lambda")
    code = base64.b64encode(marshal.dumps((lambda x: x + 1).__code__)).decode()
    layer = {"class_name": "Lambda", "config": {"function": [code, None, None]}}
    layer["config"]["function_type"] = "lambda"
    model = {"class_name": "Sequential", "config": {"layers": [layer]}}
    data = keras_node(b"root", b"_tf_keras_sequential", model)
    data += keras_node(b"root.layer-0", b"_tf_keras_layer", layer)
    run = scan_bytes(data, "keras_metadata.pb")
    lambdas = [f for f in run.findings if f.check_id == "modelfile.keras.lambda-layer"]
    assert len(lambdas) == 1, run.findings


# -- the text format (saved_model.pbtxt, graph.pbtxt) --------------------------------------
def text_saved_model(*metas) -> bytes:
    from google.protobuf import text_format

    body = "".join(f"meta_graphs {{\n{text_format.MessageToString(m)}}}\n" for m in metas)
    return f"# written by hand\nsaved_model_schema_version: 1\n{body}".encode()


def test_a_text_saved_model_is_analysed_like_a_binary_one(scan_bytes):
    run = scan_bytes(text_saved_model(tg.tf2_model(tg.node("p", "EagerPyFunc", ["x"]))), "a")
    assert [a.format for a in run.artefacts] == ["tensorflow-savedmodel-text"]
    assert {f.check_id for f in run.findings} == {"modelfile.tensorflow.python-op"}
    assert run.findings[0].location.offset is None
    benign = tg.meta_graph(
        tg.graph(*tg.benign_graph().node, *tg.tf1_saver_nodes()),
        saver=("save/Identity:0", "save/restore_all"),
    )
    assert scan_bytes(text_saved_model(benign), "b").findings == []


def test_text_escapes_and_syntax_variants_do_not_hide_ops(scan_bytes):
    text = rb"""node < name: 'a' op: "Py\106unc" >
node { name: "r" op: "Read" 'File' input: ["path"] }
node { name: "e" op: "Eager\u0050yFunc" }
node { name: "path" op: "Const"
  attr { key: "value" value { tensor { dtype: DT_STRING string_val: "/etc/\160asswd" } } } }
versions { producer: 1 }  # trailing comment
"""
    run = scan_bytes(text, "graph.pbtxt")
    found = {f.evidence["op"]: f for f in run.findings}
    assert set(found) == {"PyFunc", "EagerPyFunc", "ReadFile"}
    assert found["ReadFile"].evidence["paths"] == ["/etc/passwd"]


def test_text_assets_written_out_as_any_are_assets(scan_bytes):
    text = b"""saved_model_schema_version: 1
meta_graphs {
  graph_def {
    node { name: "asset_path" op: "Const" attr { key: "value" value { tensor {
      dtype: DT_STRING string_val: "/build/vocab.txt" } } } }
    node { name: "t" op: "HashTableV2" }
    node { name: "i" op: "InitializeTableFromTextFileV2" input: "t" input: "asset_path" }
  }
  collection_def { key: "saved_model_assets" value { any_list { value {
    [type.googleapis.com/tensorflow.AssetFileDef] {
      tensor_info { name: "asset_path:0" } filename: "vocab.txt" } } } } }
}
"""
    assert scan_bytes(text, "saved_model.pbtxt").findings == []
    unlisted = text.replace(b"saved_model_assets", b"other")
    assert {f.check_id for f in scan_bytes(unlisted, "x.pbtxt").findings} == {
        "modelfile.tensorflow.file-access-op"
    }


def test_broken_text_is_malformed(scan_bytes):
    run = scan_bytes(b'node { name: "a" op: "PyFunc"', "graph.pbtxt")
    assert {f.check_id for f in run.findings} == {"modelfile.format.malformed"}


def escape_heavy_text(n: int) -> bytes:
    """A text GraphDef of about 6 * n bytes: a string of n escapes, another of n / 5
    adjacent strings, and the op and path of a ReadFile written in pieces and escapes."""
    junk = rb"\101" * (n - 2) + rb"\x42\u0043"
    many = b" ".join([rb'"\x41"'] * (n // 5))
    return b"".join(
        [
            b'node { name: "junk" op: "NoOp" attr { key: "_a" value { s: "%s" } } }\n' % junk,
            b'node { name: "many" op: "NoOp" attr { key: "_b" value { s: %s } } }\n' % many,
            b'node { name: "path" op: "Const" attr { key: "value" value { tensor {\n'
            rb'  dtype: DT_STRING string_val: "/etc/" "pa" "ss\167d" } } } }' + b"\n",
            rb'node { name: "r" op: "Re" "ad\106" "ile" input: "path" }' + b"\n",
        ]
    )


def test_escape_heavy_text_parses_in_linear_time(scan_bytes):
    # 1.3 MB: each escape copied the rest of its string (9 s before), each adjacent string
    # the value so far; a regression meets the deadline checks of the parser
    from aisec.modelfile.formats.tf_text import encode

    n = 250_000
    text = escape_heavy_text(n)
    _, data = encode(text)
    assert b"A" * (n - 2) + b"BC" in data and b"A" * (n // 5) in data
    run = scan_bytes(text, "graph.pbtxt", Settings(timeout_seconds=20))
    assert run.artefacts[0].status is ArtefactStatus.ANALYSED
    [finding] = run.findings
    assert finding.check_id == "modelfile.tensorflow.file-access-op"
    assert finding.evidence["op"] == "ReadFile"
    assert finding.evidence["paths"] == ["/etc/passwd"]


def test_the_text_parser_stops_at_the_deadline(monkeypatch):
    monkeypatch.setattr(tf_text, "CHECK_EVERY", 1)
    spent = Deadline(time.monotonic() - 1, 7)
    with pytest.raises(LimitExceeded) as raised:
        tf_text.encode(b'node { name: "a" op: "NoOp" }', spent)
    assert raised.value.limit == "timeout_seconds"
    with pytest.raises(LimitExceeded):
        tf_text._Unquote(spent)(rb'"\101"', bytearray())


def test_the_graph_walks_stop_at_the_deadline(monkeypatch):
    data = tg.variable_chain(2, 3, "/etc/passwd").SerializeToString()
    _, metas = read_tensorflow(memoryview(data), load_op_policy())
    monkeypatch.setattr(tf_graph, "CHECK_EVERY", 1)
    metas[0].graph.budget.deadline = Deadline(time.monotonic() - 1, 7)
    with pytest.raises(LimitExceeded) as raised:
        collect(metas, load_op_policy())
    assert raised.value.limit == "timeout_seconds"


@pytest.mark.parametrize("name", ["frozen.pb", "graph.pbtxt"])
def test_a_deadline_met_in_the_analysis_is_a_limit_finding(tmp_path, monkeypatch, name):
    monkeypatch.setattr(tf_graph, "CHECK_EVERY", 1)
    monkeypatch.setattr(tf_text, "CHECK_EVERY", 1)
    monkeypatch.setattr(tf_analysis, "_deadline", lambda ctx: Deadline(time.monotonic() - 1, 7))
    graph = tg.variable_chain(2, 3, "/etc/passwd")
    path = tmp_path / name
    if name.endswith(".pbtxt"):
        from google.protobuf import text_format

        path.write_text(text_format.MessageToString(graph))
    else:
        path.write_bytes(graph.SerializeToString())
    run = scan([path], Settings())
    [finding] = run.findings
    assert finding.check_id == "modelfile.limits.exceeded"
    assert "timeout_seconds" in finding.message
    assert run.artefacts[0].status is ArtefactStatus.INCOMPLETE


@FUZZ
@given(data=st.binary(max_size=512))
def test_text_parser_only_raises_protobuf_errors(data):
    from aisec.modelfile.formats.tf_text import encode

    for text in (b"node {" + data, b"meta_graphs {" + data, data):
        with contextlib.suppress(ProtobufError):
            encode(text)


# -- hostile structure ----------------------------------------------------------------------
def test_a_truncated_saved_model_is_malformed(scan_bytes):
    data = hostile_model()
    run = scan_bytes(data[: len(data) // 2], "saved_model.pb")
    assert {f.check_id for f in run.findings} == {"modelfile.format.malformed"}
    assert run.artefacts[0].status is ArtefactStatus.INCOMPLETE


def test_fields_the_reader_cannot_skip_fail_closed(scan_bytes):
    # an unknown group (wire types 3/4) inside the meta graph: protobuf's own parsers skip
    # it; this reader stops, and says so rather than reading the other way only
    meta = tg.tf2_model(tg.node("p", "PyFunc", ["x"])).SerializeToString()
    group = tg.varint(20 << 3 | 3) + tg.varint(1 << 3) + tg.varint(1) + tg.varint(20 << 3 | 4)
    run = scan_bytes(tg.field(2, meta + group), "saved_model.pb")  # no version: both readings
    assert "modelfile.format.malformed" in {f.check_id for f in run.findings}


def test_the_node_cap_is_a_limit(scan_bytes, monkeypatch):
    monkeypatch.setattr(tf_graph, "MAX_NODES", 10)
    graph = tg.graph(*(tg.node(f"n{i}", "NoOp") for i in range(11)))
    run = scan_bytes(graph.SerializeToString(), "g.pb")
    assert [f.check_id for f in run.findings] == ["modelfile.limits.exceeded"]


def test_deeply_nested_function_attributes_stop(scan_bytes):
    node = tg.node("n", "PartitionedCall")
    attr = node.attr["f"].func
    for _ in range(tf_graph.MAX_ATTR_DEPTH + 3):
        attr = attr.attr["inner"].func
    run = scan_bytes(tg.graph(node).SerializeToString(), "g.pb")
    assert run.artefacts[0].status is ArtefactStatus.INCOMPLETE


def test_call_cycles_and_self_references_terminate(scan_bytes):
    a = tg.function("a", tg.node("c", "b"), tg.node("p", "PyFunc"))
    b = tg.function("b", tg.node("c", "a"), tg.node("loop", "Identity", ["loop"]))
    graph = tg.graph(
        tg.node("x", "a", ["x"]), tg.node("y", "Identity", ["y", "^x"]), functions=[a, b]
    )
    meta = tg.meta_graph(graph, saver=("y:0", "x"), outputs=("y:0",))
    run = scan_bytes(tg.saved_model(meta), "saved_model.pb")
    assert {f.check_id for f in run.findings} == {"modelfile.tensorflow.python-op"}


def test_constants_that_only_start_like_a_graph_are_strings(scan_bytes):
    broken = tg.graph(tg.node("x", "PyFunc")).SerializeToString()[:-3]
    graph = tg.graph(tg.const("c", broken), tg.node("r", "Relu", ["c"]))
    assert scan_bytes(graph.SerializeToString(), "g.pb").findings == []


# -- fuzzing ---------------------------------------------------------------------------------
def seeds() -> list[bytes]:
    vocab = tg.meta_graph(
        tg.graph(
            tg.const("asset_path", "vocab.txt"),
            tg.node("t", "HashTableV2"),
            tg.node("i", "InitializeTableFromTextFileV2", ["t", "asset_path"]),
        ),
        assets=[("asset_path:0", "vocab.txt")],
    )
    return [
        hostile_model(),
        tg.saved_model(tg.bind(vocab, "f", ("asset", 0))),
        tg.graph(*tg.tf1_saver_nodes()).SerializeToString(),
        tg.fingerprint(),
        tg.bundle_index(),
    ]


@FUZZ
@given(data=st.binary(max_size=2048))
def test_sniffers_never_raise(data):
    looks_like_saved_model(data)
    looks_like_graph_def(data)


@FUZZ
@given(data=st.sampled_from(seeds()).flatmap(mutated))
def test_mutated_tensorflow_files_never_take_the_reader_down(data):
    try:
        _, metas = read_tensorflow(memoryview(data), load_op_policy())
    except (ProtobufError, LimitExceeded, RecursionError):
        return
    collect(metas, load_op_policy())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("tf-fuzz")


@FUZZ
@given(data=st.sampled_from(seeds()).flatmap(mutated))
def test_mutated_tensorflow_files_never_take_scan_down(workdir, data):
    scan_blob(workdir, data)


# -- SavedModels written by TensorFlow itself (optional) ------------------------------------
WRITER = """
import sys, tensorflow as tf
out = sys.argv[1]

class Plain(tf.Module):
    def __init__(self):
        self.w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w))

class PyFn(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def __call__(self, x):
        return tf.py_function(lambda t: t * 2, [x], tf.float32)

class Reads(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def __call__(self, p):
        return tf.io.read_file(p)

open(out + "/vocab.txt", "w").write("a\\nb\\n")
class Vocab(tf.Module):
    def __init__(self):
        init = tf.lookup.TextFileInitializer(out + "/vocab.txt", tf.string, -2, tf.int64, -1)
        self.table = tf.lookup.StaticHashTable(init, -1)
    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def __call__(self, x):
        return self.table.lookup(x)

modules = {"plain": Plain(), "pyfunc": PyFn(), "reads": Reads(), "vocab": Vocab()}
for name, module in modules.items():
    tf.saved_model.save(module, f"{out}/{name}")
"""


@pytest.fixture(scope="module")
def tensorflow_models(tmp_path_factory):
    """SavedModels written by a TensorFlow in another interpreter (AISEC_TENSORFLOW_PYTHON;
    TensorFlow does not co-install with the test environment): never imported here."""
    python = os.environ.get("AISEC_TENSORFLOW_PYTHON")
    if not python:
        pytest.skip("set AISEC_TENSORFLOW_PYTHON to a Python with tensorflow installed")
    out = tmp_path_factory.mktemp("tensorflow")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([python, "-c", WRITER, str(out)], check=True, env=env, timeout=600)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain", set()),
        ("vocab", set()),
        ("pyfunc", {"modelfile.tensorflow.python-op"}),
        ("reads", {"modelfile.tensorflow.file-access-op"}),
    ],
)
def test_saved_models_written_by_tensorflow(tensorflow_models, name, expected):
    run = scan([tensorflow_models / name], Settings())
    assert run.errors == []
    assert {a.status for a in run.artefacts} == {ArtefactStatus.ANALYSED}, run.artefacts
    assert {f.check_id for f in run.findings} == expected
