"""Builders of Keras model files for the tests, written the way an attacker edits them.

Configs are zipped like ``keras.saving.save_model`` does (``.keras``) or stored as root
attributes with h5py (``.h5``). Lambda code is real marshalled bytecode of a harmless
payload (``echo aisec-test``) compiled here and never run; nothing here loads a model.
"""

from __future__ import annotations

import base64
import io
import json
import marshal
import zipfile

PAYLOAD_SOURCE = "lambda x: __import__('os').system('echo aisec-test') or x"


def payload_code(source: str = PAYLOAD_SOURCE) -> str:
    """base64 of the marshalled code of a lambda, as Keras's func_dump writes it."""
    code = compile(source, "<aisec-test>", "eval").co_consts[0]
    return base64.encodebytes(marshal.dumps(code)).decode("ascii")


def obj(class_name, config, module="keras.layers", registered=None):
    return {
        "module": module,
        "class_name": class_name,
        "config": config,
        "registered_name": registered,
    }


def function_ref(module, name, registered="function"):
    return {
        "module": module,
        "class_name": "function",
        "config": name,
        "registered_name": registered,
    }


def lambda_function(code=None):
    return {
        "class_name": "__lambda__",
        "config": {"code": code or payload_code(), "defaults": None, "closure": None},
    }


def lambda_layer(function, name="lambda", arguments=None):
    config = {"name": name, "function": function, "arguments": arguments or {}}
    return obj("Lambda", config)


def dense(name="dense", units=2):
    initializer = obj("GlorotUniform", {"seed": None}, module="keras.initializers")
    return obj(
        "Dense",
        {"name": name, "units": units, "activation": "relu", "kernel_initializer": initializer},
    )


def sequential(*layers):
    inputs = obj("InputLayer", {"batch_shape": [None, 3], "name": "input_layer"})
    return obj("Sequential", {"name": "sequential", "layers": [inputs, *layers]}, module="keras")


def legacy_sequential(*layers):
    """The .h5 (legacy) form: no module keys on the layers."""
    inputs = {"class_name": "InputLayer", "config": {"batch_shape": [None, 3], "name": "in"}}
    return {
        "class_name": "Sequential",
        "config": {"name": "sequential", "layers": [inputs, *layers]},
    }


def keras_bytes(config, *, weights: bytes | None = None, extra: dict | None = None) -> bytes:
    """A .keras archive: metadata.json, config.json and (optionally) model.weights.h5."""
    text = config if isinstance(config, bytes | str) else json.dumps(config)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.8.0"}))
        archive.writestr("config.json", text)
        if weights is not None:
            archive.writestr("model.weights.h5", weights)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def h5_bytes(model_config=None, *, userblock: int = 0, build=None, **attrs) -> bytes:
    """An HDF5 file written by h5py with Keras's root attributes (and anything ``build``
    adds to the open file)."""
    import h5py

    buffer = io.BytesIO()
    options = {"userblock_size": userblock} if userblock else {}
    with h5py.File(buffer, "w", **options) as h5file:
        if model_config is not None:
            text = (
                model_config if isinstance(model_config, str | bytes) else json.dumps(model_config)
            )
            h5file.attrs["model_config"] = text
            h5file.attrs["keras_version"] = "2.15.0"
            h5file.attrs["backend"] = "tensorflow"
        for key, value in attrs.items():
            h5file.attrs[key] = value if isinstance(value, str | bytes) else json.dumps(value)
        h5file.create_dataset("model_weights/dense/kernel", data=[[1.0, 2.0], [3.0, 4.0]])
        if build is not None:
            build(h5file)
    return buffer.getvalue()
