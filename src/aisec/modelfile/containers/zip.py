"""Zip archives, read the way ``torch.load`` reads them, only more forgiving.

PyTorch checkpoints, ``.npz``, ``.keras`` and many other model files are zip archives, and
what matters is what the *loader* sees: PyTorch uses miniz, which takes names and sizes
from the central directory, ignores CRCs and most flag bits, and finds the directory by
scanning back from the end. Python's ``zipfile`` disagrees with it on several of those
points, and every disagreement is a place to hide a payload from a scanner. So this is our
own reader: it accepts whatever miniz accepts (and a little more: a prefix before the
archive, bad CRCs, odd flags), yields every member it can read, and records each oddity as
an anomaly instead of refusing the file.
"""

from __future__ import annotations

import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.compressed import (
    iter_decompressed,
    output_cap,
    oversize,
    ratio_exceeded,
)
from aisec.modelfile.containers.member import Member, member_location, path_problem
from aisec.modelfile.reports import ContainerReport

_EOCD = b"PK\x05\x06"
_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_EOCD_SIZE, _LOCATOR_SIZE, _EOCD64_SIZE, _CENTRAL_SIZE, _LOCAL_SIZE = 22, 20, 56, 46, 30
_MAX_COMMENT = 0xFFFF
_UNIX_HOST = 3  # high byte of "version made by": the external attributes hold st_mode
_MAX32 = 0xFFFFFFFF
# A 200 MB checkpoint is mostly stored tensor data: checking its CRC would read all of it
# for nothing, since the loader does not check it either.
_CRC_LIMIT = 64 * 1024 * 1024

_ENCRYPTED = 0x0001
_STRONG_ENCRYPTION = 0x0040
# Compression options (bits 1-2), data descriptor (3) and UTF-8 names (11) are routine;
# encryption (0, 6) is judged by whether the data reads; everything else is unusual.
_ROUTINE_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800 | _ENCRYPTED | _STRONG_ENCRYPTION
_CODECS = {8: "deflate", 12: "zip-bzip2", 14: "zip-lzma"}
_KNOWN_METHODS = {
    1: "shrink",
    6: "implode",
    9: "deflate64",
    93: "zstandard",
    95: "xz",
    98: "ppmd",
    99: "AES encryption",
}


@dataclass(frozen=True)
class _Directory:
    start: int  # first central entry (blob offset)
    end: int  # central entries stop here: the zip64 end record or the end record
    count: int  # entries the end record declares
    shift: int  # bytes in front of the archive, added to every recorded offset
    tail: int  # end of the end record and its comment


@dataclass(frozen=True)
class _Entry:
    name: str
    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    header: int  # local header offset in the blob, shift applied
    mode: int = 0  # Unix file mode, when the archive was made on Unix


# -- finding the central directory ---------------------------------------------------------
def is_zip(head: bytes, blob: Blob) -> bool:
    """A local header (or the end record of an empty archive) at the start, or an end
    record near the end that leads to at least one central directory entry: archives
    with a prefix, such as self-extracting ones, count too. A bare end record is not
    enough, or 22 appended bytes would make any file pass for an empty zip."""
    if head.startswith((_LOCAL, _EOCD)):
        return True
    directory = _find_directory(blob)
    return directory is not None and directory.start < directory.end


def _find_directory(blob: Blob) -> _Directory | None:
    """Scan back from the end for an end record that leads to a central directory; like
    miniz, the one nearest the end wins."""
    span = min(len(blob), _MAX_COMMENT + _EOCD_SIZE)
    base = len(blob) - span
    tail = blob.read(base, span)
    limit = len(tail) - _EOCD_SIZE + len(_EOCD)
    while limit >= len(_EOCD):
        found = tail.rfind(_EOCD, 0, limit)
        if found < 0:
            return None
        directory = _directory_at(blob, base + found)
        if directory is not None:
            return directory
        limit = found + len(_EOCD) - 1
    return None


