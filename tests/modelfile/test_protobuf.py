import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.modelfile.formats.onnx_model import read_model
from aisec.modelfile.formats.protobuf import ProtobufError, fields


def test_fields_decode_every_wire_type():
    data = b"\x08\x96\x01" + b"\x12\x03abc" + b"\x19" + bytes(8) + b"\x25" + bytes(4)
    assert [(n, w) for n, w, _ in fields(data)] == [(1, 0), (2, 2), (3, 1), (4, 5)]
    assert next(iter(fields(data)))[2] == 150


@pytest.mark.parametrize(
    "data", [b"\x08", b"\x12\x05ab", b"\x00\x01", b"\x0b", b"\x08" + b"\xff" * 11]
)
def test_malformed_input_raises_protobuf_error(data):
    with pytest.raises(ProtobufError):
        list(fields(data))


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.binary(max_size=300))
def test_random_models_only_raise_protobuf_errors(body):
    with contextlib.suppress(ProtobufError, RecursionError):
        read_model(b"\x08\x07" + body)
