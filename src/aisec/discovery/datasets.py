"""Datasets recognised from their bytes: Parquet, Arrow IPC and Feather files by their
magic numbers, CSV/TSV and JSON Lines by their structure, and image folders by the magic
numbers of the files in them. Extensions are hints at most: a ``.txt`` can be a CSV."""

from __future__ import annotations

import json

IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
)
# Text files of these kinds are never taken for tables, however regular their lines.
CODE_SUFFIXES = frozenset(
    {
        ".py",
        ".pyi",
        ".pyx",
        ".pxd",
        ".c",
        ".h",
        ".cpp",
        ".hpp",
        ".cu",
        ".cuh",
        ".js",
        ".ts",
        ".md",
        ".rst",
        ".html",
        ".xml",
        ".toml",
        ".yml",
        ".yaml",
        ".cfg",
        ".ini",
        ".json",
        ".ipynb",
        ".sh",
        ".bat",
        ".in",
        ".lock",
        ".css",
        ".tex",
        ".rs",
        ".go",
        ".java",
    }
)
MIN_IMAGES = 5  # fewer are icons and figures, not a training set


def binary_format(head: bytes, tail: bytes) -> str | None:
    if head.startswith(b"PAR1") and tail.endswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "arrow"
    if head.startswith(b"FEA1"):
        return "feather-v1"
    return None


def image_format(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) >= 14 and head[6:10] != b"\x00\x00\x00\x00":
        return None  # BMP's reserved bytes are zero; anything else is a text starting "BM"
    return next((name for magic, name in IMAGE_MAGIC if head.startswith(magic)), None)


def text_format(head: str, suffix: str) -> str | None:
    """``csv``, ``tsv`` or ``jsonl`` when the first lines have that structure."""
    if suffix in CODE_SUFFIXES and suffix != ".jsonl":
        return None
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    complete = lines[:-1] if len(lines) > 2 else lines  # the sample can cut the last line
    if len(complete) < 2:
        return None
    if all(_json_object(line) for line in complete):
        return "jsonl"
    for delimiter, name in ((",", "csv"), ("\t", "tsv"), (";", "csv")):
        counts = {line.count(delimiter) for line in complete}
        if len(counts) == 1 and counts.pop() >= 1 and len(complete) >= 3:
            return name
    return None


def _json_object(line: str) -> bool:
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