def _directory_at(blob: Blob, eocd: int) -> _Directory | None:
    record = blob.read(eocd, _EOCD_SIZE)
    if len(record) < _EOCD_SIZE:
        return None
    count, size, offset, comment = struct.unpack("<10xHIIH", record)
    end = eocd
    zip64 = _zip64_end(blob, eocd)
    if zip64 is not None:
        count, size, offset, end = zip64
    tail = eocd + _EOCD_SIZE + comment
    # miniz's rule: whatever lies between the recorded and the actual end of the
    # directory was prepended to the archive, and every recorded offset moves by it.
    shift = end - size - offset
    candidates = [(offset + shift, shift)] if shift >= 0 else []
    candidates.append((offset, 0))
    for start, moved in candidates:
        if 0 <= start < end and blob.read(start, 4) == _CENTRAL:
            return _Directory(start, end, count, moved, tail)
    if count == 0:
        return _Directory(end, end, 0, max(shift, 0), tail)
    return None


def _zip64_end(blob: Blob, eocd: int) -> tuple[int, int, int, int] | None:
    """Entry count, directory size and offset, and position of the zip64 end record."""
    if eocd < _LOCATOR_SIZE:
        return None
    locator = blob.read(eocd - _LOCATOR_SIZE, _LOCATOR_SIZE)
    if locator[:4] != _LOCATOR:
        return None
    (recorded,) = struct.unpack_from("<Q", locator, 8)
    # Right before the locator first: that works even when a prefix moved everything.
    for pos in (eocd - _LOCATOR_SIZE - _EOCD64_SIZE, recorded):
        record = blob.read(pos, _EOCD64_SIZE) if pos >= 0 else b""
        if len(record) == _EOCD64_SIZE and record[:4] == _EOCD64:
            count, size, offset = struct.unpack_from("<QQQ", record, 32)
            return count, size, offset, pos
    return None


# -- the central directory -----------------------------------------------------------------
def _central_entries(
    blob: Blob, directory: _Directory, report: ContainerReport
) -> Iterator[_Entry]:
    """Every entry, walking by signature rather than by the declared count: a reader
    that trusts the count can be shown fewer entries than another one sees."""
    pos = directory.start
    while pos + _CENTRAL_SIZE <= directory.end and blob.read(pos, 4) == _CENTRAL:
        parsed = _central_entry(blob, pos, directory.shift)
        if parsed is None or parsed[1] > directory.end:
            report.add(
                "unreadable-member",
                "central directory entry is truncated; later entries were not read",
                report.location.at(pos),
            )
            return
        entry, pos = parsed
        yield entry


def _central_entry(blob: Blob, pos: int, shift: int) -> tuple[_Entry, int] | None:
    fixed = blob.read(pos, _CENTRAL_SIZE)
    flags, method, _time, _date, crc, compressed, size, name_len, extra_len, comment_len = (
        struct.unpack_from("<4H3I3H", fixed, 8)
    )
    (attributes, header) = struct.unpack_from("<II", fixed, 38)
    mode = attributes >> 16 if fixed[5] == _UNIX_HOST else 0
    raw_name = blob.read(pos + _CENTRAL_SIZE, name_len)
    extra = blob.read(pos + _CENTRAL_SIZE + name_len, extra_len)
    if len(raw_name) < name_len or len(extra) < extra_len:
        return None
    size, compressed, header = _zip64_extra(extra, size, compressed, header)
    entry = _Entry(
        _decode_name(raw_name), raw_name, flags, method, crc, compressed, size, header + shift, mode
    )
    return entry, pos + _CENTRAL_SIZE + name_len + extra_len + comment_len


