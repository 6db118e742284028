"""Model extraction: how much of the target a query budget can copy."""

from aisec.assurance.extraction.extraction import run_extraction

__all__ = ["run_extraction"]
