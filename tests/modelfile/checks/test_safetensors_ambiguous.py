import struct


def test_repeated_tensor_name_is_reported(scan_bytes, only):
    raw = (
        b'{"w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},'
        b' "w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}'
    )
    data = struct.pack("<Q", len(raw)) + raw + b"\x00"
    [finding] = only(
        scan_bytes(data, "model.safetensors"), "modelfile.safetensors.ambiguous-header"
    )
    assert finding.evidence["keys"] == ["w"]
    assert finding.severity.label == "high"
