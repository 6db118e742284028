"""llm.pii and llm.secrets on prompts and answers, and redaction of what they find."""

from __future__ import annotations

import pytest

from aisec.runtime.detectors.catalogue import build_detectors
from aisec.runtime.detectors.redaction import redact
from aisec.runtime.detectors.text import PiiTextDetector, SecretTextDetector
from aisec.runtime.observation import INPUT, OUTPUT, Observation

# Built in code so no scanner flags this file; AWS's own documented example key is a known
# placeholder the scanner drops, so this is an invented key of the same shape.
FAKE_KEY = "AKIA" + "".join("Q7ZB3X5MN2KD8PLR")
EMAIL = "alice@example.com"


def obs(text_in: str | None = None, text_out: str | None = None) -> Observation:
    return Observation(model="chat", client="k1", at=0.0, text_in=text_in, text_out=text_out)


def test_pii_in_prompt_is_found_counted_and_redactable() -> None:
    det = PiiTextDetector()
    prompt = f"Please email {EMAIL} the report"
    verdict = det.observe(obs(text_in=prompt))
    assert verdict is not None and verdict.fired and verdict.stage == INPUT
    assert verdict.details["counts"] == {"EMAIL_ADDRESS": 1}
    assert EMAIL not in verdict.explanation and EMAIL not in str(verdict.details)
    assert redact(prompt, det.spans(prompt)) == "Please email [REDACTED:EMAIL_ADDRESS] the report"


def test_secret_in_answer_is_found_by_output_instance() -> None:
    det = SecretTextDetector(None, stage="output")
    assert det.stage == OUTPUT and isinstance(det, SecretTextDetector)
    answer = f"use aws_access_key_id = {FAKE_KEY} for that"
    assert det.observe(obs(text_in=answer)) is None  # the output stage reads the answer only
    verdict = det.observe(obs(text_out=answer))
    assert verdict is not None and verdict.fired
    assert FAKE_KEY not in str(verdict.details) and FAKE_KEY not in verdict.explanation
    redacted = redact(answer, det.spans(answer))
    assert FAKE_KEY not in redacted and "[REDACTED:AWS-ACCESS-KEY-ID]" in redacted


def test_clean_text_does_not_fire() -> None:
    for det in (PiiTextDetector(), SecretTextDetector()):
        verdict = det.observe(obs(text_in="What is the capital of France?"))
        assert verdict is not None and not verdict.fired and verdict.score == 0


def test_stage_both_builds_two_instances() -> None:
    dets = build_detectors({"llm.pii": {"stage": "both"}, "llm.secrets": {}}, None)
    assert [(d.name, d.stage) for d in dets] == [
        ("llm.pii", INPUT),
        ("llm.pii", OUTPUT),
        ("llm.secrets", INPUT),
    ]


def test_text_past_the_bound_is_an_error_not_a_clean_verdict() -> None:
    """Padding a prompt past max_chars must not hide what follows: the gateway turns the
    error into its fail policy (test_gateway_chat.py)."""
    det = PiiTextDetector(None, max_chars=20)
    with pytest.raises(ValueError, match="more than max_chars=20"):
        det.observe(obs(text_in="x" * 30 + EMAIL))


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], "abcdef"),
        ([(1, 3, "a")], "a[REDACTED:A]def"),
        ([(1, 3, "a"), (2, 5, "b")], "a[REDACTED:A]f"),
        ([(4, 99, "x"), (-5, 1, "y")], "[REDACTED:Y]bcd[REDACTED:X]"),
        ([(3, 3, "empty")], "abcdef"),
    ],
)
def test_redact_merges_and_clips(spans: list[tuple[int, int, str]], expected: str) -> None:
    assert redact("abcdef", spans) == expected
