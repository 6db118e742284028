def test_ext_opcodes_are_reported(scan_bytes, only):
    for op in (b"\x82\x07", b"\x83\x07\x00", b"\x84\x07\x00\x00\x00"):
        [finding] = only(scan_bytes(b"\x80\x02" + op + b")R."), "modelfile.pickle.extension-code")
        assert finding.evidence["code"] == 7
