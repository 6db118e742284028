"""What the scanner reads of an HDF5 file, read through h5py (in the isolated child).

h5py gets the artefact's bytes as a read-only file object: nothing is re-opened by path,
and because h5py's file-object driver serves every file the library opens, external
links and virtual datasets resolve against the same bytes, never against the disk.
The result is records for the parent (``hdf5_isolated``), each sent as soon as it is
known: the Keras configs as byte strings, the other root attributes, then the link tree.
A crash or stall in the walk then loses only the walk.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from aisec.modelfile.blob import Blob
from aisec.modelfile.formats.hdf5_isolated import Record
from aisec.modelfile.formats.hdf5_tree import MAX_TEXT, MAX_WALK_JSON, clip, walk_links

CONFIG_ATTRIBUTES = ("model_config", "training_config")
NOTE_ATTRIBUTES = ("keras_version", "backend")
MAX_NOTE_BYTES = 256
# The largest JSON record the reader sends: the walk's, or the attributes' (two notes of
# MAX_NOTE_BYTES, a few limits and errors of MAX_TEXT characters, 6 bytes each at most).
MAX_JSON_RECORD = max(MAX_WALK_JSON, 6 * (2 * MAX_NOTE_BYTES + 8 * MAX_TEXT) + 4096)


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
) -> Iterator[Record]:
    """Root attributes, then external references; ``watchdog`` is called at every step.

    Yields each config as ``(name, bytes)`` (at most ``config_cap`` bytes each), then the
    notes and limits, then the walk's result; an error ends the records with ``error``."""
    import h5py

    handle = BlobFile(blob)
    try:
        h5file = h5py.File(handle, "r")
    except Exception as exc:  # h5py raises OSError, ValueError, KeyError ... on bad files
        yield {"open_error": clip(str(exc))}
        return
    out: dict[str, Any] = {"notes": {}, "limits": []}
    try:
        try:
            for name in (*CONFIG_ATTRIBUTES, *NOTE_ATTRIBUTES):
                cap = config_cap if name in CONFIG_ATTRIBUTES else MAX_NOTE_BYTES
                watchdog()
                try:
                    value = _attribute(h5file, name, cap)
                except OverflowError as exc:
                    out["limits"].append([name, clip(str(exc))])
                    continue
                if value is not None and name in CONFIG_ATTRIBUTES:
                    yield (name, value)
                elif value is not None:
                    out["notes"][name] = value.decode("utf-8", "replace")
        except Exception as exc:  # a corrupt object header surfaces only when it is read
            out["error"] = clip(f"HDF5 metadata could not be read: {exc}")
        yield out
        if "error" in out:
            return
        try:
            walked = walk_links(h5file, deadline, watchdog)
        except Exception as exc:
            walked = {"error": clip(f"HDF5 metadata could not be read: {exc}")}
        yield walked
    finally:
        h5file.close()  # before the file object goes: h5py must not outlive it
