"""The tabular form of the corpus: CSV rows of customers with columns whose names and values
say what they hold (name, email, phone, iban), columns of look-alikes that are not personal
data (ids, order references, amounts, timestamps) and a free-text `notes` column with values
planted in some of its cells."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from pii_corpus import LOCALES
from pii_corpus_faker import city, faker_for, person, pii_value
from pii_corpus_negatives import order, price, timestamp, uuid4
from pii_corpus_templates import LANGUAGE, SENTENCES

COLUMNS = (
    "customer_id",
    "name",
    "email",
    "phone",
    "iban",
    "city",
    "order_ref",
    "amount",
    "created_at",
    "notes",
)
COLUMN_ENTITIES = {
    "name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "iban": "IBAN_CODE",
}
NEGATIVE_COLUMNS = ("customer_id", "order_ref", "amount", "created_at")
FREE_TEXT_COLUMNS = ("notes",)
_NOTE_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE")


@dataclass(frozen=True, slots=True)
class CellSpan:
    row: int
    column: str
    start: int
    end: int
    entity: str


@dataclass(frozen=True)
class Table:
    rows: tuple[dict[str, str], ...]
    cell_spans: tuple[CellSpan, ...]  # PII planted inside free-text cells

    def column(self, name: str) -> list[str | None]:
        return [row[name] or None for row in self.rows]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def generate_table(seed: int = 0, rows: int = 200) -> Table:
    rng = random.Random(seed)
    fakers = {locale: faker_for(locale) for locale in LOCALES}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 1000 + 500 + offset)
    out: list[dict[str, str]] = []
    spans: list[CellSpan] = []
    for index in range(rows):
        locale = LOCALES[index % len(LOCALES)]
        fake = fakers[locale]
        note = fake.sentence(nb_words=rng.randint(5, 12))
        if rng.random() < 0.4:
            entity = rng.choice(_NOTE_ENTITIES)
            before, after = rng.choice(SENTENCES[LANGUAGE[locale]][entity]).split("{}", 1)
            value = pii_value(entity, rng, fake, locale)
            start = len(note) + 1 + len(before)
            spans.append(CellSpan(index, "notes", start, start + len(value), entity))
            note = f"{note} {before}{value}{after}"
        out.append(
            {
                "customer_id": uuid4(rng, locale),
                "name": person(fake),
                "email": pii_value("EMAIL_ADDRESS", rng, fake, locale),
                # A few blanks: profilers must count over non-null values.
                "phone": "" if rng.random() < 0.1 else pii_value("PHONE_NUMBER", rng, fake, locale),
                "iban": pii_value("IBAN_CODE", rng, fake, locale),
                "city": city(fake, locale),
                "order_ref": order(rng, locale),
                "amount": price(rng, locale),
                "created_at": timestamp(rng, locale),
                "notes": note,
            }
        )
    return Table(tuple(out), tuple(spans))