def _zip64_extra(extra: bytes, size: int, compressed: int, header: int) -> tuple[int, int, int]:
    """Replace the 32-bit fields that overflowed with their zip64 extra-field values, in
    the order the format fixes (size, compressed size, header offset)."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag == 0x0001:
            body = extra[pos + 4 : pos + 4 + length]
            values = iter(struct.unpack_from(f"<{len(body) // 8}Q", body))
            if size == _MAX32:
                size = next(values, size)
            if compressed == _MAX32:
                compressed = next(values, compressed)
            if header == _MAX32:
                header = next(values, header)
            break
        pos += 4 + length
    return size, compressed, header


def _decode_name(raw: bytes) -> str:
    """UTF-8 whatever the flag says (many writers omit it), else the legacy code page."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp437")


# -- members -------------------------------------------------------------------------------
class _Checksum:
    """Passes chunks through, keeping their CRC-32 and total size."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self.crc = 0
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.crc = zlib.crc32(chunk, self.crc)
            self.size += len(chunk)
            yield chunk


class _Reader:
    def __init__(self, blob: Blob, report: ContainerReport, settings: Settings) -> None:
        self.blob = blob
        self.report = report
        self.settings = settings
        self.names: dict[bytes, bytes] = {}
        self.produced = 0  # bytes handed out so far, against the archive-wide ratio

    def member(self, entry: _Entry) -> Member | None:
        self._check_name(entry)
        if stat.S_ISLNK(entry.mode):
            # unzip, bsdtar and libarchive-based extractors create the link, and what it
            # points at is then read or overwritten through it; Python's zipfile and
            # torch ignore the mode and read the bytes, so those are analysed as well
            where = member_location(self.report, entry.name, entry.header)
            self.report.add(
                "link-member", "symbolic link (not followed)", where, type="symbolic link"
            )
        if entry.raw_name.endswith(b"/") and entry.size == 0 and entry.compressed == 0:
            return None  # a directory: nothing to analyse
        start = self._locate(entry)
        if isinstance(start, Member):
            return start
        where = member_location(self.report, entry.name, start)
        unusual = entry.flags & ~_ROUTINE_FLAGS
        if unusual:
            self.report.add(
                "flag-bits",
                f"unusual general-purpose flag bits {unusual:#06x}",
                where,
                flags=entry.flags,
            )
        refused = self._refuse(entry, start, where)
        if refused is not None:
            return refused
        window = self.blob.slice(start, start + entry.compressed)
        if entry.method == 0:
            return self._stored(entry, window, start, where)
        return self._inflated(entry, window, start, where)

    def _check_name(self, entry: _Entry) -> None:
        where = member_location(self.report, entry.name, entry.header)
        problem = path_problem(entry.name)
        if problem is not None:
            self.report.add("path-traversal", f"{problem}: {entry.name!r}", where, name=entry.name)
        # miniz looks names up case-insensitively (ASCII only), so two names differing in
        # case are the same member to the loader, and only one of them gets loaded.
        key = entry.raw_name.lower()
        previous = self.names.get(key)
        if previous is None:
            self.names[key] = entry.raw_name
            return
        how = "exact" if previous == entry.raw_name else "differs only in case"
        self.report.add(
            "duplicate-name",
            f"name {entry.name!r} appears more than once ({how})",
            where,
            match=how,
        )

    def _locate(self, entry: _Entry) -> int | Member:
        """Where the member's data starts, from its local header."""
        head = self.blob.read(entry.header, _LOCAL_SIZE)
        if len(head) < _LOCAL_SIZE or head[:4] != _LOCAL:
            return self._unreadable(entry, entry.header, "no local header at the recorded offset")
        name_len, extra_len = struct.unpack_from("<HH", head, 26)
        local_name = self.blob.read(entry.header + _LOCAL_SIZE, name_len)
        if local_name != entry.raw_name:
            self.report.add(
                "name-mismatch",
                f"local header names {_decode_name(local_name)!r}, "
                f"central directory {entry.name!r}",
                member_location(self.report, entry.name, entry.header),
                local=_decode_name(local_name),
                central=entry.name,
            )
        start: int = entry.header + _LOCAL_SIZE + name_len + extra_len
        if start + entry.compressed > len(self.blob):
            return self._unreadable(entry, start, "member data extends past the end of the file")
        return start

    def _refuse(self, entry: _Entry, start: int, where: Location) -> Member | None:
        """Refuse before reading: unsupported methods and sizes beyond the caps."""
        if entry.method != 0 and entry.method not in _CODECS:
            method = _KNOWN_METHODS.get(entry.method, "unknown")
            return self._unreadable(
                entry, start, f"unsupported compression method {entry.method} ({method})"
            )
        if entry.method == 0 and entry.compressed > self.settings.max_file_size:
            detail = f"member of {entry.compressed} bytes exceeds max_file_size"
            return self._refused(entry, start, "limit", detail)
        refusal = oversize(entry.size, self.settings) if entry.method != 0 else None
        if refusal is not None:
            return self._refused(entry, start, *refusal)
        if entry.method != 0 and ratio_exceeded(entry.size, entry.compressed, self.settings):
            detail = f"declares {entry.size} bytes from {entry.compressed} compressed"
            return self._refused(entry, start, "decompression-bomb", detail)
        total = self.produced + max(entry.size, entry.compressed)
        if ratio_exceeded(total, len(self.blob), self.settings):
            detail = "the archive as a whole expands beyond max_compression_ratio"
            return self._refused(entry, start, "decompression-bomb", detail)
        return None

    def _stored(self, entry: _Entry, window: Blob, start: int, where: Location) -> Member:
        encrypted = bool(entry.flags & (_ENCRYPTED | _STRONG_ENCRYPTION))
        crc_ok: bool | None = None
        if encrypted:
            crc_ok = _crc(window.iter_chunks()) == entry.crc
        if encrypted and not (crc_ok and entry.size == entry.compressed):
            window.close()
            return self._unreadable(entry, start, "encrypted member (needs a password)")
        if entry.size != entry.compressed:
            self.report.add(
                "malformed",
                f"stored member declares {entry.size} bytes but holds {entry.compressed}",
                where,
            )
        self._after_read(entry, where, crc_ok, encrypted)
        self.produced += len(window)
        member = self._member(entry, window, start)
        if not encrypted and len(window) <= _CRC_LIMIT:

            def verify() -> None:
                self._after_read(entry, where, _crc(window.iter_chunks()) == entry.crc, False)

            member.verify = verify
        return member

    def _inflated(self, entry: _Entry, window: Blob, start: int, where: Location) -> Member:
        encrypted = bool(entry.flags & (_ENCRYPTED | _STRONG_ENCRYPTION))
        what = f"zip member {entry.name}"
        checksum = _Checksum(
            iter_decompressed(
                window, _CODECS[entry.method], self.settings, what, expected_size=entry.size
            )
        )
        try:
            data = Blob.spool(checksum, limit=output_cap(self.settings), what=what)
        except LimitExceeded as exc:
            return self._refused(entry, start, "decompression-bomb", f"decoding stopped: {exc}")
        except MalformedInput as exc:
            reason = "encrypted member (needs a password)" if encrypted else str(exc)
            return self._unreadable(entry, start, reason)
        finally:
            window.close()
        crc_ok = checksum.crc == entry.crc
        if encrypted and not crc_ok:
            data.close()
            return self._unreadable(entry, start, "encrypted member (needs a password)")
        if checksum.size != entry.size:
            self.report.add(
                "malformed",
                f"member decompresses to {checksum.size} bytes, directory declares {entry.size}",
                where,
            )
        self._after_read(entry, where, crc_ok, encrypted)
        self.produced += checksum.size
        return self._member(entry, data, start)

    def _after_read(
        self, entry: _Entry, where: Location, crc_ok: bool | None, encrypted: bool
    ) -> None:
        if encrypted:
            self.report.add(
                "flag-bits",
                "encryption bit set although the data reads as plain",
                where,
                flags=entry.flags,
            )
        if crc_ok is False:
            self.report.add(
                "crc-mismatch", f"CRC-32 differs from the declared {entry.crc:#010x}", where
            )

    def _refused(self, entry: _Entry, start: int, kind: str, detail: str) -> Member:
        where = member_location(self.report, entry.name, start)
        evidence = {"declared": entry.size, "compressed": entry.compressed}
        self.report.add(kind, detail, where, **evidence)
        prefix = "decompression bomb: " if kind == "decompression-bomb" else ""
        return self._member(entry, None, start, prefix + detail)

    def _unreadable(self, entry: _Entry, offset: int, reason: str) -> Member:
        where = member_location(self.report, entry.name, offset)
        self.report.add("unreadable-member", reason, where, method=entry.method)
        return self._member(entry, None, offset, reason)

    def _member(
        self, entry: _Entry, blob: Blob | None, offset: int, error: str | None = None
    ) -> Member:
        self.report.members += 1
        return Member(entry.name, blob, offset, entry.size, error)


