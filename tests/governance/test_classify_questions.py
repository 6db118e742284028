"""The questionnaire: its shape, progressive disclosure, validation, and properties that
hold for any answers (hypothesis)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.governance.catalogs import load_catalogue
from aisec.governance.classify import Question, classify, next_questions, questionnaire

AS_OF = date(2026, 11, 28)
CATALOGUE = load_catalogue("eu-ai-act")
ROLES = [item.id for item in CATALOGUE.of_kind("role")]


def ids(answers: dict[str, object]) -> list[str]:
    return [q.id for q in next_questions(answers)]


def test_questions_are_unique_ordered_and_cite_the_catalogue() -> None:
    seen: list[str] = []
    for question in questionnaire():
        assert question.id not in seen
        assert set(question.depends_on) <= set(seen), question.id
        assert question.refs and question.text and question.asked_when
        for ref in question.refs:
            assert CATALOGUE.item_for_ref(ref) is not None, ref
        if question.kind in ("one-of", "many-of"):
            assert question.choices
        json.dumps(question.to_dict())
        seen.append(question.id)
    assert len(seen) == 26


def test_first_question_is_the_subject() -> None:
    assert ids({}) == ["subject"]


def test_system_and_model_branches() -> None:
    assert ids({"subject": "ai-system"}) == [
        "practices",
        "emotion_recognition",
        "remote_biometric_id",
    ]
    assert ids({"subject": "gpai-model"}) == [
        "gpai_training_flops",
        "gpai_on_market_before_2025_08_02",
        "provider_outside_eu",
    ]


def test_classification_questions_wait_for_the_prohibitions() -> None:
    answers: dict[str, object] = {"subject": "ai-system", "practices": []}
    assert "annex_iii_use_cases" not in ids(answers)
    answers |= {"emotion_recognition": False, "remote_biometric_id": False}
    assert ids(answers) == [
        "annex_i_product",
        "annex_iii_use_cases",
        "interacts_with_people",
        "biometric_categorisation",
        "generates_content",
    ]


def test_a_banned_system_is_not_classified_further() -> None:
    answers = {
        "subject": "ai-system",
        "practices": ["Art.5(1)(c)"],
        "emotion_recognition": False,
        "remote_biometric_id": False,
    }
    assert ids(answers) == []


BASE = {
    "subject": "ai-system",
    "practices": [],
    "emotion_recognition": False,
    "remote_biometric_id": False,
    "annex_i_product": False,
    "interacts_with_people": False,
    "biometric_categorisation": False,
    "generates_content": False,
}
HIGH_RISK_FOLLOW_UPS = ["placed_before_application", "provider_outside_eu"]


def test_derogation_only_for_annex_iii_and_profiling_only_when_claimed() -> None:
    assert ids({**BASE, "annex_iii_use_cases": []}) == []
    assert ids({**BASE, "annex_iii_use_cases": ["AnnexIII.3(b)"]}) == ["derogation"]
    claimed = {**BASE, "annex_iii_use_cases": ["AnnexIII.3(b)"], "derogation": ["Art.6(3)(d)"]}
    assert ids(claimed) == ["profiling"]
    assert ids(claimed | {"profiling": False}) == []
    assert ids(claimed | {"profiling": True}) == [
        "deployer_public_authority",
        *HIGH_RISK_FOLLOW_UPS,
    ]


def test_derogation_not_asked_when_annex_i_applies() -> None:
    answers = BASE | {
        "annex_i_product": True,
        "annex_i_third_party": True,
        "annex_iii_use_cases": ["AnnexIII.3(b)"],
    }
    assert ids(answers) == ["deployer_public_authority", *HIGH_RISK_FOLLOW_UPS]


def test_biometric_follow_ups() -> None:
    answers = BASE | {"annex_iii_use_cases": [], "remote_biometric_id": True}
    assert ids(answers) == ["rbi_realtime_law_enforcement"]
    answers |= {"rbi_realtime_law_enforcement": True}
    assert ids(answers) == ["rbi_exception"]
    answers = BASE | {"annex_iii_use_cases": [], "emotion_recognition": True}
    assert ids(answers) == ["emotion_workplace"]
    assert ids(answers | {"emotion_workplace": True}) == ["emotion_medical_or_safety"]


def test_generated_content_follow_ups() -> None:
    answers = BASE | {"annex_iii_use_cases": [], "generates_content": True}
    assert ids(answers) == ["on_market_before_2026_08_02", "deep_fakes"]


def test_systemic_risk_questions_only_for_models() -> None:
    model = {
        "subject": "gpai-model",
        "gpai_on_market_before_2025_08_02": False,
        "provider_outside_eu": False,
    }
    assert ids(model | {"gpai_training_flops": 1e24}) == ["gpai_designated"]
    assert ids(model | {"gpai_training_flops": 1e24, "gpai_designated": False}) == [
        "gpai_open_source"
    ]
    assert ids(model | {"gpai_training_flops": 1e26}) == []


def test_answers_to_questions_not_asked_are_reported_unused() -> None:
    answers = BASE | {"annex_iii_use_cases": [], "profiling": True, "gpai_designated": True}
    result = classify(answers, roles=["provider"], as_of=AS_OF)
    assert set(result.unused_answers) == {"profiling", "gpai_designated"}
    assert "profiling" not in result.answers


@pytest.mark.parametrize(
    "answers",
    [
        {"no_such_question": True},
        {"subject": "robot"},
        {"subject": ["ai-system"]},
        {"subject": "ai-system", "practices": "Art.5(1)(c)"},
        {"subject": "ai-system", "practices": ["Art.5(1)(z)"]},
        {"subject": "ai-system", "practices": ["Art.5(1)(c)", "Art.5(1)(c)"]},
        {"subject": "ai-system", "emotion_recognition": "yes"},
        {"subject": "ai-system", "emotion_recognition": 1},
        {"subject": "gpai-model", "gpai_training_flops": True},
        {"subject": "gpai-model", "gpai_training_flops": -1},
        {"subject": "gpai-model", "gpai_training_flops": float("nan")},
        {"subject": "gpai-model", "gpai_training_flops": "1e25"},
    ],
)
def test_invalid_answers_are_config_errors(answers: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        next_questions(answers)
    with pytest.raises(ConfigError):
        classify(answers, roles=["provider"], as_of=AS_OF)


def test_invalid_roles_dates_and_incomplete_answers_are_config_errors() -> None:
    done = BASE | {"annex_iii_use_cases": []}
    with pytest.raises(ConfigError, match="unknown role"):
        classify(done, roles=["user"], as_of=AS_OF)
    with pytest.raises(ConfigError, match="roles"):
        classify(done, roles="provider", as_of=AS_OF)
    with pytest.raises(ConfigError, match="as_of"):
        classify(done, roles=[], as_of="2026-11-28")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not complete"):
        classify({"subject": "ai-system"}, roles=[], as_of=AS_OF)
    with pytest.raises(ConfigError, match="mapping"):
        next_questions([("subject", "ai-system")])  # type: ignore[arg-type]
    assert classify(done, roles=[], as_of=datetime(2026, 11, 28, 9)).as_of == AS_OF


def _valid(question: Question) -> st.SearchStrategy[Any]:
    values = [c.value for c in question.choices]
    if question.kind == "yes-no":
        return st.booleans()
    if question.kind == "one-of":
        return st.sampled_from(values)
    if question.kind == "many-of":
        return st.lists(st.sampled_from(values), unique=True, max_size=3)
    return st.one_of(
        st.integers(0, 10**27), st.floats(0, 1e27), st.sampled_from([1e25, 1e25 + 1e10])
    )


_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.text(max_size=12), max_size=3),
)


@st.composite
def _answer_sets(draw: st.DrawFn) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questionnaire():
        choice = draw(st.sampled_from(["omit", "valid", "valid", "junk"]))
        if choice == "valid":
            answers[question.id] = draw(_valid(question))
        elif choice == "junk":
            answers[question.id] = draw(_ANY)
    if draw(st.booleans()):
        answers[draw(st.text(max_size=8))] = draw(_ANY)
    return answers


@settings(max_examples=300, deadline=None)
@given(_answer_sets(), st.lists(st.sampled_from([*ROLES, "nobody"]), max_size=3), st.booleans())
def test_classify_raises_nothing_but_config_error(
    answers: dict[str, object], roles: list[str], amended: bool
) -> None:
    try:
        result = classify(answers, roles=roles, as_of=AS_OF, use_amended_dates=amended)
    except ConfigError:
        return
    json.dumps(result.to_dict())


@settings(max_examples=300, deadline=None)
@given(st.data(), st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.booleans())
def test_answering_what_is_asked_completes(data: st.DataObject, as_of: date, amended: bool) -> None:
    answers: dict[str, object] = {}
    for _ in range(len(questionnaire())):
        asked = next_questions(answers)
        if not asked:
            break
        assert not {q.id for q in asked} & set(answers)
        for question in asked:
            answers[question.id] = data.draw(_valid(question), label=question.id)
    assert next_questions(answers) == []
    if answers["subject"] == "ai-system":
        assert not any(qid.startswith("gpai") for qid in answers)
    result = classify(answers, roles=ROLES, as_of=as_of, use_amended_dates=amended)
    # Tiers are empty only when a ban of the original text stopped the questionnaire
    # before that ban applied (as of a day before 2 February 2025).
    assert result.tiers or result.upcoming_prohibitions
    assert result.unused_answers == ()
    json.dumps(result.to_dict())
    refs = [r for reason in result.rationale for r in reason.refs]
    refs += [d.ref for duties in result.obligations.values() for d in duties]
    refs += [d.date_ref for duties in result.obligations.values() for d in duties]
    for ref in refs:
        assert CATALOGUE.item_for_ref(ref) is not None, ref
    for duties in result.obligations.values():
        for duty in duties:
            assert duty.in_force == (duty.applies_from is not None and duty.applies_from <= as_of)
