"""Poisoning audits as assurance tests: label issues, backdoor scan, poisoning sensitivity.

Each ``run_*`` takes a target and its :class:`AssuranceData` (training rows required) and
returns a :class:`TestResult`. The algorithms live in :mod:`.label_audit` (confident
learning, Northcutt et al. 2021), :mod:`.spectral` (spectral signatures, Tran et al. 2018)
and :mod:`.sensitivity` (label flipping and BadNets-style triggers, by retraining).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.outcome import AssuranceData, TestResult
from aisec.assurance.poisoning import label_audit, sensitivity, spectral
from aisec.assurance.poisoning import report_helpers as helpers
from aisec.assurance.poisoning.retrain import ModelFactory, model_factory_for
from aisec.assurance.stats import bootstrap, proportion
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement

DEFAULT_FRACTIONS = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1)
_TOP_ROWS = 200


def run_label_audit(
    target: Target,
    data: AssuranceData,
    *,
    model_factory: ModelFactory | None = None,
    folds: int = 5,
    rank_by: label_audit.RankBy = "self_confidence",
    known_mislabelled: Sequence[int] | None = None,
    seed: int = 0,
) -> TestResult:
    """Confident-learning audit of the training labels with a fresh copy of the model."""
    x, y = data.require_train("the label audit")
    factory = model_factory_for(target, model_factory, "the label audit")
    truth = helpers.known_mask(known_mislabelled, len(y), "known_mislabelled")
    classes = helpers.plain_classes(target)
    ranking = label_audit.audit_labels(
        factory, x, y, len(classes), folds=folds, seed=seed, rank_by=rank_by
    )
    params = {"folds": folds, "rank_by": rank_by, "seed": seed}
    result = TestResult()
    name = "poisoning.label_issues"
    result.measurements.append(proportion(f"{name}.fraction", ranking.issues, params=params))
    if truth is not None and truth.any():
        k = int(truth.sum())
        hits = truth[ranking.order[:k]]
        result.measurements.append(
            proportion(f"{name}.precision_at_k", hits, params=params | {"k": k})
        )
    top = ranking.order[:_TOP_ROWS]
    result.details["ranked"] = [
        {
            "row": int(r),
            "label": classes[int(y[r])],
            "suggested": classes[int(ranking.suggested[r])],
            "score": float(s),
            "issue": bool(ranking.issues[r]),
        }
        for r, s in zip(top, ranking.scores[:_TOP_ROWS], strict=True)
    ]
    result.details["thresholds"] = [float(t) for t in ranking.thresholds]
    result.details["confident_joint"] = ranking.confident_joint.tolist()
    result.details["classes"] = classes
    return result


def run_backdoor_scan(
    target: Target,
    data: AssuranceData,
    *,
    poison_rate: float = 0.05,
    known_poisoned: Sequence[int] | None = None,
    n_boot: int = 200,
    seed: int = 0,
) -> TestResult:
    """Spectral-signature scan of the training rows' representations, class by class.

    ``poison_rate`` is the assumed share of poisoned rows within the attacked class, as
    in the paper; 1.5 times that share of every class is flagged.
    """
    if not 0.0 < poison_rate < 0.5:
        raise ConfigError(f"poison_rate must be in (0, 0.5), got {poison_rate}")
    x, y = data.require_train("the backdoor scan")
    truth = helpers.known_mask(known_poisoned, len(y), "known_poisoned")
    target.budget.spend(len(x))  # the representations are the model's answers to these rows
    reps, source = spectral.representations(target, x)
    signatures = spectral.spectral_signatures(reps, y, poison_rate)
    classes = helpers.plain_classes(target)
    flagged = spectral.flagged_mask(signatures, len(y))
    result = TestResult(notes=[f"representation: {source}"])
    table: list[dict[str, Any]] = []
    for sig in signatures:
        n_flag = len(sig.flagged)
        statistic = helpers.separation_statistic(sig.scores, n_flag)
        low, high = bootstrap(statistic, len(sig.scores), n_boot=n_boot, seed=seed)
        label = classes[sig.label]
        params = {"class": label, "flagged": n_flag, "poison_rate": poison_rate}
        name = "poisoning.backdoor.suspect_separation"
        params["ci_method"] = "bootstrap"
        m = Measurement(name, sig.separation, low, high, len(sig.rows), "ratio", params)
        result.measurements.append(m)
        row: dict[str, Any] = {"class": label, "rows": len(sig.rows), "flagged": n_flag}
        row["separation"] = sig.separation
        if truth is not None:
            row["poisoned"] = int(truth[sig.rows].sum())
            row["precision"] = float(truth[sig.flagged].mean()) if n_flag else None
        table.append(row)
    suspect = max(signatures, key=lambda s: s.separation)
    result.details["classes"] = table
    result.details["representation"] = source
    result.details["suspect_class"] = classes[suspect.label]
    result.details["flagged_rows"] = np.flatnonzero(flagged).tolist()
    if truth is not None and truth.any():
        params = {"poison_rate": poison_rate}
        name = "poisoning.backdoor"
        result.measurements.append(proportion(f"{name}.precision", truth[flagged], params=params))
        result.measurements.append(proportion(f"{name}.recall", flagged[truth], params=params))
    return result


def run_poisoning_sensitivity(
    target: Target,
    data: AssuranceData,
    *,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    model_factory: ModelFactory | None = None,
    trigger_features: Sequence[int | str] | None = None,
    target_class: int = 0,
    accuracy_drop: float = 0.02,
    n_boot: int = 500,
    seed: int = 0,
) -> TestResult:
    """Accuracy drop under label flips and trigger success of a planted backdoor, per k."""
    x, y = data.require_train("the poisoning sensitivity test")
    factory = model_factory_for(target, model_factory, "the poisoning sensitivity test")
    n_classes = len(np.asarray(target.classes))
    if not 0 <= target_class < n_classes:
        raise ConfigError(f"target_class must be a class index in 0..{n_classes - 1}")
    features = None if trigger_features is None else helpers.column_indices(trigger_features, data)
    trigger = sensitivity.default_trigger(x, features)
    steps = sensitivity.poison_grid(
        factory,
        (x, y),
        (data.x_test, data.y_test),
        fractions=(0.0, *fractions),
        target_class=target_class,
        trigger=trigger,
        seed=seed,
    )
    baseline = steps[0].correct
    result = TestResult()
    drops: list[float] = []
    successes: list[float] = []
    for step in steps:
        params = {"rows": step.rows, "fraction": step.fraction, "target_class": target_class}
        drop = float(baseline.mean() - step.correct.mean())
        statistic = helpers.paired_drop(baseline, step.correct)
        low, high = bootstrap(statistic, len(baseline), n_boot=n_boot, seed=seed)
        name = "poisoning.sensitivity"
        result.measurements.append(
            Measurement(
                f"{name}.accuracy_drop",
                drop,
                low,
                high,
                len(baseline),
                "accuracy",
                params | {"ci_method": "paired bootstrap"},
            )
        )
        success = proportion(f"{name}.trigger_success", step.triggered_hits, params=params)
        result.measurements.append(success)
        drops.append(drop)
        successes.append(success.value)
    result.details["rows_to_move_accuracy"] = sensitivity.smallest_rows(
        steps, [d > accuracy_drop for d in drops]
    )
    result.details["rows_to_implant_trigger"] = sensitivity.smallest_rows(
        steps, [s >= 0.5 for s in successes]
    )
    result.details["trigger"] = {
        "features": [data.feature_names[j] for j in trigger.features],
        "values": list(trigger.values),
    }
    result.details["grid"] = [
        {"rows": s.rows, "fraction": s.fraction, "accuracy_drop": d, "trigger_success": t}
        for s, d, t in zip(steps, drops, successes, strict=True)
    ]
    return result
