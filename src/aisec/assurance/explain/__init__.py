"""Explainability tests: permutation importance, its stability, sensitive influence."""

from aisec.assurance.explain.explain import run_explainability

__all__ = ["run_explainability"]
