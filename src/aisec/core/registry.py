"""The one registry of checks, loaded from the ``aisec.checks`` entry-point group.

Built-in checks are registered through the same entry points as third-party ones. A
plugin that fails to import or has invalid metadata becomes a *disabled* row with the
reason; a check whose optional extra is missing becomes *unavailable* with the exact
install hint. Neither stops aisec.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from aisec.core.check import Check, metadata_problems
from aisec.core.entry_points import EntryPoint, entry_points

GROUP = "aisec.checks"

# Optional extras and the modules whose presence means the extra is installed.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "torch": ("torch",),
    "sklearn": ("sklearn", "joblib"),
    "h5": ("h5py",),
    "onnx": ("onnx",),
}


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    check: type[Check[Any]] | None
    status: str  # "enabled" | "unavailable" | "disabled"
    reason: str = ""
    origin: str = ""  # the module the check comes from, to tell duplicates apart

    @property
    def builtin(self) -> bool:
        return self.check is not None and self.check.__module__.startswith("aisec.")

    @property
    def enabled(self) -> bool:
        return self.status == "enabled"


def missing_extras(cls: type[Check[Any]]) -> list[str]:
    missing = []
    for extra in cls.requires:
        modules = EXTRA_MODULES.get(extra, (extra,))
        if any(importlib.util.find_spec(m) is None for m in modules):
            missing.append(extra)
    return missing


class Registry:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            self._add(entry)

    @classmethod
    def from_classes(cls, classes: Iterable[type[Check[Any]]]) -> Registry:
        return cls(_entry_for(c.id if hasattr(c, "id") else repr(c), c) for c in classes)

    @classmethod
    def from_entry_points(cls, eps: Iterable[EntryPoint]) -> Registry:
        return cls(_load_entry(ep) for ep in eps)

    @classmethod
    def load(cls, group: str = GROUP) -> Registry:
        return cls.from_entry_points(entry_points(group=group))

    def _add(self, entry: Entry) -> None:
        """Register ``entry``; on a duplicate id keep one and list the other as disabled.

        A plugin must not be able to replace a built-in check (and so silence it) by
        registering the same id: the built-in wins, then a check that loaded over one
        that did not, then the first one loaded.
        """
        kept = self._entries.get(entry.name)
        if kept is None:
            self._entries[entry.name] = entry
            return
        if _rank(entry) > _rank(kept):
            kept, entry = entry, kept
            self._entries[entry.name] = kept
        reason = f"duplicate check id {entry.name!r}; the one from {kept.origin} is used"
        warnings.warn(
            f"aisec check {entry.name!r} from {entry.origin} ignored: {reason}", stacklevel=2
        )
        key = f"{entry.name} (duplicate from {entry.origin})"
        copies = 1
        while key in self._entries:  # the same module registered it more than once
            copies += 1
            key = f"{entry.name} (duplicate #{copies} from {entry.origin})"
        self._entries[key] = Entry(key, None, "disabled", reason, entry.origin)

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda e: e.name))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, check_id: str) -> Entry | None:
        return self._entries.get(check_id)

    def enabled(self) -> list[type[Check[Any]]]:
        return [e.check for e in self if e.enabled and e.check is not None]

    def for_kind(self, kind: str) -> list[type[Check[Any]]]:
        return [c for c in self.enabled() if kind in c.applies_to]


def _rank(entry: Entry) -> tuple[bool, bool]:
    return entry.builtin, entry.check is not None


def _entry_for(name: str, obj: Any, origin: str | None = None) -> Entry:
    origin = origin or str(getattr(obj, "__module__", "?"))
    problems = metadata_problems(obj)
    if problems:
        return Entry(name, None, "disabled", "; ".join(problems), origin)
    if obj.id != name:
        reason = f"entry point name differs from id {obj.id!r}"
        return Entry(name, None, "disabled", reason, origin)
    missing = missing_extras(obj)
    if missing:
        extras = ",".join(missing)
        return Entry(name, obj, "unavailable", f"pip install 'aisec[{extras}]'", origin)
    return Entry(name, obj, "enabled", origin=origin)


def _load_entry(ep: EntryPoint) -> Entry:
    try:
        obj = ep.load()
    except Exception as exc:  # a broken plugin must not take aisec down
        reason = f"failed to load {ep.value}: {type(exc).__name__}: {exc}"
        warnings.warn(f"aisec check {ep.name!r} disabled: {reason}", stacklevel=2)
        return Entry(ep.name, None, "disabled", reason, ep.module)
    entry = _entry_for(ep.name, obj, ep.module)
    if entry.status == "disabled":
        warnings.warn(f"aisec check {ep.name!r} disabled: {entry.reason}", stacklevel=2)
    return entry


_default: Registry | None = None


def default_registry() -> Registry:
    global _default  # noqa: PLW0603 - one registry per process, loaded on first use
    if _default is None:
        _default = Registry.load()
    return _default
