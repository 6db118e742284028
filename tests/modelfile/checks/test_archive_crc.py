import zipfile


def test_crc_mismatch_is_reported_and_member_still_analysed(tmp_path, only, ids):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x04cos\nsystem\n\x8c\x02id\x85R.")
    raw = bytearray(path.read_bytes())
    raw[14:18] = b"\x00\x00\x00\x00"  # local header CRC
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 16 : central + 20] = b"\x00\x00\x00\x00"
    path.write_bytes(bytes(raw))
    run = scan([path])
    assert only(run, "modelfile.archive.crc-mismatch")
    assert "modelfile.pickle.dangerous-call" in ids(run)
