"""The AI-BOM as ``aisec bom`` and Python callers use it: the BOM of a stored system or of
a path (discovered in memory, nothing recorded), and the import of a document into the
inventory. Nothing here imports cyclonedx-python-lib until a document is written."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.core.errors import InputError, UsageError

if TYPE_CHECKING:
    from aisec.bom.content import BomContent
    from aisec.bom.importer import Imported
    from aisec.core.settings import Settings
    from aisec.discovery.items import DiscoveryReport
    from aisec.store.store import Store


def timestamp(environ: Mapping[str, str] | None = None) -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set: the reproducible-builds convention, so a
    pipeline can make byte-identical BOMs (the serial number already is stable)."""
    env = os.environ if environ is None else environ
    text = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={text[:30]!r} is not a number of seconds",
            hint="unset it, or give seconds since 1970",
        ) from None


def system_bom(store: Store, system: str, *, when: datetime | None = None) -> str:
    """The CycloneDX 1.6 JSON of the system ``system`` names (id or name), with the open
    findings located at its models' files."""
    from aisec.bom.collect import content_of_system
    from aisec.bom.writer import write_bom
    from aisec.services.inventory import resolve
    from aisec.store.records import SystemAsset
    from aisec.store.tracking import FindingFilter, TriageState

    subject = resolve(store.inventory, SystemAsset, system)
    found = store.findings.list(FindingFilter(state=TriageState.OPEN))
    content = content_of_system(store.inventory, subject, found, store.components)
    return write_bom(content, timestamp=when)


def path_bom(
    path: str | os.PathLike[str],
    settings: Settings,
    *,
    name: str | None = None,
    when: datetime | None = None,
) -> tuple[str, DiscoveryReport]:
    """The CycloneDX 1.6 JSON of what discovery finds under ``path`` (run in memory; the
    store is neither read nor written), and the discovery report itself."""
    from aisec.bom.collect import content_of_report
    from aisec.bom.writer import write_bom
    from aisec.discovery import discover

    report = discover(path, settings)
    return write_bom(content_of_report(report, name), timestamp=when), report


def read_file(path: Path) -> bytes:
    """The bytes of a document to import, read no further than the size cap."""
    from aisec.bom.bounds import MAX_BYTES

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", hint="check the path") from None
    return data


def load_document(path: Path) -> BomContent:
    """What a CycloneDX JSON file describes; InvalidBom (exit 2) if it is not one."""
    from aisec.bom.reader import read_bom

    return read_bom(read_file(path), what=str(path))


def import_document(store: Store, content: BomContent, *, source: str = "") -> Imported:
    """Upsert ``content`` into the inventory, restore its relations (libraries linked to
    the subject system), and record its findings as a ``bom-import`` run. ``source``
    names the document in that run."""
    from aisec.bom.importer import import_content

    return import_content(content, store.inventory, store.components, store.runs, source=source)


def import_bom(store: Store, path: Path) -> Imported:
    """Read a CycloneDX JSON file and upsert what it describes into the inventory."""
    return import_document(store, load_document(path), source=str(path))
