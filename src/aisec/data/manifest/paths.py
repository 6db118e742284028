"""Relative paths inside a manifest: raw bytes in memory, safe strings in JSON.

File names on POSIX are bytes, not text. Walking and comparing in bytes means a name
that is not UTF-8 (or holds a newline) is recorded and matched exactly; only the JSON
form and the display form differ. A name that is valid UTF-8 is stored as ``"path"``
(JSON escapes newlines and control characters); any other name is stored as
``"path_bytes"`` (base64 of the raw bytes), because a lone surrogate in JSON text is not
portable between parsers.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Any

from aisec.core.errors import InputError


class InvalidManifest(InputError):
    """The manifest cannot be used: not JSON, a different schema, a bad field, a path
    that would leave the root, or a digest that does not match its entries (exit 2)."""


MAX_PATH_BYTES = 4096  # PATH_MAX on Linux; a longer name cannot exist on disk


def encode(rel: bytes) -> dict[str, str]:
    """The JSON fields naming ``rel``."""
    try:
        return {"path": rel.decode("utf-8")}
    except UnicodeDecodeError:
        return {"path_bytes": base64.b64encode(rel).decode("ascii")}


def decode(item: dict[str, Any], where: str, *, relative: bool = True) -> bytes:
    """The path named by ``item`` (one of ``path`` or ``path_bytes``), checked to stay
    inside the root unless ``relative`` is false (a link's target is only recorded)."""
    text, raw = item.get("path"), item.get("path_bytes")
    if (text is None) == (raw is None):
        raise InvalidManifest(f"{where}: needs exactly one of 'path' and 'path_bytes'")
    if text is not None:
        if not isinstance(text, str):
            raise InvalidManifest(f"{where}: 'path' is not a string")
        try:
            rel = text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidManifest(f"{where}: 'path' holds a lone surrogate") from None
    else:
        if not isinstance(raw, str):
            raise InvalidManifest(f"{where}: 'path_bytes' is not a string")
        try:
            rel = base64.b64decode(raw.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise InvalidManifest(f"{where}: 'path_bytes' is not base64") from None
    if relative:
        check_relative(rel, where)
    elif len(rel) > MAX_PATH_BYTES or b"\x00" in rel:
        raise InvalidManifest(f"{where}: overlong path or NUL byte")
    return rel


def check_relative(rel: bytes, where: str) -> None:
    """Refuse what could name a file outside the root: absolute paths, ``..``, empty or
    ``.`` components (which would also let two spellings name one file), NUL bytes."""
    if not rel or len(rel) > MAX_PATH_BYTES:
        raise InvalidManifest(f"{where}: empty or overlong path")
    if b"\x00" in rel:
        raise InvalidManifest(f"{where}: path holds a NUL byte")
    if rel.startswith(b"/"):
        raise InvalidManifest(f"{where}: absolute path {show(rel)!r} (paths are relative)")
    if any(part in (b"", b".", b"..") for part in rel.split(b"/")):
        raise InvalidManifest(
            f"{where}: path {show(rel)!r} is not normalised or leaves the root",
            hint="a manifest's paths may not contain '..', '.' or empty components",
        )


def show(rel: bytes) -> str:
    """``rel`` as text for people; undecodable bytes stay visible as ``\\xNN`` once the
    caller passes it through :func:`aisec.report.printable`."""
    return os.fsdecode(rel) if os.name != "nt" else rel.decode("utf-8", "backslashreplace")


def join(root: bytes, rel: bytes) -> bytes:
    return rel if root == b"" else root.rstrip(b"/") + b"/" + rel
