"""Free-text scrubbing: spans from any detector replaced by entity, overlaps merged (a
secret inside a longer match is never half left), and aisec's own detectors wired in."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from aisec.data.anonymise import Context, HmacKey, Mask, Pseudonym, Replace, Scrub, Span
from aisec.data.anonymise.scrub import PiiSpans, SecretSpans, default_finders, merged


class RegexFinder:
    """A small detector for the tests: each pattern is one entity."""

    def __init__(self, rank: int = 1, **patterns: str) -> None:
        self.patterns = {entity: re.compile(p) for entity, p in patterns.items()}
        self.rank = rank

    def spans(self, text: str, hints: frozenset[str] = frozenset()) -> list[Span]:
        return [Span(entity, m.start(), m.end(), self.rank)
                for entity, pattern in self.patterns.items()
                for m in pattern.finditer(text)]  # fmt: skip


EMAILS = RegexFinder(EMAIL_ADDRESS=r"[\w.]+@[\w.]+\.\w+", PHONE_NUMBER=r"\+\d[\d ]{8,}\d")
KEYS = RegexFinder(2, **{"SECRET:test-key": r"tk_[A-Za-z0-9]{10}"})


def test_each_entity_gets_its_own_action():
    scrub = Scrub({"EMAIL_ADDRESS": Pseudonym("user", 8, "email"),
                   "PHONE_NUMBER": Mask(show_last=2)})  # fmt: skip
    ctx = Context(HmacKey(b"k" * 16), [EMAILS])
    out = scrub.apply("write to alice@example.com or ring +44 20 7946 0958 today", ctx)
    assert out is not None
    assert "alice" not in out
    assert re.fullmatch(r"write to user-[0-9a-f]{8}@example\.com or ring \*{14}58 today", out)
    # Consistent: the same address elsewhere gets the same pseudonym.
    again = scrub.apply("cc alice@example.com", ctx)
    assert again is not None
    assert again.split()[-1] == out.split()[2]


def test_defaults_replace_by_entity_label_and_text_without_spans_stays():
    ctx = Context(None, [EMAILS, KEYS])
    assert Scrub().apply("key tk_ABCDEFGHIJ, mail a@b.org", ctx) == (
        "key <SECRET:test-key>, mail <EMAIL_ADDRESS>"
    )
    assert Scrub().apply("nothing to see", ctx) == "nothing to see"


def test_entity_filter_and_secrets_switch():
    ctx = Context(None, [EMAILS, KEYS])
    text = "a@b.org tk_ABCDEFGHIJ +44 20 7946 0958"
    assert Scrub(entities=("PHONE_NUMBER",), secrets=False).apply(text, ctx) == (
        "a@b.org tk_ABCDEFGHIJ <PHONE_NUMBER>"
    )
    assert Scrub(secrets=False).apply(text, ctx) == "<EMAIL_ADDRESS> tk_ABCDEFGHIJ <PHONE_NUMBER>"


def test_overlapping_spans_merge_and_the_higher_rank_names_them():
    spans = [Span("PERSON", 0, 10, 1), Span("SECRET:k", 5, 20, 2), Span("X", 30, 30)]
    assert merged(spans) == [Span("SECRET:k", 0, 20, 2)]
    assert merged([Span("A", 0, 5), Span("B", 5, 9)]) == [Span("A", 0, 5), Span("B", 5, 9)]
    finder = RegexFinder(PERSON=r"Alice tk_\w{3}")
    ctx = Context(None, [finder, KEYS])
    # The secret runs past the person match: nothing of it may survive.
    assert Scrub({"default": Replace("#")}).apply("Alice tk_ABCDEFGHIJ end", ctx) == "# end"


@dataclass
class _Match:
    entity: str
    kind: str
    start: int
    end: int


def test_adapters_read_the_detector_contracts():
    class Detector:
        def find(self, text):
            return [_Match("EMAIL_ADDRESS", "", 0, 3)]

    assert PiiSpans(Detector()).spans("abc") == [Span("EMAIL_ADDRESS", 0, 3, 1)]
    found = SecretSpans(lambda text: [_Match("", "aws-access-key-id", 1, 2)]).spans("abc")
    assert found == [Span("SECRET:aws-access-key-id", 1, 2, 2)]


def test_aisec_detectors_scrub_real_pii_and_secrets():
    pytest.importorskip("aisec.data.pii", reason="the PII detector is not installed")
    pytest.importorskip("aisec.data.secrets", reason="the secret finder is not installed")
    finders = default_finders(None, secrets=True)
    token = "AKIA" + "Q3EGRWMKJ7P4XLZN"  # made up; the shape of an AWS access key id
    text = f"Contact alice.smith@example.com, key {token}"
    out = Scrub().apply(text, Context(None, finders))
    assert out == "Contact <EMAIL_ADDRESS>, key <SECRET:aws-access-key-id>"
