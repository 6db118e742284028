"""Reading untrusted JSON within bounds: a size cap, a nesting cap, and every failure of
the parser turned into :class:`InvalidBom` (exit 2), never a traceback."""

from __future__ import annotations

import json
from typing import Any

from aisec.bom.validate import InvalidBom

MAX_BYTES = 32 * 1024 * 1024  # far above any real AI-BOM; the parse holds it all in memory
MAX_DEPTH = 64  # CycloneDX needs about 12 levels; deep nesting only costs the validator


def parse(data: bytes | str, what: str = "the document") -> Any:
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise InvalidBom(
            f"{what} is larger than the {MAX_BYTES} bytes an AI-BOM may have",
            hint="split it, or check that it is the right file",
        )
    try:
        value = json.loads(data)
    except RecursionError:
        raise InvalidBom(f"{what} nests too deeply to be a CycloneDX BOM") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidBom(f"{what} is not JSON: {exc}", hint="give a CycloneDX JSON file") from None
    _check_depth(value, what)
    return value


def _check_depth(value: Any, what: str) -> None:
    # Iterative, so that checking the depth cannot itself recurse too deeply.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidBom(f"{what} nests more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
