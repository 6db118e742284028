import zipfile


def test_local_and_central_names_differ(tmp_path, only):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.pkl", b"\x80\x04N.")
    raw = bytearray(path.read_bytes())
    raw[30:38] = b"datp.pkl"  # the local header's copy of the name
    path.write_bytes(bytes(raw))
    [finding] = only(scan([path]), "modelfile.archive.header-mismatch")
    assert finding.evidence["anomaly"] == "name-mismatch"
