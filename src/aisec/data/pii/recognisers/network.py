"""IPv4 and IPv6 addresses (checked by :mod:`ipaddress`) and MAC addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.text_index import TextIndex

IP = "IP_ADDRESS"
MAC = "MAC_ADDRESS"
IP_CONTEXT = ContextWords(["ip", "ip address", "ipv4", "ipv6", "host", "server", "client",
                           "address", "adresse", "dirección", "indirizzo", "from", "src", "dst",
                           "login", "connection", "remote"])  # fmt: skip
MAC_CONTEXT = ContextWords(["mac", "mac address", "hwaddr", "ether", "bssid", "device"])
# Words that make a dotted quad a version or an OID rather than an address.
VERSION_CONTEXT = ContextWords(
    ["version", "ver", "v", "release", "build", "firmware", "oid", "rev", "revision"],
    before=12,
    after=0,
)

_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_HEX_OR_COLON = frozenset("0123456789abcdefABCDEF:.")
_MAC = re.compile(
    r"[0-9A-Fa-f]{2}([:\-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"
)
_MAX_IPV6 = 45


class IpRecogniser:
    entities: tuple[str, ...] = (IP,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        hinted = IP in hints
        for start, end, digits in index.runs:
            if not 4 <= digits <= 12 or not _IPV4.fullmatch(text, start, end):
                continue
            if not free_before(text, start) or not free_after(text, end):
                continue
            try:
                ipaddress.IPv4Address(text[start:end])
            except ValueError:
                continue
            if not hinted and VERSION_CONTEXT.near(text, start, end):
                continue
            yield _scored(text, start, end, 0.7, "valid IPv4 address", hinted)
        yield from _ipv6(index, hinted)


def _ipv6(index: TextIndex, hinted: bool) -> Iterator[PiiMatch]:
    text = index.text
    done = -1
    for colon in index.positions(":"):
        # Every IPv6 form has a second colon within five characters.
        if colon < done or text.find(":", colon + 1, colon + 6) == -1:
            continue
        start = colon
        while start > max(0, colon - _MAX_IPV6) and text[start - 1] in _HEX_OR_COLON:
            start -= 1
        end = colon
        while end < min(len(text), colon + _MAX_IPV6) and text[end] in _HEX_OR_COLON:
            end += 1
        done = end
        while end > start and text[end - 1] in ".:" and not text[start:end].endswith("::"):
            end -= 1  # a colon or full stop that ends the sentence
        raw = text[start:end]
        if raw.count(":") < 2 or sum(ch.isalnum() for ch in raw) < 4:
            continue
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        try:
            ipaddress.IPv6Address(raw)
        except ValueError:
            continue
        # Full eight-group addresses are unambiguous; short compressed forms less so.
        base = 0.8 if raw.count(":") >= 5 else 0.5
        yield _scored(text, start, end, base, "valid IPv6 address", hinted)


def _scored(text: str, start: int, end: int, base: float, reason: str, hinted: bool) -> PiiMatch:
    word = None if hinted else IP_CONTEXT.near(text, start, end)
    if hinted or word:
        base += 0.2
        reason += f"; {context_reason(word, hinted)}"
    return PiiMatch(IP, start, end, clamp(base), reason)


class MacRecogniser:
    entities: tuple[str, ...] = (MAC,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        # Every form has a separator three or five characters in: try the match there.
        for sep, back in ((":", 2), ("-", 2), (".", 4)):
            done = -1
            step = 3 if sep != "." else 5
            for pos in index.positions(sep):
                if text[pos + step : pos + step + 1] != sep:
                    continue  # the next separator is where every form puts it
                start = pos - back
                if start < done or start < 0:
                    continue
                m = _MAC.match(text, start)
                if m is None or not free_before(text, start) or not _mac_end_free(text, m.end()):
                    continue
                done = m.end()
                yield self._scored(text, start, m.end(), hints)

    @staticmethod
    def _scored(text: str, start: int, end: int, hints: frozenset[str]) -> PiiMatch:
        raw = text[start:end]
        hexletters = any(ch.isalpha() for ch in raw)
        # Six groups of decimal digits could be a date-time or a serial; ask for context.
        score = 0.8 if hexletters else 0.45
        reason = "six hexadecimal octets" if "." not in raw else "three dotted hex groups"
        if len(set(raw.replace(":", "").replace("-", "").replace(".", ""))) == 1:
            score -= 0.3
        hinted = MAC in hints
        word = None if hinted else MAC_CONTEXT.near(text, start, end)
        if hinted or word:
            score += 0.3
            reason += f"; {context_reason(word, hinted)}"
        return PiiMatch(MAC, start, end, clamp(score), reason)


def _mac_end_free(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    ch = text[end]
    if ch.isalnum() or ch in ":-":
        return False
    return not (ch == "." and end + 1 < len(text) and text[end + 1].isalnum())
