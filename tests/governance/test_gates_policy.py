"""Gate policies as data: every mistake is a PolicyError naming its place."""

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.assurance.plans.spec import Threshold
from aisec.core.errors import ConfigError
from aisec.core.severity import Severity
from aisec.governance.gates import Policy, PolicyError, load_policy, policy_from_mapping

GOOD = {
    "schema": "aisec.policy/1",
    "name": "p",
    "applies_to": {"tiers": ["high-risk"]},
    "conditions": [
        {"id": "crit", "type": "no_open_findings", "at_or_above": "high"},
        {"id": "rob", "type": "measurement", "metric": "robust_accuracy", "min": 0.7,
         "where": {"epsilon": 0.1}, "judge_on": "ci_low", "max_age_days": 30,
         "severity": "warning", "when_tier": "high-risk", "refs": ["EU-AI-Act:Art.15"]},
        {"id": "ev", "type": "evidence_valid", "title": "model card*"},
    ],
}  # fmt: skip


def _with(path, value):
    raw = copy.deepcopy(GOOD)
    target = raw
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return raw


_DELETE = object()


def test_a_good_policy_reads_in_full():
    policy = policy_from_mapping(GOOD)
    crit, rob, ev = policy.conditions
    assert policy.applies_to == ("high-risk",)
    assert crit.params["at_or_above"] is Severity.HIGH and crit.blocking
    assert crit.description == "no open findings at or above high"
    assert rob.params["threshold"] == Threshold(
        "robust_accuracy", {"epsilon": 0.1}, 0.7, None, "ci_low"
    )
    assert rob.severity == "warning" and rob.when_tier == ("high-risk",) and not rob.blocking
    assert rob.description == "robust_accuracy[epsilon=0.1] (ci_low) >= 0.7 (at most 30 days old)"
    assert ev.params == {"refs": (), "title": "model card*", "min_days_left": 0}


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("schema",), "aisec.policy/2", "policy, schema:"),
        (("schema",), _DELETE, "policy, schema:"),
        (("name",), "", "policy, name:"),
        (("extra",), 1, "policy, top level: unknown keys ['extra']"),
        (("applies_to",), {"tiers": ["high risk"]}, "policy, applies_to.tiers[0]: 'high risk'"),
        (("applies_to",), {"tier": ["high-risk"]}, "policy, applies_to: unknown keys"),
        (("conditions",), [], "policy, conditions: must be a non-empty list"),
        (("conditions", 0, "type"), "no_findings", "policy, conditions[0].type:"),
        (("conditions", 0, "id"), "a b", "policy, conditions[0].id:"),
        (("conditions", 1, "id"), "crit", "ids must be unique: ['crit']"),
        (("conditions", 0, "at_or_above"), "severe", "policy, conditions[0].at_or_above:"),
        (("conditions", 0, "max_scan_age_days"), -1, "policy, conditions[0].max_scan_age_days:"),
        (("conditions", 0, "check"), "x", "unknown keys ['check'] for a no_open_findings"),
        (("conditions", 1, "judge_on"), "median", "policy, conditions[1].judge_on:"),
        (("conditions", 1, "min"), _DELETE, "conditions[1]: a measurement condition needs min"),
        (("conditions", 1, "max"), float("nan"), "policy, conditions[1].max: must be a finite"),
        (("conditions", 1, "max_age_days"), True, "policy, conditions[1].max_age_days:"),
        (("conditions", 1, "where"), [1], "policy, conditions[1].where: must be a mapping"),
        (("conditions", 1, "severity"), "fatal", "policy, conditions[1].severity:"),
        (("conditions", 1, "when_tier"), ["gpai", 3], "policy, conditions[1].when_tier[1]:"),
        (("conditions", 1, "refs"), "EU-AI-Act:Art.15", None),  # one string is a list of one
        (("conditions", 2, "refs"), ["EU-AI-Act:Art.11"], "needs refs or title (one of them)"),
        (("conditions", 2, "title"), _DELETE, "needs refs or title"),
        (("conditions", 2, "min_days_left"), 1.5, "policy, conditions[2].min_days_left:"),
        (("conditions", 2, "description"), 7, "policy, conditions[2].description:"),
    ],
)  # fmt: skip
def test_mistakes_name_their_place(path, value, where):
    raw = _with(path, value)
    if where is None:
        assert isinstance(policy_from_mapping(raw), Policy)
        return
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(raw)
    assert where in caught.value.message
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("condition", "where"),
    [
        ({"type": "findings_absent"}, "conditions[0].check:"),
        ({"type": "assessment_done"}, "conditions[0].kind:"),
        ({"type": "approval_present", "scope": ""}, "conditions[0].scope:"),
        ({"type": "risks_treated", "at_or_above": "severe"}, "conditions[0].at_or_above:"),
        (
            {"type": "risks_treated", "allow_empty_register": "yes"},
            "conditions[0].allow_empty_register:",
        ),
        (
            {"type": "signatures_verified", "models": ["a"]},
            "conditions[0]: unknown keys ['models']",
        ),
        ({"type": "evidence_valid", "refs": []}, "conditions[0].refs: must name at least one"),
        (
            {"type": "no_overdue_incidents", "when_tier": {}},
            "conditions[0].when_tier: must be a list",
        ),
    ],
)
def test_each_type_checks_its_keys(condition, where):
    raw = {"schema": "aisec.policy/1", "name": "p", "conditions": [{"id": "c", **condition}]}
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(raw)
    assert f"policy, {where}" in caught.value.message


