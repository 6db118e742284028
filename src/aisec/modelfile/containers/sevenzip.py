"""7z archives, decoded by py7zr into bounded memory (or a temp file), never onto disk.

py7zr decides output names itself and refuses names that climb out of the target
directory, which would let an attacker hide a member from a scanner just by naming it
``../x``. So before extracting, each member is renamed in py7zr's in-memory header to a
synthetic key (``m<index>``); the writer factory files output under that key. The real
name is only reported. Declared sizes are checked before anything is decoded; py7zr
never produces more than a member declares, and the writers cap what they accept anyway.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, cast

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.blob import SPOOL_THRESHOLD, Blob
from aisec.modelfile.containers.compressed import CHUNK, output_cap, oversize, ratio_exceeded
from aisec.modelfile.containers.member import BlobFile, Member, member_location, path_problem
from aisec.modelfile.reports import ContainerReport

if TYPE_CHECKING:
    from py7zr import SevenZipFile
    from py7zr.py7zr import ArchiveFile

_MAGIC = b"7z\xbc\xaf\x27\x1c"
# Each failed extraction pass gives up on one solid block; past this many, give up on all.
_MAX_PASSES = 16


def is_7z(head: bytes) -> bool:
    return head.startswith(_MAGIC)


@dataclass
class _Plan:
    """A member to extract: its real name, synthetic key and what the header declares."""

    name: str
    key: str
    size: int
    crc: int | None
    block: object  # py7zr's folder: members of one solid block fail together


class _Memory:
    """Bytes held in memory by all the spools of one extraction pass: py7zr hands the
    members over only when the pass ends, so the threshold has to apply to their sum."""

    def __init__(self) -> None:
        self.used = 0


class _Spool:
    """Collects one member's output: in memory while the pass's total is small, then in
    a temp file; refuses to grow past ``limit``; keeps a CRC-32 (py7zr's own check is
    disabled so that a bad CRC is an anomaly, not a failed extraction)."""

    def __init__(self, limit: int, what: str, memory: _Memory) -> None:
        self.limit = limit
        self.what = what
        self.size = 0
        self.crc = 0
        self.done = False
        self._memory = memory
        self._parts: list[bytes] = []
        self._held = 0  # bytes in _parts
        self._file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise LimitExceeded(f"{self.what} size", self.limit)
        self.crc = zlib.crc32(data, self.crc)
        if self._file is None and self._memory.used + len(data) > SPOOL_THRESHOLD:
            self._spill()
        if self._file is not None:
            self._file.write(data)
        else:
            self._parts.append(data)
            self._held += len(data)
            self._memory.used += len(data)
        return len(data)

    def _spill(self) -> None:
        # Kept open across writes and closed by blob() or discard().
        self._file = tempfile.TemporaryFile(prefix="aisec-")  # noqa: SIM115
        for part in self._parts:
            self._file.write(part)
        self._release()

    def _release(self) -> None:
        self._memory.used -= self._held
        self._held = 0
        self._parts.clear()

    def blob(self) -> Blob:
        try:
            if self._file is None:
                return Blob.spool(self._parts, limit=self.limit, what=self.what)
            fh = self._file
            fh.seek(0)
            return Blob.spool(iter(lambda: fh.read(CHUNK), b""), limit=self.limit, what=self.what)
        finally:
            self.discard()

    def discard(self) -> None:
        self._release()
        if self._file is not None:
            self._file.close()
            self._file = None


def iter_7z(blob: Blob, report: ContainerReport, settings: Settings) -> Iterator[Member]:
    """The members of a 7z archive, decompressed within the caps.

    Raises :class:`MalformedInput` when the archive's header cannot be read; encrypted
    members, corrupt blocks and bombs become anomalies and members without a blob.
    """
    import py7zr  # deferred: py7zr and its codecs are slow to import

    try:
        archive = py7zr.SevenZipFile(cast("IO[bytes]", BlobFile(blob)), mode="r")
    except py7zr.PasswordRequired:
        report.add("unreadable-member", "7z archive with an encrypted header (needs a password)")
        return
    # py7zr parses hostile headers with code that can fail in many ways (struct, index,
    # key, codec errors); any failure to open means the header is not readable.
    except Exception as exc:
        raise MalformedInput(f"not a readable 7z archive: {exc}", offset=0) from None
    with archive:
        plans, ready = _plan(archive, blob, report, settings)
        yield from ready
        if not plans:
            return
        if archive.needs_password():
            for plan in plans:
                yield _unreadable(report, plan, "encrypted member (needs a password)")
            return
        yield from _extract(archive, plans, report, settings)


def _plan(
    archive: SevenZipFile, blob: Blob, report: ContainerReport, settings: Settings
) -> tuple[list[_Plan], list[Member]]:
    """Decide, from the header alone, what to extract; return the plans and the members
    that are already settled (empty files, bombs)."""
    plans: list[_Plan] = []
    ready: list[Member] = []
    declared = 0
    for index, info in enumerate(archive.files):
        if index >= settings.max_archive_members:
            report.add("limit", f"more than {settings.max_archive_members} members; rest not read")
            break
        name = info.filename
        if not _wanted(info, name, report):
            continue
        if info.emptystream:
            report.members += 1
            ready.append(Member(name, Blob.from_bytes(b""), None, 0))
            continue
        size = info.uncompressed
        refusal = oversize(size, settings)
        if refusal is None and ratio_exceeded(declared + size, len(blob), settings):
            refusal = (
                "decompression-bomb",
                f"declares {size} bytes; the archive would expand beyond max_compression_ratio",
            )
        if refusal is not None:
            ready.append(_refused(report, name, size, *refusal))
            continue
        declared += size
        plans.append(_rename(info, name, index, size))
    names = set(archive.namelist())
    if any(plan.key not in names for plan in plans):  # pragma: no cover - py7zr changed
        raise MalformedInput("cannot address 7z members by index with this py7zr version")
    archive.max_extract_size = max(1, declared)
    return plans, ready


def _wanted(info: ArchiveFile, name: str, report: ContainerReport) -> bool:
    """Check the name and type; return whether the member has data to analyse."""
    where = member_location(report, name, None)
    problem = path_problem(name)
    if problem is not None:
        report.add("path-traversal", f"{problem}: {name!r}", where, name=name)
    if info.is_symlink or info.is_junction:
        kind = "symbolic link" if info.is_symlink else "junction"
        report.add("link-member", f"{kind} (not followed)", where, type=kind)
        return False
    if info.is_socket:
        report.add("unreadable-member", "socket member skipped", where, type="socket")
        return False
    return not info.is_directory


def _rename(info: ArchiveFile, name: str, index: int, size: int) -> _Plan:
    # file_properties() hands back py7zr's own header dict, so these edits are what
    # extraction sees: a safe name to file the output under, and no digest, so that a
    # bad CRC does not abort the extraction (we compare it ourselves).
    props = info.file_properties()
    key = f"m{index}"
    crc = info.crc32
    props["filename"] = key
    props.pop("digest", None)  # type: ignore[typeddict-item]
    return _Plan(name, key, size, crc, info.folder)


def _extract(
    archive: SevenZipFile, plans: list[_Plan], report: ContainerReport, settings: Settings
) -> Iterator[Member]:
    pending = {plan.key: plan for plan in plans}
    with tempfile.TemporaryDirectory(prefix="aisec-7z-") as anchor:
        for _ in range(_MAX_PASSES):
            spools: dict[str, _Spool] = {}
            archive.reset()
            failure = _run(archive, list(pending), anchor, spools, output_cap(settings))
            for key, spool in spools.items():
                plan = pending.get(key)
                if plan is not None and spool.done:
                    del pending[key]
                    yield _finished(report, plan, spool)
                else:
                    spool.discard()
            if failure is None or not pending:
                break
            yield from _give_up_block(report, pending, failure)
    for plan in pending.values():
        yield _unreadable(report, plan, "not extracted: too many corrupt blocks")


def _give_up_block(
    report: ContainerReport, pending: dict[str, _Plan], failure: BaseException
) -> Iterator[Member]:
    """Extraction runs block by block in member order, so the failure is in the block of
    the first member still pending; in a solid block, nothing after a failure decodes."""
    first = next(iter(pending.values()))
    reason = _reason(failure)
    for key, plan in list(pending.items()):
        if plan.block is first.block:
            del pending[key]
            if isinstance(failure, LimitExceeded):
                detail = f"decoding stopped: {failure}"
                yield _refused(report, plan.name, plan.size, "decompression-bomb", detail)
            else:
                yield _unreadable(report, plan, reason)


def _reason(failure: BaseException) -> str:
    name = type(failure).__name__
    if name == "PasswordRequired":
        return "encrypted member (needs a password)"
    if name == "DecompressionBombError":
        return "its solid block decompresses beyond the declared sizes"
    if name == "UnsupportedCompressionMethodError":
        return f"unsupported compression method: {failure}"
    return f"corrupt data: {name}: {failure}"


def _run(
    archive: SevenZipFile, keys: list[str], anchor: str, spools: dict[str, _Spool], cap: int
) -> BaseException | None:
    """One extraction pass into ``spools``; return what stopped it, if anything."""
    from py7zr.io import Py7zIO, WriterFactory

    class Writer(Py7zIO):
        def __init__(self, spool: _Spool) -> None:
            self.spool = spool

        def write(self, s: bytes | bytearray) -> int:
            return self.spool.write(bytes(s))

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            return None

        def size(self) -> int:
            return self.spool.size

        def close(self) -> None:
            self.spool.done = True

    memory = _Memory()

    class Factory(WriterFactory):
        def create(self, filename: str) -> Py7zIO:
            key = PurePath(filename).name
            spool = _Spool(cap, f"7z member {key}", memory)
            spools[key] = spool
            return Writer(spool)

    try:
        archive.extract(path=anchor, targets=keys, factory=Factory())
    # Anything py7zr raises while decoding (its own errors, codec errors, ours from the
    # writer) ends this pass only; the caller retries without the failing block.
    except Exception as exc:
        return exc
    return None


def _finished(report: ContainerReport, plan: _Plan, spool: _Spool) -> Member:
    where = member_location(report, plan.name, None)
    if plan.crc is not None and spool.crc != plan.crc:
        report.add("crc-mismatch", f"CRC-32 differs from the declared {plan.crc:#010x}", where)
    if spool.size != plan.size:
        report.add(
            "malformed", f"member decoded to {spool.size} bytes, header declares {plan.size}", where
        )
    report.members += 1
    return Member(plan.name, spool.blob(), None, plan.size)


def _refused(report: ContainerReport, name: str, size: int, kind: str, detail: str) -> Member:
    report.add(kind, detail, member_location(report, name, None), declared=size)
    report.members += 1
    prefix = "decompression bomb: " if kind == "decompression-bomb" else ""
    return Member(name, None, None, size, prefix + detail)


def _unreadable(report: ContainerReport, plan: _Plan, reason: str) -> Member:
    report.add("unreadable-member", reason, member_location(report, plan.name, None))
    report.members += 1
    return Member(plan.name, None, None, plan.size, reason)
