"""Plans as data: every mistake is a PlanError that names its place, before anything runs."""

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.assurance.plans.catalogue import KNOWN_TYPES
from aisec.assurance.plans.spec import PlanError, load_plan, plan_from_mapping
from aisec.core.severity import Severity

GOOD = {
    "name": "p",
    "target": {"train": {"estimator": "logistic_regression"}},
    "data": {"source": "sklearn:breast_cancer"},
    "tests": [
        {
            "name": "robust",
            "type": "evasion",
            "params": {"epsilons": [0.05]},
            "budget": 1000,
            "thresholds": [
                {"metric": "robust_accuracy", "where": {"attack": "worst"}, "min": 0.5},
                {"metric": "clean_accuracy", "min": 0.9, "judge_on": "ci_low", "severity": "low"},
            ],
        }
    ],
}


def _plan(raw):
    return plan_from_mapping(raw, known_types=KNOWN_TYPES)


def test_a_good_plan_reads_in_full():
    plan = _plan(GOOD)
    (test,) = plan.tests
    assert test.budget == 1000 and test.params == {"epsilons": [0.05]}
    first, second = test.thresholds
    assert first.where == {"attack": "worst"} and first.min == 0.5 and first.max is None
    assert second.judge_on == "ci_low" and second.severity is Severity.LOW
    assert first.describe() == "robust_accuracy[attack=worst] >= 0.5"
    assert plan.fail_on is Severity.HIGH


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"target": {}}, "target"),
        ({"target": {"train": {}, "onnx": "m.onnx"}}, "target"),
        ({"tests": []}, "tests"),
        ({"tests": [{"type": "nonsense"}]}, "tests[0].type"),
        ({"tests": [{"type": "evasion", "thresholds": [{"metric": "x"}]}]}, "needs min, max"),
        ({"tests": [{"type": "evasion", "budget": 0}]}, "tests[0].budget"),
        ({"tests": [{"type": "evasion", "budget": True}]}, "tests[0].budget"),
        ({"tests": [{"type": "evasion"}, {"type": "evasion"}]}, "unique"),
        ({"surprise": 1}, "unknown keys"),
        ({"fail_on": "catastrophic"}, "fail_on"),
        (
            {"tests": [{"type": "evasion", "thresholds": [{"metric": "x", "min": float("nan")}]}]},
            "finite",
        ),
        (
            {
                "tests": [
                    {
                        "type": "evasion",
                        "thresholds": [{"metric": "x", "min": 1, "judge_on": "mean"}],
                    }
                ]
            },
            "judge_on",
        ),
    ],
)
def test_mistakes_name_their_place(change, where):
    with pytest.raises(PlanError, match="test plan") as info:
        _plan(GOOD | change)
    assert where in info.value.message


def test_files_are_yaml_and_relative_paths_follow_the_plan(tmp_path: Path):
    file = tmp_path / "plan.yaml"
    file.write_text(
        "name: x\ntarget: {onnx: models/m.onnx}\ndata: {source: sklearn:digits}\n"
        "tests: [{type: fairness}]\n"
    )
    plan = load_plan(file, known_types=KNOWN_TYPES)
    assert plan.resolve("models/m.onnx") == tmp_path / "models" / "m.onnx"
    assert plan.source == str(file)


def test_yaml_aliases_are_refused(tmp_path: Path):
    # Nested aliases expand exponentially once walked: refused before they are built.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 20)]
    file = tmp_path / "bomb.yaml"
    file.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanError, match="aliases"):
        load_plan(file, known_types=KNOWN_TYPES)


def test_broken_and_oversized_files_are_plan_errors(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("tests: [unclosed\n")
    with pytest.raises(PlanError, match="not valid YAML"):
        load_plan(broken, known_types=KNOWN_TYPES)
    big = tmp_path / "big.yaml"
    big.write_text("#" * (1 << 20) + "x\n")
    with pytest.raises(PlanError, match="larger than 1 MiB"):
        load_plan(big, known_types=KNOWN_TYPES)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "target", "data", "tests", "seed", "fail_on", "zzz"]), _values
    )
)
def test_any_mapping_is_a_plan_or_a_plan_error(raw):
    with contextlib.suppress(PlanError):
        _plan(raw)


def test_deep_flow_nesting_is_refused_before_parsing(tmp_path: Path):
    # 200,000 levels: PyYAML would take many minutes on this before failing; the bracket
    # count refuses it first. A shallow file with brackets still loads.
    deep = tmp_path / "deep.yaml"
    deep.write_text("tests: " + "[" * 200_000 + "]" * 200_000 + "\n")
    with pytest.raises(PlanError, match="over 64 levels"):
        load_plan(deep, known_types=KNOWN_TYPES)
    shallow = tmp_path / "shallow.yaml"
    shallow.write_text(
        "name: x\ntarget: {train: {estimator: logistic_regression}}\n"
        "data: {source: sklearn:iris}\ntests: [{type: extraction, params: {budgets: [50]}}]\n"
    )
    assert load_plan(shallow, known_types=KNOWN_TYPES).tests[0].params == {"budgets": [50]}
