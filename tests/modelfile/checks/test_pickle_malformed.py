import pytest

from aisec.core.severity import Severity


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x80\x04\x8c\x02os", "truncated"),
        (b"\x80\x04K\x01\xff.", "invalid load key"),
        (b"\x80\x04h\x05.", "Memo value not found at index 5"),
        (b"\x80\x040.", "stack underflow"),
        (b"\x80\x09N.", "unsupported pickle protocol: 9"),
        (b"\x80\x04(0.", "stack underflow"),
    ],
)
def test_stream_errors_are_findings_at_their_offset(scan_bytes, only, data, message):
    run = scan_bytes(data)
    [finding] = only(run, "modelfile.pickle.malformed")
    assert message in finding.message
    assert run.exit_code(Severity.HIGH) == 1
    assert run.artefacts[0].status.value == "incomplete"


def test_payload_before_the_break_is_still_reported(scan_bytes, ids):
    found = ids(scan_bytes(b"\x80\x02cos\nsystem\nU\x02id\x85R\x00garbage"))
    assert {"modelfile.pickle.dangerous-call", "modelfile.pickle.malformed"} <= found


def test_pop_removes_a_mark_like_the_c_loader(scan_bytes, ids):
    # MARK then POP pops the mark, not an item: a valid stream in CPython.
    assert ids(scan_bytes(b"\x80\x04N(0.")) == set()
