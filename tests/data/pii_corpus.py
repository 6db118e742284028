"""A labelled corpus of synthetic documents for measuring PII and secret detection.

`generate(seed, docs_per_locale)` writes letters and notes in seven locales (prose around
planted values, Faker names, addresses and filler) and returns them with every planted span:
(document id, start, end, label, category), category "pii" (label: a PII entity), "secret"
(label: a shape of pii_corpus_secrets) or "negative" (label: a look-alike kind that must not
be reported). The same seed gives the same corpus for the same Faker version.

Tests import it from this directory (pytest puts a test file's directory on sys.path);
bench/data_pii.py adds the directory itself. Scoring lives in pii_corpus_score.py and the
tabular form in pii_corpus_table.py; the values come from pii_corpus_faker.py.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker import Faker
from pii_corpus_faker import faker_for, negative_value, person, pii_value
from pii_corpus_national import NATIONAL_IDS
from pii_corpus_secret_shapes import SECRET_SHAPES, SecretShape
from pii_corpus_templates import GREETING, LANGUAGE, NEGATIVES, SENTENCES, SIGN_OFF

ENTITIES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "US_SSN",
    "UK_NINO",
    "NATIONAL_ID",
    "DATE_OF_BIRTH",
    "PERSON",
    "POSTAL_ADDRESS",
)
LOCALES = tuple(LANGUAGE)
# Entities that only make sense in some locales, planted twice there to get enough of them.
_LOCAL_ENTITIES = {"en_US": ("US_SSN",), "en_GB": ("UK_NINO",)} | dict.fromkeys(
    NATIONAL_IDS, ("NATIONAL_ID",)
)
_COMMON = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "DATE_OF_BIRTH",
    "PERSON",
    "POSTAL_ADDRESS",
)


@dataclass(frozen=True, slots=True)
class Span:
    doc_id: str
    start: int
    end: int
    label: str
    category: str  # "pii" | "secret" | "negative"


@dataclass(frozen=True)
class Document:
    doc_id: str
    locale: str
    text: str


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    spans: tuple[Span, ...]

    def gold(self, category: str) -> list[Span]:
        return [span for span in self.spans if span.category == category]

    def size_bytes(self) -> int:
        return sum(len(document.text.encode()) for document in self.documents)

    def value(self, span: Span) -> str:
        return self.text_of(span.doc_id)[span.start : span.end]

    def text_of(self, doc_id: str) -> str:
        return next(d.text for d in self.documents if d.doc_id == doc_id)


@dataclass
class _Writer:
    doc_id: str
    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: list[Span] = field(default_factory=list)

    def text(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def planted(self, template: str, value: str, label: str, category: str) -> None:
        before, after = template.split("{}", 1)
        self.text(before)
        self.spans.append(Span(self.doc_id, self.length, self.length + len(value), label, category))
        self.text(value)
        self.text(after)


def _document(
    doc_id: str,
    locale: str,
    rng: random.Random,
    fake: Faker,
    secrets: list[SecretShape],
    target_chars: int,
) -> tuple[str, list[Span]]:
    language = LANGUAGE[locale]
    items: list[tuple[str, str]] = [("pii", e) for e in _COMMON if rng.random() < 0.8]
    items += [("pii", e) for e in _LOCAL_ENTITIES.get(locale, ()) for _ in range(2)]
    items += [("negative", kind) for kind in rng.sample(sorted(NEGATIVES[language]), 4)]
    items += [("secret", shape.label) for shape in secrets]
    rng.shuffle(items)
    by_label = {shape.label: shape for shape in secrets}
    writer = _Writer(doc_id)
    writer.planted(rng.choice(GREETING[language]) + "\n\n", person(fake), "PERSON", "pii")
    for index, (category, label) in enumerate(items):
        if category == "secret":
            shape = by_label[label]
            writer.text("\n")
            writer.planted(rng.choice(shape.contexts) + "\n", shape.make(rng), label, category)
            continue
        table = SENTENCES[language] if category == "pii" else NEGATIVES[language]
        value = (
            pii_value(label, rng, fake, locale)
            if category == "pii"
            else negative_value(label, rng, locale)
        )
        template = rng.choice(table[label])
        # A label-style template ("Phone: {}") ends the line or the clause, as people write.
        end = rng.choice(("\n", "; ", ". ")) if template.endswith("{}") else " "
        writer.planted(template + end, value, label, category)
        budget = max(0, target_chars - writer.length) // max(1, len(items) - index)
        while budget > 0:
            sentence = fake.sentence(nb_words=rng.randint(6, 14))
            writer.text(sentence + " ")
            budget -= len(sentence) + 1
        if rng.random() < 0.3:
            writer.text("\n\n")
    writer.text("\n\n")
    writer.planted(rng.choice(SIGN_OFF[language]) + "\n", person(fake), "PERSON", "pii")
    return "".join(writer.parts), writer.spans


def generate(
    seed: int = 0,
    docs_per_locale: int = 8,
    *,
    locales: tuple[str, ...] = LOCALES,
    target_chars: int = 1200,
    secrets_per_doc: tuple[int, int] = (0, 2),
) -> Corpus:
    """Documents round-robin over `locales`; secrets cycle through every shape in turn."""
    rng = random.Random(seed)
    fakers = {locale: faker_for(locale) for locale in locales}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 1000 + offset)
    shapes: Iterator[SecretShape] = itertools.cycle(SECRET_SHAPES)
    documents: list[Document] = []
    spans: list[Span] = []
    for number in range(docs_per_locale * len(locales)):
        locale = locales[number % len(locales)]
        doc_id = f"doc-{number:05d}-{locale}"
        secrets = [next(shapes) for _ in range(rng.randint(*secrets_per_doc))]
        text, doc_spans = _document(doc_id, locale, rng, fakers[locale], secrets, target_chars)
        documents.append(Document(doc_id, locale, text))
        spans.extend(doc_spans)
    return Corpus(tuple(documents), tuple(spans))
