"""The link tree of an HDF5 file, searched for data that lives in other files.

A dataset may keep its bytes in other files (external storage), map them from datasets
of other files (virtual datasets), and a link may point into another file (external
link). Loading weights from such a file reads whatever those paths name on the loading
machine into the model's tensors, safe_mode or not (CVE-2026-1669). Only link and
creation-property metadata is read, never dataset contents, and the walk is capped.
Runs inside the HDF5 reader (see ``hdf5_read``): it returns plain data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

MAX_LINKS = 100_000
MAX_REPORTED = 200
MAX_UNREADABLE = 20  # examples kept; all are counted
MAX_TEXT = 512  # characters of one name, path or message
# The most JSON a walk result can take (what the parent accepts): every text is at most
# MAX_TEXT characters of at most 6 bytes (UTF-8, or \u00XX for control characters), an
# external entry holds three texts, a fixed word and two integers, plus keys and commas.
_TEXT_JSON = 6 * MAX_TEXT + 2
MAX_WALK_JSON = (
    MAX_REPORTED * (3 * _TEXT_JSON + 256) + (MAX_UNREADABLE + 1) * (_TEXT_JSON + 1) + 1024
)


def clip(value: bytes | str) -> str:
    """Text of at most ``MAX_TEXT`` characters, for evidence and messages."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class _Walk:
    def __init__(self, h5file: Any, deadline: float, watchdog: Callable[[], None]) -> None:
        import h5py

        self.h5py = h5py
        self.root = h5file.id
        self.deadline = deadline
        self.watchdog = watchdog
        self.count = 0
        self.external: list[dict[str, Any]] = []
        self.unreadable: list[str] = []
        self.unreadable_count = 0
        self.stopped: str | None = None

    def __call__(self, raw: bytes, info: Any) -> int | None:
        self.count += 1
        if self.count % 100 == 0:
            self.watchdog()
        if self.count > MAX_LINKS:
            self.stopped = f"more than {MAX_LINKS} links"
            return 1
        if self.count % 1000 == 0 and time.monotonic() > self.deadline:
            self.stopped = "time budget spent"
            return 1
        if len(self.external) >= MAX_REPORTED:
            return None  # keep counting links, stop collecting evidence
        try:
            if info.type == self.h5py.h5l.TYPE_EXTERNAL:
                target, inner = self.root.links.get_val(raw)
                self._add(raw, "external link", clip(target), object=clip(inner))
            elif info.type == self.h5py.h5l.TYPE_HARD:
                self._dataset(raw)
        except Exception as exc:  # one corrupt object header must not end the walk
            self.unreadable_count += 1
            if len(self.unreadable) < MAX_UNREADABLE:
                self.unreadable.append(clip(f"{clip(raw)}: {exc}"))
        return None

    def _dataset(self, raw: bytes) -> None:
        h5py = self.h5py
        obj = h5py.h5o.open(self.root, raw)
        if not isinstance(obj, h5py.h5d.DatasetID):
            return
        plist = obj.get_create_plist()
        for index in range(min(plist.get_external_count(), MAX_REPORTED)):
            target, offset, size = plist.get_external(index)
            self._add(raw, "external storage", clip(target), offset=offset, size=size)
        if plist.get_layout() == h5py.h5d.VIRTUAL:
            for index in range(min(plist.get_virtual_count(), MAX_REPORTED)):
                target = clip(plist.get_virtual_filename(index))
                if target != ".":  # "." is the file itself
                    self._add(raw, "virtual dataset", target)

    def _add(self, raw: bytes, how: str, target: str, **evidence: Any) -> None:
        if len(self.external) >= MAX_REPORTED:  # one dataset may name many files
            return
        self.external.append({"dataset": clip(raw), "how": how, "target": target, **evidence})


def walk_links(h5file: Any, deadline: float, watchdog: Callable[[], None]) -> dict[str, Any]:
    """Every link or dataset whose data lives in another file, as plain data."""
    walk = _Walk(h5file, deadline, watchdog)
    h5file.id.links.visit(walk, info=True)
    return {
        "external": walk.external,
        "unreadable": walk.unreadable,
        "unreadable_count": walk.unreadable_count,
        "stopped": walk.stopped,
    }
