import os

import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402


def model_with_initializer(tensor) -> bytes:
    node = helper.make_node("Identity", ["w"], ["y"])
    graph = helper.make_graph(
        [node], "g", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], [tensor]
    )
    return helper.make_model(graph).SerializeToString()


def external(location: str):
    tensor = helper.make_tensor("w", TensorProto.FLOAT, [2], [0.0, 0.0])
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location
    return tensor


def test_a_model_written_by_onnx_is_clean(scan_bytes):
    data = model_with_initializer(helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0]))
    run = scan_bytes(data, "model.onnx")
    assert run.findings == []
    assert run.artefacts[0].format == "onnx"


@pytest.mark.parametrize(
    ("location", "why"),
    [("/etc/passwd", "absolute"), ("../../secrets.bin", "'..'"), ("C:\\x\\w.bin", "absolute")],
)
def test_locations_that_escape(scan_bytes, only, location, why):
    run = scan_bytes(model_with_initializer(external(location)), "model.onnx")
    [finding] = only(run, "modelfile.onnx.external-data-escape")
    assert why in finding.message


def test_symlink_and_hardlink_targets(tmp_path, only):
    from aisec.modelfile.scanner import scan

    outside = tmp_path / "outside.bin"
    outside.write_bytes(bytes(8))
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "weights.bin").symlink_to(outside)
    os.link(outside, model_dir / "hard.bin")
    (model_dir / "a.onnx").write_bytes(model_with_initializer(external("weights.bin")))
    (model_dir / "b.onnx").write_bytes(model_with_initializer(external("hard.bin")))
    messages = [f.message for f in only(scan([model_dir]), "modelfile.onnx.external-data-escape")]
    assert any("through a link" in m for m in messages)
    assert any("hard link" in m for m in messages)


def test_external_data_inside_the_directory_is_fine(tmp_path):
    from aisec.modelfile.scanner import scan

    (tmp_path / "w.bin").write_bytes(bytes(8))
    (tmp_path / "m.onnx").write_bytes(model_with_initializer(external("w.bin")))
    assert scan([tmp_path / "m.onnx"]).findings == []
