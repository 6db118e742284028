"""What every container reader yields, and the small helpers the readers share."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.reports import ContainerReport

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Member:
    """One member of a container.

    ``blob`` is ``None`` when the member cannot be read (``error`` says why): the engine
    reports it as a skipped entry instead of silently dropping it. ``offset`` is where
    the member's data starts inside the container blob, when that is meaningful (stored
    and compressed zip data, tar data; not for solid 7z blocks).
    """

    name: str
    blob: Blob | None
    offset: int | None
    declared_size: int | None
    error: str | None = None
    # A deferred integrity check (the CRC of a stored zip member), run by the engine only
    # for members it analyses: tensor storages a loader never parses are not read at all.
    verify: Callable[[], None] | None = None


def member_location(report: ContainerReport, name: str, offset: int | None) -> Location:
    return report.location.inner(name).at(offset)


def path_problem(name: str) -> str | None:
    """Why extracting ``name`` could write outside the target directory, if it could.

    Backslashes count on every platform: an archive written on Linux is still unpacked
    on Windows, where ``..\\`` climbs directories.
    """
    if "\x00" in name:
        return "name contains a NUL byte"
    if name.startswith(("/", "\\")):
        return "absolute name"
    if _DRIVE.match(name):
        return "name starts with a drive letter"
    if ".." in re.split(r"[/\\]", name):
        return "name contains a '..' component"
    if "\\" in name:
        return "name contains a backslash"
    return None


class BlobFile(io.RawIOBase):
    """A read-only, seekable file object over a blob, for stdlib and third-party readers
    that want a file: reads copy only what is asked for, nothing is written anywhere."""

    def __init__(self, blob: Blob) -> None:
        super().__init__()
        self._blob = blob
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def write(self, data: object, /) -> int:
        raise io.UnsupportedOperation("a blob is read-only")

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = len(self._blob) + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise OSError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._blob.read(self._pos, len(buffer))
        view = memoryview(buffer).cast("B")
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = max(0, len(self._blob) - self._pos)
        data = self._blob.read(self._pos, size)
        self._pos += len(data)
        return data
