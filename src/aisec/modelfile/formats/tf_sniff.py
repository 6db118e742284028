"""Recognising TensorFlow protobufs from a file's first bytes (protobuf has no magic).

A SavedModel starts with its schema version (field 1, varint) and a MetaGraphDef
(field 2) whose fields are all ones the schema defines; an ONNX model starts the same
way, but its field 2 is a producer name, which does not parse so. A GraphDef starts with
a NodeDef whose name and op are valid TensorFlow names, or with a function library. The
text format is recognised by its first field name.
"""

from __future__ import annotations

import re

from aisec.modelfile.formats.protobuf import (
    LENGTH,
    VARINT,
    Buffer,
    ProtobufError,
    fields,
    prefix_fields,
)

# Node and op names as TensorFlow's importer accepts them (function names included).
NAME = re.compile(rb"[A-Za-z0-9_.][A-Za-z0-9_.>/\-]{0,1023}")
Sample = list[tuple[int, int, int | Buffer, bool]]
# How the writers begin: the schema version (a number) or a message field of SavedModel
# or GraphDef (``node {``); a YAML ``versions:`` list is not one.
TOP_LEVEL = re.compile(
    rb"\A(?>\s*(?:\#[^\n]*\s*)*)(?:(?P<version>saved_model_schema_version)\s*:\s*[0-9]"
    rb"|(?P<message>meta_graphs|node|library|versions)\s*:?\s*[{<])"
)


def looks_like_text_graph(head: bytes) -> bool:
    """``saved_model.pbtxt`` or a text GraphDef (protobuf's text format)."""
    return TOP_LEVEL.match(head) is not None


def _inside(item: tuple[int, int, int | Buffer, bool]) -> Sample:
    """The fields of a length-delimited field of a sample: exact when the field is whole,
    a prefix when the sample's end cut it."""
    _, _, value, complete = item
    if not isinstance(value, Buffer):
        raise ProtobufError("not a message")
    if complete:
        return [(n, w, v, True) for n, w, v in fields(value)]
    return list(prefix_fields(value))


def _is_name(item: tuple[int, int, int | Buffer, bool]) -> bool:
    value, complete = item[2], item[3]
    return complete and isinstance(value, Buffer) and NAME.fullmatch(bytes(value)) is not None


def looks_like_saved_model(head: bytes) -> bool:
    """Schema version (1, varint) then a MetaGraphDef (2) whose fields are all ones the
    schema defines (1-7, length-delimited), the first of them a message too."""
    try:
        items = list(prefix_fields(head))
        if items and items[0][:2] == (1, VARINT):
            items = items[1:]
        if not items or items[0][:2] != (2, LENGTH):
            return False
        inner = _inside(items[0])
        if not inner or any(w != LENGTH or not 1 <= n <= 7 for n, w, _, _ in inner):
            return False
        return bool(_inside(inner[0]))
    except ProtobufError:
        return False


def looks_like_graph_def(head: bytes) -> bool:
    """A first NodeDef (1) with a valid name and op, or a function library (2) whose
    first function's signature has a valid name."""
    try:
        items = list(prefix_fields(head))
        if not items or items[0][1] != LENGTH:
            return False
        if items[0][0] == 1:
            return _node_prefix(_inside(items[0]))
        if items[0][0] == 2:
            return _library_prefix(_inside(items[0]))
    except ProtobufError:
        pass
    return False


def _node_prefix(items: Sample) -> bool:
    found = set()
    for item in items:
        number, wire = item[:2]
        if wire != LENGTH or not 1 <= number <= 7:
            return False
        if number in (1, 2):
            if not _is_name(item):
                return False
            found.add(number)
    return found == {1, 2}


def _library_prefix(items: Sample) -> bool:
    """FunctionDefLibrary: function (1) -> signature (1) -> name (1)."""
    for _ in range(2):
        if not items or items[0][:2] != (1, LENGTH):
            return False
        items = _inside(items[0])
    return bool(items) and items[0][:2] == (1, LENGTH) and _is_name(items[0])
