"""TensorFlow checkpoints (``variables/`` of a SavedModel): the index and its data shards.

``variables.index`` is a TensorBundle: a LevelDB-style table whose 48-byte footer holds
two block handles (varint offset and size) and ends with the table magic. The shards
``variables.data-NNNNN-of-NNNNN`` are raw tensor bytes that TensorFlow reads at offsets
the index gives, and never parses: they have no signature of their own, so they are
recognised only next to an index of the same prefix.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat

from aisec.core.finding import Location
from aisec.core.run import ArtefactStatus
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.protobuf import ProtobufError, varints
from aisec.modelfile.formats.tf_metadata import is_fingerprint

TABLE_MAGIC = (0xDB4775248B80FB57).to_bytes(8, "little")
FOOTER = 48
BLOCK_TRAILER = 5  # compression type and CRC after every block
SHARD = re.compile(r"(?P<prefix>.+)\.data-(?P<shard>\d{5})-of-(?P<count>\d{5})")


def is_bundle_index(blob: Blob) -> bool:
    if len(blob) < FOOTER:
        return False
    footer = blob.tail(FOOTER)
    if footer[-8:] != TABLE_MAGIC:
        return False
    try:
        handles = list(varints(footer[:40]))[:4]
    except ProtobufError:
        return False
    if len(handles) < 4:
        return False
    end = len(blob) - FOOTER
    blocks = ((handles[0], handles[1]), (handles[2], handles[3]))  # metaindex, index
    return all(offset + size + BLOCK_TRAILER <= end for offset, size in blocks)


def _shard_prefix(name: str) -> str | None:
    match = SHARD.fullmatch(name)
    if match is None or int(match["shard"]) >= int(match["count"]):
        return None
    return match["prefix"]


def shard_beside_index(path: str) -> bool:
    """Whether ``path`` is a data shard whose ``<prefix>.index`` sits in the same
    directory and ends with the table magic."""
    prefix = _shard_prefix(os.path.basename(path))
    if prefix is None:
        return False
    index = os.path.join(os.path.dirname(path), prefix + ".index")
    try:
        # Non-blocking, and only a regular file: the sibling may be a FIFO.
        fd = os.open(index, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    with contextlib.closing(os.fdopen(fd, "rb")) as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size < FOOTER:
            return False
        fh.seek(info.st_size - 8)
        return fh.read(8) == TABLE_MAGIC


def shard_in_archive(name: str, names: set[str]) -> bool:
    """The same rule for an archive member: ``<prefix>.index`` is among ``names``."""
    prefix = _shard_prefix(name)
    return prefix is not None and prefix + ".index" in names


def analyse_checkpoint_parts(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    """``variables.index`` and ``fingerprint.pb``: numbers and names for the loader, no
    code; recognised so that a SavedModel directory is analysed in full."""
    if is_bundle_index(blob):
        ctx.add_artefact(location, "tf-checkpoint-index", len(blob))
        return True
    if is_fingerprint(blob):
        ctx.add_artefact(location, "tf-fingerprint", len(blob))
        return True
    return False


def recognise_late_shards(ctx: ScanContext, container: Location, names: set[str]) -> None:
    """Shards a tar stream gave before their index: analysed as unknown files then,
    recognised as checkpoint data once the index has been seen."""
    depth = len(container.member)
    for artefact in ctx.artefacts:
        where = artefact.location
        if (
            artefact.status is ArtefactStatus.SKIPPED
            and artefact.format == "unknown"
            and where.path == container.path
            and len(where.member) == depth + 1
            and where.member[:depth] == container.member
            and shard_in_archive(where.member[-1], names)
        ):
            artefact.status, artefact.format, artefact.reason = (
                ArtefactStatus.ANALYSED,
                "tf-checkpoint-data",
                "",
            )
