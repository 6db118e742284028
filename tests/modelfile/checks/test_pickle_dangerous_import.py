def test_dangerous_global_stored_not_called_is_high(scan_bytes, only):
    # {'hook': os.system}: imported and kept, never called by the stream itself.
    data = b"\x80\x04}\x8c\x04hook\x8c\x02os\x8c\x06system\x93s."
    [finding] = only(scan_bytes(data), "modelfile.pickle.dangerous-import")
    assert finding.severity.label == "high"
    assert finding.evidence["global"] == "os.system"


def test_called_globals_are_not_double_reported_as_imports(scan_bytes, ids):
    found = ids(scan_bytes(b"\x80\x04cos\nsystem\n\x8c\x02id\x85R."))
    assert "modelfile.pickle.dangerous-import" not in found
