"""``aisec data manifest`` and ``aisec data verify``: dataset integrity manifests.

Exit codes follow the project's convention (2 usage or configuration error, 3 some
inputs could not be analysed). ``manifest``: 0 written; 2 usage error (a missing input,
an output that exists or is part of the data, a bad size) or the manifest cannot be
written; 3 written, but some paths could not be read (listed as skipped). ``verify``:
0 the data matches; 1 differences (or, with ``--key``, a missing or invalid signature);
2 the manifest or root cannot be used; 3 some paths could not be read and nothing else
differs. An unreadable dataset path is thus 3 for both; an unreadable manifest is 2.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisec.core.errors import UsageError


class Output(StrEnum):
    console = "console"
    json = "json"


# Twelve digits hold any size in range; more would only feed int() a huge number.
_SIZE = re.compile(r"(\d{1,12})\s*(|k|kb|kib|m|mb|mib|g|gb|gib)", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def manifest(
    paths: Annotated[list[Path], typer.Argument(help="Dataset files or directories.")],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the manifest ('-': standard output)."),
    ] = Path("dataset.manifest.json"),
    chunk_size: Annotated[
        str, typer.Option("--chunk-size", help="Chunk size for localising changes (e.g. 1MiB).")
    ] = "4MiB",
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Directory the recorded paths are relative to [default: the one directory"
            " given, else the deepest directory holding every path].",
        ),
    ] = None,
    sign_key: Annotated[
        Path | None,
        typer.Option("--sign-key", help="Sign the manifest with this Ed25519 private key (PEM)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace an existing output (a symlink is replaced, not followed); an"
            " input is never replaced.",
        ),
    ] = False,
) -> None:
    """Record every file's size, SHA-256 and chunk digests, and one root hash.

    Directories are walked recursively; symlinks are recorded, not followed; FIFOs,
    sockets and devices are recorded by kind and never opened. CSV, TSV, JSON lines and
    text files get line-aligned chunks, so verify can name changed lines. Exit 3 when
    some paths could not be read (they are listed in the manifest as skipped). An
    existing output is replaced only with --force, and never when it is an input.
    """
    from aisec.data.manifest import build_manifest, dumps, inputs_root, sign_manifest, with_root_for
    from aisec.data.manifest.output import check_output, write_atomically
    from aisec.data.manifest.render import manifest_summary

    to_stdout = str(output) == "-"
    size = parse_size(chunk_size, "--chunk-size")
    if not to_stdout:
        check_output(output, paths, force=force)
    with _busy("hashing the dataset"):
        built = build_manifest(paths, size, root=root, exclude=() if to_stdout else [output])
    built = with_root_for(built, root or inputs_root(paths), None if to_stdout else output)
    if sign_key is not None:
        built = sign_manifest(built, sign_key)
    text = dumps(built)
    if to_stdout:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)
    summary = manifest_summary(built, "standard output" if to_stdout else str(output))
    if built.root is not None and (built.root == ".." or built.root.startswith("../")):
        summary += (
            "\n  note: the data is outside the manifest's directory; verify will need"
            " --root (or --key, for a signed manifest)"
        )
    (sys.stderr if to_stdout else sys.stdout).write(summary + "\n")
    if built.skipped:
        raise typer.Exit(3)


def verify(
    manifest_file: Annotated[
        Path, typer.Argument(metavar="MANIFEST", help="The manifest (JSON) to check against.")
    ],
    root: Annotated[
        Path | None,
        typer.Option("--root", help="The dataset's root [default: as recorded in the manifest]."),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Ed25519 public key (PEM): require a valid signature by it."),
    ] = None,
    fmt: Annotated[Output, typer.Option("--format", "-f", help="Output format.")] = Output.console,
    max_manifest_size: Annotated[
        str,
        typer.Option(
            "--max-manifest-size",
            help="Refuse larger manifests unread (parsing takes about ten times the size in"
            " memory).",
        ),
    ] = "64MiB",
) -> None:
    """Hash the dataset again and name what changed since the manifest was made.

    Reports files added, removed, modified (byte ranges, and line ranges for
    line-chunked files), renamed, executable bit changed, type changed, and symlinks
    retargeted. Exit 0 intact, 1 differences or a bad signature, 2 unusable manifest,
    3 unreadable paths. Without --root, a recorded root outside the manifest's directory
    is followed only for a manifest whose signature --key checks.
    """
    from dataclasses import replace

    from aisec.data.manifest import check_signature, read_manifest, recorded_root, verify_manifest
    from aisec.data.manifest.render import verify_text
    from aisec.report import safe_text

    cap = parse_size(max_manifest_size, "--max-manifest-size")
    recorded = read_manifest(manifest_file, max_bytes=cap)
    signature = check_signature(recorded, key)
    if root is None:
        root = recorded_root(recorded, manifest_file, trusted=signature.status == "valid")
    with _busy("hashing the dataset"):
        report = verify_manifest(recorded, root)
    report = replace(report, signature=signature)
    if fmt is Output.json:
        data = {**report.to_dict(), "manifest": safe_text(str(manifest_file))}
        data["root"] = safe_text(data["root"])
        typer.echo(json.dumps(data, indent=2))
    else:
        typer.echo(verify_text(report, str(manifest_file)))
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def parse_size(text: str, option: str = "--chunk-size") -> int:
    """``4MiB``, ``512k``, ``65536``: binary units, as chunk sizes are."""
    match = _SIZE.fullmatch(text.strip()[:64])
    if match is None:
        raise UsageError(
            f"{option} {text[:20]!r} is not a size of at most 12 digits",
            hint="e.g. 4MiB, 512KiB, 65536",
        )
    return int(match.group(1)) * _UNITS[match.group(2)[:1].lower()]


def _busy(message: str) -> AbstractContextManager[object]:
    """A spinner on a terminal's stderr while hashing (often longer than a second)."""
    from contextlib import nullcontext

    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console
    from rich.markup import escape

    return Console(stderr=True).status(escape(message))
