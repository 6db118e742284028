"""The four tools of bench/data_pii.py behind one shape: `prepare()` builds the engine once
(untimed), `run(documents)` returns every finding as `Found(doc_id, start, end, label)` with
the label in the corpus's terms (PII entity, or "SECRET" for the secret scanners, whose kind
names differ from tool to tool). Peers run offline: Presidio gets a blank spaCy pipeline from
disk and a suffix-list extractor that never fetches; datafog's telemetry is switched off by
the caller's environment before it is imported."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pii_corpus import Document
from pii_corpus_score import Found

# Presidio entity -> corpus entity. The country recognizers for identifiers the corpus plants
# are added to its default English registry (they ship disabled or for other languages).
PRESIDIO_ENTITIES = {
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "MAC_ADDRESS": "MAC_ADDRESS",
    "US_SSN": "US_SSN",
    "UK_NINO": "UK_NINO",
    "PERSON": "PERSON",
    "DE_TAX_ID": "NATIONAL_ID",
    "ES_NIF": "NATIONAL_ID",
    "ES_NIE": "NATIONAL_ID",
    "IT_FISCAL_CODE": "NATIONAL_ID",
}
DATAFOG_ENTITIES = {
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IP_ADDRESS": "IP_ADDRESS",
    "SSN": "US_SSN",
    "DOB": "DATE_OF_BIRTH",  # datafog's "DOB" is any date; scan() reports it as "DATE"
    "DATE": "DATE_OF_BIRTH",
    "DE_IBAN": "IBAN_CODE",
    "IBAN": "IBAN_CODE",
    "DE_TAX_ID": "NATIONAL_ID",
}
Runner = Callable[[Sequence[Document]], list[Found]]


def aisec_pii() -> Runner:
    from aisec.data.pii import PiiDetector

    detector = PiiDetector()
    return lambda docs: [
        Found(d.doc_id, m.start, m.end, m.entity) for d in docs for m in detector.find(d.text)
    ]


def aisec_secrets() -> Runner:
    from aisec.data.secrets import find_secrets

    return lambda docs: [
        Found(d.doc_id, m.start, m.end, "SECRET") for d in docs for m in find_secrets(d.text)
    ]


def presidio(scratch: Path) -> Runner:
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        DeTaxIdRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        ItFiscalCodeRecognizer,
        UkNinoRecognizer,
    )
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    # The e-mail recognizer calls tldextract.extract, which downloads the suffix list on
    # first use; an extractor without URLs uses the snapshot shipped with tldextract.
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_recognizer.tldextract = type("Offline", (), {"extract": staticmethod(offline)})
    model = scratch / "spacy-blank-en"
    spacy.blank("en").to_disk(model)
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(model)}]}
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    for recognizer in (
        UkNinoRecognizer,
        DeTaxIdRecognizer,
        EsNifRecognizer,
        EsNieRecognizer,
        ItFiscalCodeRecognizer,
    ):
        analyzer.registry.add_recognizer(recognizer(supported_language="en"))

    def run(docs: Sequence[Document]) -> list[Found]:
        out, scores = [], []
        for doc in docs:
            for r in analyzer.analyze(doc.text, language="en", score_threshold=0.0):
                if r.entity_type in PRESIDIO_ENTITIES:
                    out.append(Found(doc.doc_id, r.start, r.end, PRESIDIO_ENTITIES[r.entity_type]))
                    scores.append(r.score)
        run.scores = scores  # type: ignore[attr-defined]
        return out

    run.analyzer = analyzer  # type: ignore[attr-defined]
    return run


def presidio_recognizers(runner: Runner) -> list[str]:
    analyzer: Any = runner.analyzer
    return sorted(r.name for r in analyzer.registry.recognizers)


def datafog() -> Runner:
    assert os.environ.get("DATAFOG_NO_TELEMETRY") == "1", "telemetry must be off"
    from datafog.engine import Entity, _canonical_type, _suppress_overlapping_entities
    from datafog.processing.text_processing.regex_annotator import RegexAnnotator

    # What datafog.scan(engine="regex") does, with its annotator built once: scan() builds a
    # new one (compiling every pattern) per call, which would be most of its time here.
    annotator = RegexAnnotator(locales=["de"])

    def run(docs: Sequence[Document]) -> list[Found]:
        out = []
        for doc in docs:
            spans = annotator.annotate_with_spans(doc.text)[1].spans
            entities = _suppress_overlapping_entities(
                [
                    Entity(
                        type=_canonical_type(s.label),
                        text=s.text,
                        start=s.start,
                        end=s.end,
                        confidence=1.0,
                        engine="regex",
                    )
                    for s in spans
                    if s.text.strip()
                ]
            )
            out.extend(
                Found(doc.doc_id, e.start, e.end, DATAFOG_ENTITIES[e.type])
                for e in entities
                if e.type in DATAFOG_ENTITIES
            )
        return out

    return run


def write_corpus_file(docs: Sequence[Document], path: Path) -> list[tuple[str, int]]:
    """One text file of all documents; for each line, (document, offset of the line in it)."""
    lines: list[tuple[str, int]] = []
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            offset = 0
            for line in doc.text.split("\n"):
                lines.append((doc.doc_id, offset))
                offset += len(line) + 1
            out.write(doc.text + "\n")
    return lines


def detect_secrets(path: Path, line_map: list[tuple[str, int]], docs: Sequence[Document]) -> Runner:
    """SecretsCollection.scan_file over one file holding the whole corpus, as the CLI scans a
    dataset file; findings carry a line number and the value, whose first occurrence on the
    line gives the offsets."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    texts = {d.doc_id: d.text for d in docs}

    def run(_: Sequence[Document]) -> list[Found]:
        collection = SecretsCollection()
        with default_settings():
            collection.scan_file(str(path))
        out = []
        for _filename, secret in collection:
            doc_id, line_start = line_map[secret.line_number - 1]
            text = texts[doc_id]
            line_end = text.find("\n", line_start)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            at = line.find(secret.secret_value or "")
            start = line_start + max(at, 0)
            end = start + (len(secret.secret_value) if at >= 0 else len(line))
            out.append(Found(doc_id, start, end, "SECRET"))
        return out

    return run
