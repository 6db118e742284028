"""Hostile bytes never take ``scan()`` down: mutations of real ONNX, safetensors, GGUF,
XGBoost and Core ML files, written by their own libraries (see test_fuzz.py for the
pickle family and the contract every input must meet)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import FUZZ, mutated, scan_blob


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-formats")


@functools.cache
def onnx_seed() -> bytes:
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
    external = helper.make_tensor("e", TensorProto.FLOAT, [2], [0.0, 0.0])
    external.ClearField("float_data")
    external.data_location = TensorProto.EXTERNAL
    entry = external.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], domain="")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
        [weight, external],
    )
    return bytes(helper.make_model(graph).SerializeToString())


@functools.cache
def safetensors_seed() -> bytes:
    st_numpy = pytest.importorskip("safetensors.numpy")
    tensors = {"a": np.zeros((2, 3), np.float32), "b": np.arange(4, dtype=np.int16)}
    return bytes(st_numpy.save(tensors, metadata={"k": "v"}))


@functools.cache
def gguf_seed(tmp_dir: str) -> bytes:
    gguf = pytest.importorskip("gguf")
    path = f"{tmp_dir}/seed.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_chat_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    writer.add_tensor("w", np.zeros((2, 2), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(path, "rb") as handle:
        return handle.read()


@functools.cache
def xgboost_seed() -> bytes:
    xgb = pytest.importorskip("xgboost")
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    booster = xgb.train({"max_depth": 1}, xgb.DMatrix(x, label=np.arange(10) % 2), 2)
    return bytes(booster.save_raw("ubj"))


@FUZZ
@given(data=st.data())
def test_mutated_onnx(workdir, data):
    scan_blob(workdir, data.draw(mutated(onnx_seed())))


@FUZZ
@given(data=st.data())
def test_mutated_safetensors(workdir, data):
    scan_blob(workdir, data.draw(mutated(safetensors_seed())))


@FUZZ
@given(data=st.data())
def test_mutated_gguf(workdir, data):
    scan_blob(workdir, data.draw(mutated(gguf_seed(str(workdir)))))


@FUZZ
@given(data=st.data())
def test_mutated_xgboost_ubjson(workdir, data):
    scan_blob(workdir, data.draw(mutated(xgboost_seed())))


def test_seeds_are_what_they_claim(workdir):
    from aisec.modelfile.scanner import scan

    seeds = {
        "onnx": onnx_seed(),
        "safetensors": safetensors_seed(),
        "gguf": gguf_seed(str(workdir)),
        "xgboost-ubjson": xgboost_seed(),
    }
    for fmt, seed in seeds.items():
        path = workdir / f"seed-{fmt}"
        path.write_bytes(seed)
        assert [a.format for a in scan([path]).artefacts] == [fmt]
