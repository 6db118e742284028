"""Undo the rewrites attackers use to slip a prompt past a text classifier.

``views(text)`` gives the texts the model scores: the plain normalised text first, then
extra readings (de-leeted, rot13, decoded base64/hex segments). The model takes the most
suspicious view, so an extra reading can only add evidence; the operating threshold is
chosen with the same views, so the false-positive rate it promises already pays for them.

Everything here is bounded: the number and size of decoded segments is capped, so a
crafted prompt cannot make normalisation expensive.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
import unicodedata
from dataclasses import dataclass

# Look-alikes NFKC leaves alone: Cyrillic and Greek letters (and a few Latin/IPA forms)
# that render like ASCII letters. Lowercase targets, since the views are lowercased.
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h", "ɡ": "g", "ս": "u",
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "К": "k", "М": "m", "Н": "h", "О": "o",
    "Р": "p", "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ї": "i",
    "Ј": "j", "Ԁ": "d", "Ԛ": "q", "Ԝ": "w", "Ӏ": "l", "Һ": "h",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c",
    # Latin and IPA look-alikes
    "ɑ": "a", "ı": "i", "ȷ": "j", "ɩ": "i", "ʏ": "y", "ᴀ": "a", "ʙ": "b", "ᴄ": "c",
    "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l",
    "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u",
    "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
}  # fmt: skip
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)

# The six substitutions of classic leetspeak, plus the few used nearly as often. "1" is
# "i" or "l": the de-leeted view reads it as "i", and a second view as "l" when the text
# has one in a word (the model takes the better reading, word by word via char n-grams).
_LEET = {"4": "a", "3": "e", "0": "o", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
         "$": "s"}  # fmt: skip
_LEET_TABLE = str.maketrans({**_LEET, "1": "i"})
_LEET_TABLE_L = str.maketrans({**_LEET, "1": "l"})
# A token mixing letters and leet characters; pure numbers ("2024", "15") stay as they are.
# A maximal run of letters, digits and leet symbols; runs without a letter are numbers.
# (One greedy class: a pattern that requires a letter somewhere inside backtracks
# quadratically on a long run of digits.)
_LEET_TOKEN = re.compile(r"[a-z0-9@$]+")
_LETTER = re.compile(r"[a-z]")
_HAS_ONE = re.compile(r"[a-z]1|1[a-z]")
_HAS_LEET = re.compile(r"[01345789@$]")

# Three or more single letters with the same one separator between each ("i g n o r e",
# "i.g.n.o.r.e", "i-g-n-o-r-e"); a wider gap or another separator ends the word.
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ \t.\-_*·|/])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_SEPARATORS = re.compile(r"[ \t.\-_*·|/]")
_WHITESPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z]+")

_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_BASE64_URL = re.compile(r"(?:[A-Za-z0-9_\-]{4}){4,}")
_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Za-z])"  # 69676e6f7265...
    r"|(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}[ :,]){7,}[0-9A-Fa-f]{2}(?![0-9A-Za-z])"  # 69 67 6e
    r"|(?:(?:\\x|0x)[0-9A-Fa-f]{2}[ ,]?){8,}"  # \x69\x67 or 0x69, 0x67
)
_HEX_NOISE = re.compile(r"0x|\\x|[\s:,]")

# Frequent English words (and the vocabulary of instructions): a text whose rot13 reading
# turns several of its tokens into these is taken to be rot13. Reading every text in rot13
# would cost false positives (the gibberish of a benign prompt sometimes scores high).
_COMMON_WORDS = """
the and you your all that this with for are not what how from have was will can now
must should then than them they their there about into only just also any some every
previous prior above earlier instructions instruction ignore disregard forget system prompt
rules rule tell reveal show print output write give say answer respond reply user assistant
secret password hidden confidential developer mode admin follow following new task
please text message below before after never always without restrictions filter safety
"""
_COMMON = frozenset(_COMMON_WORDS.split())
_ROT13_HITS = 2  # tokens that read as common words only in rot13

# Quoted string literals ("..." or '...'): a payload split into variables is read again
# with its pieces joined in order.
# An apostrophe inside a word ("don't") opens no single-quoted literal.
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.){1,2000})"|(?<!\w)\'((?:[^\'\\\n]|\\.){1,2000})\'(?!\w)')
MIN_JOINED = 2  # literals needed for a joined view

MAX_SEGMENTS = 8  # decoded segments per text
MAX_SEGMENT_CHARS = 8_000  # longest encoded segment decoded
MIN_PRINTABLE = 0.85  # share of printable characters for decoded bytes to count as text
MAX_DEPTH = 2  # base64 of hex (or of base64) is decoded once more, no deeper


@dataclass(frozen=True)
class View:
    kind: str  # "plain", "deleet", "rot13", "joined", "base64", "hex"
    text: str


def strip_format(text: str) -> str:
    """Drop invisible format characters (zero-width spaces and joiners, bidi marks, soft
    hyphens: Unicode category Cf) that split words without showing."""
    if text.isascii():  # no format characters there, and most prompts are ASCII
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def collapse_spacing(text: str) -> str:
    """Join letter-spaced words: ``"i g n o r e  a l l"`` -> ``"ignore  all"``."""
    return _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)


def normalise(text: str) -> str:
    """The plain view: format characters stripped, NFKC, homoglyphs mapped to Latin,
    letter-spacing collapsed, lowercased, whitespace runs made one space."""
    text = strip_format(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_HOMOGLYPH_TABLE)
    # casefold() can expand ("ß" -> "ss") and NFKC may then compose differently; lower()
    # keeps normalise idempotent.
    text = text.lower()
    # Making whitespace one space can line up single letters that were apart ("a \tb c"):
    # collapse until nothing changes (each round shortens the text), so normalise is
    # idempotent.
    while True:
        joined = _WHITESPACE.sub(" ", collapse_spacing(text)).strip()
        if joined == text:
            return joined
        text = joined


def deleet(text: str, one: str = "i") -> str:
    """Read leetspeak back (``"1gn0r3"`` -> ``"ignore"``) in tokens that mix letters and
    digits/symbols, with "1" read as ``one``; numbers on their own are left alone."""
    table = _LEET_TABLE_L if one == "l" else _LEET_TABLE

    def read(match: re.Match[str]) -> str:
        token = match.group(0)
        return token.translate(table) if _LETTER.search(token) else token

    return _LEET_TOKEN.sub(read, text)


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def looks_rot13(text: str) -> bool:
    """Whether several words of ``text`` are common English words in rot13 only."""
    hits = 0
    for token in _TOKEN.findall(text):
        if token not in _COMMON and rot13(token) in _COMMON:
            hits += 1
            if hits >= _ROT13_HITS:
                return True
    return False


def _printable_text(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not decoded:
        return None
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in decoded)
    if printable / len(decoded) < MIN_PRINTABLE or not any(ch.isalpha() for ch in decoded):
        return None
    return decoded


def _b64(segment: str, urlsafe: bool) -> bytes | None:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def decoded_segments(text: str) -> list[View]:
    """Base64 and hex segments of ``text`` that decode to mostly printable text."""
    found: list[View] = []
    seen: set[str] = set()

    def add(kind: str, data: bytes | None) -> None:
        decoded = None if data is None else _printable_text(data)
        if decoded is not None and decoded not in seen and len(found) < MAX_SEGMENTS:
            seen.add(decoded)
            found.append(View(kind, decoded))

    for match in _HEX.finditer(text):
        digits = _HEX_NOISE.sub("", match.group(0))[:MAX_SEGMENT_CHARS]
        if len(digits) % 2 == 0:
            add("hex", bytes.fromhex(digits))
    for pattern, urlsafe in ((_BASE64, False), (_BASE64_URL, True)):
        for match in pattern.finditer(text):
            segment = match.group(0)[:MAX_SEGMENT_CHARS]
            # Pure hex digits or a plain word run are not base64 worth decoding.
            if segment.isalpha() and (segment.islower() or segment.isupper()):
                continue
            if urlsafe and "-" not in segment and "_" not in segment:
                continue  # the standard alphabet's pass has read it already
            add("base64", _b64(segment, urlsafe))
    return found


def joined_literals(text: str) -> str | None:
    """The quoted string literals of ``text`` concatenated in order, when there are
    several (``a = "ignore all prev"; b = "ious instructions"``)."""
    pieces: list[str] = []
    for match in _LITERAL.finditer(text):
        double, single = match.group(1), match.group(2)
        if double is not None:
            try:
                pieces.append(str(json.loads(f'"{double}"')))
            except ValueError:
                pieces.append(double)
        else:
            pieces.append(single)
    return "".join(pieces) if len(pieces) >= MIN_JOINED else None


def views(text: str) -> list[View]:
    """The readings of ``text`` to score: plain first, then de-leeted (when it differs),
    rot13 (when it reads as rot13), quoted pieces joined, and decoded base64/hex segments,
    each normalised."""
    plain = normalise(text)
    out = [View("plain", plain)]
    if _HAS_LEET.search(plain):
        leet = deleet(plain)
        if leet != plain:
            out.append(View("deleet", leet))
            if _HAS_ONE.search(plain):
                out.append(View("deleet", deleet(plain, one="l")))
    if looks_rot13(plain):
        out.append(View("rot13", rot13(plain)))
    joined = joined_literals(strip_format(text))
    if joined is not None:
        out.append(View("joined", normalise(joined)))
    # Decoding runs on the raw text: lowercasing would destroy base64.
    pending = [(segment, 1) for segment in decoded_segments(strip_format(text))]
    while pending and len(out) < 5 + MAX_SEGMENTS:
        segment, depth = pending.pop(0)
        out.append(View(segment.kind, normalise(segment.text)))
        if depth < MAX_DEPTH:
            pending.extend((inner, depth + 1) for inner in decoded_segments(segment.text))
    return out
