"""The demo's detector validation (``aisec validate``): how many evasions of the
tumour-screening model does the gateway's out-of-distribution detector, ``evasion.ood``,
catch at a 1% false-positive rate?

The labelled rows are built here, with fixed seeds. Benign: the model's held-out rows, the
traffic the clinic sends through the gateway. Malicious: evasions of those rows by the
assurance attacks, PGD (white-box: gradients) and Square (black-box: scores only), within
the same epsilon box as the model tests. Only rows whose answer an attack flipped count.
A failed attempt leaves the answer right, and PGD's failures end at the corners of the box,
further out than its successes, so counting them would flatter the detector.

Every row is scored by the detector the gateway builds (its catalogue, with the reference
statistics read back from their file as the gateway reads them). The scores go to a CSV in
the demo directory, and that CSV is validated like any other. The run (kind ``validate``)
is evidence for ``assurance.detector.accuracy``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport
    from aisec.core.run import Measurement
    from aisec.runtime.detectors.reference import Reference

DATASET = "breast_cancer"  # the gateway demo's model
DETECTOR = "evasion.ood"
FPR = 0.01
# 0.1 of each feature's range, the largest epsilon of the demo's model tests: there most
# held-out rows can be flipped (at 0.05 fewer than half can), so there is a sample to
# measure on.
EPSILON = 0.1
ATTACKS = ("pgd", "square")
SQUARE_QUERIES = 200
SEED = 0
DATA_NAME = "ood-validation.csv"
COLUMNS = ("ood_score", "label", "category", "row")


@dataclass(frozen=True)
class LabelledRows:
    x: NDArray[np.float64]  # feature rows, the benign ones first
    malicious: NDArray[np.bool_]
    categories: tuple[str | None, ...]  # the attack; None for benign rows
    rows: NDArray[np.int64]  # the held-out row each one is (or was made from)


@dataclass(frozen=True)
class DetectorValidation:
    report: PlanReport
    data: Path
    evasions: int
    benign: int

    def detection(self) -> Measurement | None:
        """The detection rate at :data:`FPR`, with its interval."""
        measured = self.report.run.measurements
        wanted = (m for m in measured if m.name == "detection_rate" and m.params.get("fpr") == FPR)
        return next(wanted, None)

    def caveats(self) -> list[str]:
        """What the data could not resolve (too few benign rows above the threshold)."""
        return [note for o in self.report.outcomes for note in o.notes if note.startswith("FPR")]

    def by_attack(self) -> dict[str, float]:
        return {str(m.params["category"]): m.value for m in self.report.run.measurements
                if m.name == "category_detection_rate"}  # fmt: skip


def validate_ood_detector(directory: Path) -> DetectorValidation:
    """Train the gateway demo's model, write its reference and the scored rows to
    ``directory``, and validate the detector on them."""
    from aisec.demo.model_server import trained_with_reference
    from aisec.runtime.detectors.reference import load_reference
    from aisec.services.validating import ValidationSpec, validate
    from aisec.validation.evaluate import Options
    from aisec.validation.sources import ColumnScores

    directory.mkdir(parents=True, exist_ok=True)
    model, x_train, x_test = trained_with_reference(DATASET, directory / "reference.json")
    labelled = labelled_rows(model, x_train, x_test)
    scores = ood_scores(load_reference(directory / "reference.json"), labelled.x)
    path = directory / DATA_NAME
    write_scored(path, labelled, scores)
    spec = ValidationSpec(
        data=path, label="label", category="category",
        sources=[ColumnScores(COLUMNS[0], name=DETECTOR)],
        # 1% only: the 171 held-out rows cannot resolve a 0.1% false-positive rate.
        options=Options(fprs=(FPR,), n_boot=1000, seed=SEED),
        name=f"{DETECTOR} on evasions of the tumour-screening model (demo)",
    )  # fmt: skip
    report = validate(spec)
    evasions = int(labelled.malicious.sum())
    return DetectorValidation(report, path, evasions, len(labelled.malicious) - evasions)


def labelled_rows(model: Any, x_train: Any, x_test: Any) -> LabelledRows:
    """The held-out rows, then every successful evasion of them, attack by attack."""
    from aisec.assurance.attacks.box import build_box
    from aisec.assurance.attacks.gradient import pgd
    from aisec.assurance.attacks.square import square_attack
    from aisec.assurance.targets.sklearn_target import SklearnTarget

    x_test = np.asarray(x_test, dtype=np.float64)
    target = SklearnTarget(model)
    # Untargeted against the model's own answers: an evasion is a changed answer.
    answers = target.predict(x_test)
    box = build_box(x_test, np.asarray(x_train, dtype=np.float64))
    outcomes = {
        "pgd": pgd(target, x_test, answers, box, EPSILON, seed=SEED),
        "square": square_attack(target, x_test, answers, box, EPSILON,
                                queries=SQUARE_QUERIES, seed=SEED),
    }  # fmt: skip
    parts = [x_test]
    categories: list[str | None] = [None] * len(x_test)
    rows = [np.arange(len(x_test), dtype=np.int64)]
    for name in ATTACKS:
        hit = np.flatnonzero(outcomes[name].evaded).astype(np.int64)
        parts.append(outcomes[name].x_adv[hit])
        categories += [name] * len(hit)
        rows.append(hit)
    malicious = np.array([c is not None for c in categories], dtype=np.bool_)
    return LabelledRows(np.vstack(parts), malicious, tuple(categories), np.concatenate(rows))


def ood_scores(reference: Reference, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The gateway's ``evasion.ood`` score of each row, sent as a one-row request."""
    from aisec.demo.gateway_demo import MODEL
    from aisec.runtime.detectors.catalogue import build_detectors
    from aisec.runtime.observation import Observation

    (detector,) = build_detectors({DETECTOR: {}}, reference)
    scores = np.empty(len(x), dtype=np.float64)
    for i, row in enumerate(x):
        obs = Observation(model=MODEL, client="validation", at=0.0, features=row[None, :])
        verdict = detector.observe(obs)
        if verdict is None:  # only for rows the gateway's schema check would refuse
            raise ValueError(f"{DETECTOR} cannot score row {i}")
        scores[i] = verdict.score
    return scores


def write_scored(path: Path, labelled: LabelledRows, scores: NDArray[np.float64]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for score, bad, category, row in zip(
            scores.tolist(), labelled.malicious.tolist(), labelled.categories,
            labelled.rows.tolist(), strict=True,
        ):  # fmt: skip
            # repr: the shortest text that reads back as the same float.
            writer.writerow((repr(score), "malicious" if bad else "benign", category or "", row))
