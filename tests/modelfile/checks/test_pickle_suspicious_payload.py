def test_unknown_callable_with_code_argument_is_critical(scan_bytes, only):
    data = b"\x80\x04\x8c\x0bvendor.util\x8c\x03run\x93\x8c\x1d__import__('os').system('id')\x85R."
    [finding] = only(scan_bytes(data), "modelfile.pickle.suspicious-payload")
    assert finding.evidence["callable"] == "vendor.util.run"
    assert finding.severity.label == "critical"


def test_unknown_callable_with_plain_argument_is_only_unknown(scan_bytes, ids):
    data = b"\x80\x04\x8c\x0bvendor.util\x8c\x05Model\x93\x8c\x05small\x85R."
    found = ids(scan_bytes(data))
    assert "modelfile.pickle.suspicious-payload" not in found
    assert "modelfile.pickle.unknown-call" in found
