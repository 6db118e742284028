"""Dataset integrity manifests: per-file and per-chunk SHA-256, one root hash, and a
verifier that names what changed.

Design (``aisec data manifest`` / ``aisec data verify``):

* **What is recorded.** The given paths are walked (directories recursively, in byte
  order of their names; nothing is followed or opened but regular files and
  directories, each opened below its parent with ``O_NOFOLLOW``, so a directory on the
  way that is a link is recorded, or reported, as the link and never read through). Each regular
  file gets its POSIX path relative to the root, size, SHA-256 (plain, comparable with
  ``sha256sum``), executable bit and chunk digests. Symlinks are recorded as links with
  their target, flagged when they resolve outside the root; FIFOs, sockets and devices
  are recorded by kind only (opening a FIFO blocks); unreadable files and directories
  are listed as skipped with the reason (the command then exits 3).
* **Chunks.** Fixed byte chunks (``--chunk-size``, 4 MiB by default) localise a change
  to a byte range. CSV, TSV, JSON lines and text files get chunks that end at the first
  line end past the chunk size (at most twice it), so a changed chunk is a whole range
  of lines; the verifier reports line numbers of the current file, counted only in
  files that changed. Finding the cut costs one ``find`` per chunk. Row numbers are not
  claimed: a quoted CSV field may span lines. Content-defined chunking (which would
  keep chunks after an inserted row aligned) was left out: per-line rolling hashes in
  Python cost far more than hashing itself.
* **Mode.** Only the executable bit, as git does: full permission bits differ between
  machines by umask alone and would make every copy "changed".
* **Root hash.** An RFC 6962 Merkle tree over the sorted entries
  (:mod:`aisec.data.manifest.merkle`): one digest for the whole dataset.
* **Schema** ``aisec.dataset-manifest/1`` (:mod:`aisec.data.manifest.codec`): created
  time, tool version, algorithm, chunk size, the root relative to the manifest's own
  directory (so ``verify`` finds the data without ``--root``), inputs, exclusions,
  entries, skipped paths, root hash, optional Ed25519 signature. Without ``--root``,
  ``verify`` refuses a recorded root outside the manifest's directory unless the
  signature is checked with ``--key``: a manifest from elsewhere must not choose what
  is read.
* **Output.** Written to a fresh ``mkstemp`` file, flushed, and renamed over the target.
  An existing output (or a symlink there, which is replaced, not followed) needs
  ``--force``; an input is never overwritten. Inside the dataset directory the manifest
  leaves itself out (``excluded``), paths compared by real path.
* **Names.** Paths are bytes in memory; names that are not UTF-8 are stored as base64
  (``path_bytes``) and shown with ``\\xNN`` escapes.
* **Verify** hashes again with each file's recorded chunking and reports added,
  removed, modified (byte and line ranges; an append is told apart from a change to the
  last chunk), renamed (same content, new path), mode-changed, type-changed (e.g. a
  file replaced by a symlink) and symlink-changed paths. Exit 0 intact, 1 differences or
  a bad signature, 2 an unusable manifest or root, 3 something could not be read and
  nothing worse was found. ``manifest`` exits 2 on usage errors and 3 when it wrote a
  manifest that lists unreadable paths as skipped.
* **Bounds.** Manifests are read with size (64 MiB by default, ``--max-manifest-size``;
  parsing takes about ten times the file's size in memory) and nesting caps, strict member
  checks, paths refused if absolute or holding ``..``, and the root hash recomputed; the
  walk is iterative, capped at ten million entries and immune to bind-mount loops.
* **Speed.** Files are read 1 MiB at a time into one buffer and hashed on a few
  threads (hashlib releases the GIL). A file of one chunk is hashed once; larger files
  twice per byte (whole file and chunk).
"""

from __future__ import annotations

from aisec.data.manifest.build import build_manifest
from aisec.data.manifest.codec import canonical, dumps, to_dict, with_root_for
from aisec.data.manifest.model import (
    DEFAULT_CHUNK_SIZE,
    SCHEMA,
    Chunk,
    Entry,
    Manifest,
    Signature,
    Skipped,
)
from aisec.data.manifest.paths import InvalidManifest
from aisec.data.manifest.ranges import ByteRange
from aisec.data.manifest.reader import parse_manifest, read_manifest
from aisec.data.manifest.report import Change, SignatureCheck, VerifyReport
from aisec.data.manifest.roots import inputs_root, recorded_root
from aisec.data.manifest.signing import check_signature, sign_manifest
from aisec.data.manifest.verify import verify_manifest

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "SCHEMA",
    "ByteRange",
    "Change",
    "Chunk",
    "Entry",
    "InvalidManifest",
    "Manifest",
    "Signature",
    "SignatureCheck",
    "Skipped",
    "VerifyReport",
    "build_manifest",
    "canonical",
    "check_signature",
    "dumps",
    "inputs_root",
    "parse_manifest",
    "read_manifest",
    "recorded_root",
    "sign_manifest",
    "to_dict",
    "verify_manifest",
    "with_root_for",
]
