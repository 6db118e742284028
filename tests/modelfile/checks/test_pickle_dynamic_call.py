def test_calling_the_result_of_a_call_is_reported(scan_bytes, only):
    # getattr(__import__('os'), 'system')('id') written by hand
    data = (
        b"\x80\x04\x8c\x08builtins\x8c\x07getattr\x93"
        b"\x8c\x08builtins\x8c\n__import__\x93\x8c\x02os\x85R\x8c\x06system\x86R"
        b"\x8c\x02id\x85R."
    )
    [finding] = only(scan_bytes(data), "modelfile.pickle.dynamic-call")
    assert finding.evidence["call"] == "builtins.getattr(builtins.__import__('os'), 'system')('id')"


def test_plain_calls_are_not_dynamic(scan_bytes, ids):
    assert "modelfile.pickle.dynamic-call" not in ids(
        scan_bytes(b"\x80\x04cos\nsystem\n\x8c\x02id\x85R.")
    )