def _crc(chunks: Iterable[bytes]) -> int:
    crc = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    return crc


PREFIX_MEMBER = "(prefix)"


def iter_zip(blob: Blob, report: ContainerReport, settings: Settings) -> Iterator[Member]:
    """The members of a zip archive, stored ones as zero-copy windows on ``blob``.

    Data in front of the archive (a self-extracting stub, or the pickle of a pickle/zip
    polyglot, which ``torch.load`` falls back to unpickling when the file does not start
    like a zip) comes first, as a pseudo-member named ``(prefix)``, so that it is
    analysed too. Raises :class:`MalformedInput` only when no central directory can be
    found; every other problem is an anomaly on ``report`` and, for a member, a
    ``Member`` whose blob is ``None``.
    """
    directory = _find_directory(blob)
    if directory is None:
        raise MalformedInput("no zip central directory found", offset=len(blob))
    entries = list(
        islice(_central_entries(blob, directory, report), settings.max_archive_members + 1)
    )
    prefix = _prefix(blob, directory, entries, report)
    if prefix is not None:
        yield prefix
    if len(entries) > settings.max_archive_members:
        report.add("limit", f"more than {settings.max_archive_members} members; rest not read")
        entries.pop()
    elif len(entries) != directory.count:
        report.add(
            "malformed",
            f"central directory holds {len(entries)} entries, the end record declares "
            f"{directory.count}",
            report.location.at(directory.start),
        )
    reader = _Reader(blob, report, settings)
    for entry in entries:
        member = reader.member(entry)
        if member is not None:
            yield member


