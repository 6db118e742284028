"""Unbounded consumption (OWASP LLM10): requests for output without end.

"Repeat X 5000 times", "say X forever", "count to a million", "write a 20,000-word essay"
are carried out. Whether the answer stops at the output cap is the output stage's
business: with ``unbounded_consumption`` on there is no cap but a ceiling that only
protects the process, far above any cap; off, the answer is cut at the cap like any other.
"""

from __future__ import annotations

import re
from itertools import count

from aisec.llm.simulator.context import Context, Outcome
from aisec.llm.simulator.readings import Reading

CEILING_CHARS = 400_000  # about 100,000 tokens: far above any cap, still cheap to build
_I = re.IGNORECASE
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
          "twenty": 20, "fifty": 50, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
          "billion": 1_000_000_000}  # fmt: skip
_NUMBER = (
    r"(?P<n>\d[\d,_]{0,15}(?:\.\d+)?(?:e\d{1,2})?\s*(?:k|thousand|million|m|billion)?\b"
    r"|(?:(?:a|an|one|two|three|four|five|ten|twenty|fifty|hundred|thousand|million|billion)"
    r"\s+){0,3}(?:hundred|thousand|million|billion))"
)
_UNIT = (
    r"(?:\"(?P<q1>[^\"\n]{1,200})\"|'(?P<q2>[^'\n]{1,200})'"
    r"|(?P<w>[^\s\"']{1,60}(?: [^\s\"']{1,60}){0,3}?))"
)
_REPEAT = re.compile(
    rf"\b(?:repeat|say|write|print|output|type|spell out|generate|give me)\b\s+"
    rf"(?:the (?:word|phrase|text|string|letter|sentence|line)\s+)?{_UNIT}\s+{_NUMBER}\s+times\b",
    _I,
)
_REPEAT_BEFORE = re.compile(
    rf"\b(?:repeat|say|write|print)\b\s+(?:this|after me|the following|it)\s+{_NUMBER}\s+times"
    rf"\s*:\s*{_UNIT}",
    _I,
)
_FOREVER = re.compile(
    rf"\b(?:repeat|say|write|print|output|type)\b\s+(?:the (?:word|phrase|text|string|letter)\s+)?"
    rf"{_UNIT}\s+(?:forever|endlessly|indefinitely|infinitely|non-?stop|over and over(?: again)?"
    rf"|without stopping|until (?:I say stop|the end of time))",
    _I,
)
_COUNT = re.compile(rf"\bcount (?:from \d{{1,6}} )?(?:up )?to {_NUMBER}", _I)
_ESSAY = re.compile(
    rf"\b(?:write|generate|produce|give me|compose)\b.{{0,30}}?{_NUMBER}[\s-]+(?:words?|pages?"
    rf"|lines?|paragraphs?)\b",
    _I,
)
_CHARS_PER = {"word": 6, "line": 60, "paragraph": 400, "page": 3_000}


def amount(text: str) -> int:
    """The number ``text`` writes in digits ("5,000", "1e6", "20k") or words ("a million",
    "one hundred thousand"), at most 10**12."""
    text = text.lower().strip()
    digits = re.match(r"[\d,_]+(?:\.\d+)?(?:e\d{1,2})?", text)
    if digits is None:
        total = current = 0
        for word in text.split():
            value = _WORDS.get(word, 0)
            if word == "hundred":
                current = max(current, 1) * value
            elif value >= 1_000:
                total, current = total + max(current, 1) * value, 0
            else:
                current += value
        return min(total + current, 10**12)
    base = float(digits.group(0).replace(",", "").replace("_", ""))
    scale = _WORDS.get(text[digits.end() :].strip(), 0) or {"k": 1_000, "m": 1_000_000}.get(
        text[digits.end() :].strip(), 1
    )
    return int(min(base * scale, 10**12))


def _repeated(unit: str, times: int | None) -> str:
    piece = unit + " "
    most = CEILING_CHARS // len(piece) + 1
    return (piece * min(most, most if times is None else times)).rstrip()


def _counted(upto: int) -> str:
    out: list[str] = []
    size = 0
    for n in count(1):
        if n > upto or size > CEILING_CHARS:
            break
        out.append(str(n))
        size += len(out[-1]) + 1
    return " ".join(out)


def _unit(match: re.Match[str]) -> str:
    return next(g for g in match.group("q1", "q2", "w") if g)


def produce(text: str) -> str | None:
    """What the request asks to be produced (up to the ceiling), or None."""
    if match := _REPEAT_BEFORE.search(text):
        return _repeated(_unit(match), amount(match.group("n")))
    if match := _REPEAT.search(text):
        return _repeated(_unit(match), amount(match.group("n")))
    if match := _FOREVER.search(text):
        return _repeated(_unit(match), None)
    if match := _COUNT.search(text):
        return _counted(amount(match.group("n")))
    if match := _ESSAY.search(text):
        per = next((c for u, c in _CHARS_PER.items() if u in match.group(0).lower()), 6)
        size = min(amount(match.group("n")) * per, CEILING_CHARS)
        return _repeated("Northwind Parcel delivers.", size // 27 + 1)
    return None


def rule(ctx: Context, reading: Reading) -> Outcome | None:
    produced = produce(reading.text)
    if produced is None:
        return None
    state = "unbounded" if ctx.on("unbounded_consumption") else "capped"
    return Outcome(
        produced, reasons=("unbounded_consumption.request", f"unbounded_consumption.{state}")
    )
