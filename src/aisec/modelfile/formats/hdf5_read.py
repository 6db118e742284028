"""What the scanner reads of an HDF5 file, read through h5py (in the isolated child).

h5py gets the artefact's bytes as a read-only file object: nothing is re-opened by path,
and because h5py's file-object driver serves every file the library opens, external
links and virtual datasets resolve against the same bytes, never against the disk.
The result is plain JSON-able data: the Keras root attributes and the link tree.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

from aisec.modelfile.blob import Blob
from aisec.modelfile.formats.hdf5_tree import walk_links

CONFIG_ATTRIBUTES = ("model_config", "training_config")
NOTE_ATTRIBUTES = ("keras_version", "backend")
MAX_NOTE_BYTES = 256


class BlobFile(io.RawIOBase):
    """A read-only, seekable file object over a blob, for h5py's file-object driver."""

    def __init__(self, blob: Blob) -> None:
        super().__init__()
        self._blob = blob
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._blob)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        data = self._blob.read(self._pos, len(buffer))
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _attribute(h5file: Any, name: str, cap: int) -> bytes | None:
    """A scalar string attribute's bytes, or None when absent or not text."""
    attrs = h5file.attrs
    if name not in attrs:
        return None
    handle = attrs.get_id(name)
    if handle.shape not in ((), (1,)) or handle.dtype.kind not in "SO":
        return None
    if handle.get_storage_size() > cap:  # fixed-length strings: known before reading
        raise OverflowError(f"attribute {name} is larger than {cap} bytes")
    value = attrs[name]
    if getattr(value, "shape", None) == (1,):
        value = value[0]
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    if not isinstance(value, bytes):
        return None
    if len(value) > cap:  # variable-length strings: bounded by the file, checked after
        raise OverflowError(f"attribute {name} is larger than {cap} bytes")
    return value


def read_hdf5(
    blob: Blob, config_cap: int, deadline: float, watchdog: Callable[[], None]
) -> dict[str, Any]:
    """Root attributes and external references; ``watchdog`` is called at every step."""
    import h5py

    handle = BlobFile(blob)
    try:
        h5file = h5py.File(handle, "r")
    except Exception as exc:  # h5py raises OSError, ValueError, KeyError ... on bad files
        return {"open_error": str(exc)}
    out: dict[str, Any] = {"configs": {}, "notes": {}, "limits": []}
    try:
        for name in (*CONFIG_ATTRIBUTES, *NOTE_ATTRIBUTES):
            cap = config_cap if name in CONFIG_ATTRIBUTES else MAX_NOTE_BYTES
            watchdog()
            try:
                value = _attribute(h5file, name, cap)
            except OverflowError as exc:
                out["limits"].append([name, str(exc)])
                continue
            if value is not None and name in CONFIG_ATTRIBUTES:
                out["configs"][name] = base64.b64encode(value).decode("ascii")
            elif value is not None:
                out["notes"][name] = value.decode("utf-8", "replace")
        out.update(walk_links(h5file, deadline, watchdog))
    except Exception as exc:  # a corrupt object header surfaces only when it is read
        out["error"] = f"HDF5 metadata could not be read: {exc}"
    finally:
        h5file.close()  # before the file object goes: h5py must not outlive it
    return out
