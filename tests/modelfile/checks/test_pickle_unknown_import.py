def test_unknown_class_used_as_data_is_low(scan_bytes, only):
    data = b"\x80\x04]\x8c\x06vendor\x8c\x04Kind\x93a."
    [finding] = only(scan_bytes(data), "modelfile.pickle.unknown-import")
    assert finding.severity.label == "low"


def test_allowed_import_is_silent(scan_bytes, ids):
    data = b"\x80\x04]\x8c\x05numpy\x8c\x07float64\x93a."
    assert ids(scan_bytes(data)) == set()
