"""Framework catalogues shipped as versioned data: one schema for all (``model``), read
and checked by ``loader``, and the crosswalk between them and the checks."""

from aisec.governance.catalogs.loader import (
    CatalogueError,
    all_catalogues,
    catalogue_ids,
    load_catalogue,
    resolve,
)
from aisec.governance.catalogs.model import Catalogue, Item

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Item",
    "all_catalogues",
    "catalogue_ids",
    "load_catalogue",
    "resolve",
]
