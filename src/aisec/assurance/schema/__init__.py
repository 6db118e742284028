"""Feature schemas for tabular data: what a valid input is, and ``project`` onto it."""

from aisec.assurance.schema.column import Column, Kind, SchemaError
from aisec.assurance.schema.feature_schema import FeatureSchema

__all__ = ["Column", "FeatureSchema", "Kind", "SchemaError"]
