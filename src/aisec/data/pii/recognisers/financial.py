"""Payment card numbers (Luhn and issuer ranges) and IBANs (country length and mod-97)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aisec.data.pii.checksums import IBAN_LENGTHS, card_brand, iban_valid, luhn_valid
from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.text_index import TextIndex

CARD = "CREDIT_CARD"
IBAN = "IBAN_CODE"
CARD_CONTEXT = ContextWords([
    "card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan", "payment", "paid",
    "kreditkarte", "karte", "kartennummer", "carte", "bancaire", "tarjeta", "crédito",
    "carta", "credito", "creditcard", "betaalpas", "pinpas",
])  # fmt: skip
IBAN_CONTEXT = ContextWords(["iban", "account", "konto", "bank", "compte", "cuenta", "conto"])

# Digits in groups separated by single spaces or dashes, inside a run of the text index.
_CARD = re.compile(r"\d(?:[ \-]?\d){11,18}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){10,32}")


class CardRecogniser:
    entities: tuple[str, ...] = (CARD,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        for run_start, run_end, digits in index.runs:
            if not 12 <= digits <= 40:
                continue
            for m in _CARD.finditer(text, run_start, run_end):
                found = self._judge(text, m.start(), m.group(0), hints)
                if found is not None:
                    yield found

    def _judge(self, text: str, start: int, raw: str, hints: frozenset[str]) -> PiiMatch | None:
        prefix = _luhn_prefix(raw)
        if prefix is None:
            return None
        end = start + len(prefix)
        if not free_before(text, start) or not free_after(text, end):
            return None
        digits = prefix.replace(" ", "").replace("-", "")
        brand = card_brand(digits)
        hinted = CARD in hints
        if hinted:
            word = None
        elif brand is None:
            # Without an issuer range only a word before the number counts ("card: ...").
            word = CARD_CONTEXT.in_window(text[max(0, start - 48) : start], last=True)
        else:
            word = CARD_CONTEXT.near(text, start, end)
        if brand is not None and len(digits) >= 13:
            score, reason = 0.9, f"Luhn valid; {len(digits)} digits; {brand} range"
        elif brand is not None:
            score, reason = 0.45, f"Luhn valid; {len(digits)} digits; {brand} range"
        else:
            score, reason = 0.3, f"Luhn valid; {len(digits)} digits; no issuer range"
        if hinted or word:
            score += 0.3
            reason += f"; {context_reason(word, hinted)}"
        return PiiMatch(CARD, start, end, clamp(score), reason)


class IbanRecogniser:
    entities: tuple[str, ...] = (IBAN,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        for i in index.find_all(b"AAdd"):
            if i and text[i - 1].isalnum():
                continue
            m = _IBAN.match(text, i)
            if m is None:
                continue
            raw = m.group(0)
            expected = IBAN_LENGTHS.get(raw[:2])
            end = _end_after(raw, expected) if expected else None
            if expected is None or end is None:
                continue
            stop = i + end
            if stop < len(text) and text[stop].isalnum():
                continue
            if not iban_valid(raw[:end].replace(" ", "").replace("-", "")):
                continue
            hinted = IBAN in hints
            word = None if hinted else IBAN_CONTEXT.near(text, i, stop)
            reason = f"mod-97 valid; {expected} characters for {raw[:2]}"
            score = 0.95
            if hinted or word:
                score = 1.0
                reason += f"; {context_reason(word, hinted)}"
            yield PiiMatch(IBAN, i, stop, clamp(score), reason)


def _luhn_prefix(raw: str) -> str | None:
    """The run itself or, dropping trailing groups (an expiry date or code written after
    the number), its longest prefix that passes Luhn."""
    if " " in raw and "-" in raw:
        return None  # mixed separators: a list of numbers, not one card
    while True:
        digits = raw.replace(" ", "").replace("-", "")
        if len(digits) < 12:
            return None
        if len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) >= 2:
            return raw
        cut = max(raw.rfind(" "), raw.rfind("-"))
        if cut <= 0:
            return None
        raw = raw[:cut]


def _end_after(raw: str, count: int) -> int | None:
    """Offset in ``raw`` just after its ``count``-th letter or digit."""
    seen = 0
    for i, ch in enumerate(raw):
        if ch.isalnum():
            seen += 1
            if seen == count:
                return i + 1
    return None
