"""The AI bill of materials: a CycloneDX 1.6 ML-BOM of a system or a path, and its import.

    from aisec.services import bom
    with aisec.store.open_store() as store:
        text = bom.system_bom(store, "credit-scoring")   # CycloneDX 1.6 JSON, validated
        bom.import_bom(store, Path("vendor-bom.json"))   # upserts, relations restored

Underneath: ``content_of_system`` / ``content_of_report`` gather a :class:`BomContent`,
``write_bom`` writes it, ``read_bom`` reads one back and ``import_content`` stores it.

``cyclonedx-python-lib`` is imported only when a document is written or validated, so
importing this package (and ``aisec scan``) costs nothing (docs/adr/0013).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "BomContent",
    "content_of_report",
    "content_of_system",
    "import_content",
    "read_bom",
    "write_bom",
]

_LAZY = {
    "BomContent": "aisec.bom.content",
    "content_of_report": "aisec.bom.collect",
    "content_of_system": "aisec.bom.collect",
    "import_content": "aisec.bom.importer",
    "read_bom": "aisec.bom.reader",
    "write_bom": "aisec.bom.writer",
}

if TYPE_CHECKING:
    from aisec.bom.collect import content_of_report, content_of_system
    from aisec.bom.content import BomContent
    from aisec.bom.importer import import_content
    from aisec.bom.reader import read_bom
    from aisec.bom.writer import write_bom


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
