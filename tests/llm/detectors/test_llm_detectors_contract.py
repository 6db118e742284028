"""Contract tests over every registered detector: a new one is covered automatically."""

import dataclasses
import inspect
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_detector_support import CANARY, exchange

from aisec.llm.detectors import DETECTORS, Detector, judge_all
from aisec.llm.detectors.base import MAX_CHARS
from aisec.llm.exchange import Exchange, ToolCall, Turn, Verdict

IDS = sorted(DETECTORS)
FIELDS = {f.name for f in dataclasses.fields(Exchange)}
ID_SHAPE = re.compile(r"^llm\.detector\.[a-z][a-z0-9-]*$")


@pytest.mark.parametrize("detector_id", IDS)
def test_metadata_is_readable_without_instantiating(detector_id):
    cls = DETECTORS[detector_id]
    assert cls.id == detector_id
    assert ID_SHAPE.match(cls.id)
    assert cls.title.strip() and len(cls.title) <= 60
    assert len(cls.description) >= 40
    assert cls.needs and set(cls.needs) <= FIELDS
    assert issubclass(cls, Detector) and not inspect.isabstract(cls)


def test_ids_are_unique_and_titles_distinct():
    assert len({cls.title for cls in DETECTORS.values()}) == len(DETECTORS)
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("detector_id", IDS)
def test_constructor_only_stores_parameters(detector_id):
    cls = DETECTORS[detector_id]
    params = cls().get_params()
    signature = inspect.signature(cls.__init__).parameters
    assert set(params) == set(signature) - {"self"}
    assert cls(**params).get_params() == params


@pytest.mark.parametrize("detector_id", IDS)
def test_judge_returns_a_verdict_of_the_detector(detector_id):
    for ex in (Exchange(()), exchange("Hello! How can I help?", objective="say hello")):
        verdict = DETECTORS[detector_id]().judge(ex)
        assert isinstance(verdict, Verdict)
        assert verdict.detector == detector_id
        assert 0.0 <= verdict.score <= 1.0
        assert verdict.evidence


def test_judge_all_runs_every_detector_but_the_llm_judge_by_default():
    verdicts = judge_all(exchange(f"The code is {CANARY}", canaries=(CANARY,)))
    assert [v.detector for v in verdicts] == [i for i in DETECTORS if i != "llm.detector.judge"]
    assert next(v for v in verdicts if v.detector == "llm.detector.canary").success
    with pytest.raises(KeyError, match="unknown detector"):
        judge_all(Exchange(()), ["llm.detector.nope"])


texts = st.text(max_size=300)
arguments = st.recursive(
    st.one_of(
        st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
calls = st.builds(
    ToolCall,
    name=st.text(max_size=20),
    arguments=st.dictionaries(st.text(max_size=8), arguments, max_size=3),
)
turns = st.builds(
    Turn,
    role=st.sampled_from(["system", "user", "assistant", "tool"]),
    content=texts,
    tool_calls=st.lists(calls, max_size=2).map(tuple),
)
exchanges = st.builds(
    Exchange,
    transcript=st.lists(turns, max_size=5).map(tuple),
    canaries=st.lists(texts, max_size=3).map(tuple),
    markers=st.lists(texts, max_size=3).map(tuple),
    payloads=st.lists(texts, max_size=3).map(tuple),
    forbidden_tools=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    objective=texts,
    max_output_tokens=st.none() | st.integers(min_value=-5, max_value=10_000),
    completion_tokens=st.none() | st.integers(min_value=-5, max_value=100_000),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exchanges)
def test_no_detector_raises_on_arbitrary_exchanges(ex):
    for detector_id in IDS:
        verdict = DETECTORS[detector_id]().judge(ex)
        assert verdict.detector == detector_id


READ_WHOLE = {
    f"llm.detector.{name}"
    for name in ("canary", "marker", "payload", "pii-secret", "refusal", "injection")
}
HOSTILE = [
    "a" * 1_000_000,
    "<" * 1_000_000,
    "![" * 500_000,
    "i can't " * 125_000,
    "A-" * 500_000,
    "`" * 1_000_000,
    "$(" * 500_000,
    "\u200b" * 1_000_000,
]


@pytest.mark.parametrize("detector_id", IDS)
def test_large_hostile_answers_are_read_in_part_not_refused(detector_id):
    """Inputs are capped (MAX_CHARS per text): a megabyte of pathological text is judged,
    and a detector that reads texts whole says it read part of them."""
    for text in HOSTILE:
        ex = exchange(text, canaries=(CANARY, "A-A-A-A-A-A"), markers=("PWNED",),
                      payloads=("<script>", "; rm -rf /"), max_output_tokens=100)  # fmt: skip
        verdict = DETECTORS[detector_id]().judge(ex)
        assert verdict.detector == detector_id
        if detector_id in READ_WHOLE:
            assert "read in part" in verdict.evidence, (text[:5], verdict)
    assert len(HOSTILE[0]) > MAX_CHARS
