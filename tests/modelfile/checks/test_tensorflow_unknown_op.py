"""modelfile.tensorflow.unknown-op: ops TensorFlow itself does not register (custom-op
libraries), and DatasetFromGraph on a graph that is not in the file."""

import pytest

tg = pytest.importorskip("tensorflow_graphs")
scan_bytes = tg.scan_bytes

CHECK = "modelfile.tensorflow.unknown-op"


def test_custom_ops_are_reported(scan_bytes, only):
    graph = tg.graph(
        tg.node("x", "Placeholder"),
        tg.node("gelu", "Addons>Gelu", ["x"]),
        tg.node("tok", "WordpieceTokenizeWithOffsets", ["x"]),
    )
    found = {f.evidence["op"]: f for f in only(scan_bytes(graph.SerializeToString()), CHECK)}
    assert set(found) == {"Addons>Gelu", "WordpieceTokenizeWithOffsets"}
    assert found["Addons>Gelu"].severity.label == "medium"


def test_library_functions_called_by_op_name_are_not_unknown(scan_bytes, ids):
    helper = tg.function("my_block_1234", tg.node("r", "Relu", ["a"]), args=("a",))
    graph = tg.graph(
        tg.node("x", "Placeholder"), tg.node("b", "my_block_1234", ["x"]), functions=[helper]
    )
    assert CHECK not in ids(scan_bytes(graph.SerializeToString()))


def test_internal_and_test_ops_of_tensorflow_are_standard(scan_bytes, ids):
    graph = tg.graph(tg.node("a", "_Arg"), tg.node("f", "_FusedConv2D"), tg.node("m", "_MklMatMul"))
    assert CHECK not in ids(scan_bytes(graph.SerializeToString()))


def test_dataset_from_a_graph_that_is_not_in_the_file(scan_bytes, only):
    graph = tg.graph(
        tg.node("serialized", "Placeholder"), tg.node("ds", "DatasetFromGraph", ["serialized"])
    )
    [finding] = only(scan_bytes(graph.SerializeToString()), CHECK)
    assert "runs a graph held in a tensor" in finding.message
    assert finding.evidence["anomaly"] == "tf-opaque-op"
