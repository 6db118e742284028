"""Phone numbers: digit runs of plausible length, split into country code, trunk prefix and
national number with the ``phonenumbers`` metadata, then confirmed by
``phonenumbers.is_valid_number`` (see :mod:`aisec.data.pii.phone_metadata`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache, partial

from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.phone_metadata import validate_international, validate_national
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.text_index import TextIndex

ENTITY = "PHONE_NUMBER"
CONTEXT = ContextWords([
    "phone", "telephone", "tel", "mobile", "cell", "call", "fax", "contact", "reach",
    "phone number", "contact number", "mobile number", "whatsapp", "sms", "telefon",
    "telefonnummer", "handy", "mobil", "rufnummer",
    "anrufen", "téléphone", "tél", "portable", "appeler", "teléfono", "telefono", "móvil",
    "movil", "llamar", "cellulare", "chiamare", "telefoonnummer", "mobiel", "bellen", "gsm",
])  # fmt: skip

_EXTENSION = re.compile(r"[ \t]?(?:x|ext\.?|extn\.?|#)[ \t]?\d{1,6}(?!\w)")
_DATE_LIKE = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}(?!\d)|\d{1,2}\.\d{1,2}\.(?!\d)"
)
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_NOT_DIGITS = b" -./()+"  # what a run and its prefix hold besides digits
_MAX_SHAPES = 4096
_MEMO_SIZE = 8192
_PRICE_BEFORE = re.compile(r"[$€£¥]\s*\Z|(?:USD|EUR|GBP|CHF)\s*\Z", re.I)


class PhoneRecogniser:
    entities: tuple[str, ...] = (ENTITY,)

    def __init__(self, regions: Sequence[str]) -> None:
        self.regions = tuple(r.upper() for r in regions)
        # Whether a run is a date or an address, and whether it is written with separators,
        # depends only on where its digits and separators are, so it is decided once per
        # shape ("ddd.ddd.dddd"); a column holds few.
        self._shape_facts: dict[bytes, tuple[bool, bool]] = {}
        # Columns repeat values (the same customer on many orders): each distinct digit
        # string is validated once, in a bounded cache per recogniser.
        self._national = lru_cache(maxsize=_MEMO_SIZE)(
            partial(validate_national, regions=self.regions)
        )
        self._international = lru_cache(maxsize=_MEMO_SIZE)(validate_international)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        for run_start, run_end, digits in index.runs:
            # E.164 allows 15 digits; "00" and a trunk "(0)" may come on top.
            if not 6 <= digits <= 17:
                continue
            # An international prefix or an opening parenthesis belongs to the number.
            start = run_start
            if start >= 2 and text[start - 2 : start] == "(+":
                start -= 2
            elif start >= 1 and text[start - 1] in "+(":
                start -= 1
            ext = _EXTENSION.match(text, run_end)
            end = ext.end() if ext is not None else run_end
            if not free_before(text, start) or not free_after(text, end):
                continue
            found = self._judge(index, start, run_end, end, hints)
            if found is not None:
                yield found

    def _facts(self, shape: bytes, core: str) -> tuple[bool, bool]:
        """(ruled out as a date or an IP address, written with separators) for a run."""
        facts = self._shape_facts.get(shape)
        if facts is None:
            ruled_out = bool(_DATE_LIKE.search(core) or _DOTTED_QUAD.fullmatch(core))
            facts = (ruled_out, any(ch in core for ch in " -.()/"))
            if len(self._shape_facts) < _MAX_SHAPES:
                self._shape_facts[shape] = facts
        return facts

    def _judge(
        self, index: TextIndex, start: int, run_end: int, end: int, hints: frozenset[str]
    ) -> PiiMatch | None:
        text = index.text
        # The run holds only digits and separators, so an extension can only follow it.
        core = text[start:run_end]
        ruled_out, separated = self._facts(index.shape[start:run_end], core)
        if ruled_out:
            return None  # dates, times and addresses are cheaper to rule out than to validate
        digits = core.encode("ascii").translate(None, _NOT_DIGITS).decode("ascii")
        international = core.startswith(("+", "00", "(+", "(00"))
        if international:
            body = digits[2:] if core.startswith(("00", "(00")) else digits
            region = self._international(body) if 8 <= len(body) <= 15 else None
            shape = "international"
        else:
            region = self._national(digits) if len(digits) <= 13 else None
            shape = "national"
        formatted = international or separated
        if region is None and (not formatted or len(digits) < 7):
            return None
        if _price_before(text, start):
            return None
        hinted = ENTITY in hints
        word = None if hinted else CONTEXT.near(text, start, end)
        if region is not None:
            score = 0.75 if international else (0.6 if formatted else 0.4)
            reason = f"valid {shape} number ({region})"
        else:
            # Shaped like a number but not in the numbering plan: only with context.
            score, reason = 0.25, f"{shape} number shape, not in the numbering plan"
        if hinted or word:
            score += 0.3
            reason += f"; {context_reason(word, hinted)}"
        return PiiMatch(ENTITY, start, end, clamp(score), reason)


def _price_before(text: str, start: int) -> bool:
    """A currency symbol or code right before the number: an amount, not a phone number."""
    window_start = max(0, start - 5)
    last = text[window_start:start].rstrip()[-1:]
    # The pattern needs a symbol or a letter last; most numbers have neither before them.
    if not last or not (last.isalpha() or last in "$€£¥"):
        return False
    return _PRICE_BEFORE.search(text, window_start, start) is not None
