"""Putting a :class:`BomContent` into the inventory: upserts by natural key (ADR 0010), so
importing a document twice changes nothing, and the relations it states are restored.

The findings it carries (aisec's own, as ``vulnerabilities``) are recorded as a run of
kind ``bom-import``: ordinary findings, de-duplicated by fingerprint, with history and
triage like any other (docs/adr/0013).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aisec.bom.content import BomContent, BomFinding, bom_ref
from aisec.core.finding import Finding, Location
from aisec.store.records import Asset

if TYPE_CHECKING:
    from aisec.core.run import Run
    from aisec.store.component_records import ComponentRepository
    from aisec.store.repositories import InventoryRepository, RunRepository

RUN_KIND = "bom-import"


@dataclass
class Imported:
    """How many records of each kind the document held (added or merged)."""

    system: str
    counts: dict[str, int] = field(default_factory=dict)
    links: int = 0
    run_id: str | None = None  # the bom-import run, when one was recorded


def import_content(
    content: BomContent,
    inventory: InventoryRepository,
    components: ComponentRepository | None = None,
    runs: RunRepository | None = None,
    *,
    source: str = "",
) -> Imported:
    """Upsert every asset of ``content`` and link them as it says. Libraries need the
    component repository, findings the run repository; without them they are left out.
    ``source`` names the document (a file) in the import's run."""
    stored: dict[str, Asset] = {}
    result = Imported(system=content.root.name)
    for vendor in content.vendors:
        stored[f"vendor:{vendor.name}"] = inventory.upsert(vendor)
    groups: list[list[Asset]] = [
        list(content.datasets),
        list(content.models),
        list(content.endpoints),
    ]
    for group in groups:
        for asset in group:
            stored[bom_ref(asset)] = inventory.upsert(asset)
            result.counts[asset.kind] = result.counts.get(asset.kind, 0) + 1
    system = inventory.upsert(content.root)
    result.counts["system"] = 1
    if components is not None:
        for library in content.libraries:
            # A BOM lists the materials of its subject: each library belongs to it.
            components.link(system, components.upsert(library))
            result.counts["dependency"] = result.counts.get("dependency", 0) + 1
            result.links += 1
    for model_ref, vendor_name in content.supplied_by.items():
        result.links += _link(inventory, stored, model_ref, f"vendor:{vendor_name}")
    for model_ref, dataset_refs in content.trained_on.items():
        for dataset_ref in dataset_refs:
            result.links += _link(inventory, stored, model_ref, dataset_ref)
    for ref in content.uses:
        if ref in stored:
            inventory.link(system, stored[ref])
            result.links += 1
    if runs is not None:
        result.run_id = _record_findings(content, runs, source)
        found = {_key(f) for findings in content.findings.values() for f in findings}
        if found:
            result.counts["finding"] = len(found)
    return result


def _link(inventory: InventoryRepository, stored: dict[str, Asset], first: str, second: str) -> int:
    if first in stored and second in stored:
        inventory.link(stored[first], stored[second])
        return 1
    return 0


def import_run(content: BomContent, source: str = "") -> Run:
    """The run an import records: kind ``bom-import``, its id named by the document (the
    same document imported again is the same run), started when the document was made
    (its findings were open then, not now), with one finding per vulnerability."""
    from aisec import __version__
    from aisec.core.run import Run

    when = content.timestamp or datetime.now(UTC)
    run = Run(
        kind=RUN_KIND,
        targets=[source or content.root.name],
        tool_version=__version__,
        config={"subject": content.root.name},
        started_at=when,
    )
    if content.document_id:
        run.id = content.document_id
    seen: dict[str, Finding] = {}
    for findings in content.findings.values():
        for finding in findings:
            seen.setdefault(_key(finding), _finding(finding))
    run.findings.extend(seen.values())
    run.ended_at = when
    return run


def _record_findings(content: BomContent, runs: RunRepository, source: str) -> str:
    run = import_run(content, source)
    if runs.get(run.id) is None:  # imported before: nothing new to record
        runs.record(run, exit_code=0)  # an import is not a gate
    return run.id


def _key(finding: BomFinding) -> str:
    return finding.fingerprint or f"{finding.check_id}@{finding.location}"


def _finding(finding: BomFinding) -> Finding:
    # Built directly, not with Finding.create: the fingerprint is the document's, made
    # by the run that found it (the store makes one from the content when it is empty).
    return Finding(
        check_id=finding.check_id,
        severity=finding.severity,
        title=finding.title,
        message=finding.message,
        location=location_of(finding.location),
        remediation=finding.remediation,
        refs=finding.refs,
        fingerprint=finding.fingerprint,
    )


# Location.display() ends with "@offset", ":row" or ":row:column" after the innermost
# member; the most specific reading that displays as the text again wins.
_TAILS = (
    re.compile(r"@(?P<offset>\d{1,18}):(?P<row>\d{1,9}):(?P<column>[^:/]*)\Z"),
    re.compile(r"@(?P<offset>\d{1,18}):(?P<row>\d{1,9})\Z"),
    re.compile(r"@(?P<offset>\d{1,18})\Z"),
    re.compile(r":(?P<row>\d{1,9}):(?P<column>[^:/]*)\Z"),
    re.compile(r":(?P<row>\d{1,9})\Z"),
)


def location_of(text: str) -> Location:
    """The :class:`Location` whose ``display()`` is ``text``: a finding's location as a
    BOM writes it, read back so that the store keeps the same text and the artefact's
    path (which places match findings to models) apart from members and offsets."""
    path, *members = text.split("!/")
    for pattern in _TAILS:
        inner = members[-1] if members else path
        match = pattern.search(inner)
        if match is None:
            continue
        rest = inner[: match.start()]
        parts = match.groupdict()
        found = Location(
            rest if not members else path,
            (*members[:-1], rest) if members else (),
            offset=int(parts["offset"]) if parts.get("offset") else None,
            row=int(parts["row"]) if parts.get("row") else None,
            column=parts.get("column"),
        )
        if found.display() == text:
            return found
    found = Location(path, tuple(members))
    return found if found.display() == text else Location(text)
