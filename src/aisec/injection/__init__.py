"""aisec's own prompt-injection detector: text normalisation against evasive rewrites,
hashed n-gram features and a small logistic model shipped with the package.

Inference needs numpy only; ``training`` (scikit-learn, pandas) retrains the shipped
model from the offline corpora (``scripts/train-prompt-injection``).
"""

from __future__ import annotations

from aisec.injection.model import InjectionModel

__all__ = ["InjectionModel"]
