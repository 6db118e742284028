import struct


def frame(n):
    return b"\x95" + struct.pack("<Q", n)


def test_opcode_crossing_a_frame_end_is_reported(scan_bytes, only):
    # The frame claims 3 bytes but the string opcode inside it is 4 bytes long.
    data = b"\x80\x04" + frame(3) + b"\x8c\x02os" + b"."
    [finding] = only(scan_bytes(data), "modelfile.pickle.parse-differential")
    assert finding.evidence["frame_end"] == 14


def test_well_formed_frames_are_silent(scan_bytes, ids):
    import pickle

    data = pickle.dumps({"a": list(range(100_000))}, protocol=4)
    assert data.count(b"\x95") > 1
    assert ids(scan_bytes(data)) == set()
