"""JSON Web Tokens (signed, three segments; encrypted, five), each token on its own and whole,
signature included.

A token is three base64url segments whose first decodes to a JSON object with an ``alg``
member; anything else of that shape (a dotted identifier, a base64 blob) is not reported.
Confidence: 0.95 when the payload is JSON too and the token is signed (or says ``"alg":
"none"``, an unsigned token is still accepted by careless servers); 0.7 otherwise. Encrypted
tokens (a header with ``enc``) are reported at 0.9.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from aisec.data.secrets.model import Hit
from aisec.data.secrets.placeholders import is_public_sample

_SEGMENT = "[A-Za-z0-9_-]"
_TOKEN = re.compile(
    rf"(?<![A-Za-z0-9_.-])eyJ{_SEGMENT}{{5,2000}}+\.(?P<payload>{_SEGMENT}{{2,20000}}+)"
    rf"\.(?P<signature>{_SEGMENT}{{0,4000}}+)"
    rf"(?P<jwe>\.{_SEGMENT}{{0,20000}}+\.{_SEGMENT}{{0,4000}}+)?(?![A-Za-z0-9_-])"
)


def _decode_json(segment: str) -> Any:
    """The JSON value a base64url segment holds, or None."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class JwtDetector:
    kinds: tuple[str, ...] = ("jwt",)
    anchors: tuple[str, ...] = ("eyJ",)
    bounded: bool = True

    def at(self, text: str, start: int) -> Hit | None:
        match = _TOKEN.match(text, start)
        if match is None:
            return None
        header = _decode_json(text[start : match.start("payload") - 1])
        if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
            return None
        value = match.group(0)
        if is_public_sample(value):
            return None
        if match.group("jwe") is not None:
            if "enc" not in header:
                return None
            return Hit("jwt", "jwt", start, match.end(), 0.9, keep_prefix="eyJ")
        signed = bool(match.group("signature")) or header["alg"].lower() == "none"
        payload = _decode_json(match.group("payload"))
        confidence = 0.95 if signed and isinstance(payload, dict) else 0.7
        return Hit("jwt", "jwt", start, match.end(), confidence, keep_prefix="eyJ")
