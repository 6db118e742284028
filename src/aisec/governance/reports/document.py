"""The one shape every governance report has before it is rendered.

A :class:`ReportDocument` is a title and sections; a :class:`Section` holds paragraphs,
tables and status items. Builders put facts from aisec's records into it and mark what
aisec does not know as an :class:`Item` with status ``missing``, so a reader sees what
is left to write instead of an empty heading. The renderers (:mod:`.html`, :mod:`.pdf`)
clean every string themselves: builders may pass text exactly as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Status of an item -> the badge text shown beside it (text, so it reads without colour).
STATUSES: dict[str, str] = {
    "recorded": "from aisec records",
    "provided": "provided",
    "missing": "missing — to complete",
    "not-assessed": "not yet assessed",
    "info": "note",
}
TO_COMPLETE = "To complete by the provider."
EMPTY_SECTION = "Nothing recorded for this section yet — to complete."


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""

    def __post_init__(self) -> None:
        width = len(self.header)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table row has {len(row)} cells, the header {width}: {row!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "header": list(self.header),
            "rows": [list(r) for r in self.rows],
        }


@dataclass(frozen=True)
class Item:
    """One labelled statement with a status badge (``STATUSES``)."""

    label: str
    text: str
    status: str = "recorded"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"item status {self.status!r} is not one of {sorted(STATUSES)}")

    @property
    def badge(self) -> str:
        return STATUSES[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "status": self.status}


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    ref: str = ""  # the legal or standard provision the section answers

    @property
    def empty(self) -> bool:
        return not (self.paragraphs or self.tables or self.items)

    @property
    def missing(self) -> int:
        return sum(item.status == "missing" for item in self.items) + self.empty

    def to_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "ref": self.ref,
            "paragraphs": list(self.paragraphs),
            "tables": [t.to_dict() for t in self.tables],
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class ReportDocument:
    kind: str
    title: str
    subtitle: str
    generated_at: datetime
    sections: list[Section]
    preamble: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """How many statements are still to be written."""
        return sum(section.missing for section in self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "subtitle": self.subtitle,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "preamble": list(self.preamble),
            "sections": [s.to_dict() for s in self.sections],
            "missing": self.missing,
        }


def now(moment: datetime | None = None) -> datetime:
    """``moment`` (an aware datetime), or the current time in UTC."""
    if moment is None:
        return datetime.now(UTC).replace(microsecond=0)
    if moment.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    return moment


def given(label: str, text: object, prompt: str = TO_COMPLETE) -> Item:
    """``text`` as a provided item, or a missing one that says what to write."""
    value = "" if text is None else str(text).strip()
    if value:
        return Item(label, value, "provided")
    return Item(label, prompt, "missing")


def missing(label: str, prompt: str = TO_COMPLETE) -> Item:
    return Item(label, prompt, "missing")
