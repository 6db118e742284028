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
