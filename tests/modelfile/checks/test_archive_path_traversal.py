import io
import tarfile


def test_dotdot_and_links_in_tar(tmp_path, only):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "m.tar"
    with tarfile.open(path, "w") as tf:
        info = tarfile.TarInfo("../../evil.pkl")
        payload = b"\x80\x04N."
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))
        link = tarfile.TarInfo("link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    kinds = {f.evidence["anomaly"] for f in only(scan([path]), "modelfile.archive.path-traversal")}
    assert kinds == {"path-traversal", "link-member"}


def _zip_with_symlink() -> bytes:
    import stat
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("weights.bin")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/home/user/.ssh/id_rsa")
        archive.writestr("model.pkl", b"\x80\x04N.")
    return buffer.getvalue()


def test_symlink_members_in_zip(scan_bytes, only):
    run = scan_bytes(_zip_with_symlink(), "model.zip")
    [finding] = only(run, "modelfile.archive.path-traversal")
    assert finding.evidence["anomaly"] == "link-member"
    assert "weights.bin" in finding.location.display()


def test_regular_unix_zip_members_are_not_links(scan_bytes, only):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model.pkl", b"\x80\x04N.")  # written on Unix: mode 0o600 regular
    assert (
        only(scan_bytes(buffer.getvalue(), "model.zip"), "modelfile.archive.path-traversal") == []
    )


def test_a_symlink_mode_does_not_hide_the_member_bytes(scan_bytes, only):
    """zipfile and torch.load ignore the Unix mode and read the member as a file."""
    import stat
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        pickled = zipfile.ZipInfo("archive/data.pkl")
        pickled.create_system = 3
        pickled.external_attr = (stat.S_IFLNK | 0o777) << 16
        # os.system("echo aisec-test"), protocol 2; written, never loaded
        archive.writestr(pickled, b"\x80\x02cos\nsystem\nX\x0f\x00\x00\x00echo aisec-test\x85R.")
        archive.writestr("archive/version", "3\n")
    run = scan_bytes(buffer.getvalue(), "model.pt")
    assert only(run, "modelfile.archive.path-traversal")
    assert only(run, "modelfile.pickle.dangerous-call")
