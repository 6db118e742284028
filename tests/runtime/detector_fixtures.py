"""Real data, real models and references for the detector tests (imported by name)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.runtime.detectors.base import Detector
from aisec.runtime.detectors.catalogue import build_detectors
from aisec.runtime.detectors.reference import Reference, build_reference
from aisec.runtime.observation import OUTPUT, Observation, Verdict

LOADERS: dict[str, Callable[..., Any]] = {
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
    "diabetes": load_diabetes,
}
CLASSIFIERS = ("breast_cancer", "digits")


@dataclass(frozen=True)
class Case:
    name: str
    x_train: np.ndarray
    x_test: np.ndarray
    model: Any
    reference: Reference
    classifier: bool

    def answer(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        pred = np.asarray(self.model.predict(x), dtype=np.float64)
        proba = self.model.predict_proba(x) if self.classifier else None
        return pred, proba


@cache
def case(name: str) -> Case:
    ds = LOADERS[name]()
    classifier = name in CLASSIFIERS
    stratify = ds.target if classifier else None
    xtr, xte, ytr, _ = train_test_split(
        ds.data, ds.target, test_size=0.25, random_state=0, stratify=stratify
    )
    est = LogisticRegression(max_iter=3000) if classifier else Ridge()
    model = make_pipeline(StandardScaler(), est).fit(xtr, ytr)
    names = [f"f{i}" for i in range(xtr.shape[1])] if name == "digits" else list(ds.feature_names)
    proba = None
    if classifier:
        # Held-out probabilities: the model is over-confident on its own training rows.
        proba = cross_val_predict(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)),
            xtr,
            ytr,
            cv=5,
            method="predict_proba",
        )
    ref = build_reference(
        xtr, names=names, predictions=model.predict(xtr).astype(float), probabilities=proba
    )
    return Case(name, xtr, xte, model, ref, classifier)


def all_detectors(c: Case, **overrides: Mapping[str, Any]) -> list[Detector]:
    specs: dict[str, Mapping[str, Any]] = {
        "extraction.prada": {},
        "extraction.coverage": {},
        "evasion.ood": {},
        "drift.input": {},
        "drift.output": {},
    }
    if c.classifier:
        specs |= {"extraction.boundary": {}, "evasion.margin": {}}
    for key, params in overrides.items():
        specs[key.replace("_", ".", 1)] = params
    return build_detectors(specs, c.reference)


def replay(
    c: Case, detectors: Iterable[Detector], rows: np.ndarray, client: str, batch: int = 1
) -> list[tuple[int, Verdict]]:
    """Send ``rows`` as requests of ``batch`` rows; (request index, verdict) of every verdict."""
    found: list[tuple[int, Verdict]] = []
    dets = list(detectors)
    for i, start in enumerate(range(0, len(rows), batch)):
        x = rows[start : start + batch]
        pred, proba = c.answer(x)
        inp = Observation(model=c.name, client=client, at=0.0, features=x)
        out = Observation(
            model=c.name, client=client, at=0.0, features=x, predictions=pred, probabilities=proba
        )
        for det in dets:
            verdict = det.observe(out if det.stage == OUTPUT else inp)
            if verdict is not None:
                found.append((i, verdict))
    return found


def first_alarm(found: list[tuple[int, Verdict]], detector: str) -> int | None:
    """1-based number of the first request on which ``detector`` fired."""
    hits = [i for i, v in found if v.detector == detector and v.fired]
    return hits[0] + 1 if hits else None


def jbda_queries(c: Case, n: int, seed: int = 0, seeds: int = 10, step: float = 0.1) -> np.ndarray:
    """Jacobian-augmentation-style synthetic queries (Papernot et al.): a few natural seeds,
    then rounds that double the set by stepping every point ``step`` standard deviations
    along a sign vector (the sign of the surrogate's gradient, here random per point)."""
    rng = np.random.default_rng(seed)
    s = c.x_train[rng.choice(len(c.x_train), seeds, replace=False)]
    std = c.x_train.std(axis=0)
    while len(s) < n:
        signs = np.sign(rng.normal(size=s.shape))
        s = np.vstack([s, s + step * signs * std])
    return s[:n]


def uniform_queries(c: Case, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(c.x_train.min(axis=0), c.x_train.max(axis=0), size=(n, c.x_train.shape[1]))


def boundary_walk(c: Case, n: int, seed: int = 0, steps: int = 10) -> np.ndarray:
    """HopSkipJump-style probing: bisect between two points the model labels differently,
    so most queries land closer and closer to the decision boundary."""
    rng = np.random.default_rng(seed)
    labels = c.model.predict(c.x_train)
    out: list[np.ndarray] = []
    while len(out) < n:
        a = c.x_train[rng.integers(len(c.x_train))]
        others = c.x_train[labels != c.model.predict(a[None])[0]]
        lo, hi = a, others[rng.integers(len(others))]
        label_lo = c.model.predict(lo[None])[0]
        for _ in range(steps):
            mid = (lo + hi) / 2
            out.append(mid)
            if c.model.predict(mid[None])[0] == label_lo:
                lo = mid
            else:
                hi = mid
    return np.array(out[:n])
