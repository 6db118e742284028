"""Discovery of AI assets in a repository or file tree (``aisec discover``).

from aisec.discovery import discover, record
report = discover("path/to/repo")       # nothing is imported, loaded or run
report.counts()                          # {"model": 2, "dataset": 3, ...}
with aisec.store.open_store() as store:
    record(report, store)                # upserts: re-running adds no duplicates
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["DiscoveryReport", "Item", "discover", "record"]

_LAZY = {
    "discover": "aisec.discovery.engine",
    "record": "aisec.discovery.recording",
    "DiscoveryReport": "aisec.discovery.items",
    "Item": "aisec.discovery.items",
}

if TYPE_CHECKING:
    from aisec.discovery.engine import discover
    from aisec.discovery.items import DiscoveryReport, Item
    from aisec.discovery.recording import record


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
