import pickle

from aisec.core.settings import Settings


def test_opcode_cap_stops_analysis_and_marks_incomplete(scan_bytes, only):
    data = pickle.dumps(list(range(300_000)), protocol=4)
    run = scan_bytes(data, settings=Settings(max_pickle_opcodes=1000))
    [finding] = only(run, "modelfile.limits.exceeded")
    assert "max_pickle_opcodes" in finding.message
    assert run.exit_code(Settings().fail_on) == 1
    assert run.artefacts[0].status.value == "incomplete"


def test_archive_depth_cap(tmp_path, only):
    import zipfile

    from aisec.modelfile.scanner import scan

    inner = pickle.dumps(1)
    for level in range(4):
        path = tmp_path / f"l{level}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("x", inner)
        inner = path.read_bytes()
    run = scan([path], Settings(max_archive_depth=2))
    assert only(run, "modelfile.limits.exceeded")
