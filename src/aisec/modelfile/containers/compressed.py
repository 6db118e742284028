"""Single-stream compression: recognise it, and decompress it within the caps.

Model files arrive compressed in several ways: ``torch.save`` into gzip, joblib with its
zlib/gzip/bz2/xz/lzma/lz4 compressors, zip members (raw deflate, bzip2, zip-flavoured
LZMA). All of them are decoded here the same way: 1 MiB of input at a time, at most 1 MiB
of output per decoder call, with the output size and the expansion ratio checked on every
chunk, so a bomb is stopped after a bounded amount of work and memory.
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Protocol

from aisec.core.errors import AnalysisError, LimitExceeded, MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.reports import ContainerReport

CHUNK = 1024 * 1024
# Below this much output the ratio is not checked: small files with long runs of zeros
# (empty tensors, padding) legitimately compress by more than any sensible ratio cap.
RATIO_FLOOR = 10 * 1024 * 1024
# liblzma allocates the whole dictionary up front; 7-Zip's largest preset uses 64 MiB,
# so anything far beyond is a memory bomb rather than a compression setting.
LZMA_MEMORY_LIMIT = 1024 * 1024 * 1024

CODECS = ("gzip", "bz2", "xz", "lzma", "zlib", "lz4")


class _Decoder(Protocol):
    """The incremental interface shared by bz2, lzma and lz4 decompressors."""

    @property
    def eof(self) -> bool: ...
    @property
    def needs_input(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...
    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


class _ZlibDecoder:
    """Gives zlib's ``decompressobj`` the ``needs_input`` interface of the others, so one
    loop drives every codec. zlib keeps input it could not use yet in ``unconsumed_tail``
    when the output cap is hit; it has to be fed back before new input."""

    def __init__(self, wbits: int) -> None:
        self._obj = zlib.decompressobj(wbits)
        self.needs_input = True

    @property
    def eof(self) -> bool:
        return self._obj.eof

    @property
    def unused_data(self) -> bytes:
        return self._obj.unused_data

    def decompress(self, data: bytes, max_length: int = CHUNK, /) -> bytes:
        out = self._obj.decompress(self._obj.unconsumed_tail + data, max_length)
        # A full output buffer may hide pending output even when all input was used.
        self.needs_input = not self._obj.unconsumed_tail and len(out) < max_length
        return out


@dataclass(frozen=True)
class _Codec:
    name: str
    new: Callable[[bytes], _Decoder]  # given the stream's first bytes
    magic: bytes = b""  # set when concatenated streams are valid (gzip, bzip2, xz, lz4)


def _zip_lzma(head: bytes) -> _Decoder:
    """Zip method 14: a 4-byte header (version, properties size), 5 bytes of LZMA
    properties, then a raw LZMA1 stream."""
    if len(head) < 9:
        raise MalformedInput("zip LZMA header is truncated", offset=0)
    (props_size,) = struct.unpack_from("<H", head, 2)
    if props_size != 5:
        raise MalformedInput(f"zip LZMA properties size {props_size}, expected 5", offset=2)
    return _RawLzma(head[4:9])


class _RawLzma:
    """A raw LZMA1 decoder that skips the zip method-14 header on its first input."""

    def __init__(self, props: bytes) -> None:
        props_byte = props[0]
        if props_byte >= 9 * 5 * 5:
            raise MalformedInput("invalid LZMA properties byte", offset=4)
        (dict_size,) = struct.unpack_from("<I", props, 1)
        if dict_size > LZMA_MEMORY_LIMIT:
            raise LimitExceeded("LZMA dictionary size", dict_size)
        lc, rest = props_byte % 9, props_byte // 9
        filters = [
            {
                "id": lzma.FILTER_LZMA1,
                "lc": lc,
                "lp": rest % 5,
                "pb": rest // 5,
                "dict_size": dict_size,
            }
        ]
        self._obj = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
        self._skip = 9

    @property
    def eof(self) -> bool:
        return self._obj.eof

    @property
    def needs_input(self) -> bool:
        return self._obj.needs_input

    @property
    def unused_data(self) -> bytes:
        return self._obj.unused_data

    def decompress(self, data: bytes, max_length: int = CHUNK, /) -> bytes:
        if self._skip:
            taken = min(self._skip, len(data))
            data, self._skip = data[taken:], self._skip - taken
        return self._obj.decompress(data, max_length)


def _lz4(_head: bytes) -> _Decoder:
    try:
        import lz4.frame  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - lz4 is a declared dependency
        raise AnalysisError("lz4 data cannot be read", hint="pip install lz4") from None
    decoder: _Decoder = lz4.frame.LZ4FrameDecompressor()
    return decoder


def _xz(_head: bytes) -> _Decoder:
    return lzma.LZMADecompressor(lzma.FORMAT_XZ, memlimit=LZMA_MEMORY_LIMIT)


def _lzma_alone(_head: bytes) -> _Decoder:
    return lzma.LZMADecompressor(lzma.FORMAT_ALONE, memlimit=LZMA_MEMORY_LIMIT)


_CODECS: dict[str, _Codec] = {
    "gzip": _Codec("gzip", lambda _h: _ZlibDecoder(31), b"\x1f\x8b"),
    "bz2": _Codec("bz2", lambda _h: bz2.BZ2Decompressor(), b"BZh"),
    "xz": _Codec("xz", _xz, b"\xfd7zXZ\x00"),
    "lzma": _Codec("lzma", _lzma_alone),
    "zlib": _Codec("zlib", lambda _h: _ZlibDecoder(15)),
    "lz4": _Codec("lz4", _lz4, b"\x04\x22\x4d\x18"),
    # Zip member methods, not sniffed on their own.
    "deflate": _Codec("deflate", lambda _h: _ZlibDecoder(-15)),
    "zip-bzip2": _Codec("zip-bzip2", lambda _h: bz2.BZ2Decompressor()),
    "zip-lzma": _Codec("zip-lzma", _zip_lzma),
}

_DECODER_ERRORS = (zlib.error, OSError, lzma.LZMAError, EOFError, RuntimeError, ValueError)


# -- recognising ---------------------------------------------------------------------------
def sniff_compression(head: bytes) -> str | None:
    """The codec a stream starts with: "gzip", "bz2", "xz", "lzma", "zlib", "lz4" or None."""
    if head[:3] == b"\x1f\x8b\x08":
        return "gzip"
    if len(head) >= 4 and head[:3] == b"BZh" and head[3] in b"123456789":
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x04\x22\x4d\x18"):
        return "lz4"
    if _is_lzma_alone(head):
        return "lzma"
    if _is_zlib(head):
        return "zlib"
    return None


def _is_lzma_alone(head: bytes) -> bool:
    """The .lzma header: properties byte (0x5d for every preset joblib and xz use), a
    dictionary size that liblzma would accept, and a plausible uncompressed size."""
    if len(head) < 13 or head[0] != 0x5D:
        return False
    dict_size, size = struct.unpack_from("<IQ", head, 1)
    bits = dict_size.bit_length() - 1
    plausible_dict = dict_size >= 4096 and dict_size in (1 << bits, (1 << bits) | (1 << (bits - 1)))
    return plausible_dict and (size == 2**64 - 1 or size < 2**48)


def _is_zlib(head: bytes) -> bool:
    """RFC 1950: deflate with a window of at most 32 KiB, the header check, no preset
    dictionary, and a first deflate block that is not of the reserved type."""
    if len(head) < 3:
        return False
    cmf, flg = head[0], head[1]
    return (
        cmf & 0x0F == 8
        and cmf >> 4 <= 7
        and (cmf * 256 + flg) % 31 == 0
        and not flg & 0x20
        and (head[2] >> 1) & 0x3 != 0x3
    )


# -- decompressing -------------------------------------------------------------------------
def output_cap(settings: Settings) -> int:
    """Most bytes one member or stream may decompress to."""
    return min(settings.max_decompressed_size, settings.max_file_size)


def oversize(size: int, settings: Settings) -> tuple[str, str] | None:
    """Why a member that declares ``size`` decompressed bytes is not decoded at all, as
    (anomaly kind, detail), or None when its size is within the caps."""
    if size > settings.max_decompressed_size:
        limit = settings.max_decompressed_size
        return "decompression-bomb", f"declares {size} bytes, above max_decompressed_size ({limit})"
    if size > settings.max_file_size:
        return "limit", f"declares {size} bytes, above max_file_size ({settings.max_file_size})"
    return None


def ratio_exceeded(produced: int, compressed: int, settings: Settings) -> bool:
    return produced > RATIO_FLOOR and produced > settings.max_compression_ratio * max(1, compressed)


def decompress(
    blob: Blob,
    codec: str,
    settings: Settings,
    what: str,
    *,
    report: ContainerReport | None = None,
) -> Blob:
    """The decompressed content of ``blob``, in memory or spooled to a mapped temp file.

    Raises :class:`LimitExceeded` past ``max_decompressed_size`` (or ``max_file_size``) or
    past ``max_compression_ratio`` beyond 10 MiB of output, and :class:`MalformedInput`
    for corrupt or truncated data. Non-zero bytes after the last stream are recorded on
    ``report`` as ``trailing-data`` when one is given (they are not part of the payload a
    loader sees, but hiding data there is worth a note).
    """
    chunks = iter_decompressed(blob, codec, settings, what, report=report)
    return Blob.spool(chunks, limit=output_cap(settings), what=what)


def iter_decompressed(
    blob: Blob,
    codec: str,
    settings: Settings,
    what: str,
    *,
    report: ContainerReport | None = None,
    expected_size: int | None = None,
) -> Iterator[bytes]:
    """Decompressed chunks of ``blob`` (see :func:`decompress`). ``expected_size`` accepts
    a stream that stops without an end marker once exactly that much was produced (zip
    LZMA members may omit the marker; the size comes from the directory)."""
    spec = _CODECS.get(codec)
    if spec is None:
        raise ValueError(f"unknown codec {codec!r}")
    produced = 0
    cap = output_cap(settings)
    for out in _streams(blob, spec, report, expected_size):
        produced += len(out)
        if produced > cap:
            raise LimitExceeded(
                f"{what} size", cap, hint="raise max_decompressed_size for trusted files"
            )
        if ratio_exceeded(produced, len(blob), settings):
            raise LimitExceeded(
                f"{what} compression ratio",
                settings.max_compression_ratio,
                hint="raise max_compression_ratio for trusted files",
            )
        if out:
            yield out


def _streams(
    blob: Blob, spec: _Codec, report: ContainerReport | None, expected_size: int | None
) -> Iterator[bytes]:
    pos = 0
    while True:
        pos = yield from _one_stream(blob, pos, spec, expected_size)
        pos = _skip_zeros(blob, pos)
        if pos >= len(blob):
            return
        if not (spec.magic and blob.read(pos, len(spec.magic)) == spec.magic):
            if report is not None:
                report.add(
                    "trailing-data",
                    f"{len(blob) - pos} bytes after the end of the {spec.name} data",
                    report.location.at(pos),
                    size=len(blob) - pos,
                )
            return


def _one_stream(
    blob: Blob, start: int, spec: _Codec, expected_size: int | None
) -> Generator[bytes, None, int]:
    """Decode one stream starting at ``start``; return where it ended."""
    pos = start
    produced = 0
    try:
        decoder = spec.new(blob.read(pos, 16))
    except MalformedInput as exc:
        raise MalformedInput(f"{spec.name} stream: {exc.message}", offset=start) from None
    except _DECODER_ERRORS as exc:
        raise MalformedInput(f"{spec.name} stream: {exc}", offset=start) from None
    while pos < len(blob):
        chunk = blob.read(pos, CHUNK)
        for out in _feed(decoder, chunk, spec.name, pos):
            produced += len(out)
            yield out
        pos += len(chunk)
        if decoder.eof:
            # lz4 reports "no unused data" as None.
            return pos - len(decoder.unused_data or b"")
    if expected_size is not None and produced == expected_size:
        return pos
    raise MalformedInput(f"{spec.name} stream is truncated", offset=len(blob))


def _feed(decoder: _Decoder, chunk: bytes, name: str, pos: int) -> Iterator[bytes]:
    """Give ``chunk`` to the decoder and drain what it produces, 1 MiB per call."""
    try:
        out = decoder.decompress(chunk, CHUNK)
        yield out
        # Stop draining on an empty result too, so a decoder that claims to have more
        # output but produces none cannot spin this loop.
        while out and not decoder.eof and not decoder.needs_input:
            out = decoder.decompress(b"", CHUNK)
            yield out
    except lzma.LZMAError as exc:
        if "memory" in str(exc).lower():
            raise LimitExceeded(f"{name} decoder memory", LZMA_MEMORY_LIMIT) from None
        raise MalformedInput(f"corrupt {name} data: {exc}", offset=pos) from None
    except _DECODER_ERRORS as exc:
        raise MalformedInput(f"corrupt {name} data: {exc}", offset=pos) from None


def _skip_zeros(blob: Blob, pos: int) -> int:
    """Skip NUL padding between or after streams (tape blocking, xz stream padding)."""
    while pos < len(blob):
        chunk = blob.read(pos, CHUNK)
        stripped = chunk.lstrip(b"\x00")
        if stripped:
            return pos + len(chunk) - len(stripped)
        pos += len(chunk)
    return pos
