"""Detector recipes that ``aisec validate --train`` fits on one labelled file, to score
another: the generalisation test (train on one dataset, test on another of the same task).

aisec builds these estimators itself, so nothing untrusted is loaded. Each recipe is a
function from training rows and labels to a scorer (rows to malicious scores). Where a
recipe has a regularisation strength to choose, it is chosen on a stratified share of the
*training* file, never on the data being validated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Scorer = Callable[[Any], FloatArray]
C_GRID = (2.0, 4.0, 8.0, 16.0)
HOLDOUT = 0.2  # share of the training file that chooses C (text recipes)
CHOOSE_AT_FPR = 0.01


@dataclass(frozen=True)
class Recipe:
    name: str
    kind: str  # "tabular": a matrix of numeric features; "text": a list of strings
    description: str
    fit: Callable[[Any, npt.NDArray[np.bool_], int], tuple[Scorer, dict[str, Any]]]


def _logistic(x: FloatArray, y: npt.NDArray[np.bool_], seed: int) -> tuple[Scorer, dict[str, Any]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=2000)
    )
    model.fit(x, y)
    return _proba(model), {"C": 1.0, "class_weight": "balanced", "scaled": True}


def _forest(x: FloatArray, y: npt.NDArray[np.bool_], seed: int) -> tuple[Scorer, dict[str, Any]]:
    from sklearn.ensemble import RandomForestClassifier

    params = {"n_estimators": 200, "min_samples_leaf": 2, "class_weight": "balanced"}
    model = RandomForestClassifier(random_state=seed, n_jobs=-1, **params)
    model.fit(x, y)
    return _proba(model), params


def _boosting(x: FloatArray, y: npt.NDArray[np.bool_], seed: int) -> tuple[Scorer, dict[str, Any]]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    params = {"max_iter": 300, "learning_rate": 0.1, "class_weight": "balanced"}
    model = HistGradientBoostingClassifier(random_state=seed, early_stopping=False, **params)
    model.fit(x, y)
    return _proba(model), params


def _isolation(x: FloatArray, y: npt.NDArray[np.bool_], seed: int) -> tuple[Scorer, dict[str, Any]]:
    """Unsupervised: fitted on the benign rows only, as an anomaly detector would be."""
    from sklearn.ensemble import IsolationForest

    model = IsolationForest(n_estimators=200, random_state=seed)
    model.fit(x[~y])

    def score(rows: Any) -> FloatArray:
        return np.asarray(-model.score_samples(rows), dtype=np.float64)

    return score, {"n_estimators": 200, "fitted_on": "benign rows"}


def _proba(model: Any) -> Scorer:
    def score(rows: Any) -> FloatArray:
        return np.asarray(model.predict_proba(rows)[:, 1], dtype=np.float64)

    return score


def _tfidf(
    texts: Sequence[str], y: npt.NDArray[np.bool_], seed: int
) -> tuple[Scorer, dict[str, Any]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def fit(chosen: Sequence[str], labels: npt.NDArray[np.bool_], c: float) -> Scorer:
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        matrix = vectorizer.fit_transform(chosen)
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        clf.fit(matrix, labels)

        def score(rows: Any) -> FloatArray:
            return np.asarray(clf.predict_proba(vectorizer.transform(list(rows)))[:, 1])

        return score

    scorer, check, c = _choose_c(texts, y, seed, fit)
    return scorer, {"ngram_range": [1, 2], "C": c, "chosen_on": check}


def _injection(
    texts: Sequence[str], y: npt.NDArray[np.bool_], seed: int
) -> tuple[Scorer, dict[str, Any]]:
    """aisec's own prompt-injection detector, retrained by its shipped procedure (C
    chosen on the holdout, without the rewrite augmentation the shipped model has)."""
    from aisec.injection.training import Split, train

    learn, held = _holdout(len(texts), y, seed)
    listed = list(texts)
    part = Split("train", [listed[i] for i in learn], [bool(y[i]) for i in learn])
    check = Split("holdout", [listed[i] for i in held], [bool(y[i]) for i in held])
    model, measured = train(part, check)

    def score(rows: Any) -> FloatArray:
        return np.asarray(model.score_many(list(rows)), dtype=np.float64)

    return score, {"C": measured.get("c"), "chosen_on": f"{len(held)} held-out rows",
                   "version": model.version}  # fmt: skip


def _choose_c(
    texts: Sequence[str], y: npt.NDArray[np.bool_], seed: int,
    fit: Callable[[Sequence[str], npt.NDArray[np.bool_], float], Scorer],
) -> tuple[Scorer, str, float]:  # fmt: skip
    """The C detecting most at CHOOSE_AT_FPR on a held-out share of the training rows
    (ties: the smaller C), and the scorer fitted on the rest with it (as the text
    recipes are used: fitted on the training file less its holdout)."""
    from aisec.validation.evaluate import Options, evaluate

    learn, held = _holdout(len(texts), y, seed)
    listed = list(texts)
    best: tuple[float, float, Scorer] | None = None
    for c in C_GRID:
        scorer = fit([listed[i] for i in learn], y[learn], c)
        found = evaluate(scorer([listed[i] for i in held]), y[held],
                         options=Options(fprs=(CHOOSE_AT_FPR,), n_boot=0))  # fmt: skip
        value = found.operating[0].detection_rate.value or 0.0
        if best is None or value > best[0]:
            best = (value, c, scorer)
    assert best is not None
    return best[2], f"{len(held)} held-out rows", best[1]


def _holdout(n: int, y: npt.NDArray[np.bool_], seed: int) -> tuple[Any, Any]:
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(n), test_size=HOLDOUT, stratify=y, random_state=seed)  # type: ignore[no-any-return]


RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in (
        Recipe("logistic-regression", "tabular",
               "standardised features, logistic regression (balanced classes)", _logistic),
        Recipe("random-forest", "tabular", "random forest, 200 trees (balanced classes)",
               _forest),
        Recipe("gradient-boosting", "tabular",
               "histogram gradient boosting, 300 rounds (balanced classes)", _boosting),
        Recipe("isolation-forest", "tabular",
               "isolation forest on the benign rows (unsupervised)", _isolation),
        Recipe("prompt-injection", "text",
               "aisec's prompt-injection detector, retrained", _injection),
        Recipe("tfidf-logistic", "text",
               "TF-IDF word 1-2-grams, logistic regression (a baseline)", _tfidf),
    )
}  # fmt: skip
