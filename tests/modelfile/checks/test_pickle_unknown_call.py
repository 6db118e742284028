from aisec.core.settings import Settings


def test_user_class_is_unknown_medium(scan_bytes, only):
    data = b"\x80\x04\x8c\x08mymodels\x8c\x03Net\x93)\x81."
    [finding] = only(scan_bytes(data), "modelfile.pickle.unknown-call")
    assert finding.severity.label == "medium"
    assert finding.evidence["callable"] == "mymodels.Net"
    assert finding.evidence["opcode"] == "NEWOBJ"


def test_allow_globals_setting_silences_it(scan_bytes, ids):
    data = b"\x80\x04\x8c\x08mymodels\x8c\x03Net\x93)\x81."
    run = scan_bytes(data, settings=Settings(allow_globals=("mymodels.*",)))
    assert ids(run) == set()
    assert run.exit_code(Settings().fail_on) == 0
