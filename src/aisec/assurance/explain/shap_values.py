"""Optional SHAP cross-check of the permutation ranking (Lundberg & Lee, NeurIPS 2017).

Only when the ``shap`` package is importable (it is not a dependency of aisec): the
model-agnostic permutation explainer of shap, with an independent masker over a small
background sample, gives per-row SHAP values on a small sample of test rows; the mean
absolute value per feature (summed over a one-hot group's columns, and over the classes)
is ranked against the permutation importance with Spearman's rho. Two methods that agree
make the ranking more credible; a low rho says at least one of them is misleading.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from aisec.assurance.explain.permutation import FloatArray, Importances
from aisec.assurance.explain.stability import spearman
from aisec.assurance.targets.base import Capability, Target

INSTALL_NOTE = "SHAP comparison skipped: shap is not installed (pip install shap)"


def _shap() -> Any | None:
    try:
        return importlib.import_module("shap")
    except ImportError:
        return None


def mean_abs_shap(
    target: Target, x: FloatArray, *, background: int = 50, rows: int = 100, seed: int = 0
) -> FloatArray | None:
    """Mean |SHAP| per input column over a sample of ``rows`` rows; None without shap."""
    shap = _shap()
    if shap is None:
        return None
    rng = np.random.default_rng(seed)
    base = x[rng.choice(len(x), min(background, len(x)), replace=False)]
    sample = x[rng.choice(len(x), min(rows, len(x)), replace=False)]

    def model(batch: Any) -> Any:
        batch = np.asarray(batch, dtype=np.float64)
        if Capability.SCORES in target.capabilities:
            return target.predict_proba(batch)
        return target.predict(batch).astype(np.float64)

    masker = shap.maskers.Independent(base, max_samples=len(base))
    explainer = shap.explainers.Permutation(model, masker, seed=seed)
    # The permutation explainer needs at least 2·d + 1 evaluations per row.
    explanation = explainer(sample, max_evals=max(500, 2 * x.shape[1] + 1), silent=True)
    values = np.abs(np.asarray(explanation.values, dtype=np.float64))
    per_column = values.mean(axis=0)
    if per_column.ndim == 2:  # one column of values per class
        per_column = per_column.sum(axis=1)
    return np.asarray(per_column, dtype=np.float64)


def shap_comparison(
    target: Target,
    x: FloatArray,
    main: Importances,
    *,
    background: int = 50,
    rows: int = 100,
    seed: int = 0,
) -> tuple[dict[str, Any] | None, str]:
    """SHAP importances per unit and their rank agreement with ``main``, or a note."""
    per_column = mean_abs_shap(target, x, background=background, rows=rows, seed=seed)
    if per_column is None:
        return None, INSTALL_NOTE
    per_unit = np.array([per_column[list(u.columns)].sum() for u in main.units])
    details = {
        "mean_abs_shap": {u.name: float(v) for u, v in zip(main.units, per_unit, strict=True)},
        "spearman_vs_permutation": spearman(per_unit, main.mean),
        "rows": min(rows, len(x)),
        "background": min(background, len(x)),
    }
    return details, ""
