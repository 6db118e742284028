"""SavedModels and GraphDefs in protobuf's text format (``saved_model.pbtxt``, which
TensorFlow's loader reads when there is no ``saved_model.pb``, and ``graph.pbtxt``).

The text is parsed with a small bounded parser and re-encoded in the wire format, for
the fields the analysis reads (the schema below, by field name); every other field is
parsed and dropped. The binary reader then analyses the result, so both forms of a
model go through one analysis.

Parsing is linear in the text: tokens are matched in place (``TOKEN.match(text, pos)``),
never on a copy of the rest, a string's escapes are replaced in one ``re.sub`` pass, and
adjacent strings are joined once; the deadline is checked every ``CHECK_EVERY`` tokens and
escapes.
"""

from __future__ import annotations

import re

from aisec.modelfile.formats.protobuf import ProtobufError
from aisec.modelfile.formats.tf_graph import CHECK_EVERY, Deadline
from aisec.modelfile.formats.tf_sniff import TOP_LEVEL

MAX_TEXT = 256 * 1024 * 1024
MAX_DEPTH = 64
TOKEN = re.compile(
    rb"""(?>\s*(?:\#[^\n]*\s*)*)(?:  # space and comments, never given back
      (?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
    | (?P<word>-?[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<number>[-+]?[0-9.][0-9A-Za-z.+\-]*)
    | (?P<punct>[{}<>\[\]:,;/])
    )""",
    re.VERBOSE,
)
ESCAPES = {b"n": 10, b"t": 9, b"r": 13, b"a": 7, b"b": 8, b"f": 12, b"v": 11}
# One escape: up to 3 octal digits, up to 2 hex digits, the 4 or 8 hex digits of a code
# point, or any one character (none after a final backslash).
ESCAPE = re.compile(
    rb"\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.?)", re.DOTALL
)
_HEX = "0123456789abcdefABCDEF"
SIMPLE_ESCAPES = {  # escape -> value, but for code points and bad escapes
    **{b"\\" + code: bytes((value,)) for code, value in ESCAPES.items()},
    **{b"\\%o" % n: bytes((n,)) for n in range(8)},
    **{b"\\%02o" % n: bytes((n,)) for n in range(64)},
    **{b"\\%03o" % n: bytes((n & 0xFF,)) for n in range(512)},
    **{f"\\x{d}".encode(): bytes((int(d, 16),)) for d in _HEX},
    **{f"\\x{a}{b}".encode(): bytes((int(a + b, 16),)) for a in _HEX for b in _HEX},
    b"\\8": b"\0",  # not an escape protobuf accepts; read as zero, as it always was here
    b"\\9": b"\0",
}
# message -> field name -> (number, kind); kind is "str", "int", "enum", or a message.
Schema = dict[str, dict[str, tuple[int, str]]]
SCHEMA: Schema = {
    "SavedModel": {"saved_model_schema_version": (1, "int"), "meta_graphs": (2, "MetaGraph")},
    "MetaGraph": {
        "meta_info_def": (1, "MetaInfo"), "graph_def": (2, "Graph"), "saver_def": (3, "Saver"),
        "collection_def": (4, "CollectionEntry"), "signature_def": (5, "SignatureEntry"),
        "asset_file_def": (6, "AssetFile"), "object_graph_def": (7, "ObjectGraph"),
    },
    "MetaInfo": {"tags": (4, "str")},
    "Graph": {"node": (1, "Node"), "library": (2, "Library")},
    "Node": {"name": (1, "str"), "op": (2, "str"), "input": (3, "str"), "attr": (5, "AttrEntry")},
    "AttrEntry": {"key": (1, "str"), "value": (2, "Attr")},
    "Attr": {
        "list": (1, "AttrList"), "s": (2, "str"), "tensor": (8, "Tensor"),
        "placeholder": (9, "str"), "func": (10, "Func"),
    },
    "AttrList": {"s": (2, "str"), "func": (9, "Func")},
    "Func": {"name": (1, "str"), "attr": (2, "AttrEntry")},
    "Tensor": {"dtype": (1, "enum"), "string_val": (8, "str")},
    "Library": {"function": (1, "Function")},
    "Function": {"signature": (1, "OpDef"), "node_def": (3, "Node")},
    "OpDef": {"name": (1, "str"), "input_arg": (2, "Arg")},
    "Arg": {"name": (1, "str")},
    "Saver": {"save_tensor_name": (2, "str"), "restore_op_name": (3, "str")},
    "CollectionEntry": {"key": (1, "str"), "value": (2, "Collection")},
    "Collection": {"node_list": (1, "Names"), "any_list": (5, "AnyList")},
    "Names": {"value": (1, "str")},
    "AnyList": {"value": (1, "Any")},
    "Any": {"type_url": (1, "str"), "value": (2, "str")},
    "SignatureEntry": {"key": (1, "str"), "value": (2, "Signature")},
    "Signature": {"outputs": (2, "TensorInfoEntry")},
    "TensorInfoEntry": {"key": (1, "str"), "value": (2, "TensorInfo")},
    "TensorInfo": {"name": (1, "str")},
    "AssetFile": {"tensor_info": (1, "TensorInfo"), "filename": (2, "str")},
    "ObjectGraph": {"nodes": (1, "Object"), "concrete_functions": (2, "FunctionEntry")},
    "Object": {"asset": (5, "Asset"), "constant": (9, "Constant")},
    "Asset": {"asset_file_def_index": (1, "int")},
    "Constant": {"operation": (1, "str")},
    "FunctionEntry": {"key": (1, "str"), "value": (2, "ConcreteFunction")},
    "ConcreteFunction": {"bound_inputs": (2, "int")},
}  # fmt: skip
# Any messages written out in full: [type.googleapis.com/<type>] { ... }
ANY_TYPES = {"tensorflow.AssetFileDef": "AssetFile"}


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative numbers are ten-byte two's complement, as protobuf does
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