def test_files_are_read_safely(tmp_path):
    good = tmp_path / "policy.yaml"
    good.write_text(
        "schema: aisec.policy/1\nname: p\nconditions:\n  - {id: s, type: signatures_verified}\n"
    )
    assert load_policy(good).source == str(good)
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text("schema: aisec.policy/1\nname: &n p\ndescription: *n\nconditions: []\n")
    with pytest.raises(PolicyError, match="aliases"):
        load_policy(aliased)
    with pytest.raises(PolicyError, match="not a file"):
        load_policy(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("conditions: [\n")
    with pytest.raises(PolicyError, match=str(broken).replace("\\", "\\\\") + ": .*not valid YAML"):
        load_policy(broken)


def test_the_adr_example_is_a_valid_policy():
    adr = Path(__file__).resolve().parents[2] / "docs/adr/0020-policy-gates.md"
    import re

    import yaml

    (block,) = re.findall(r"```yaml\n(.*?)```", adr.read_text(encoding="utf-8"), re.S)
    policy = policy_from_mapping(yaml.safe_load(block))
    assert len(policy.conditions) == 12
    assert {c.type for c in policy.conditions} == {
        "no_open_findings", "findings_absent", "signatures_verified", "measurement",
        "assessment_done", "evidence_valid", "approval_present", "no_overdue_incidents",
        "risks_treated",
    }  # fmt: skip


def _attempt(raw):
    try:
        return None, policy_from_mapping(raw)
    except PolicyError as exc:
        return exc, None


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 400), st.floats(allow_nan=True),
    st.sampled_from(["", "critical", "high", "final", "fria", "high-risk", "aisec.policy/1",
                     "measurement", "no_open_findings", "evidence_valid", "value", "x*"]),
)  # fmt: skip
_keys = st.sampled_from(
    ["schema", "name", "applies_to", "tiers", "conditions", "id", "type", "severity", "when_tier",
     "metric", "min", "max", "where", "judge_on", "refs", "title", "kind", "scope", "check",
     "at_or_above", "max_age_days", "min_days_left", "description", "other"]
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(_keys, _values, max_size=6),
    st.lists(st.dictionaries(_keys, _values, max_size=8), max_size=3),
)
def test_random_mappings_give_a_policy_or_a_policy_error(top, conditions):
    raw = {"schema": "aisec.policy/1", "name": "p", **top}
    if conditions:
        raw["conditions"] = conditions
    error, result = _attempt(raw)
    if error is not None:
        assert error.message.startswith("policy, ")
    else:
        assert isinstance(result, Policy) and result.conditions


_types = st.sampled_from(
    ["no_open_findings", "findings_absent", "signatures_verified", "measurement",
     "assessment_done", "evidence_valid", "approval_present", "no_overdue_incidents",
     "risks_treated"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(_types, st.dictionaries(_keys, _values, max_size=5)), min_size=1, max_size=3)
)
def test_random_conditions_of_known_types_give_a_policy_or_a_policy_error(specs):
    conditions = [{**body, "id": f"c{i}", "type": kind} for i, (kind, body) in enumerate(specs)]
    raw = {"schema": "aisec.policy/1", "name": "p", "conditions": conditions}
    error, result = _attempt(raw)
    if error is not None:
        assert error.message.startswith("policy, conditions[")
    else:
        assert [c.type for c in result.conditions] == [kind for kind, _ in specs]
