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


def _unknown_call_pickle() -> bytes:
    # mycompany.models.Net() with protocol 2: GLOBAL, EMPTY_TUPLE, REDUCE, STOP
    return b"\x80\x02cmycompany.models\nNet\n)R."


def test_scan_from_python_applies_the_scan_policy(tmp_path):
    """aisec.scan() gives the verdict the CLI gives: strict, then the baseline."""
    path = tmp_path / "m.pkl"
    path.write_bytes(_unknown_call_pickle())
    plain = aisec.scan([path], aisec.load_settings({}, directory=tmp_path, environ={}))
    assert plain.exit_code(aisec.Severity.HIGH) == 0  # an unknown callable is medium

    strict = aisec.load_settings({"strict": True}, directory=tmp_path, environ={})
    assert aisec.scan([path], strict).exit_code(aisec.Severity.HIGH) == 1

    baseline = tmp_path / "baseline.json"
    aisec.scan([path], strict, write_baseline=baseline)
    known = aisec.load_settings(
        {"strict": True, "baseline": str(baseline)}, directory=tmp_path, environ={}
    )
    again = aisec.scan([path], known)
    assert again.exit_code(aisec.Severity.HIGH) == 0
    assert {d.status for d in again.dispositions.values()} == {"baseline"}


def test_a_test_plan_from_python(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: api\ntarget: {train: {estimator: logistic_regression}}\n"
        "data: {source: sklearn:breast_cancer}\n"
        "tests: [{type: extraction, params: {budgets: [50]},"
        " thresholds: [{metric: target_accuracy, min: 0.99}]}]\n"
    )
    report = aisec.run_test_plan(plan, jobs=1)
    assert report.run.kind == "test" and report.counts()["failed"] == 1
    assert aisec.load_test_plan(plan).tests[0].thresholds[0].min == 0.99
