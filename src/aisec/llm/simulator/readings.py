"""How the simulated application reads a text, as a language model would.

A model reads through disguises that leave the words recognisable: invisible characters,
compatibility forms, look-alike letters, letter-spacing and leetspeak. Those readings are
always taken. It also decodes base64, hex and ROT13 and joins split strings, but only when
the text asks it to: the encoded readings exist only next to a request to decode or join,
and the hardened variant uses them to recognise an attack, never to follow one.

Everything is bounded (segments decoded, their size), so no input makes reading costly.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
import unicodedata
from dataclasses import dataclass

from aisec.validation.rewrites import HOMOGLYPHS

_UNGLYPH = str.maketrans({glyph: latin for latin, glyph in HOMOGLYPHS.items()})
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$]+")
_LEET = {"4": "a", "3": "e", "0": "o", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
         "$": "s"}  # fmt: skip
# Three or more single letters with one separator repeated ("i g n o r e", "i.g.n.o.r.e").
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ .\-_*|])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_DECODE_CUE = re.compile(
    r"\b(?:decod\w*|decrypt\w*|base[\s-]?64|rot[\s-]?13|hex(?:adecimal)?|caesar|cipher)\b",
    re.IGNORECASE,
)
_JOIN_CUE = re.compile(r"\b(?:concatenat\w*|join\w*|combin\w*)\b|\w\s*\+\s*\w", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9A-Fa-f]{2}[ :]?){8,}\b")
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.){1,2000})"|(?<!\w)\'([^\'\n]{1,2000})\'(?!\w)')

MAX_SEGMENTS = 8
MAX_SEGMENT_CHARS = 8_000


@dataclass(frozen=True)
class Reading:
    kind: str  # plain, spaced, deleet, joined, base64, hex, rot13
    text: str

    @property
    def decoded(self) -> bool:
        """Whether the text was obtained by decoding or joining on request."""
        return self.kind in ("joined", "base64", "hex", "rot13")


def plain(text: str) -> str:
    """Invisible format characters removed, NFKC, look-alike letters made Latin; the case
    is kept, so that a requested marker can be repeated exactly."""
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        text = unicodedata.normalize("NFKC", text).translate(_UNGLYPH)
    return text


def deleet(text: str, one: str) -> str:
    table = str.maketrans({**_LEET, "1": one})

    def read(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("4", "@"):  # the article "a" on its own: "pick 4 lock"
            return "a"
        letters = [ch for ch in token if ch.isalpha()]
        if not letters or token.isalpha():
            return token
        out = token.translate(table)
        return out.upper() if all(ch.isupper() for ch in letters) else out

    return _LEET_TOKEN.sub(read, text)


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    shown = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    return text if text and shown >= 0.9 * len(text) and any(c.isalpha() for c in text) else None


def _decoded(text: str) -> list[Reading]:
    found: list[Reading] = []
    for match in _HEX.finditer(text):
        digits = re.sub(r"[ :]", "", match.group(0))[:MAX_SEGMENT_CHARS]
        decoded = _printable(bytes.fromhex(digits)) if len(digits) % 2 == 0 else None
        if decoded:
            found.append(Reading("hex", plain(decoded)))
    for match in _BASE64.finditer(text):
        segment = match.group(0)[:MAX_SEGMENT_CHARS]
        try:
            data = base64.b64decode(segment + "=" * (-len(segment) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _printable(data)
        if decoded:
            found.append(Reading("base64", plain(decoded)))
    if re.search(r"rot[\s-]?13|caesar", text, re.IGNORECASE):
        found.append(Reading("rot13", codecs.encode(text, "rot13")))
    return found[:MAX_SEGMENTS]


def _joined(text: str) -> str | None:
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
    return "".join(pieces) if len(pieces) >= 2 else None


def readings(text: str) -> list[Reading]:
    """The readings of ``text``, plain first; decoded ones only when asked for."""
    base = plain(text)
    out = [Reading("plain", base)]
    spaced = _SPACED.sub(lambda m: m.group(0).replace(m.group(1), ""), base)
    if spaced != base:
        out.append(Reading("spaced", spaced))
    for one in ("i", "l"):
        leet = deleet(spaced, one)
        if leet != spaced and all(r.text != leet for r in out):
            out.append(Reading("deleet", leet))
    if _JOIN_CUE.search(base):
        joined = _joined(base)
        if joined:
            out.append(Reading("joined", plain(joined)))
    if _DECODE_CUE.search(base):
        out.extend(_decoded(base))
    return out
