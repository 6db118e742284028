import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402


def test_custom_domain_node_is_reported(scan_bytes, only):
    node = helper.make_node("Spawn", ["x"], ["y"], domain="evil.ops")
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("evil.ops", 1)]
    data = helper.make_model(graph, opset_imports=opsets).SerializeToString()
    [finding] = only(scan_bytes(data, "model.onnx"), "modelfile.onnx.custom-op-domain")
    assert finding.evidence["domain"] == "evil.ops"


def test_standard_domains_are_silent(scan_bytes, ids):
    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    data = helper.make_model(graph).SerializeToString()
    assert "modelfile.onnx.custom-op-domain" not in ids(scan_bytes(data, "model.onnx"))
