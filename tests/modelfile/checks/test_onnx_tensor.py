import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from aisec.modelfile.scanner import scan  # noqa: E402

CHECK = "modelfile.onnx.invalid-tensor"


def model_with(tensor) -> bytes:
    node = helper.make_node("Identity", ["w"], ["y"])
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph([node], "g", [], [out], [tensor])
    return helper.make_model(graph).SerializeToString()


def test_tensors_written_by_onnx_are_consistent(scan_bytes):
    tensors = [
        numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4), "raw"),
        helper.make_tensor("typed", TensorProto.FLOAT, [2, 2], [1.0, 2.0, 3.0, 4.0]),
        helper.make_tensor("ints", TensorProto.INT64, [3], [1, -2, 1 << 40]),
        helper.make_tensor("scalar", TensorProto.DOUBLE, [], [0.5]),
        helper.make_tensor("nibbles", TensorProto.INT4, [3], [1, 2, 3]),
        helper.make_tensor("text", TensorProto.STRING, [2], [b"a", b"b"]),
    ]
    for tensor in tensors:
        run = scan_bytes(model_with(tensor), "model.onnx")
        assert run.findings == [], tensor.name


def test_raw_data_shorter_than_the_shape(scan_bytes, only):
    tensor = numpy_helper.from_array(np.zeros((4,), dtype=np.float32), "w")
    tensor.dims[:] = [1024, 1024]
    [finding] = only(scan_bytes(model_with(tensor), "model.onnx"), CHECK)
    assert "raw_data holds 16 bytes" in finding.message
    assert finding.evidence["tensor"] == "w"


def test_typed_values_that_do_not_fill_the_shape(scan_bytes, only):
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
    tensor.dims[:] = [3, 3]
    [finding] = only(scan_bytes(model_with(tensor), "model.onnx"), CHECK)
    assert "2 values for shape [3, 3]" in finding.message


@pytest.mark.parametrize(
    ("dims", "words"),
    [([-1, 4], "negative dimension"), ([1 << 31, 1 << 31, 1 << 10], "elements")],
)
def test_oversized_or_negative_shapes(scan_bytes, only, dims, words):
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [1], [1.0])
    tensor.ClearField("float_data")
    tensor.dims[:] = dims
    [finding] = only(scan_bytes(model_with(tensor), "model.onnx"), CHECK)
    assert words in finding.message
    assert finding.evidence["anomaly"] == "tensor-oversized"


def external(location: str, length: int | None = None, offset: int = 0):
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    entries = {"location": location, "offset": str(offset)}
    if length is not None:
        entries["length"] = str(length)
    for key, value in entries.items():
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


def test_external_ranges_are_checked_against_the_file(tmp_path, only):
    (tmp_path / "weights.bin").write_bytes(bytes(16))
    (tmp_path / "good.onnx").write_bytes(model_with(external("weights.bin", 16)))
    (tmp_path / "wrong_length.onnx").write_bytes(model_with(external("weights.bin", 12)))
    (tmp_path / "past_end.onnx").write_bytes(model_with(external("weights.bin", 16, offset=8)))
    findings = only(scan([tmp_path]), CHECK)
    by_file = {f.location.path.rsplit("/", 1)[-1]: f.message for f in findings}
    assert set(by_file) == {"wrong_length.onnx", "past_end.onnx"}
    assert "external length 12" in by_file["wrong_length.onnx"]
    assert "holds 16" in by_file["past_end.onnx"]


def test_missing_external_file_is_not_this_checks_business(scan_bytes, only):
    assert only(scan_bytes(model_with(external("absent.bin", 16)), "model.onnx"), CHECK) == []


def test_thousands_of_huge_dimensions_cost_nothing_and_hide_nothing(scan_bytes, only):
    """Multiplying out 20,000 dimensions of 2**63 - 1, or formatting the product, would
    take minutes or raise; the rest of the model's findings must survive either way."""
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [1], [1.0])
    tensor.ClearField("float_data")
    tensor.dims[:] = [(1 << 63) - 1] * 20_000
    escape = external("/etc/passwd")
    node = helper.make_node("Add", ["w", "e"], ["y"])
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph([node], "g", [], [out], [tensor, escape])
    run = scan_bytes(helper.make_model(graph).SerializeToString(), "model.onnx")
    assert run.errors == []
    [oversized] = only(run, CHECK)
    assert "declares 20000 dimensions" in oversized.message
    assert only(run, "modelfile.onnx.external-data-escape")


def test_a_large_shape_is_reported_without_its_full_product(scan_bytes, only):
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [1], [1.0])
    tensor.ClearField("float_data")
    tensor.dims[:] = [(1 << 62)] * 40
    [finding] = only(scan_bytes(model_with(tensor), "model.onnx"), CHECK)
    assert "2**63 or more elements" in finding.message
    assert "..." in finding.message  # the shape is abbreviated
