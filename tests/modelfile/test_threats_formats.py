"""Detection of the public techniques against the non-pickle formats.

One case per technique of ``modelfile-threats.md`` §4 that targets safetensors (item 12),
GGUF chat templates (item 35) and ONNX external data (item 36); Keras (item 34) and
TensorFlow graphs have their own test modules. Every hostile file is built in code with
the formats' own writers where they exist, with harmless payloads, written to
``tmp_path`` and scanned, never loaded. Each case asserts the check id and the exit code
under the default settings.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np
import pytest
from fixtures import describe_run, system_payload, zip_bytes

from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

FAIL_ON = Settings().fail_on


def loud_ids(run) -> set[str]:
    return {f.check_id for f in run.findings if f.severity >= Severity.MEDIUM}


# -- item 12: safetensors polyglots ------------------------------------------------------
def safetensors_bytes(tensors: dict[str, np.ndarray]) -> bytes:
    header, body, offset = {}, b"", 0
    for name, array in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape)}
        header[name]["data_offsets"] = [offset, offset + len(raw)]
        body += raw
        offset += len(raw)
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def test_12_safetensors_that_is_also_a_zip_with_a_pickle(tmp_path):
    """A zip appended to a valid safetensors file: safetensors loaders see tensors, zip
    readers (torch.load among them) find the end record and load the pickle."""
    tensors = safetensors_bytes({"w": np.zeros((4,), np.float32)})
    archive = zip_bytes({"archive/data.pkl": system_payload(2), "archive/version": b"3\n"})
    path = tmp_path / "model.safetensors"
    path.write_bytes(tensors + archive)
    run = scan([path])
    ids = loud_ids(run)
    assert "modelfile.pickle.dangerous-call" in ids, describe_run(run)
    assert "modelfile.safetensors.invalid-structure" in ids  # data past the declared end
    assert run.exit_code(FAIL_ON) == 1


def test_12_header_length_that_reads_as_a_pickle_is_routed_to_safetensors(tmp_path):
    """A header length whose bytes begin like a pickle (0x0380 is PROTO 3): routed by
    those bytes alone, the file would be judged as a (broken) pickle and its safetensors
    structure never validated. It is read as safetensors, and clean."""
    header = {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}
    text = json.dumps(header).encode()
    text += b" " * (0x0380 - len(text))
    path = tmp_path / "model.bin"
    path.write_bytes(struct.pack("<Q", len(text)) + text + bytes(4))
    run = scan([path])
    assert [a.format for a in run.artefacts] == ["safetensors"], describe_run(run)
    assert run.exit_code(FAIL_ON) == 0


# -- item 35: GGUF chat-template injection (CVE-2024-34359 and the later ones) ----------
TEMPLATES = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('echo aisec-test').read() }}",
    "joiner via attr": "{{ joiner|attr('__init__')|attr('__globals__') }}",
    "class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "folded dunder": "{{ lipsum['__glo' ~ 'bals__']['os'].popen('echo aisec-test') }}",
    "hidden in a loop": (
        "{% for message in messages %}{{ message['content'] }}"
        "{% if loop.last %}{{ self._TemplateReference__context.cycler.__init__ }}{% endif %}"
        "{% endfor %}"
    ),
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_35_gguf_chat_template_escape_written_by_the_gguf_writer(tmp_path, template):
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "model.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_chat_template(TEMPLATES[template])
    writer.add_tensor("w", np.zeros((2, 2), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    run = scan([path])
    assert "modelfile.gguf.template-escape" in loud_ids(run), describe_run(run)
    assert run.exit_code(FAIL_ON) == 1


# -- item 36: ONNX external data that leaves the model directory ------------------------
def _external(name: str, location: str):
    from onnx import TensorProto, helper

    tensor = helper.make_tensor(name, TensorProto.FLOAT, [2], [0.0, 0.0])
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location
    return tensor


def _model(*, initializer=None, sparse=None, attribute=None, function=None) -> bytes:
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Identity", ["x"], ["y"])]
    if attribute is not None:
        nodes.append(helper.make_node("Constant", [], ["c"], value=attribute))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
        [initializer] if initializer is not None else [],
        sparse_initializer=[sparse] if sparse is not None else None,
    )
    functions = []
    if function is not None:
        body = helper.make_node("Constant", [], ["out"], value=function)
        functions.append(
            helper.make_function("local", "F", [], ["out"], [body], [helper.make_opsetid("", 17)])
        )
    model = helper.make_model(
        graph,
        functions=functions,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("local", 1)],
    )
    return model.SerializeToString()


def _sparse(location: str):
    from onnx import TensorProto, helper

    values = _external("s_values", location)
    indices = helper.make_tensor("s_indices", TensorProto.INT64, [2], [0, 1])
    return helper.make_sparse_tensor(values, indices, [4])


WHERE = {
    "initializer": lambda loc: {"initializer": _external("w", loc)},
    "sparse initializer": lambda loc: {"sparse": _sparse(loc)},
    "Constant attribute": lambda loc: {"attribute": _external("c", loc)},
    "function body": lambda loc: {"function": _external("f", loc)},
}


@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize(
    "location", ["/etc/passwd", "../../../../etc/passwd", "..\\..\\secrets.bin", "C:\\key.bin"]
)
def test_36_onnx_external_data_escapes_wherever_the_tensor_is(tmp_path, where, location):
    pytest.importorskip("onnx")
    path = tmp_path / "model.onnx"
    path.write_bytes(_model(**WHERE[where](location)))
    run = scan([path])
    assert "modelfile.onnx.external-data-escape" in loud_ids(run), describe_run(run)
    assert run.exit_code(FAIL_ON) == 1


@pytest.mark.parametrize("link", ["symlink", "hardlink", "symlinked directory"])
def test_36_onnx_external_data_through_links(tmp_path, link):
    """CVE-2026-27489 (symbolic link) and GHSA-cmw6-hcpp-c6jp (hard link)."""
    pytest.importorskip("onnx")
    secret = tmp_path / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_bytes(bytes(8))
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    if link == "symlink":
        (model_dir / "weights.bin").symlink_to(secret)
        location = "weights.bin"
    elif link == "hardlink":
        os.link(secret, model_dir / "weights.bin")
        location = "weights.bin"
    else:
        (model_dir / "data").symlink_to(secret.parent, target_is_directory=True)
        location = "data/id_rsa"
    (model_dir / "model.onnx").write_bytes(_model(initializer=_external("w", location)))
    run = scan([model_dir / "model.onnx"])
    assert "modelfile.onnx.external-data-escape" in loud_ids(run), describe_run(run)
    assert run.exit_code(FAIL_ON) == 1
