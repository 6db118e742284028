"""Model formats that hold only numbers and structure for their loaders.

No code and no serialised objects: their loaders build trees or graphs from fields
they define. They are recognised so that a scan reports them as analysed, with their
type, rather than as unknown files. HDF5 is not among them: Keras ``.h5`` files can
carry Lambda layers and have an analyser of their own.
"""

from __future__ import annotations

import re

from aisec.modelfile.formats.protobuf import (
    FIXED32,
    LENGTH,
    VARINT,
    Buffer,
    ProtobufError,
    fields,
)

# (offset, magic, format) of binary formats with a signature.
MAGICS: tuple[tuple[int, bytes, str], ...] = (
    (4, b"TFL3", "tflite"),
    (0, b"CBM1", "catboost"),
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"\xff\xd8\xff", "jpeg"),
    (0, b"%PDF-", "pdf"),
)

# Text model dumps, by how their writers begin them.
TEXT_FORMATS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb'\A\s*\{\s*"learner"\s*:\s*\{'), "xgboost-json"),
    (re.compile(rb"\Abooster\[0\]:\r?\n"), "xgboost-dump"),
    (re.compile(rb"\Atree\r?\nversion=v\d+\r?\n"), "lightgbm"),
    (re.compile(rb'\A\s*\{\s*"name"\s*:\s*"tree"\s*,\s*"version"\s*:\s*"v\d+"'), "lightgbm-json"),
    # OpenVINO IR: the graph as XML, whose weights are a .bin of the same name
    (
        re.compile(
            rb"\A(\xef\xbb\xbf)?\s*(<\?xml[^>]{0,200}\?>\s*)?"
            rb'<net\s[^>]{0,500}version="\d+"'
        ),
        "openvino",
    ),
)

# UBJSON length markers (int8, uint8, int16, int32, int64) that can precede an object key.
UBJSON_LENGTHS = {ord("i"): 1, ord("U"): 1, ord("I"): 2, ord("l"): 4, ord("L"): 8}
XGBOOST_KEYS = (b"learner", b"version")

# Core ML's Model message: specificationVersion (1), description (2), and the model
# itself in a oneof whose field numbers start at 200.
COREML_FIRST_TYPE_FIELD = 200
COREML_MAX_SPEC_VERSION = 64

# SentencePiece's ModelProto (tokenizer.model): pieces (1), trainer (2), normalizer (3),
# self-test data (4), denormalizer (5); each piece is text (1), score (2, float) and
# type (3, enum). The first pieces are checked field by field.
SENTENCEPIECE_FIELDS = frozenset({1, 2, 3, 4, 5})
PIECE_WIRE_TYPES = {1: LENGTH, 2: FIXED32, 3: VARINT}
PIECES_CHECKED = 64


def magic_format(head: bytes) -> str | None:
    for offset, magic, name in MAGICS:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def text_format(head: bytes) -> str | None:
    for pattern, name in TEXT_FORMATS:
        if pattern.match(head):
            return name
    return None


def is_xgboost_ubjson(head: bytes) -> bool:
    """XGBoost's binary model: a UBJSON object whose first key is learner or version."""
    if len(head) < 3 or head[0] != ord("{") or head[1] not in UBJSON_LENGTHS:
        return False
    width = UBJSON_LENGTHS[head[1]]
    size = int.from_bytes(head[2 : 2 + width], "big", signed=head[1] != ord("U"))
    key = head[2 + width : 2 + width + size]
    return len(key) == size and key in XGBOOST_KEYS


def is_coreml(data: Buffer) -> bool:
    """A serialised Core ML ``Model``: every top-level field is one the schema defines,
    with a version, a description and exactly one model type."""
    version = description = types = 0
    try:
        for number, wire, value in fields(data):
            if number == 1 and wire == VARINT and isinstance(value, int):
                if not 1 <= value <= COREML_MAX_SPEC_VERSION:
                    return False
                version += 1
            elif number == 2 and wire == LENGTH:
                description += 1
            elif number == 10 and wire == VARINT:  # isUpdatable
                continue
            elif number >= COREML_FIRST_TYPE_FIELD and wire == LENGTH:
                types += 1
            else:
                return False
    except ProtobufError:
        return False
    return version == 1 and description == 1 and types == 1


def is_sentencepiece(data: Buffer) -> bool:
    """A serialised SentencePiece ``ModelProto``, as tokenizers ship it."""
    pieces = 0
    try:
        for number, wire, value in fields(data):
            if number not in SENTENCEPIECE_FIELDS or wire != LENGTH:
                return False
            if number == 1:
                pieces += 1
                if pieces <= PIECES_CHECKED and not _is_piece(value):
                    return False
    except ProtobufError:
        return False
    return pieces > 0


def _is_piece(value: int | Buffer) -> bool:
    if isinstance(value, int):
        return False
    seen = False
    for number, wire, _ in fields(value):
        if PIECE_WIRE_TYPES.get(number) != wire:
            return False
        seen = seen or number == 1
    return seen
