"""Trigger-phrase mining: rare word n-grams that occur almost only with one label.

A textual backdoor pairs a rare phrase with a target label; a few hundred such rows
suffice (runtime-data reference, section 4.5). Every word 1- to 3-gram found in at least
``min_docs`` texts but in at most ``max_share`` of them is tested: a one-sided binomial
test of how many of its texts carry its most common label against that label's share
of all rows. Benjamini-Hochberg over all n-grams tested controls false discoveries;
a flagged n-gram must also be at least 90% pure. Ordinary topic words that predict a
label are frequent and fall outside the rare band.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aisec.core.errors import AnalysisError
from aisec.core.severity import Severity
from aisec.data.quality.columns import Prepared
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.neighbours import sample, text_of
from aisec.data.quality.shift import benjamini_hochberg

_PURITY = 0.9
_TOP = 20


def trigger_phrases(
    data: Prepared,
    *,
    min_docs: int = 5,
    max_share: float = 0.05,
    fdr: float = 1e-3,
    cap: int = 20_000,
    seed: int = 0,
) -> Indicator:
    from scipy.stats import binom  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import CountVectorizer

    y_all, classes, has = data.class_indices()
    texts = text_of(data)
    usable = np.flatnonzero(has & np.array([t is not None for t in texts], dtype=bool))
    chosen, sampled = sample(len(usable), cap, seed)
    rows = usable[chosen]
    if len(rows) < min_docs * 4 or len(classes) < 2:
        raise AnalysisError("trigger-phrase mining needs labelled texts of two classes or more")
    vectoriser = CountVectorizer(
        ngram_range=(1, 3), binary=True, min_df=min_docs, max_df=max_share, max_features=200_000
    )
    try:
        x = vectoriser.fit_transform([texts[r] or "" for r in rows])
    except ValueError:  # no n-gram within the document-frequency band
        x = None
    y = y_all[rows]
    if x is None or x.shape[1] == 0:
        per_class = np.zeros((0, len(classes)))
        names: list[str] = []
    else:
        onehot = np.zeros((len(rows), len(classes)))
        onehot[np.arange(len(rows)), y] = 1.0
        per_class = np.asarray(x.T @ onehot)
        names = list(vectoriser.get_feature_names_out())
    base = np.bincount(y, minlength=len(classes)) / len(rows)
    docs = per_class.sum(axis=1)
    top = per_class.argmax(axis=1) if names else np.zeros(0, dtype=np.int64)
    hits = per_class[np.arange(len(names)), top] if names else np.zeros(0)
    p = binom.sf(hits - 1, docs, base[top]) if names else np.zeros(0)
    q = benjamini_hochberg(np.asarray(p, dtype=np.float64))
    flagged = np.flatnonzero((q < fdr) & (hits >= _PURITY * docs))
    flagged = flagged[np.argsort(p[flagged], kind="stable")]
    found: list[dict[str, Any]] = [
        {
            "ngram": names[i],
            "label": classes[int(top[i])],
            "rows": int(docs[i]),
            "with_label": int(hits[i]),
            "label_base_rate": round(float(base[top[i]]), 4),
            "p_value": float(p[i]),
            "q_value": float(q[i]),
        }
        for i in flagged[:_TOP]
    ]
    notes = (
        [f"mined {len(rows)} of {len(usable)} labelled texts drawn at random"] if sampled else []
    )
    return Indicator(
        id="trigger-phrases",
        title="Rare phrases that occur almost only with one label (backdoor triggers)",
        severity=Severity.HIGH,
        fired=bool(found),
        count=len(flagged),
        total=len(names),
        statistic=Statistic(
            "smallest q-value",
            float(q.min()) if q.size else 1.0,
            p_value=float(p.min()) if names else None,
            method=f"one-sided binomial per n-gram, Benjamini-Hochberg at {fdr}",
        ),
        details={"phrases": found, "min_docs": min_docs, "max_share": max_share},
        notes=tuple(notes),
    )
