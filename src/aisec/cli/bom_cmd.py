"""``aisec bom``: a CycloneDX 1.6 ML-BOM of a system or a path, or its import."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisec.cli.store_access import DatabaseOption, opened
from aisec.core.errors import InputError, UsageError


class BomFormat(StrEnum):
    json = "json"


def bom(
    path: Annotated[
        Path | None,
        typer.Argument(help="A repository or directory: the BOM of what discovery finds there."),
    ] = None,
    system: Annotated[
        str | None,
        typer.Option("--system", metavar="NAME", help="The BOM of this system (name or id)."),
    ] = None,
    import_file: Annotated[
        Path | None,
        typer.Option(
            "--import", metavar="FILE", help="Read a CycloneDX JSON BOM into the inventory."
        ),
    ] = None,
    fmt: Annotated[BomFormat, typer.Option("--format", "-f", help="BOM format.")] = BomFormat.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the BOM to FILE.")
    ] = None,
    database: DatabaseOption = None,
) -> int:
    """Write a CycloneDX 1.6 ML-BOM, or import one.

    `aisec bom --system NAME` lists the system's models (with model cards), datasets,
    endpoints, vendors, linked dependencies and open findings from the store;
    `aisec bom PATH` runs discovery in memory (nothing is recorded) and lists the models,
    datasets and dependencies found.
    `aisec bom --import FILE` upserts a CycloneDX 1.5/1.6 JSON document into the inventory,
    restores its relations (libraries linked to its system) and records aisec's findings
    in it as a bom-import run. Exit codes: 0 done, 2 usage error or invalid document,
    3 some input under PATH could not be fully analysed (the BOM is written anyway).
    """
    chosen = [c for c in (path, system, import_file) if c is not None]
    if len(chosen) != 1:
        raise UsageError(
            "give one of PATH, --system NAME or --import FILE",
            hint="aisec bom --system credit-scoring, aisec bom ., aisec bom --import bom.json",
        )
    if import_file is not None:
        return _import(import_file, database)
    from aisec.services import bom as service

    when = service.timestamp()
    if system is not None:
        with opened(database, create=False) as store:
            if store is None:
                raise UsageError(
                    "there is no store here yet, so no system to describe",
                    hint="add one with aisec inventory add system, or give --database",
                )
            text = service.system_bom(store, system, when=when)
        code = 0
    else:
        assert path is not None
        text, code = _path_bom(path, when)
    _write(text, output)
    _note_unvalidated()
    return code


def _note_unvalidated() -> None:
    from aisec.bom.validate import validator_available

    if not validator_available():
        sys.stderr.write(
            "aisec: warning: the document was not checked against the CycloneDX schema;"
            " pip install 'aisec[bom-validation]' to check every BOM\n"
        )


def _path_bom(path: Path, when: datetime) -> tuple[str, int]:
    from aisec.core.settings import load_settings
    from aisec.services import bom as service

    if not path.exists():
        raise InputError(f"no such file or directory: {path}", hint="check the path")
    settings = load_settings()
    text, report = service.path_bom(path, settings, when=when)
    for warning in report.run.warnings[:20]:
        sys.stderr.write(f"aisec: warning: {warning}\n")
    incomplete = bool(report.run.incomplete or report.run.errors)
    if incomplete:
        sys.stderr.write(
            "aisec: warning: some files could not be fully analysed; "
            "run aisec discover for the details\n"
        )
    return text, 3 if incomplete else 0


def _import(file: Path, database: str | None) -> int:
    from aisec.services import bom as service

    # Read and check the whole document first: an invalid file must not create a store.
    _note_unvalidated()
    content = service.load_document(file)
    with opened(database) as store:
        assert store is not None  # create=True always opens one
        imported = service.import_document(store, content, source=str(file))
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(imported.counts.items()))
        sys.stderr.write(
            f"aisec: imported {file} into {store.url}: system {imported.system!r}, "
            f"{counts}, {imported.links} relations\n"
        )
    return 0


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {output}: {exc.strerror}", hint="check the directory"
        ) from None
