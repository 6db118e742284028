"""The data the PII engine hands back: matches in a text and verdicts on columns."""

from __future__ import annotations

from dataclasses import dataclass

ENTITIES: tuple[str, ...] = (
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


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One piece of personal data: ``text[start:end]`` is the value, never stored here."""

    entity: str
    start: int
    end: int
    score: float
    reason: str


@dataclass(frozen=True)
class ColumnVerdict:
    """What a whole column holds, so a column of e-mail addresses is reported once."""

    column: str
    entity: str
    matched: int
    non_null: int
    score: float
    samples: tuple[str, ...]
    reason: str
    free_text: bool
    average_length: float = 0.0  # characters per non-empty value


# Between the values of a column searched as one text (see ``columns``): a line break keeps
# line-anchored patterns apart and the NUL is in no pattern's character class. A recogniser
# told by a hint that the text is a column's values judges each value on its own.
VALUE_SEPARATOR = "\n\x00\n"


def clamp(score: float) -> float:
    """Scores are rounded so that equal evidence compares equal across recognisers."""
    return round(min(1.0, max(0.0, score)), 3)
