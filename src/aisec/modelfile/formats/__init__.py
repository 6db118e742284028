"""Format handlers: each claims an artefact by content and analyses it statically."""

from __future__ import annotations

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.reports import ArtefactReport


def note_trailing(
    facts: ArtefactReport, blob: Blob, pos: int, location: Location, what: str
) -> None:
    """Record the bytes from ``pos`` to the end, which the format's loader never reads."""
    if pos >= len(blob):
        return
    length = len(blob) - pos
    facts.add(
        "trailing-data",
        f"{length} bytes after {what}",
        location.at(pos, length),
        length=length,
        head=blob.read(pos, 16).hex(),
    )
