import json
import struct

import pytest


def safetensors(header: dict, data: bytes) -> bytes:
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def tensor(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def test_a_well_formed_file_is_clean(scan_bytes):
    header = {
        "__metadata__": {"format": "pt"},
        "w": tensor("F32", [2, 2], 0, 16),
        "b": tensor("F16", [2], 16, 20),
    }
    run = scan_bytes(safetensors(header, bytes(20)), "model.safetensors")
    assert run.findings == []
    assert run.artefacts[0].format == "safetensors"


@pytest.mark.parametrize(
    ("header", "size", "message"),
    [
        ({"w": tensor("F32", [2], 0, 8), "v": tensor("F32", [2], 4, 12)}, 12, "overlaps"),
        (
            {"w": tensor("F32", [2], 0, 8), "v": tensor("F32", [2], 12, 20)},
            20,
            "belong to no tensor",
        ),
        ({"w": tensor("F32", [4], 0, 16)}, 8, "past the 8 bytes present"),
        ({"w": tensor("F32", [3], 0, 8)}, 8, "needs 12 bytes"),
        ({"w": tensor("Q7", [1], 0, 1)}, 1, "unknown dtype"),
        ({"__metadata__": {"n": 1}, "w": tensor("U8", [1], 0, 1)}, 1, "__metadata__"),
        ({"w": tensor("U8", [1], 0, 1)}, 5, "after the last tensor"),
    ],
)
def test_structure_problems(scan_bytes, only, header, size, message):
    run = scan_bytes(safetensors(header, bytes(size)), "model.safetensors")
    findings = only(run, "modelfile.safetensors.invalid-structure")
    assert any(message in f.message for f in findings), [f.message for f in findings]


def test_header_length_that_looks_like_a_proto_opcode_is_not_a_broken_pickle(scan_bytes):
    header = {"w": tensor("U8", [1], 0, 1)}
    raw = json.dumps(header).encode()
    raw += b" " * (0x380 - len(raw))  # length bytes 80 03: PROTO 3 to a pickle reader
    data = struct.pack("<Q", len(raw)) + raw + b"\x00"
    run = scan_bytes(data, "model.safetensors")
    assert run.findings == []