class _Unquote:
    """The value of a quoted string: every escape replaced in one pass over the text."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.escapes = 0

    def __call__(self, token: bytes, out: bytearray) -> None:
        """Append the value of the string token to ``out``."""
        out += ESCAPE.sub(self._escape, token[1:-1])

    def _escape(self, match: re.Match[bytes]) -> bytes:
        self.escapes += 1
        if self.escapes % CHECK_EVERY == 0:
            self.deadline.check()
        escape = match.group()
        value = SIMPLE_ESCAPES.get(escape)
        if value is not None:
            return value
        code = escape[1:2]
        if code in (b"u", b"U"):  # a code point, written as UTF-8
            point = int(escape[2:], 16) if len(escape) > 2 else -1
            if not 0 <= point <= 0x10FFFF:
                raise ProtobufError("bad \\u escape in a text-format string")
            return chr(point).encode("utf-8", "surrogatepass")
        if code == b"x":  # without hex digits
            raise ProtobufError("bad \\x escape in a text-format string")
        return code  # \\ \' \" \? and anything else stand for themselves


class _Parser:
    def __init__(self, text: bytes, deadline: Deadline) -> None:
        self.text = text
        self.pos = 0
        self.peeked: tuple[str, bytes] | None = None
        self.deadline = deadline
        self.tokens = 0
        self.unquote = _Unquote(deadline)

    def peek(self) -> tuple[str, bytes]:
        if self.peeked is None:
            match = TOKEN.match(self.text, self.pos)
            if match is None or match.lastgroup is None:
                rest = self.text[self.pos :].strip()
                if rest and not rest.startswith(b"#"):
                    raise ProtobufError(f"text format: unexpected input at byte {self.pos}")
                self.peeked = ("end", b"")
            else:
                self.pos = match.end()
                self.peeked = (match.lastgroup, match.group(match.lastgroup))
                self.tokens += 1
                if self.tokens % CHECK_EVERY == 0:
                    self.deadline.check()
        return self.peeked

    def take(self) -> tuple[str, bytes]:
        token = self.peek()
        self.peeked = None
        return token

    def expect(self, value: bytes) -> None:
        if self.take()[1] != value:
            raise ProtobufError(f"text format: expected {value.decode()} at byte {self.pos}")

    def message(self, kind: str | None, close: bytes, depth: int) -> bytes:
        if depth > MAX_DEPTH:
            raise ProtobufError("text format nested too deep")
        out = bytearray()
        schema = SCHEMA.get(kind or "", {})
        while True:
            token_kind, token = self.peek()
            if token == close or token_kind == "end":
                if token != close:
                    raise ProtobufError("text format: message not closed")
                self.take()
                return bytes(out)
            name = self._field_name()
            if name in schema:
                number, field_kind = schema[name]
            else:
                number, field_kind = 0, ANY_TYPES.get(name.rsplit("/", 1)[-1], "")
            out += self._field(number, field_kind, depth)
            if self.peek()[1] in (b",", b";"):
                self.take()

    def _field_name(self) -> str:
        kind, token = self.take()
        if token == b"[":  # an extension or an Any in full: [domain/type.Name]
            parts = []
            while (part := self.take())[1] != b"]":
                if part[0] == "end":
                    raise ProtobufError("text format: unclosed [")
                parts.append(part[1])
            return b"".join(parts).decode("utf-8", "replace")
        if kind != "word":
            raise ProtobufError(f"text format: expected a field name at byte {self.pos}")
        return token.decode()

    def _field(self, number: int, kind: str, depth: int) -> bytes:
        if self.peek()[1] == b":":
            self.take()
        if self.peek()[1] == b"[":  # a list of values or messages
            self.take()
            out = bytearray()
            while self.peek()[1] != b"]":
                if self.peek()[0] == "end":
                    raise ProtobufError("text format: unclosed list")
                out += self._value(number, kind, depth)
                if self.peek()[1] == b",":
                    self.take()
            self.take()
            return bytes(out)
        return self._value(number, kind, depth)

    def _value(self, number: int, kind: str, depth: int) -> bytes:
        token_kind, token = self.take()
        if token in (b"{", b"<"):
            body = self.message(
                kind if kind in SCHEMA else None, b"}" if token == b"{" else b">", depth + 1
            )
            if number == 0 and kind in SCHEMA:  # an Any written out: keep it as its value
                return _length(2, body)
            return _length(number, body) if number else b""
        if token_kind == "string":
            value = bytearray()
            self.unquote(token, value)
            while self.peek()[0] == "string":  # adjacent strings are concatenated
                self.unquote(self.take()[1], value)
            return _length(number, bytes(value)) if number and kind == "str" else b""
        if token_kind not in ("word", "number"):
            raise ProtobufError(f"text format: unexpected {token!r} at byte {self.pos}")
        if not number or kind not in ("int", "enum"):
            return b""
        if kind == "enum":
            return _varint(number << 3) + _varint(7 if token == b"DT_STRING" else _int(token))
        return _varint(number << 3) + _varint(_int(token))


def _int(token: bytes) -> int:
    try:
        return int(token, 0)
    except ValueError:
        return 0  # a named enum value or a float: not a number the analysis reads


def _length(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def encode(text: bytes, deadline: Deadline | None = None) -> tuple[bool, bytes]:
    """(is a SavedModel, the wire-format bytes of the fields the analysis reads); past
    ``deadline``, ``LimitExceeded``."""
    if len(text) > MAX_TEXT:
        raise ProtobufError(f"text-format graph larger than {MAX_TEXT} bytes")
    match = TOP_LEVEL.match(text)
    saved = match is not None and (
        match["version"] is not None or match["message"] == b"meta_graphs"
    )
    parser = _Parser(text, deadline or Deadline())
    return saved, parser.message("SavedModel" if saved else "Graph", b"", 0)
