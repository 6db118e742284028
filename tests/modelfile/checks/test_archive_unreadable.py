import zipfile


def test_unsupported_compression_method(tmp_path, only):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.pkl", b"\x80\x04N." * 100)
    raw = bytearray(path.read_bytes())
    raw[8:10] = (99).to_bytes(2, "little")  # local header method
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    run = scan([path])
    assert only(run, "modelfile.archive.unreadable-member")
    assert any(a.status.value != "analysed" for a in run.artefacts)
