import struct

from aisec.core.severity import Severity


def test_truncated_gguf_is_a_broken_file_not_a_broken_pickle(scan_bytes, only):
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, 5) + b"\x03"  # five keys promised, none there
    run = scan_bytes(data, "model.gguf")
    [finding] = only(run, "modelfile.format.malformed")
    assert finding.message == "GGUF header: truncated at offset 24"
    assert only(run, "modelfile.pickle.malformed") == []
    assert run.exit_code(Severity.HIGH) == 1
    assert run.artefacts[0].status.value == "incomplete"
