"""Government identifiers: US SSN, UK NINO and the national numbers of DE, FR, ES, IT, NL.

Each identifier is a pattern for its written forms, a structural validator and a base score.
A number that a checksum alone cannot tell apart from an order id or an account number
(the 11-digit Steuer-ID, the 9-digit BSN, a bare SSN) starts below the default threshold
and needs a context word to be reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aisec.data.pii import national_checks as nc
from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.text_index import TextIndex


@dataclass(frozen=True)
class IdSpec:
    entity: str
    label: str
    digits: tuple[int, int]  # how many digits the identifier has
    pattern: re.Pattern[str]
    valid: Callable[[str], bool]
    score: Callable[[str], float]  # base score from the written form
    context: ContextWords
    boost: float


def _alnum(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isalnum())


def _ssn_valid(raw: str) -> bool:
    return nc.us_ssn_valid(_alnum(raw))


def _ssn_score(raw: str) -> float:
    return 0.6 if "-" in raw else (0.4 if " " in raw else 0.15)


def _steuer_valid(raw: str) -> bool:
    return nc.de_steuer_id_valid(_alnum(raw))


def _bsn_valid(raw: str) -> bool:
    return nc.nl_bsn_valid(_alnum(raw))


def _fixed(score: float) -> Callable[[str], float]:
    return lambda raw: score


def _nir_score(raw: str) -> float:
    return 0.55 if " " in raw else 0.45


NUMERIC_SPECS: tuple[IdSpec, ...] = (
    IdSpec("US_SSN", "US SSN", (9, 9), re.compile(r"\d{3}([- ]?)\d{2}\1\d{4}"),
           _ssn_valid, _ssn_score,
           ContextWords(["ssn", "ss#", "social security", "social security number", "ssa"]), 0.4),
    IdSpec("NATIONAL_ID", "DE Steuer-ID", (11, 11), re.compile(r"\d{2} ?\d{3} ?\d{3} ?\d{3}"),
           _steuer_valid, _fixed(0.3),
           ContextWords(["steuer-id", "steuerid", "steueridentifikationsnummer", "idnr",
                         "identifikationsnummer", "steuernummer", "tax id", "tin", "steuer"]),
           0.5),
    IdSpec("NATIONAL_ID", "FR NIR", (15, 15),
           re.compile(r"[1-478] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}"),
           nc.fr_nir_valid, _nir_score,
           ContextWords(["nir", "insee", "sécurité sociale", "securite sociale", "sécu",
                         "numéro de sécurité sociale", "carte vitale", "social security"]),
           0.35),
    IdSpec("NATIONAL_ID", "NL BSN", (8, 9), re.compile(r"\d{4}\.\d{2}\.\d{3}|\d{8,9}"),
           _bsn_valid, _fixed(0.2),
           ContextWords(["bsn", "burgerservicenummer", "sofinummer", "sofi-nummer", "sofi",
                         "persoonsnummer"]), 0.6),
)  # fmt: skip

_DNI = re.compile(r"(?:[XYZ][\- ]?\d{7}|\d{8})[\- ]?[A-Z]")
_DNI_CONTEXT = ContextWords(["dni", "nie", "nif", "documento", "identidad", "id"])
_NINO = re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]")
_NINO_CONTEXT = ContextWords(["nino", "ni number", "national insurance", "insurance number"])
_CF = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[A-EHLMPR-T][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]")
_CF_CONTEXT = ContextWords(["codice fiscale", "cf", "c.f.", "tax code", "fiscale"])


class IdentityRecogniser:
    entities: tuple[str, ...] = ("US_SSN", "UK_NINO", "NATIONAL_ID")

    def __init__(self, entities: frozenset[str] | None = None) -> None:
        self._wanted = frozenset(self.entities) if entities is None else entities
        self._specs = tuple(s for s in NUMERIC_SPECS if s.entity in self._wanted)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        for start, end, digits in index.runs:
            for spec in self._specs:
                if digits < spec.digits[0]:
                    continue
                # A run can hold two numbers ("629-33-7391 (591)341-7776"): look inside it.
                for m in spec.pattern.finditer(text, start, end):
                    found = _judge(spec, text, m.start(), m.end(), hints)
                    if found is not None:
                        yield found
        if "NATIONAL_ID" in self._wanted:
            yield from self._dni(index, hints)
            for i in index.find_all(b"AAAAAA"):
                cf = _CF.match(text, i)
                if cf is not None and (i == 0 or not text[i - 1].isalnum()):
                    yield from _checked(
                        "NATIONAL_ID",
                        "IT codice fiscale",
                        text,
                        cf,
                        0.85,
                        nc.it_codice_fiscale_valid,
                        _CF_CONTEXT,
                        0.15,
                        hints,
                    )
        if "UK_NINO" in self._wanted:
            for i in sorted(index.find_all(b"AAd") + index.find_all(b"AA d")):
                nino = _NINO.match(text, i)
                if nino is not None and (i == 0 or not text[i - 1].isalnum()):
                    yield from _checked(
                        "UK_NINO",
                        "UK NINO",
                        text,
                        nino,
                        0.75,
                        nc.uk_nino_valid,
                        _NINO_CONTEXT,
                        0.2,
                        hints,
                    )

    @staticmethod
    def _dni(index: TextIndex, hints: frozenset[str]) -> Iterator[PiiMatch]:
        text = index.text
        for run_start, _end, digits in index.runs:
            start = run_start
            if digits == 7 and start >= 1:  # an NIE: the letter X, Y or Z comes first
                start -= 2 if start >= 2 and text[start - 1] in "- " else 1
            elif digits != 8:
                continue
            m = _DNI.match(text, start)
            if m is not None and free_before(text, start):
                yield from _checked(
                    "NATIONAL_ID",
                    "ES DNI/NIE",
                    text,
                    m,
                    0.6,
                    nc.es_dni_valid,
                    _DNI_CONTEXT,
                    0.3,
                    hints,
                )


def _judge(spec: IdSpec, text: str, start: int, end: int, hints: frozenset[str]) -> PiiMatch | None:
    raw = text[start:end]
    if not free_before(text, start) or not free_after(text, end) or not spec.valid(raw):
        return None
    hinted = spec.entity in hints
    word = None if hinted else spec.context.near(text, start, end)
    score = spec.score(raw)
    reason = f"{spec.label}: structure and check rules valid"
    if hinted or word:
        score += spec.boost
        reason += f"; {context_reason(word, hinted)}"
    return PiiMatch(spec.entity, start, end, clamp(score), reason)


def _checked(
    entity: str,
    label: str,
    text: str,
    m: re.Match[str],
    base: float,
    valid: Callable[[str], bool],
    context: ContextWords,
    boost: float,
    hints: frozenset[str],
) -> Iterator[PiiMatch]:
    if m.end() < len(text) and text[m.end()].isalnum():
        return
    if not valid(m.group(0)):
        return
    hinted = entity in hints
    word = None if hinted else context.near(text, m.start(), m.end())
    reason = f"{label}: structure and check rules valid"
    score = base
    if hinted or word:
        score += boost
        reason += f"; {context_reason(word, hinted)}"
    yield PiiMatch(entity, m.start(), m.end(), clamp(score), reason)
