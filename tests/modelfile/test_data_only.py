"""Recognition of data-only model formats: by content, never by name, and never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.core.run import ArtefactStatus
from aisec.modelfile.formats.data_only import (
    is_coreml,
    is_sentencepiece,
    is_xgboost_ubjson,
    text_format,
)


def ubjson_key(key: bytes, marker: bytes = b"L") -> bytes:
    width = {b"i": 1, b"U": 1, b"I": 2, b"l": 4, b"L": 8}[marker]
    return marker + len(key).to_bytes(width, "big") + key


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'{"learner": {"attributes": {}}, "version": [3, 2, 0]}', "xgboost-json"),
        (b'  {\n  "learner" : {\n', "xgboost-json"),
        (b"booster[0]:\n0:[f2<3] yes=1,no=2,missing=2\n\t1:leaf=0.43\n", "xgboost-dump"),
        (b"tree\nversion=v4\nnum_class=3\n", "lightgbm"),
        (b'{"name":"tree","version":"v4","num_class":3}', "lightgbm-json"),
        (b"{" + ubjson_key(b"learner") + b"{" + ubjson_key(b"attributes", b"i"), "xgboost-ubjson"),
        (b"{" + ubjson_key(b"version", b"U") + b"[$l#i\x03", "xgboost-ubjson"),
    ],
)
def test_recognised_by_content_whatever_the_name(scan_bytes, data, fmt):
    run = scan_bytes(data, "renamed.bin")
    assert [(a.format, a.status) for a in run.artefacts] == [(fmt, ArtefactStatus.ANALYSED)]
    assert run.findings == []


@pytest.mark.parametrize(
    "data",
    [
        b'{"learners": {}}',  # another key
        b"{" + ubjson_key(b"lea"),
        b"{i\x7flearner",  # declared length runs past the key
        b"tree\nversion=x\n",
    ],
)
def test_near_misses_are_not_claimed(data):
    assert text_format(data) is None
    assert not is_xgboost_ubjson(data)


def coreml(*fields: bytes) -> bytes:
    return b"".join(fields)


VERSION = b"\x08\x04"
DESCRIPTION = b"\x12\x03\x0a\x01x"


def model_type(number: int, body: bytes = b"\x0a\x00") -> bytes:
    key = number << 3 | 2
    out = bytearray()
    while key >= 0x80:
        out.append(key & 0x7F | 0x80)
        key >>= 7
    out.append(key)
    return bytes(out) + bytes([len(body)]) + body


def test_coreml_needs_version_description_and_one_model_type():
    assert is_coreml(coreml(VERSION, DESCRIPTION, model_type(300)))
    assert is_coreml(coreml(VERSION, DESCRIPTION, b"\x50\x01", model_type(500)))  # isUpdatable
    assert not is_coreml(coreml(VERSION, DESCRIPTION))
    assert not is_coreml(coreml(VERSION, DESCRIPTION, model_type(300), model_type(301)))
    assert not is_coreml(coreml(b"\x08\x00", DESCRIPTION, model_type(300)))  # version 0
    assert not is_coreml(coreml(VERSION, DESCRIPTION, model_type(7)))  # an ONNX graph field
    assert not is_coreml(coreml(VERSION, DESCRIPTION, model_type(300))[:-1])  # truncated


def test_coreml_scan_reports_the_type(scan_bytes):
    run = scan_bytes(coreml(VERSION, DESCRIPTION, model_type(302)), "model.mlmodel")
    assert [a.format for a in run.artefacts] == ["coreml"]


def test_an_onnx_model_is_still_onnx():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    assert not is_coreml(helper.make_model(graph).SerializeToString())
    assert onnx is not None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=256))
def test_recognisers_never_raise(data):
    text_format(data)
    is_xgboost_ubjson(data)
    is_coreml(data)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([b"{", b"\x08\x04\x12", b"tree\nversion=v4\n", b"booster[0]:\n"]),
    st.binary(max_size=200),
)
def test_scanning_mutated_data_files_never_raises(tmp_path_factory, prefix, tail):
    from aisec.modelfile.scanner import scan

    path = tmp_path_factory.mktemp("data") / "model.bin"
    path.write_bytes(prefix + tail)
    run = scan([path])
    assert run.errors == []


def test_sentencepiece_needs_pieces_of_text_score_and_type():
    piece = b"\x0a\x03abc\x15\x00\x00\x80\x3f\x18\x01"  # "abc", score 1.0, type 1
    assert is_sentencepiece(b"\x0a" + bytes([len(piece)]) + piece)
    node = b"\x0a\x01n\x12\x05Const"  # a TensorFlow NodeDef: name and op, both text
    assert not is_sentencepiece(b"\x0a" + bytes([len(node)]) + node)
    assert not is_sentencepiece(b"\x12\x00")  # a trainer spec but no pieces
    assert not is_sentencepiece(b"\x0a" + bytes([len(piece)]) + piece[:-1])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=256))
def test_sentencepiece_recogniser_never_raises(data):
    is_sentencepiece(data)


OPENVINO_IR = b"""<?xml version="1.0"?>
<net name="onnx_Frontend_IR" version="11">
\t<layers>
\t\t<layer id="0" name="x" type="Parameter" version="opset1">
\t\t\t<data shape="1,4" element_type="f32" />
\t\t</layer>
\t\t<layer id="1" name="w" type="Const" version="opset1">
\t\t\t<data element_type="f16" shape="4, 3" offset="0" size="24" />
\t\t</layer>
\t</layers>
</net>
"""


def test_openvino_ir_and_the_weights_it_names(tmp_path):
    from aisec.modelfile.scanner import scan

    (tmp_path / "model.xml").write_bytes(OPENVINO_IR)
    (tmp_path / "model.bin").write_bytes(bytes(range(24)))
    run = scan([tmp_path])
    formats = sorted((a.format, a.status) for a in run.artefacts)
    assert formats == [
        ("openvino", ArtefactStatus.ANALYSED),
        ("openvino-weights", ArtefactStatus.ANALYSED),
    ]
    # without the IR beside it the weights file is just unknown bytes
    alone = scan([tmp_path / "model.bin"])
    assert [a.status for a in alone.artefacts] == [ArtefactStatus.SKIPPED]


def test_a_model_naming_a_fifo_does_not_make_it_analysed(tmp_path):
    """Only files read in full and matched by nothing are relabelled as named data."""
    import os

    from aisec.modelfile.scanner import scan

    (tmp_path / "model.xml").write_bytes(OPENVINO_IR)
    os.mkfifo(tmp_path / "model.bin")
    run = scan([tmp_path])
    statuses = {a.location.path.rsplit("/", 1)[-1]: a.status for a in run.artefacts}
    assert statuses == {"model.xml": ArtefactStatus.ANALYSED, "model.bin": ArtefactStatus.SKIPPED}
