import io
import tarfile


def tar_with_first_member(name: str, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    fmt = tarfile.GNU_FORMAT
    with tarfile.open(fileobj=buffer, mode="w", format=fmt, encoding="latin-1") as tf:
        for member_name, data in ((name, b""), *members.items()):
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_tar_whose_first_name_is_a_pickle_is_read_both_ways(scan_bytes, only, ids):
    data = tar_with_first_member("cos\nsystem\n(S'echo x'\ntR.", {"readme": b"hello\n"})
    run = scan_bytes(data, "bundle.tar")
    [finding] = only(run, "modelfile.format.polyglot")
    assert set(finding.evidence["formats"]) == {"tar", "pickle"}
    assert "modelfile.pickle.dangerous-call" in ids(run)


def test_pickle_that_is_also_a_legacy_torch_tar(scan_bytes, only, ids):
    payload = b"\x80\x02cos\nsystem\nU\x02id\x85R."
    data = tar_with_first_member("\x80\x02N.", {"storages": payload})
    run = scan_bytes(data, "model.pt")
    assert only(run, "modelfile.format.polyglot")
    assert "modelfile.pickle.dangerous-call" in ids(run)


def test_ordinary_tar_is_not_a_polyglot(scan_bytes, ids):
    data = tar_with_first_member("model/weights.bin", {"model/config.json": b"{}"})
    assert "modelfile.format.polyglot" not in ids(scan_bytes(data, "ok.tar"))
