"""The risk model: scoring bands, validation, stable ids, editing, merging, heat maps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.governance.risks import (
    BANDS,
    Risk,
    edit,
    heat_map,
    level,
    merge,
    risk_id,
)


def make(**changes: Any) -> Risk:
    fields: dict[str, Any] = {
        "id": risk_id("credit-model", "AML.T0015", "findings"),
        "system": "credit-model",
        "title": "Evade AI Model",
        "threat": "AML.T0015",
        "likelihood": 3,
        "impact": 4,
        "likelihood_rationale": "robust accuracy is low",
        "impact_rationale": "wrong credit decisions",
        "controls": ("AML.M0003",),
        "sources": ("finding:abc",),
    }
    return Risk(**(fields | changes))


def test_score_and_level() -> None:
    risk = make()
    assert (risk.score, risk.level) == (12, "high")
    assert risk.residual_score is None and risk.residual_level is None


def test_bands_cover_1_to_25_without_gaps() -> None:
    covered = [n for _, low, high in BANDS for n in range(low, high + 1)]
    assert covered == list(range(1, 26))
    assert [level(n) for n in (1, 4, 5, 9, 10, 14, 15, 25)] == [
        "low", "low", "medium", "medium", "high", "high", "critical", "critical",
    ]  # fmt: skip


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_valid_pair_scores_its_product(likelihood: int, impact: int) -> None:
    risk = make(likelihood=likelihood, impact=impact)
    assert risk.score == likelihood * impact
    assert risk.level == level(likelihood * impact)


@given(
    st.one_of(
        st.integers().filter(lambda n: not 1 <= n <= 5),
        st.floats(allow_nan=True),
        st.booleans(),
        st.text(max_size=3),
        st.none(),
    ),
    st.sampled_from(["likelihood", "impact", "residual"]),
)
def test_scores_out_of_range_are_config_errors(value: object, which: str) -> None:
    changes: dict[str, object] = (
        {"residual_likelihood": value, "residual_impact": 1} if which == "residual" else
        {which: value}
    )  # fmt: skip
    if which == "residual" and value is None:
        changes = {"residual_likelihood": None, "residual_impact": 1}
    with pytest.raises(ConfigError):
        make(**changes)


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_residual_above_inherent_needs_a_note(li: int, ii: int, lr: int, ir: int) -> None:
    if lr * ir > li * ii:
        with pytest.raises(ConfigError, match="residual_note"):
            make(likelihood=li, impact=ii, residual_likelihood=lr, residual_impact=ir)
        noted = make(likelihood=li, impact=ii, residual_likelihood=lr, residual_impact=ir,
                     residual_note="the new vendor API exposes scores")  # fmt: skip
        assert noted.residual_score == lr * ir
    else:
        risk = make(likelihood=li, impact=ii, residual_likelihood=lr, residual_impact=ir)
        assert risk.residual_level == level(lr * ir)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"treatment": "accept"}, "justification"),
        ({"status": "accepted", "treatment": "accept", "owner": "cro"}, "justification"),
        ({"status": "accepted", "owner": "cro", "justification": "cheap"}, "treatment accept"),
        ({"status": "open"}, "owner"),
        ({"status": "treated", "owner": "ml-lead"}, "residual"),
        ({"residual_likelihood": 2}, "both residual"),
        ({"treatment": "ignore"}, "treatment"),
        ({"status": "done"}, "status"),
        ({"threat": "AML.T9999"}, "not an ATLAS technique"),
        ({"threat": "AML.M0003"}, "not an ATLAS technique"),
        ({"threat": None}, "threat_reason"),
        ({"controls": ("ISO42001:Z.9",)}, "not in any catalogue"),
        ({"related": ("EU-AI-Act:Art.999",)}, "not in any catalogue"),
        ({"likelihood_rationale": " "}, "rationale"),
        ({"sources": ("rumour:x",)}, "source"),
        ({"edited": ("owner",)}, "edited"),
        ({"title": ""}, "non-empty"),
        ({"due": "2027-01-01"}, "date"),
    ],
)
def test_invalid_risks_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make(**changes)


def test_a_complete_treated_risk_is_valid() -> None:
    risk = make(owner="ml-lead", treatment="mitigate", plan="adversarial training",
                due=date(2027, 3, 1), status="treated", residual_likelihood=2,
                residual_impact=4)  # fmt: skip
    assert risk.residual_level == "medium"
    accepted = make(owner="cro", treatment="accept", status="accepted",
                    justification="below appetite for an internal tool")  # fmt: skip
    assert accepted.status == "accepted"


def test_round_trip_through_a_dict() -> None:
    risk = make(owner="ml-lead", due=date(2027, 3, 1), treatment="mitigate")
    data = risk.to_dict()
    assert data["score"] == 12 and data["level"] == "high" and data["due"] == "2027-03-01"
    assert Risk.from_dict(data) == risk
    with pytest.raises(ConfigError, match="unknown keys"):
        Risk.from_dict(data | {"colour": "red"})
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        Risk.from_dict(data | {"due": "soon"})


def test_ids_are_stable_and_distinct() -> None:
    one = risk_id("credit-model", "AML.T0015", "findings")
    assert one == risk_id("credit-model", "AML.T0015", "findings")
    assert one.startswith("R-") and len(one) == 14
    others = {
        risk_id("other-model", "AML.T0015", "findings"),
        risk_id("credit-model", "AML.T0020", "findings"),
        risk_id("credit-model", "AML.T0015", "measurements:evasion"),
        risk_id("credit-model", None, "findings"),
    }
    assert one not in others and len(others) == 4


def test_edit_marks_changed_proposal_fields_only() -> None:
    risk = edit(make(), impact=5, owner="ml-lead", likelihood=3)
    assert risk.edited == ("impact",)
    with pytest.raises(ConfigError, match="cannot edit"):
        edit(risk, id="R-x")
    with pytest.raises(ConfigError):
        edit(risk, impact=6)


def test_merge_keeps_human_decisions_and_adds_sources() -> None:
    existing = edit(make(), impact=5, owner="ml-lead", treatment="transfer",
                    status="open", plan="insure", due=date(2027, 1, 31))  # fmt: skip
    proposed = make(likelihood=4, impact=3, likelihood_rationale="more findings",
                    sources=("finding:abc", "finding:def"), controls=("AML.M0006",))  # fmt: skip
    (merged,) = merge([existing], [proposed])
    assert (merged.owner, merged.treatment, merged.status) == ("ml-lead", "transfer", "open")
    assert (merged.plan, merged.due) == ("insure", date(2027, 1, 31))
    assert merged.impact == 5  # a person's score survives
    assert merged.likelihood == 4 and merged.likelihood_rationale == "more findings"
    assert merged.sources == ("finding:abc", "finding:def")
    assert merged.controls == ("AML.M0006",) and merged.edited == ("impact", "treatment")


def test_merge_adds_new_keeps_unproposed_and_does_not_duplicate() -> None:
    kept = make(id=risk_id("credit-model", None, "findings:x"), threat=None,
                threat_reason="no technique", title="Other")  # fmt: skip
    first = make()
    new = make(id=risk_id("credit-model", "AML.T0020", "findings"), threat="AML.T0020",
               title="Poisoning")  # fmt: skip
    register = merge([kept, first], [first, new])
    assert [r.id for r in register] == [kept.id, first.id, new.id]
    assert merge(register, [first, new]) == register


def test_merge_of_a_twice_proposed_risk_unions_its_sources() -> None:
    (merged,) = merge([], [make(sources=("finding:a",)), make(sources=("finding:b",))])
    assert merged.sources == ("finding:a", "finding:b")


def test_heat_map_counts_cells_and_levels() -> None:
    risks = [
        make(),
        make(likelihood=5, impact=5),
        make(likelihood=3, impact=4, owner="a", status="treated", residual_likelihood=1,
             residual_impact=4),
    ]  # fmt: skip
    inherent = heat_map(risks)
    assert inherent.cells == {(3, 4): 2, (5, 5): 1}
    assert inherent.levels == {"low": 0, "medium": 0, "high": 2, "critical": 1}
    assert inherent.grid()[0][4] == 1 and inherent.grid()[2][3] == 2
    residual = heat_map(risks, residual=True)
    assert residual.cells == {(1, 4): 1} and residual.unassessed == 2
    assert residual.levels["low"] == 1
    data = inherent.to_dict()
    assert data["cells"][0] == {"likelihood": 3, "impact": 4, "count": 2}
    assert len(data["grid"]) == 5 and all(len(row) == 5 for row in data["grid"])


def test_merge_does_not_drop_inherent_risk_below_an_assessed_residual() -> None:
    existing = make(owner="a", status="treated", residual_likelihood=3, residual_impact=3)
    (merged,) = merge([existing], [make(likelihood=2, impact=4)])
    assert (merged.likelihood, merged.impact) == (3, 4)
    (raised,) = merge([existing], [make(likelihood=4, impact=4)])
    assert (raised.likelihood, raised.residual_likelihood) == (4, 3)


def test_risk_ids_survive_names_with_lone_surrogates() -> None:
    from aisec.governance.risks.model import risk_id

    assert risk_id("sys\ud800", None, "findings").startswith("R-")
