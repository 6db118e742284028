"""Private keys in PEM / armored form: PKCS #8 (plain and encrypted), RSA, EC, DSA, OpenSSH
and PGP private key blocks, with real or JSON-escaped (``\\n``) line breaks.

A block is reported from its ``-----BEGIN`` line to its ``-----END`` line. Without an END line
(a truncated copy, a cut cell) the base-64 run after the header is reported with a lower
confidence. A block needs at least 64 base-64 characters and nothing else apart from the
standard header lines (``Proc-Type:``, ``DEK-Info:``, ``Version:``, ``Comment:``), so elided
examples (``MIIEv...``) are not reported. The key inside a Google Cloud service-account JSON
file (``"private_key": "-----BEGIN PRIVATE KEY-----\\n..."`` with ``"type":
"service_account"`` nearby) is reported as a service-account key of provider ``gcp``.

Finding the end is linear: the body of a block never contains ``-----``, so the first
``-----`` after the header ends the search, whatever the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aisec.data.secrets.model import Hit

_HEADER = re.compile(
    r"-----BEGIN (?P<label>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY"
    r"|PGP PRIVATE KEY BLOCK)-----"
)
_MAX_BODY = 64 * 1024
_MIN_BASE64 = 64
_MIN_DISTINCT = 16
_FULL_LINE = 60
_LINE_BREAK = re.compile(r"(\r?\n|(?:\\r)?\\n)")
_HEADER_LINE = re.compile(r"(?m)^[ \t]*(?:Proc-Type|DEK-Info|Version|Comment|Hash):[^\n\\]*")
_ESCAPES = re.compile(r"\\[nrt]|\s")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]+")
_RUN = re.compile(r"(?:[A-Za-z0-9+/=\s]|\\[nrt]){0,65536}+")
_JSON_FIELD = re.compile(r"\"private_key\"\s{0,3}:\s{0,3}\"$")
_SERVICE_ACCOUNT = re.compile(r"\"type\"\s{0,3}:\s{0,3}\"service_account\"")
_JSON_WINDOW = 4096


@dataclass(frozen=True)
class PemDetector:
    kinds: tuple[str, ...] = ("private-key", "gcp-service-account-key")
    anchors: tuple[str, ...] = ("-----BEGIN ",)
    bounded: bool = False

    def at(self, text: str, start: int) -> Hit | None:
        header = _HEADER.match(text, start)
        if header is None:
            return None
        label = header.group("label")
        body_start = header.end()
        dashes = text.find("-----", body_start, body_start + _MAX_BODY)
        end_line = f"-----END {label}-----"
        if dashes >= 0 and text.startswith(end_line, dashes):
            body, end, confidence = text[body_start:dashes], dashes + len(end_line), 0.99
        else:
            body = _truncated_body(text, body_start)
            end, confidence = body_start + len(body), 0.8
        if not _plausible_body(body):
            return None
        kind, provider = "private-key", "private-key"
        if _in_service_account(text, start, end):
            kind, provider = "gcp-service-account-key", "gcp"
        return Hit(kind, provider, start, end, confidence, keep_prefix=header.group(0), tail=0)


def _truncated_body(text: str, body_start: int) -> str:
    """The base-64 lines after a header that has no END line.

    Lines of a PEM body are all full (64 characters, 70 for OpenSSH, 76 for PGP) but the last,
    so a short line ends the body: what follows it (the next cell of a column, the next
    paragraph) is not part of the key even if it looks like base 64.
    """
    run = _RUN.match(text, body_start)
    # Lines and the breaks between them (real or JSON-escaped), alternately.
    pieces = _LINE_BREAK.split(text[body_start : run.end() if run else body_start])
    kept: list[str] = []
    previous = ""
    for index in range(0, len(pieces), 2):
        stripped = pieces[index].strip()
        if previous and (not stripped or len(previous) < _FULL_LINE):
            break
        kept.extend(pieces[index - 1 : index + 1] if index else pieces[:1])
        previous = stripped or previous
    body = "".join(kept).rstrip()
    # Escaped line breaks at the end, or an escape cut in half, do not belong to the key.
    while body.endswith(("\\n", "\\r", "\\")):
        body = body[:-2] if len(body) > 1 and body[-2] == "\\" else body[:-1]
    return body


def _plausible_body(body: str) -> bool:
    payload = _ESCAPES.sub("", _HEADER_LINE.sub("", body))
    if len(payload) < _MIN_BASE64 or not _BASE64.fullmatch(payload):
        return False
    # Not the placeholder test of other values: DER is full of zero runs ("AAAAAAAA").
    return len(set(payload)) >= _MIN_DISTINCT


def _in_service_account(text: str, start: int, end: int) -> bool:
    if not _JSON_FIELD.search(text, max(0, start - 40), start):
        return False
    window = text[max(0, start - _JSON_WINDOW) : end + _JSON_WINDOW]
    return _SERVICE_ACCOUNT.search(window) is not None
