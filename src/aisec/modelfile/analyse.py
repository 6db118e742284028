"""Format detection by content, and dispatch to the format and container handlers.

Extensions are never trusted: every file and archive member is sniffed from its bytes,
and containers are descended to ``max_archive_depth``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.compressed import decompress, sniff_compression
from aisec.modelfile.containers.member import Member
from aisec.modelfile.containers.sevenzip import is_7z, iter_7z
from aisec.modelfile.containers.tar import is_tar, iter_tar
from aisec.modelfile.containers.zip import is_zip, iter_zip
from aisec.modelfile.containers.zip import member_names as zip_member_names
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.data_only import (
    is_coreml,
    is_sentencepiece,
    is_xgboost_ubjson,
    magic_format,
    text_format,
)
from aisec.modelfile.formats.gguf import MAGIC as GGUF_MAGIC
from aisec.modelfile.formats.gguf import analyse_gguf
from aisec.modelfile.formats.hdf5 import analyse_hdf5, hdf5_offset
from aisec.modelfile.formats.keras_config import (
    KERAS_CONFIG,
    analyse_keras_member,
    is_keras_archive,
)
from aisec.modelfile.formats.numpy_file import MAGIC as NPY_MAGIC
from aisec.modelfile.formats.numpy_file import analyse_npy
from aisec.modelfile.formats.onnx_model import analyse_onnx, looks_like_onnx
from aisec.modelfile.formats.pickle_stream import analyse_pickle_file
from aisec.modelfile.formats.safetensors import analyse_safetensors
from aisec.modelfile.formats.tf_bundle import (
    recognise_late_shards,
    shard_beside_index,
    shard_in_archive,
)
from aisec.modelfile.formats.tf_model import analyse_tensorflow_file, looks_like_tensorflow
from aisec.modelfile.formats.torch_legacy import analyse_legacy_tar_member
from aisec.modelfile.formats.torchscript import CODE_MEMBER, scan_code
from aisec.modelfile.reports import ArtefactReport, ContainerReport

Handler = Callable[[Blob, Location, ScanContext, int], bool]
STORAGE_MEMBER = re.compile(r"(^|/)data/\d+$")
STRONG_CODECS = ("gzip", "bz2", "xz", "lz4")
MAX_PROTOBUF = 2 * 1024 * 1024 * 1024  # protobuf's own cap on a message
# The reason of a file that was read in full and matched no format (scanner.py relies on
# it: only such files can be recognised later as the raw data a model names).
UNRECOGNISED = "unrecognised format: not a model or container format aisec reads"


def analyse_blob(blob: Blob, location: Location, ctx: ScanContext, depth: int = 0) -> None:
    """Analyse one file or member: the first handler that claims it wins."""
    if depth > ctx.settings.max_archive_depth:
        _limit(
            ctx,
            location,
            len(blob),
            f"containers nested deeper than {ctx.settings.max_archive_depth}",
            "max_archive_depth",
        )
        return
    if ctx.out_of_time():
        _limit(ctx, location, len(blob), "time budget for this file spent", "timeout_seconds")
        return
    if not location.member and shard_beside_index(location.path) and not _suspicious_head(blob):
        # A TensorFlow checkpoint shard: raw tensor bytes the loader reads at the offsets
        # its index gives, never parses (docs/adr/0007).
        ctx.add_artefact(location, "tf-checkpoint-data", len(blob))
        return
    claimed: list[str] = []
    for handler in candidates(blob):
        # After a first claim, only formats a loader recognises by its first bytes are
        # tried too: a file that is two formats at once is read both ways (polyglots).
        family = FAMILY.get(handler, handler.__name__.strip("_"))
        if claimed and (handler not in POLYGLOT_CANDIDATES or family in claimed):
            continue
        try:
            if handler(blob, location, ctx, depth):
                claimed.append(family)
        except (LimitExceeded, MalformedInput) as exc:
            facts = ArtefactReport(location, handler.__name__.removeprefix("_"), len(blob))
            kind = "limit" if isinstance(exc, LimitExceeded) else "malformed"
            facts.add(kind, exc.message, location, limit=getattr(exc, "limit", None))
            ctx.add_artefact(location, facts.format, len(blob))
            ctx.judge(facts)
            return
    if len(claimed) > 1:
        facts = ArtefactReport(location, "+".join(claimed), len(blob))
        facts.add(
            "polyglot",
            f"the file is valid as {' and '.join(claimed)}: loaders of each read different content",
            location.at(0),
            formats=claimed,
        )
        ctx.judge(facts)
    if claimed:
        return
    head = blob.head(8192)
    data_format = data_only_format(blob, head)
    if data_format is not None:
        ctx.add_artefact(location, data_format, len(blob))
        if data_format == "openvino" and not location.member:
            # the IR's weights are raw bytes in the .bin of the same name
            ctx.claim_data_file(os.path.splitext(location.path)[0] + ".bin", "openvino-weights")
        return
    if _is_text(head):
        ctx.add_artefact(location, "text", len(blob))
        return
    ctx.skip(
        location,
        "unknown",
        len(blob),
        UNRECOGNISED,
    )


def candidates(blob: Blob) -> Iterator[Handler]:
    head = blob.head(1024)
    if not head:
        yield _empty
        return
    zipped, archived = is_zip(head, blob), is_7z(head)
    if zipped:
        yield _zip
    if archived:
        yield _sevenzip
    codec = sniff_compression(head)
    if codec in STRONG_CODECS:
        yield _compressed
    if head.startswith(NPY_MAGIC):
        yield _npy
    if head.startswith(GGUF_MAGIC):
        yield _gguf
    # HDF5 is also found after a user block (512, 1024 ... bytes); there, inside an
    # archive, it is a stored member's own bytes, analysed as that member.
    hdf5_at = hdf5_offset(blob)
    if hdf5_at == 0 or (hdf5_at is not None and not (zipped or archived or is_tar(head))):
        yield _hdf5
    # A safetensors header length can start with the bytes of a PROTO opcode (0x0380 is
    # 80 03 ...): such a file is tried as safetensors first and as a pickle only
    # tentatively, so a real safetensors file is never reported as a broken pickle.
    safetensors = _is_safetensors(head, len(blob))
    if safetensors:
        yield _safetensors
    elif head[0] == 0x80 and len(head) > 1 and head[1] < 16:  # PROTO, incl. future ones
        yield _pickle
    if is_tar(head):
        yield _tar
    if codec is not None and codec not in STRONG_CODECS:
        yield _weak_compressed
    yield from _protobuf_candidates(head, blob)
    yield _maybe_pickle


def _protobuf_candidates(head: bytes, blob: Blob) -> Iterator[Handler]:
    """Protobuf has no magic. A real ONNX model is never a SavedModel (its field 2 is a
    producer name) and a real SavedModel never an ONNX model (it has no graph, field 7);
    a file that is both is read both ways (``_tensorflow`` is a polyglot candidate)."""
    if looks_like_onnx(head):
        yield _onnx
    if looks_like_tensorflow(head, blob):
        yield _tensorflow


# Formats recognised by their first bytes, tried even after another handler claimed the
# file; the tentative pickle parse is among them because tar names and safetensors
# headers are attacker-chosen bytes at offset 0.
POLYGLOT_CANDIDATES: frozenset[Handler]  # set once the handlers below exist
FAMILY: dict[Handler, str]


def data_only_format(blob: Blob, head: bytes) -> str | None:
    """The type of a recognised data-only model file (see formats/data_only.py)."""
    found = magic_format(head) or (text_format(head) if _is_text(head) else None)
    if found is None and is_xgboost_ubjson(head):
        found = "xgboost-ubjson"
    if found is None and head[:1] in (b"\x08", b"\x0a") and len(blob) <= MAX_PROTOBUF:
        with memoryview(blob.data) as whole, whole[blob.start : blob.end] as view:
            if is_coreml(view):
                found = "coreml"
            elif is_sentencepiece(view):
                found = "sentencepiece"
    return found


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the sample's end
    return True


def _is_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 10:
        return False
    header = int.from_bytes(head[:8], "little")
    return 2 <= header <= size - 8 and head[8:9] == b"{"


def _limit(ctx: ScanContext, location: Location, size: int | None, detail: str, limit: str) -> None:
    facts = ArtefactReport(location, "unknown", size)
    facts.add("limit", detail, location, limit=limit)
    ctx.add_artefact(location, "unknown", size)
    ctx.judge(facts)


# -- handlers --------------------------------------------------------------------------
def _empty(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    ctx.add_artefact(location, "empty", 0)
    return True


def _pickle(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_pickle_file(blob, location, ctx, depth=depth)


def _maybe_pickle(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_pickle_file(blob, location, ctx, tentative=True, depth=depth)


def _npy(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_npy(blob, location, ctx)


def _onnx(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_onnx(blob, location, ctx)


def _tensorflow(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_tensorflow_file(
        blob, location, ctx, lambda b, at: analyse_blob(b, at, ctx, depth + 1)
    )


def _gguf(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_gguf(blob, location, ctx)


def _safetensors(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_safetensors(blob, location, ctx)


def _hdf5(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return analyse_hdf5(blob, location, ctx, lambda b, at: analyse_blob(b, at, ctx, depth + 1))


def _compressed(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    codec = sniff_compression(blob.head(16)) or "unknown"
    report = ContainerReport(location, codec)
    artefact = ctx.add_artefact(location, codec, len(blob))
    try:
        inner = decompress(blob, codec, ctx.settings, what=f"{codec} stream")
    except LimitExceeded as exc:
        report.add("decompression-bomb", exc.message, location, limit=exc.limit)
        ctx.judge(report)
        return True
    except MalformedInput as exc:
        report.add(
            "unreadable-member",
            f"{codec} stream is corrupt: {exc.message}",
            location.at(exc.offset),
        )
        ctx.judge(report)
        return True
    with inner:
        analyse_blob(inner, location.inner(f"({codec})"), ctx, depth + 1)
    artefact.format = codec
    ctx.judge(report)
    return True


def _weak_compressed(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    """zlib and LZMA-alone streams have weak signatures: claim only if they decode."""
    codec = sniff_compression(blob.head(16)) or "unknown"
    try:
        with decompress(blob.slice(0, 65536), codec, ctx.settings, what="probe") as probe:
            if len(probe) == 0:
                return False
    except MalformedInput as exc:
        if exc.offset is None or exc.offset < 65536 - 16:
            # Fails early: not this format (unless the whole thing is tiny and truncated).
            if len(blob) > 65536:
                return False
            if "truncated" not in exc.message and "end of stream" not in exc.message:
                return False
    except LimitExceeded:
        pass
    return _compressed(blob, location, ctx, depth)


def _members(
    members: Iterator[Member],
    location: Location,
    ctx: ScanContext,
    depth: int,
    report: ContainerReport,
    names: list[str],
) -> dict[str, int]:
    stats = {"members": 0, "tensor_storages": 0, "torch_markers": 0, "code": 0, "keras": 0}
    keras = is_keras_archive(names)
    facts = ArtefactReport(location, report.format)
    # archive prefixes that hold a torch data.pkl (TorchScript writes data/ before it)
    pickles_seen = {n[: -len("data.pkl")] for n in names if n.endswith("data.pkl")}
    listed = set(names)  # and, in a tar, the names read so far
    for member in members:
        stats["members"] += 1
        where = location.inner(member.name)
        name = member.name
        listed.add(name)
        if name.endswith(("data.pkl", "/version", ".data/version")) or name in (
            "version",
            "data.pkl",
        ):
            stats["torch_markers"] += 1
        if name.endswith("data.pkl"):
            pickles_seen.add(name[: -len("data.pkl")])  # archives without a directory
        if member.blob is None:
            ctx.skip(
                where, "unknown", member.declared_size, member.error or "member could not be read"
            )
            continue
        with member.blob as blob:
            if _is_tensor_storage(name, pickles_seen) and not _suspicious_head(blob):
                stats["tensor_storages"] += 1
                continue
            if shard_in_archive(name, listed) and not _suspicious_head(blob):
                ctx.add_artefact(where, "tf-checkpoint-data", len(blob))
                continue
            if member.verify is not None:
                member.verify()
            if CODE_MEMBER.search(name):
                stats["code"] += 1
                scan_code(blob, where, facts)
            if name.rsplit("/", 1)[-1] in ("storages", "tensors") and analyse_legacy_tar_member(
                name.rsplit("/", 1)[-1], blob, where, ctx
            ):
                continue
            # What keras.saving.load_model builds a model from, with or without the other
            # members of a .keras archive (only zips: Keras opens nothing else).
            if (
                name == KERAS_CONFIG
                and report.format == "zip"
                and analyse_keras_member(
                    blob,
                    where,
                    ctx,
                    lambda b, at: analyse_blob(b, at, ctx, depth + 1),
                    marked=keras,
                )
            ):
                stats["keras"] += 1
                continue
            analyse_blob(blob, where, ctx, depth + 1)
    recognise_late_shards(ctx, location, listed)
    ctx.judge(facts)
    return stats


def _is_tensor_storage(name: str, pickles_seen: set[str]) -> bool:
    """``<prefix>/data/<n>`` of an archive whose ``<prefix>/data.pkl`` came first: torch
    reads it as raw tensor bytes and never parses it. Elsewhere it is analysed."""
    match = STORAGE_MEMBER.search(name)
    return (
        match is not None and name[: match.start() + (1 if match.group(1) else 0)] in pickles_seen
    )


def _suspicious_head(blob: Blob) -> bool:
    """Raw tensor bytes are never unpickled; look inside only if they start like
    something a loader would parse."""
    head = blob.head(8)
    return (
        head[:2] in (b"PK", b"7z", b"\x1f\x8b")
        or head[:6] == NPY_MAGIC
        or (head[:1] == b"\x80" and len(head) > 2 and head[1] <= 5 and head[2] in b"\x95}](cq\x8c")
    )


def _container(
    blob: Blob,
    location: Location,
    ctx: ScanContext,
    depth: int,
    fmt: str,
    opener: Callable[[Blob, ContainerReport], Iterator[Member]],
    names: list[str] | None = None,
) -> bool:
    report = ContainerReport(location, fmt)
    artefact = ctx.add_artefact(location, fmt, len(blob))
    try:
        stats = _members(opener(blob, report), location, ctx, depth, report, names or [])
    except LimitExceeded as exc:
        report.add("limit", exc.message, location, limit=exc.limit)
        stats = {}
    except MalformedInput as exc:
        report.add(
            "unreadable-member",
            f"{fmt} structure is corrupt: {exc.message}",
            location.at(exc.offset),
        )
        stats = {}
    if stats.get("torch_markers"):
        artefact.format = "torchscript" if stats.get("code") else "pytorch"
    elif stats.get("keras"):
        artefact.format = "keras"
    ctx.judge(report)
    return True


def _zip(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    names = zip_member_names(blob)
    return _container(
        blob, location, ctx, depth, "zip", lambda b, r: iter_zip(b, r, ctx.settings), names
    )


def _tar(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return _container(blob, location, ctx, depth, "tar", lambda b, r: iter_tar(b, r, ctx.settings))


def _sevenzip(blob: Blob, location: Location, ctx: ScanContext, depth: int) -> bool:
    return _container(blob, location, ctx, depth, "7z", lambda b, r: iter_7z(b, r, ctx.settings))


POLYGLOT_CANDIDATES = frozenset(
    {_zip, _sevenzip, _tar, _npy, _pickle, _maybe_pickle, _safetensors, _hdf5, _tensorflow}
)
FAMILY = {_pickle: "pickle", _maybe_pickle: "pickle"}
