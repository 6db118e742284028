"""Turning an item's ``applies_from`` (ids of catalogue dates) into one concrete date.

An obligation may list several dates because it applies along several routes (Annex III
and Annex I) or has a grace period for older systems. The engine says which date ids are
*relevant* to the case; among those an obligation lists, a more specific date (a child of
another listed one, such as the Art. 50(2) grace) replaces its parent, and of what remains
the earliest wins: a system high-risk on two routes is bound from the first.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from aisec.governance.catalogs import Item
from aisec.governance.classify import facts as f
from aisec.governance.classify.result import Duty


def listed(item_id: str) -> list[str]:
    item = f.catalogue().get(item_id)
    raw = item.attributes.get("applies_from", []) if item else []
    return [str(d) for d in raw] if isinstance(raw, list) else []


def pick(item_id: str, relevant: Collection[str], use_amended: bool) -> str | None:
    """The governing date id for an item, or None when none of its dates is relevant
    (the obligation does not apply on this route)."""
    candidates = [d for d in listed(item_id) if d in relevant]
    parents = {_item(d).parent for d in candidates}
    specific = [d for d in candidates if d not in parents]
    if not specific:
        return None
    return min(specific, key=lambda d: resolve(d, use_amended)[0] or date.max)


def resolve(date_id: str, use_amended: bool) -> tuple[date | None, str]:
    """(date, which text it came from) for a catalogue date item."""
    attributes = _item(date_id).attributes
    amended = attributes.get("amended")
    if use_amended and amended:
        return _day(amended), "amended"
    original = attributes.get("original")
    return (_day(original) if original else None), "original"


def amendment_status(item_id: str, date_id: str, use_amended: bool) -> str:
    """``reported`` when the duty's date comes from the reported amendment and differs from
    the original, or the duty itself is reported; ``unchanged`` otherwise."""
    if f.reported(item_id):
        return "reported"
    day, source = resolve(date_id, use_amended)
    if source == "amended" and day != resolve(date_id, False)[0]:
        return "reported"
    return "unchanged"


def status(day: date | None, as_of: date) -> tuple[bool, str]:
    if day is None:
        return False, "not in the original Regulation; added by Regulation (EU) 2026/1744"
    if day <= as_of:
        return True, f"in force since {day.isoformat()}"
    days = (day - as_of).days
    return False, f"applies from {day.isoformat()}, {days} day{'s' if days != 1 else ''} from now"


def duty(item_id: str, date_id: str, use_amended: bool, as_of: date, condition: str = "") -> Duty:
    """The dated duty. ``condition`` (e.g. the Art. 111(2) proviso) leads the status text;
    a reported date ends it with " (reported)", so every rendering shows it."""
    day, source = resolve(date_id, use_amended)
    in_force, text = status(day, as_of)
    amendment = amendment_status(item_id, date_id, use_amended)
    if condition:
        text = f"{condition}; {text}"
    if amendment == "reported":
        text += " (reported)"
    return Duty(
        ref=f.ref(item_id),
        title=f.title(item_id),
        date_ref=f.ref(date_id),
        applies_from=day,
        date_source=source,
        amendment_status=amendment,
        in_force=in_force,
        status=text,
    )


def _day(value: object) -> date:
    # YAML may already have parsed an unquoted ISO date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _item(date_id: str) -> Item:
    # The catalogue ships with aisec and its tests check these ids: a miss is a bug.
    item = f.catalogue().get(date_id)
    if item is None:
        raise LookupError(f"the EU AI Act catalogue has no item {date_id!r}")
    return item
