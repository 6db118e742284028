"""Label issues ranked by confident learning, with the assurance package's implementation.

The model is deliberately simple (a logistic regression over robust-scaled numbers,
one-hot categories and hashed word n-grams of the text columns): the ranking needs
honest out-of-fold probabilities, not a strong classifier. Rows without a label and
classes with fewer rows than folds are left out and counted in the notes.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from aisec.assurance.poisoning.label_audit import out_of_fold_probabilities, rank_label_issues
from aisec.assurance.stats import wilson
from aisec.core.errors import AnalysisError
from aisec.core.severity import Severity
from aisec.data.quality.columns import FloatArray, Prepared
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.neighbours import feature_matrix, sample, text_of

_TOP = 50


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000)


def design(data: Prepared, rows: np.ndarray[Any, Any]) -> Any:
    """Features for the model: dense numbers and categories, plus hashed text (sparse)."""
    dense = feature_matrix(data)[rows]
    if not data.text:
        return dense
    from scipy import sparse  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import HashingVectorizer

    texts = text_of(data)
    vectoriser = HashingVectorizer(n_features=2**14, ngram_range=(1, 2), alternate_sign=False)
    words = vectoriser.transform([texts[r] or "" for r in rows])
    return sparse.hstack([sparse.csr_matrix(dense), words]).tocsr()


def label_issues(
    data: Prepared, *, folds: int = 5, cap: int = 20_000, share: float = 0.02, seed: int = 0
) -> Indicator:
    if not data.features:
        raise AnalysisError("label issues need at least one feature column")
    y_all, classes, has_label = data.class_indices()
    counts = np.bincount(y_all[has_label], minlength=len(classes))
    kept_classes = counts >= folds
    usable = np.flatnonzero(has_label & kept_classes[np.maximum(y_all, 0)])
    notes: list[str] = []
    if (dropped := int(has_label.sum()) - len(usable)) > 0:
        notes.append(f"{dropped} rows of classes with fewer than {folds} rows left out")
    if (unlabelled := int((~has_label).sum())) > 0:
        notes.append(f"{unlabelled} rows without a label left out")
    if int(kept_classes.sum()) < 2:
        raise AnalysisError(f"label issues need two classes with at least {folds} rows each")
    chosen, sampled = sample(len(usable), cap, seed)
    rows = usable[chosen]
    if sampled:
        notes.append(f"ranked {len(rows)} of {len(usable)} labelled rows drawn at random")
    remap = np.cumsum(kept_classes) - 1  # class indices without the classes left out
    names = [c for c, k in zip(classes, kept_classes, strict=True) if k]
    y = remap[y_all[rows]].astype(np.int64)
    x = cast(FloatArray, design(data, rows))  # sparse when there is text: sklearn takes both
    probs = out_of_fold_probabilities(_model, x, y, len(names), folds, seed)
    ranking = rank_label_issues(probs, y)
    n_issues = int(ranking.issues.sum())
    low, high = wilson(n_issues, len(rows))
    ranked = [
        {
            "row": int(rows[i]),
            "label": names[int(y[i])],
            "suggested": names[int(ranking.suggested[i])],
            "self_confidence": round(float(s), 4),
            "issue": bool(ranking.issues[i]),
        }
        for i, s in zip(ranking.order[:_TOP], ranking.scores[:_TOP], strict=True)
    ]
    return Indicator(
        id="label-issues",
        title="Rows whose label disagrees with a model trained without them",
        severity=Severity.MEDIUM,
        fired=n_issues / len(rows) > share,
        count=n_issues,
        total=len(rows),
        rows=tuple(int(rows[i]) for i in ranking.order[:_TOP] if ranking.issues[i]),
        statistic=Statistic(
            "share of label issues",
            n_issues / len(rows),
            ci_low=low,
            ci_high=high,
            method="confident learning (Northcutt et al. 2021), Wilson 95% interval",
        ),
        details={
            "ranked": ranked,
            "classes": names,
            "thresholds": [round(float(t), 4) for t in ranking.thresholds],
            "confident_joint": ranking.confident_joint.tolist(),
            "fires_above_share": share,
            "folds": folds,
            "model": "logistic regression",
        },
        notes=tuple(notes),
    )
