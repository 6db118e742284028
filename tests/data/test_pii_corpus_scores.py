"""PII detection measured on the labelled synthetic corpus (tests/data/pii_corpus.py): seven
locales of letters with planted values and hard negatives, scored per entity against floors
set a little below what the detector measures, and the tabular form through the column
profiler. The corpus itself is checked first: every planted value passes the rules it claims
to pass, so a floor can only fail because of the detector."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest
from pii_corpus import ENTITIES, LOCALES, Corpus, generate
from pii_corpus_national import NATIONAL_IDS
from pii_corpus_score import Found, negative_kind, score, shape
from pii_corpus_table import (
    COLUMN_ENTITIES,
    COLUMNS,
    FREE_TEXT_COLUMNS,
    NEGATIVE_COLUMNS,
    generate_table,
)
from pii_corpus_values import iban_check_digits, luhn_valid

from aisec.data.pii import ENTITIES as PII_ENTITIES
from aisec.data.pii import PiiDetector

# (precision, recall) floors per entity, a little below what the detector measured on this
# corpus (seed 7, 56 documents) at 15:07 UTC on 2026-11-28: 1.00 / 1.00 for every entity but
# PERSON (0.99 / 0.99). Never below 0.9 recall for the entities a checksum or a strict format
# validates; with 16 SSNs and 16 NINOs, one miss is 0.94. bench/results/data-security.md has
# the numbers on the 1 MB corpus.
FLOORS: dict[str, tuple[float, float]] = {
    "EMAIL_ADDRESS": (0.97, 0.97),
    "PHONE_NUMBER": (0.95, 0.97),
    "CREDIT_CARD": (0.97, 0.97),
    "IBAN_CODE": (0.97, 0.97),
    "IP_ADDRESS": (0.97, 0.97),
    "MAC_ADDRESS": (0.97, 0.97),
    "US_SSN": (0.95, 0.93),
    "UK_NINO": (0.95, 0.93),
    "NATIONAL_ID": (0.97, 0.97),
    "DATE_OF_BIRTH": (0.95, 0.93),
    "PERSON": (0.95, 0.95),
    "POSTAL_ADDRESS": (0.95, 0.95),
}
# Findings allowed on the planted look-alikes (versions, orders, hashes, prices, timestamps).
MAX_NEGATIVE_HITS = 0


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate(seed=7, docs_per_locale=8)


@pytest.fixture(scope="module")
def found(corpus: Corpus) -> list[Found]:
    detector = PiiDetector()
    return [
        Found(doc.doc_id, m.start, m.end, m.entity)
        for doc in corpus.documents
        for m in detector.find(doc.text)
    ]


def test_corpus_is_deterministic_and_covers_every_entity_and_locale(corpus: Corpus) -> None:
    small = generate(seed=7, docs_per_locale=1)
    assert generate(seed=7, docs_per_locale=1) == small
    assert generate(seed=8, docs_per_locale=1) != small
    counts = {e: sum(s.label == e for s in corpus.gold("pii")) for e in ENTITIES}
    assert min(counts.values()) >= 10, counts
    assert {doc.locale for doc in corpus.documents} == set(LOCALES)
    for doc in corpus.documents:
        spans = sorted((s for s in corpus.spans if s.doc_id == doc.doc_id), key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_corpus_does_not_depend_on_string_hashing() -> None:
    # Faker draws some values from lists built from sets; another interpreter (another hash
    # seed) must still write the same corpus, or scores would move between runs.
    code = (
        "import hashlib, pii_corpus, pii_corpus_table;"
        "c = pii_corpus.generate(seed=7, docs_per_locale=1);"
        "t = pii_corpus_table.generate_table(seed=3, rows=14);"
        "print(hashlib.sha256((repr(c) + t.csv_text()).encode()).hexdigest())"
    )
    here = str(Path(__file__).resolve().parent)
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": here, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_planted_values_pass_their_own_rules(corpus: Corpus) -> None:
    for span in corpus.gold("pii"):
        value = corpus.value(span)
        assert value == value.strip() and value, span
        compact = re.sub(r"[ -]", "", value)
        if span.label == "CREDIT_CARD":
            assert luhn_valid(compact), shape(value)
        elif span.label == "IBAN_CODE":
            assert iban_check_digits(compact[:2], compact[4:]) == compact[2:4], shape(value)
        elif span.label == "PHONE_NUMBER":
            region = span.doc_id.rsplit("_", 1)[1]
            assert phonenumbers.is_valid_number(phonenumbers.parse(value, region)), shape(value)
        elif span.label == "US_SSN":
            assert compact[:3] not in ("000", "666") and compact[3:5] != "00", shape(value)


def test_national_ids_only_in_their_locale(corpus: Corpus) -> None:
    locales = {s.doc_id.split("-", 2)[2] for s in corpus.gold("pii") if s.label == "NATIONAL_ID"}
    assert locales == set(NATIONAL_IDS)


def test_findings_are_sorted_and_do_not_overlap(corpus: Corpus) -> None:
    detector = PiiDetector()
    for doc in corpus.documents[:20]:
        matches = detector.find(doc.text)
        assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
        assert all(m.entity in PII_ENTITIES and 0 <= m.score <= 1 and m.reason for m in matches)


@pytest.mark.parametrize("entity", ENTITIES)
def test_per_entity_precision_and_recall_reach_the_floor(
    corpus: Corpus, found: list[Found], entity: str
) -> None:
    result = score(corpus.gold("pii"), found, ENTITIES)[entity]
    min_precision, min_recall = FLOORS[entity]
    missed = [f"{s.doc_id}:{shape(corpus.value(s))}" for s in result.missed[:5]]
    false = [
        f"{f.doc_id}:{shape(corpus.text_of(f.doc_id)[f.start : f.end])}" for f in result.false[:5]
    ]
    detail = (
        f"{entity}: P={result.precision:.3f} R={result.recall:.3f} missed={missed} false={false}"
    )
    assert result.gold >= 10
    assert result.recall >= min_recall, detail
    assert result.precision >= min_precision, detail


def test_hard_negatives_are_not_reported(corpus: Corpus, found: list[Found]) -> None:
    negatives = corpus.gold("negative")
    hits = [
        (negative_kind(negatives, f), f.label)
        for f in found
        if negative_kind(negatives, f) != "other"
    ]
    assert len(hits) <= MAX_NEGATIVE_HITS, sorted(set(hits))


def test_columns_are_recognised_by_name_and_values() -> None:
    table = generate_table(seed=3, rows=140)
    profiler = PiiDetector().column_profiler()
    for at in range(0, len(table.rows), 50):  # chunk by chunk, as a reader delivers them
        part = table.rows[at : at + 50]
        for column in COLUMNS:
            profiler.add(column, [row[column] or None for row in part])
    verdicts = {(v.column, v.entity): v for v in profiler.verdicts()}
    for column, entity in COLUMN_ENTITIES.items():
        verdict = verdicts.get((column, entity))
        assert verdict is not None, (column, entity, sorted(verdicts))
        assert not verdict.free_text and verdict.non_null == len(
            [v for v in table.column(column) if v]
        )
        assert verdict.matched >= 0.9 * verdict.non_null, verdict
        assert all(row[column] not in verdict.samples for row in table.rows)
    flagged = {column for column, _ in verdicts}
    assert flagged.isdisjoint(NEGATIVE_COLUMNS), sorted(verdicts)
    for column in FREE_TEXT_COLUMNS:
        assert all(v.free_text for (c, _), v in verdicts.items() if c == column)


def test_values_inside_free_text_cells_are_found() -> None:
    table = generate_table(seed=3, rows=140)
    detector = PiiDetector()
    found = [
        Found(str(span.row), m.start, m.end, m.entity)
        for span in table.cell_spans
        for m in detector.find(table.rows[span.row][span.column])
    ]
    recall = sum(
        any(
            f.doc_id == str(s.row) and f.label == s.entity and f.start < s.end and s.start < f.end
            for f in found
        )
        for s in table.cell_spans
    ) / len(table.cell_spans)
    assert len(table.cell_spans) >= 30
    assert recall >= 0.95, recall
