"""Generate the per-format benchmark inputs (benign and malicious) with the real libraries.

Usage: python bench/make_format_inputs.py [DIR] [--tf-python PATH]   (DIR: bench/.inputs/formats)

Run it with the project's virtual environment (onnx, safetensors, gguf, keras with the torch
backend, h5py, xgboost, tensorboard's protos). The benign TensorFlow SavedModel is written by
a TensorFlow interpreter in a subprocess (--tf-python, default /tmp/tfvenv/bin/python) and is
skipped with a note when there is none. Inputs that already exist are kept.

The malicious fixtures are written, never loaded: each carries one technique and a harmless
payload (`echo bench`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(__file__).resolve().parent / ".inputs" / "formats"
DEFAULT_TF_PYTHON = Path("/tmp/tfvenv/bin/python")

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SSTI = "{{ cycler.__init__.__globals__.os.popen('echo bench') }}"


@dataclass(frozen=True)
class Spec:
    name: str  # file or directory created under DIR
    fmt: str
    what: str
    write: Callable[[Path], None]
    malicious: bool = False
    target: str = ""  # what the scanners get, relative to DIR (default: name)
    needs_tf: bool = False

    @property
    def scan_path(self) -> str:
        return self.target or self.name


def _weights(count: int = 4, rows: int = 3200, cols: int = 4096) -> dict[str, Any]:
    """Four 3200x4096 float32 matrices: 210 MB, the size of run.py's checkpoint."""
    import numpy as np

    rng = np.random.default_rng(0)
    return {
        f"layer{i}.weight": rng.standard_normal((rows, cols), dtype=np.float32)
        for i in range(count)
    }