def _prefix(
    blob: Blob, directory: _Directory, entries: list[_Entry], report: ContainerReport
) -> Member | None:
    """Note what lies outside the archive; return the data in front of it, if any."""
    if directory.tail < len(blob):
        report.add(
            "trailing-data",
            f"{len(blob) - directory.tail} bytes after the end of the archive",
            report.location.at(directory.tail),
            size=len(blob) - directory.tail,
        )
    # Offsets may have been adjusted for the prefix ("zip -A"), so the shift alone does
    # not tell: the archive starts at its first local header.
    start = min((e.header for e in entries if e.header < directory.start), default=directory.start)
    if start <= 0:
        return None
    report.add(
        "malformed",
        f"{start} bytes of other data before the archive "
        "(a self-extracting archive or a polyglot file)",
        report.location.at(0),
        prefix=start,
    )
    return Member(PREFIX_MEMBER, blob.slice(0, start), 0, start)


def member_names(blob: Blob) -> list[str]:
    """The names in the central directory, without reading any member: lets a caller
    know what an archive holds (e.g. whether it is a PyTorch archive) before it reads
    members in their stored order."""
    directory = _find_directory(blob)
    if directory is None:
        return []
    scratch = ContainerReport(Location("(names)"), "zip")
    return [entry.name for entry in islice(_central_entries(blob, directory, scratch), 1_000_000)]
