import pickle

import aisec


def test_everything_in_all_is_importable():
    for name in aisec.__all__:
        assert getattr(aisec, name) is not None


def test_scan_from_python(tmp_path):
    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps({"w": [1.0]}))
    run = aisec.scan(
        [path], aisec.load_settings({"fail_on": "low"}, directory=tmp_path, environ={})
    )
    assert run.exit_code(aisec.Severity.LOW) == 0
    assert run.artefacts[0].format == "pickle"
    assert run.to_dict()["config"]["fail_on"] == "low"
