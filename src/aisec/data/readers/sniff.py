"""Telling dataset formats apart by content: magic bytes for the binary formats, then the
head's text (JSON objects line by line, a consistent delimiter, or plain text). The file
name is only a tie-breaker between readings the content allows equally."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zlib
from pathlib import Path

from aisec.data.readers.source import GZIP_MAGIC, UTF8_BOM, UTF16_BOMS

PARQUET_MAGIC = b"PAR1"
ARROW_FILE_MAGIC = b"ARROW1\x00\x00"
ARROW_CONTINUATION = b"\xff\xff\xff\xff"
DELIMITERS = (",", "\t", ";", "|")
# Enough lines to judge a delimiter; more only costs time.
_SAMPLE_LINES = 50
_GZIP_HEAD_BYTES = 64 * 1024
_TSV_SUFFIXES = (".tsv", ".tab")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def sniff(path: Path, head: bytes) -> str | None:
    """The dataset format of ``path`` judged from ``head`` (its first bytes; 64 KiB is
    plenty), or None when the content is not a dataset (binary, or empty)."""
    if head.startswith(PARQUET_MAGIC) and (_tail(path) == PARQUET_MAGIC or b"\0" in head):
        # Magic at both ends; or at the start of binary content, a cut Parquet file that
        # its reader will report.
        return "parquet"
    if head.startswith(ARROW_FILE_MAGIC):
        return "arrow"
    if head.startswith(ARROW_CONTINUATION) and len(head) >= 8 and head[4:8] != b"\0\0\0\0":
        return "arrow"
    suffixes = "".join(path.suffixes[-2:]).lower()
    if head.startswith(GZIP_MAGIC):
        inner = _inflate_head(head)
        return _sniff_text(inner, suffixes) if inner is not None else None
    return _sniff_text(head, suffixes)


def _tail(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            if size < 12:
                return b""
            handle.seek(size - 4)
            return handle.read(4)
    except OSError:
        return b""


def _inflate_head(head: bytes) -> bytes | None:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, _GZIP_HEAD_BYTES)
    except zlib.error:
        return None


def _sniff_text(head: bytes, suffixes: str) -> str | None:
    text = decode_head(head)
    if text is None or not text.strip():
        return None
    lines = complete_lines(text, head_was_cut=True)
    if _looks_like_jsonl(lines, suffixes):
        return "jsonl"
    if sniff_delimiter(lines, suffixes) is not None:
        return "csv"
    return "text"


def decode_head(head: bytes) -> str | None:
    """The head as text, or None when it is binary. A multi-byte character cut at the end
    of the head is not held against it."""
    if head[:2] in UTF16_BOMS:
        encoding = "utf-16-le" if head[:2] == codecs.BOM_UTF16_LE else "utf-16-be"
        body = head[2 : len(head) - (len(head) % 2)]
        text = body.decode(encoding, errors="replace")
    else:
        body = head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head
        if b"\x00" in body:
            return None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text = decoder.decode(body, final=False)
        # A few bad bytes do not make a text file binary; many do.
        if text.count("\ufffd") > max(4, len(text) // 100):
            return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return None if controls > len(text) // 100 else text


def complete_lines(text: str, *, head_was_cut: bool) -> list[str]:
    lines = text.splitlines()
    if head_was_cut and lines and not text.endswith(("\n", "\r")):
        lines = lines[:-1] or lines
    return lines[:_SAMPLE_LINES]


def _looks_like_jsonl(lines: list[str], suffixes: str) -> bool:
    """The first record is a JSON object and so are nearly all the others sampled (a
    broken line is the reader's to report, not a reason to read the file as text)."""
    records = [line for line in lines if line.strip()]
    if not records or not records[0].lstrip().startswith("{"):
        return False
    objects = 0
    for line in records:
        try:
            objects += isinstance(json.loads(line), dict)
        except (ValueError, RecursionError):
            continue
    if objects == 0:
        # One line longer than the head cannot be parsed; the name may settle it.
        return len(records) == 1 and suffixes.endswith(_JSONL_SUFFIXES)
    return objects * 2 >= len(records)


def sniff_delimiter(lines: list[str], suffixes: str = "") -> str | None:
    """The delimiter that splits the header and nearly every other sampled record into the
    same number (at least two) of fields, or None. Of several, the name decides, then the
    one giving more fields."""
    sample = "\n".join(lines)
    fitting: list[tuple[int, str]] = []
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            rows = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        width = len(rows[0]) if rows else 0
        agreeing = sum(1 for row in rows if len(row) == width)
        named = suffixes.endswith((".csv", *_TSV_SUFFIXES))
        enough = len(rows) >= 2 or named
        # A name that says CSV lets a messier sample count (ragged rows are the reader's
        # to report); without one, nearly every row must agree.
        share = 2 if named else 5 / 4
        if width >= 2 and enough and agreeing * share >= len(rows):
            fitting.append((width, delimiter))
    if not fitting:
        return None
    if suffixes.endswith(_TSV_SUFFIXES) and any(d == "\t" for _, d in fitting):
        return "\t"
    if suffixes.endswith(".csv") and any(d == "," for _, d in fitting):
        return ","
    return max(fitting)[1]
