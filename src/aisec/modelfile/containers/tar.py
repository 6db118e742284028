"""Tar archives (v7, ustar, GNU, PAX), read with the standard library's header parser.

``tarfile`` only parses headers here: it reads through a read-only file object over the
blob and nothing is extracted. Member data is never copied: a regular member is a window
on the archive. Links are reported, never followed; device, FIFO and sparse members are
reported and skipped.
"""

from __future__ import annotations

import tarfile
from collections.abc import Generator, Iterator

from aisec.core.errors import MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.member import BlobFile, Member, member_location, path_problem
from aisec.modelfile.reports import ContainerReport

_BLOCK = 512
# What tarfile raises on hostile headers besides its own errors: bad numbers, bad PAX
# records, undecodable names.
_HEADER_ERRORS = (tarfile.TarError, ValueError, OverflowError, UnicodeError, EOFError, OSError)
_SPECIAL = {
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "FIFO",
}


def is_tar(head: bytes) -> bool:
    """The ustar magic (POSIX and GNU) at offset 257, or an old v7 header whose checksum
    adds up."""
    if head[257:262] == b"ustar":
        return True
    return len(head) >= _BLOCK and _checksum_ok(head[:_BLOCK])


def _checksum_ok(block: bytes) -> bool:
    field = block[148:156].split(b"\x00", 1)[0].strip(b" ")
    if not field or any(c not in b"01234567" for c in field) or not block[0]:
        return False
    recorded = int(field, 8)
    unsigned = sum(block[:148]) + 8 * 0x20 + sum(block[156:])
    # Some old writers summed the bytes as signed chars.
    signed = unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b > 127)
    return recorded in (unsigned, signed)


def iter_tar(blob: Blob, report: ContainerReport, settings: Settings) -> Iterator[Member]:
    """The members of a tar archive, regular ones as zero-copy windows on ``blob``.

    Raises :class:`MalformedInput` when not even the first header can be read; a bad
    header later on ends the walk with an anomaly.
    """
    try:
        archive = tarfile.TarFile(fileobj=BlobFile(blob), mode="r")
    except _HEADER_ERRORS as exc:
        raise MalformedInput(f"not a readable tar archive: {exc}", offset=0) from None
    with archive:
        completed = yield from _walk(archive, blob, report, settings)
        if completed:
            _check_end(archive, blob, report)


def _walk(
    archive: tarfile.TarFile, blob: Blob, report: ContainerReport, settings: Settings
) -> Generator[Member, None, bool]:
    """Yield the members; return whether the walk reached the end-of-archive marker."""
    seen = 0
    while True:
        try:
            info = archive.next()
        except _HEADER_ERRORS as exc:
            _stop(report, archive.offset, f"unreadable tar header ({exc})")
            return False
        if info is None:
            return True
        if info.size < 0:
            # tarfile would step backwards to the "next" header and go round in circles.
            _stop(report, info.offset, f"header declares a negative size ({info.size})")
            return False
        seen += 1
        if seen > settings.max_archive_members:
            report.add("limit", f"more than {settings.max_archive_members} members; rest not read")
            return False
        # tarfile keeps every header it has read; we walk once and need none of them.
        kept = getattr(archive, "members", None)
        if isinstance(kept, list):
            kept.clear()
        member = _member(info, blob, report, settings)
        if member is not None:
            report.members += 1
            yield member


def _stop(report: ContainerReport, offset: int, reason: str) -> None:
    report.add(
        "unreadable-member",
        f"{reason}; the rest of the archive was not read",
        report.location.at(offset),
    )


def _member(
    info: tarfile.TarInfo, blob: Blob, report: ContainerReport, settings: Settings
) -> Member | None:
    where = member_location(report, info.name, info.offset)
    problem = path_problem(info.name)
    if problem is not None:
        report.add("path-traversal", f"{problem}: {info.name!r}", where, name=info.name)
    if info.issym() or info.islnk():
        _link(info, report)
        return None
    if info.type in _SPECIAL:
        kind = _SPECIAL[info.type]
        report.add("unreadable-member", f"{kind} member skipped", where, type=kind)
        return None
    if info.isdir():
        return None
    if info.issparse():
        report.add("unreadable-member", "sparse member not reassembled", where, type="sparse")
        return Member(info.name, None, info.offset_data, info.size, "sparse member")
    if not info.isreg():
        report.add(
            "malformed",
            f"unknown member type {info.type!r}, read as a file",
            where,
            type=repr(info.type),
        )
    return _data(info, blob, report, settings)


def _data(info: tarfile.TarInfo, blob: Blob, report: ContainerReport, settings: Settings) -> Member:
    start, size = info.offset_data, info.size
    where = member_location(report, info.name, start)
    if size > settings.max_file_size:
        report.add("limit", f"member of {size} bytes exceeds max_file_size", where)
        return Member(info.name, None, start, size, "larger than max_file_size")
    if start + size > len(blob):
        reason = "member data extends past the end of the file"
        report.add("unreadable-member", reason, where)
        return Member(info.name, None, start, size, reason)
    return Member(info.name, blob.slice(start, start + size), start, size)


def _link(info: tarfile.TarInfo, report: ContainerReport) -> None:
    kind = "symbolic link" if info.issym() else "hard link"
    where = member_location(report, info.name, info.offset)
    report.add(
        "link-member",
        f"{kind} to {info.linkname!r} (not followed)",
        where,
        type=kind,
        target=info.linkname,
    )
    problem = path_problem(info.linkname)
    if problem is not None:
        report.add(
            "path-traversal",
            f"link target: {problem}: {info.linkname!r}",
            where,
            target=info.linkname,
        )


def _check_end(archive: tarfile.TarFile, blob: Blob, report: ContainerReport) -> None:
    """tarfile stops quietly at the end-of-archive blocks, and also at a broken header
    after the first; either way, anything non-zero after that point is worth a note."""
    pos = archive.offset
    while pos < len(blob):
        chunk = blob.read(pos, 1024 * 1024)
        stripped = chunk.lstrip(b"\x00")
        if stripped:
            first = pos + len(chunk) - len(stripped)
            report.add(
                "trailing-data",
                f"non-zero data at offset {first}, after the end of the tar archive",
                report.location.at(first),
                size=len(blob) - first,
            )
            return
        pos += len(chunk)
