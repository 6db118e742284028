"""Secret detection measured on the synthetic corpus: every planted credential (each provider
format of tests/data/pii_corpus_secrets.py, in config, header, URL, JSON and prose contexts)
must be reported on its own, with exactly its offsets and its provider, with the value never
shown in full; the look-alikes (UUIDs, commit and content hashes, timestamps) must not be."""

from __future__ import annotations

import hashlib
import re

import pytest
from pii_corpus import Corpus, generate
from pii_corpus_score import Found, exact_and_merged, negative_kind, shape
from pii_corpus_secret_shapes import SECRET_SHAPES
from pii_corpus_secrets import github_checksum

from aisec.data.secrets import SECRET_KINDS, SecretMatch, find_secrets

PROVIDERS = {shape_.label: shape_.provider for shape_ in SECRET_SHAPES}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate(seed=11, docs_per_locale=7, target_chars=600, secrets_per_doc=(3, 5))


@pytest.fixture(scope="module")
def matches(corpus: Corpus) -> dict[str, list[SecretMatch]]:
    return {doc.doc_id: find_secrets(doc.text) for doc in corpus.documents}


def _found(matches: dict[str, list[SecretMatch]]) -> list[Found]:
    return [Found(d, m.start, m.end, m.kind) for d, ms in matches.items() for m in ms]


def test_corpus_plants_every_shape_in_volume(corpus: Corpus) -> None:
    counts = {label: sum(s.label == label for s in corpus.gold("secret")) for label in PROVIDERS}
    assert min(counts.values()) >= 8, counts
    for span in corpus.gold("secret"):
        value = corpus.value(span)
        if span.label == "github-classic":
            assert github_checksum(value[4:34]) == value[34:], shape(value)
        if span.label == "github-fine-grained":
            assert re.fullmatch(r"github_pat_[A-Z0-9]{22}_[A-Za-z0-9]{59}", value), shape(value)


def test_every_planted_secret_is_found_alone_with_exact_offsets(
    corpus: Corpus, matches: dict[str, list[SecretMatch]]
) -> None:
    gold = corpus.gold("secret")
    reported = {(d, m.start, m.end) for d, ms in matches.items() for m in ms}
    missing = [
        f"{s.label}:{shape(corpus.value(s), 24)}"
        for s in gold
        if (s.doc_id, s.start, s.end) not in reported
    ]
    assert not missing, missing[:10]
    boundaries = exact_and_merged(gold, _found(matches))
    assert boundaries.exact == len(gold)
    assert not boundaries.merged, [(f.label, f.doc_id) for f in boundaries.merged[:5]]


def test_each_secret_names_its_provider_and_a_known_kind(
    corpus: Corpus, matches: dict[str, list[SecretMatch]]
) -> None:
    by_offsets = {(d, m.start, m.end): m for d, ms in matches.items() for m in ms}
    wrong = []
    for span in corpus.gold("secret"):
        match = by_offsets.get((span.doc_id, span.start, span.end))
        if match is not None and (
            match.provider != PROVIDERS[span.label] or match.kind not in SECRET_KINDS
        ):
            wrong.append((span.label, match.provider, match.kind))
    assert not wrong, sorted(set(wrong))


def test_no_false_positives_on_look_alikes_or_pii(
    corpus: Corpus, matches: dict[str, list[SecretMatch]]
) -> None:
    gold = corpus.gold("secret")
    boundaries = {(s.doc_id, s.start, s.end) for s in gold}
    extra = [f for f in _found(matches) if (f.doc_id, f.start, f.end) not in boundaries]
    described = [
        (f.label, negative_kind(corpus.gold("negative") + corpus.gold("pii"), f)) for f in extra
    ]
    assert not extra, sorted(set(described))


def test_values_are_never_reported_in_full(
    corpus: Corpus, matches: dict[str, list[SecretMatch]]
) -> None:
    for doc in corpus.documents:
        for match in matches[doc.doc_id]:
            value = doc.text[match.start : match.end]
            assert value not in match.redacted and len(match.redacted) < len(value)
            assert match.digest == hashlib.sha256(value.encode()).hexdigest()
            assert 0 <= match.confidence <= 1