def _onnx_model(weights: dict[str, Any], nodes: list[Any] | None = None) -> Any:
    """Y_i = MatMul(X, W_i) for each weight; opset 17."""
    from onnx import TensorProto, helper, numpy_helper

    rows, cols = next(iter(weights.values())).shape
    inputs = [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, rows])]
    outputs = []
    graph_nodes = list(nodes or [])
    for i, name in enumerate(weights):
        outputs.append(helper.make_tensor_value_info(f"Y{i}", TensorProto.FLOAT, [1, cols]))
        graph_nodes.append(helper.make_node("MatMul", ["X", name], [f"Y{i}"]))
    initializers = [numpy_helper.from_array(array, name) for name, array in weights.items()]
    graph = helper.make_graph(graph_nodes, "bench", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.producer_name = "aisec-bench"
    return model


def write_onnx_embedded(path: Path) -> None:
    import onnx

    model = _onnx_model(_weights())
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def write_onnx_external(directory: Path) -> None:
    """model.onnx plus model.onnx.data (all initializers in one external file)."""
    import onnx

    directory.mkdir()
    model = _onnx_model(_weights())
    onnx.save_model(
        model,
        directory / "model.onnx",
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="model.onnx.data",
        size_threshold=1024,
    )


def write_onnx_traversal(path: Path) -> None:
    """An initializer whose external data lives at ../../../etc/passwd."""
    import numpy as np
    from onnx import TensorProto, external_data_helper

    model = _onnx_model({"W": np.zeros((4, 4), dtype=np.float32)})
    tensor = model.graph.initializer[0]
    external_data_helper.set_external_data(tensor, "../../../etc/passwd", offset=0, length=64)
    tensor.data_location = TensorProto.EXTERNAL
    tensor.ClearField("raw_data")
    # onnx.save_model would try to write the external data; serialise the proto as it is.
    path.write_bytes(model.SerializeToString())


def write_onnx_custom_domain(path: Path) -> None:
    """A node of a custom operator domain (its kernel would come from a native library)."""
    import numpy as np
    import onnx
    from onnx import helper

    node = helper.make_node("RunCommand", ["X"], ["Z"], domain="com.bench.custom")
    model = _onnx_model({"W": np.ones((4, 4), dtype=np.float32)}, nodes=[node])
    model.graph.output.append(helper.make_tensor_value_info("Z", onnx.TensorProto.FLOAT, [1, 4]))
    model.opset_import.append(helper.make_opsetid("com.bench.custom", 1))
    onnx.save_model(model, path)


def write_safetensors(path: Path) -> None:
    from safetensors.numpy import save_file

    save_file(_weights(), str(path), metadata={"format": "np"})


def write_safetensors_overlap(path: Path) -> None:
    """Written by safetensors, then tensor b's data_offsets moved to overlap tensor a."""
    import numpy as np
    from safetensors.numpy import save

    data = save({"a": np.arange(16, dtype=np.float32), "b": np.zeros(16, dtype=np.float32)})
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    header["a"]["data_offsets"] = [0, 64]
    header["b"]["data_offsets"] = [32, 96]  # bytes 32..64 belong to both
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    path.write_bytes(len(encoded).to_bytes(8, "little") + encoded + data[8 + size :][:96])


def _gguf(path: Path, template: str, weights: dict[str, Any]) -> None:
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("aisec-bench")
    writer.add_context_length(2048)
    writer.add_embedding_length(4096)
    writer.add_block_count(len(weights))
    writer.add_chat_template(template)
    for name, array in weights.items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_gguf(path: Path) -> None:
    _gguf(path, CHAT_TEMPLATE, _weights())


def write_gguf_ssti(path: Path) -> None:
    import numpy as np

    _gguf(path, CHAT_TEMPLATE + SSTI, {"tok_embd.weight": np.zeros((8, 8), dtype=np.float32)})


def _keras() -> Any:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    keras.utils.set_random_seed(0)
    return keras


def _dense_model(widths: tuple[int, ...]) -> Any:
    keras = _keras()
    inputs = keras.Input((widths[0],))
    x = inputs
    for width in widths[1:-1]:
        x = keras.layers.Dense(width, activation="relu")(x)
    outputs = keras.layers.Dense(widths[-1], activation="softmax")(x)
    return keras.Model(inputs, outputs)


SMALL = (32, 64, 10)
LARGE = (4096, 4096, 2048, 10)  # 25.2 M float32 parameters: 100 MB


def write_keras(widths: tuple[int, ...]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        _dense_model(widths).save(path)

    return write


def _lambda_model() -> Any:
    keras = _keras()
    inputs = keras.Input((4,))
    # Keras marshals this function's bytecode into the config. The call during model building
    # gets a symbolic tensor, so the os.system branch is not taken here; loading the file with
    # safe_mode=False and calling the model on None would take it.
    layer = keras.layers.Lambda(
        lambda x: x if x is not None else os.system("echo bench"), output_shape=(4,)
    )
    return keras.Model(inputs, layer(inputs))


def write_keras_lambda(path: Path) -> None:
    _lambda_model().save(path)


def write_keras_module_os(path: Path) -> None:
    """A small Keras file whose config.json resolves a Dense activation to os.system."""
    scratch = path.with_name("plain-" + path.name)
    _dense_model(SMALL).save(scratch)
    with zipfile.ZipFile(scratch) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "config.json":
                config = json.loads(data)
                dense = next(
                    layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense"
                )
                dense["config"]["activation"] = {
                    "module": "os",
                    "class_name": "function",
                    "config": "system",
                    "registered_name": "system",
                }
                data = json.dumps(config).encode()
            target.writestr(info, data)
    scratch.unlink()


SAVEDMODEL_SCRIPT = """
import sys
import tensorflow as tf

class Dense(tf.Module):
    def __init__(self):
        super().__init__()
        rng = tf.random.Generator.from_seed(0)
        self.w = tf.Variable(rng.normal((5000, 5000)), name="w")  # 100 MB
        self.b = tf.Variable(tf.zeros((5000,)), name="b")

    @tf.function(input_signature=[tf.TensorSpec((None, 5000), tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)

module = Dense()
tf.saved_model.save(module, sys.argv[1], signatures=module.__call__)
"""


def write_savedmodel(tf_python: Path) -> Callable[[Path], None]:
    def write(directory: Path) -> None:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        subprocess.run(
            [str(tf_python), "-c", SAVEDMODEL_SCRIPT, str(directory)], env=env, check=True
        )

    return write


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def write_savedmodel_pyfunc(directory: Path) -> None:
    """saved_model.pb: schema version 1 and one MetaGraphDef whose graph holds a PyFunc node."""
    from tensorboard.compat.proto import graph_pb2, meta_graph_pb2, types_pb2

    graph = graph_pb2.GraphDef()
    graph.versions.producer = 1882
    placeholder = graph.node.add(name="x", op="Placeholder")
    placeholder.attr["dtype"].type = types_pb2.DT_FLOAT
    pyfunc = graph.node.add(name="py", op="PyFunc", input=["x"])
    pyfunc.attr["token"].s = b"pyfunc_0"
    pyfunc.attr["Tin"].list.type.append(types_pb2.DT_FLOAT)
    pyfunc.attr["Tout"].list.type.append(types_pb2.DT_FLOAT)
    meta = meta_graph_pb2.MetaGraphDef()
    meta.graph_def.CopyFrom(graph)
    meta.meta_info_def.tags.append("serve")
    signature = meta.signature_def["serving_default"]
    signature.method_name = "tensorflow/serving/predict"
    signature.inputs["x"].name = "x:0"
    signature.outputs["y"].name = "py:0"
    body = meta.SerializeToString()
    directory.mkdir()
    (directory / "variables").mkdir()
    (directory / "saved_model.pb").write_bytes(b"\x08\x01\x12" + _varint(len(body)) + body)


@functools.cache
def _booster() -> Any:
    """500 boosted trees of depth 8 on noisy synthetic data (trained once per run)."""
    import numpy as np
    import xgboost as xgb

    rng = np.random.default_rng(0)
    features = rng.standard_normal((50_000, 50)).astype(np.float32)
    noise = rng.standard_normal(50_000).astype(np.float32)
    labels = (features[:, 0] + features[:, 1] ** 2 + 2 * noise > 1).astype(np.int32)
    params = {"max_depth": 8, "eta": 0.05, "objective": "binary:logistic", "nthread": 2}
    return xgb.train(params, xgb.DMatrix(features, label=labels), num_boost_round=500)


def write_xgboost(rounds: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        """The first `rounds` trees; the suffix (.json or .ubj) picks the format."""
        _booster()[:rounds].save_model(str(path))

    return write


def specs(tf_python: Path = DEFAULT_TF_PYTHON) -> list[Spec]:
    return [
        Spec(
            "onnx-embedded-200mb.onnx",
            "ONNX",
            "4 MatMul weights inside the protobuf",
            write_onnx_embedded,
        ),
        Spec(
            "onnx-external-200mb",
            "ONNX",
            "model.onnx + 210 MB model.onnx.data beside it",
            write_onnx_external,
            target="onnx-external-200mb/model.onnx",
        ),
        Spec(
            "safetensors-200mb.safetensors",
            "safetensors",
            "4 tensors, safetensors.numpy",
            write_safetensors,
        ),
        Spec("gguf-200mb.gguf", "GGUF", "4 F32 tensors and a ChatML chat template", write_gguf),
        Spec("keras-small.keras", "Keras 3", "Dense 32-64-10", write_keras(SMALL)),
        Spec("keras-100mb.keras", "Keras 3", "Dense 4096-4096-2048-10", write_keras(LARGE)),
        Spec("keras-small.h5", "Keras H5", "Dense 32-64-10, legacy HDF5", write_keras(SMALL)),
        Spec(
            "keras-100mb.h5", "Keras H5", "Dense 4096-4096-2048-10, legacy HDF5", write_keras(LARGE)
        ),
        Spec(
            "savedmodel-100mb",
            "TF SavedModel",
            "tf.Module, 5000x5000 variable, signature",
            write_savedmodel(tf_python),
            needs_tf=True,
        ),
        Spec("xgboost-small.json", "XGBoost JSON", "50 trees, depth 8", write_xgboost(50)),
        Spec("xgboost.json", "XGBoost JSON", "500 trees, depth 8", write_xgboost(500)),
        Spec("xgboost.ubj", "XGBoost UBJSON", "500 trees, depth 8", write_xgboost(500)),
        Spec(
            "mal-onnx-external-traversal.onnx",
            "ONNX",
            "external_data location ../../../etc/passwd",
            write_onnx_traversal,
            malicious=True,
        ),
        Spec(
            "mal-onnx-custom-domain.onnx",
            "ONNX",
            "node in custom domain com.bench.custom",
            write_onnx_custom_domain,
            malicious=True,
        ),
        Spec(
            "mal-gguf-template-ssti.gguf",
            "GGUF",
            "chat template reaching os.popen via cycler.__init__.__globals__",
            write_gguf_ssti,
            malicious=True,
        ),
        Spec(
            "mal-safetensors-overlap.safetensors",
            "safetensors",
            "tensor b's data_offsets overlap tensor a's",
            write_safetensors_overlap,
            malicious=True,
        ),
        Spec(
            "mal-keras-lambda.keras",
            "Keras 3",
            "Lambda layer, bytecode calling os.system",
            write_keras_lambda,
            malicious=True,
        ),
        Spec(
            "mal-keras-module-os.keras",
            "Keras 3",
            "config.json: activation {module: os, class_name: function, config: system}",
            write_keras_module_os,
            malicious=True,
        ),
        Spec(
            "mal-keras-lambda.h5",
            "Keras H5",
            "Lambda layer, bytecode calling os.system",
            write_keras_lambda,
            malicious=True,
        ),
        Spec(
            "mal-savedmodel-pyfunc",
            "TF SavedModel",
            "GraphDef with a PyFunc node",
            write_savedmodel_pyfunc,
            malicious=True,
        ),
    ]


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--tf-python", type=Path, default=DEFAULT_TF_PYTHON)
    args = parser.parse_args(argv)
    directory: Path = args.directory
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / ".partial"  # writers need the final name (suffixes pick formats)
    for spec in specs(args.tf_python):
        path = directory / spec.name
        if path.exists():
            print(f"  {spec.name}: exists, kept")
            continue
        if spec.needs_tf and not args.tf_python.exists():
            print(f"  {spec.name}: skipped, no TensorFlow interpreter at {args.tf_python}")
            continue
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        spec.write(partial / spec.name)
        (partial / spec.name).replace(path)
        print(f"  {spec.name}: written, {size_of(path) / 1e6:.1f} MB", flush=True)
    shutil.rmtree(partial, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
