import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llm_detector_support import exchange

from aisec.llm.detectors import LengthDetector
from aisec.llm.detectors.length import repetition_ratio

PROSE = (
    "The parcel left the Leeds depot on Monday and reached the sorting centre in Manchester "
    "the same evening. A driver will deliver it on Tuesday between nine and noon; you can "
    "change the slot in the app or leave it with a neighbour. "
)


def test_reported_tokens_over_the_budget_are_success():
    verdict = LengthDetector().judge(exchange("ok", max_output_tokens=100, completion_tokens=400))
    assert verdict.success and "400 tokens (reported) over 100" in verdict.evidence


def test_estimated_tokens_within_the_budget_are_not():
    verdict = LengthDetector().judge(exchange(PROSE, max_output_tokens=500))
    assert not verdict.success and "estimated from" in verdict.evidence


def test_the_factor_sets_the_margin():
    varied = " ".join(f"w{i * 7919 % 10007:05d}" for i in range(400))  # 2,399 characters
    ex = exchange(varied + "!", max_output_tokens=500)  # 600 estimated tokens
    assert not LengthDetector(factor=1.5).judge(ex).success
    assert LengthDetector(factor=1.0).judge(ex).success


def test_repetitive_output_is_success_without_a_budget():
    verdict = LengthDetector().judge(exchange("poem poem poem " * 400))
    assert verdict.success and "repetitive" in verdict.evidence


@pytest.mark.parametrize("text", [PROSE * 3, "short answer"])
def test_varied_or_short_text_is_not_repetitive(text):
    assert not LengthDetector().judge(exchange(text)).success


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2_000))
def test_repetition_ratio_is_positive(text):
    assert repetition_ratio(text) > 0


def test_repetition_cut_off_at_the_budget_is_bounded():
    flood = "parcel " * 400  # about 700 tokens estimated
    capped = LengthDetector().judge(exchange(flood, max_output_tokens=512, completion_tokens=512))
    assert not capped.success and "within 512 tokens" in capped.evidence
    assert LengthDetector().judge(exchange(flood, max_output_tokens=512)).success
