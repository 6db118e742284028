"""modelfile.tensorflow.python-op: PyFunc, PyFuncStateless and EagerPyFunc anywhere in a
graph (its library functions, every meta graph, graphs held in constants)."""

import pytest

tg = pytest.importorskip("tensorflow_graphs")
scan_bytes = tg.scan_bytes

CHECK = "modelfile.tensorflow.python-op"


def test_pyfunc_in_a_frozen_graph(scan_bytes, only):
    graph = tg.graph(tg.node("x", "Placeholder"), tg.node("cmd", "PyFunc", ["x"], token="pyfunc_0"))
    data = graph.SerializeToString()
    [finding] = only(scan_bytes(data, "frozen.pb"), CHECK)
    assert finding.severity.label == "critical"
    assert finding.evidence["op"] == "PyFunc"
    assert finding.evidence["nodes"] == ["graph, node 'cmd'"]
    # the offset is where the NodeDef starts in the file
    assert data[finding.location.offset :].startswith(b"\n\x03cmd\x12\x06PyFunc")


def test_eager_py_func_inside_a_library_function_of_a_saved_model(scan_bytes, only):
    meta = tg.tf2_model(
        tg.node("EagerPyFunc", "EagerPyFunc", ["x"], token="pyfunc_3"),
        tg.node("Identity", "Identity", ["EagerPyFunc:output:0"]),
    )
    run = scan_bytes(tg.saved_model(meta), "saved_model.pb")
    [finding] = only(run, CHECK)
    assert "function '__inference___call___11'" in finding.message
    assert run.artefacts[0].format == "tensorflow-savedmodel"


def test_every_meta_graph_is_read(scan_bytes, only):
    benign = tg.meta_graph(tg.benign_graph())
    hostile = tg.meta_graph(tg.graph(tg.node("p", "PyFuncStateless", ["x"])), tags=("serve", "gpu"))
    [finding] = only(scan_bytes(tg.saved_model(benign, hostile), "saved_model.pb"), CHECK)
    assert finding.evidence["nodes"] == ["meta graph 1 (serve, gpu), graph, node 'p'"]


def test_nodes_with_the_same_op_are_one_finding(scan_bytes, only):
    nodes = [tg.node(f"p{i}", "PyFunc") for i in range(30)]
    [finding] = only(scan_bytes(tg.graph(*nodes).SerializeToString(), "g.pb"), CHECK)
    assert finding.evidence["count"] == 30
    assert len(finding.evidence["nodes"]) == 20
    assert "and 29 more" in finding.message


def test_a_graph_held_in_a_constant_is_read_too(scan_bytes, only):
    inner = tg.graph(tg.node("x", "Placeholder"), tg.node("run", "EagerPyFunc", ["x"]))
    outer = tg.graph(
        tg.const("payload", inner.SerializeToString()),
        tg.node("ds", "DatasetFromGraph", ["payload"]),
    )
    [finding] = only(scan_bytes(outer.SerializeToString(), "graph.pb"), CHECK)
    assert "graph in constant 'payload'" in finding.message


def test_a_standard_graph_is_silent(scan_bytes, ids):
    run = scan_bytes(tg.saved_model(tg.meta_graph(tg.benign_graph())), "saved_model.pb")
    assert CHECK not in ids(run)
    assert run.findings == []
