"""Membership inference test: can an attacker tell the training rows from held-out rows?

Members are ``data.x_train`` rows, non-members ``data.x_test`` rows, evaluated in equal
numbers (a seeded sample) so that 0.5 is the no-leak level of AUC and balanced accuracy.
Attacks: Yeom et al. (2018) loss, confidence and gap (correctness) attacks, and the
shadow-model attack of Shokri et al. (2017), whose attacker pool is a half of the
non-members never used in evaluation, and the auditor's supervised attack, which learns
from half of the evaluated members and non-members and scores the other half. The train
and test accuracies are reported beside the attacks because the generalisation gap is what
these attacks exploit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.outcome import AssuranceData, TestResult
from aisec.assurance.privacy.mia_metrics import evaluate_attack
from aisec.assurance.privacy.mia_shadow import shadow_factory, shadow_scores, train_attack_model
from aisec.assurance.privacy.mia_supervised import MIN_AUTO_ROWS, supervised_scores
from aisec.assurance.privacy.mia_threshold import THRESHOLD_ATTACKS, threshold_scores
from aisec.assurance.stats import proportion
from aisec.assurance.targets.base import Capability, Target
from aisec.core.errors import ConfigError

ATTACKS = (*THRESHOLD_ATTACKS, "shadow", "supervised")
MIN_ROWS = 10


def _choose_attacks(
    requested: Sequence[str], has_scores: bool, can_shadow: bool, notes: list[str]
) -> list[str]:
    unknown = [a for a in requested if a not in (*ATTACKS, "auto")]
    if unknown or not requested:
        raise ConfigError(
            f"unknown membership attacks {unknown or list(requested)}",
            hint=f"choose from auto, {', '.join(ATTACKS)}",
        )
    auto = "auto" in requested
    chosen: list[str] = []
    for name in ATTACKS:
        needs_scores = name not in THRESHOLD_ATTACKS or THRESHOLD_ATTACKS[name].needs_scores
        if not auto and name not in requested:
            continue
        if needs_scores and not has_scores:
            if not auto:
                raise ConfigError(
                    f"attack {name!r} needs class probabilities; the target gives labels only",
                    hint="use attacks=('correctness',) or ('auto',)",
                )
            notes.append(f"{name} attack skipped: the target gives labels only")
        elif name == "shadow" and not can_shadow:
            notes.append(
                "shadow attack skipped: no way to build a model like the target "
                "(give shadow_model, a factory of objects with fit and predict_proba)"
            )
        else:
            chosen.append(name)
    return chosen


def _class_count(target: Target, *labels: Any) -> int:
    try:
        return len(target.classes)
    except (ValueError, NotImplementedError):
        return int(max(int(np.max(y)) for y in labels)) + 1


def _learned_scores(
    name: str,
    target: Target,
    data: AssuranceData,
    probabilities: NDArray[np.float64],
    y_eval: NDArray[np.int64],
    pool: NDArray[np.int64],
    factory: Callable[[], Any] | None,
    n_shadow: int,
    seed: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], dict[str, Any]]:
    """Member and non-member scores of an attack that trains a model, and its own params.

    The first half of the ``y_eval`` rows (and of ``probabilities``) are the members."""
    n_eval = len(y_eval) // 2
    if name == "supervised":
        is_member = np.arange(2 * n_eval) < n_eval
        return supervised_scores(probabilities, y_eval, is_member, seed=seed)
    assert factory is not None  # by _choose_attacks
    attack_model = train_attack_model(
        factory,
        data.x_test[pool],
        data.y_test[pool].astype(np.int64),
        _class_count(target, y_eval, data.y_test),
        n_shadow=n_shadow,
        seed=seed,
    )
    scores = shadow_scores(attack_model, probabilities, y_eval)
    return scores[:n_eval], scores[n_eval:], {"n_shadow": n_shadow}


def run_membership_inference(
    target: Target,
    data: AssuranceData,
    *,
    attacks: Sequence[str] = ("auto",),
    n_shadow: int = 4,
    shadow_model: Callable[[], Any] | None = None,
    max_rows: int = 2000,
    n_boot: int = 500,
    seed: int = 0,
) -> TestResult:
    x_train, y_train = data.require_train("membership inference")
    if n_shadow < 1 or max_rows < MIN_ROWS or n_boot < 0:
        raise ConfigError(
            f"n_shadow={n_shadow}, max_rows={max_rows}, n_boot={n_boot}",
            hint=f"use n_shadow >= 1, max_rows >= {MIN_ROWS} and n_boot >= 0",
        )
    result = TestResult()
    has_scores = Capability.SCORES in target.capabilities
    factory = shadow_factory(target, shadow_model)
    chosen = _choose_attacks(attacks, has_scores, factory is not None, result.notes)

    rng = np.random.default_rng(seed)
    non_members = rng.permutation(len(data.x_test))
    pool = non_members[:0]
    if "shadow" in chosen:
        # The shadow attacker's own data must never be scored: it would be an easy
        # "non-member" the attack model has already seen.
        pool, non_members = np.array_split(non_members, 2)
    n_eval = min(len(non_members), len(x_train), max_rows)
    if n_eval < MIN_ROWS:
        raise ConfigError(
            f"only {n_eval} rows of members or non-members to evaluate",
            hint=f"give at least {MIN_ROWS} training and {2 * MIN_ROWS} test rows",
        )
    if "supervised" in chosen and "auto" in attacks and n_eval < MIN_AUTO_ROWS:
        chosen.remove("supervised")
        result.notes.append(
            f"supervised attack skipped: {n_eval} members and non-members evaluated, "
            f"fewer than the {MIN_AUTO_ROWS} each its attack model needs to learn from half"
        )
    members = rng.choice(len(x_train), size=n_eval, replace=False)
    non_members = non_members[:n_eval]
    remaining = target.budget.remaining
    if remaining is not None and remaining < 2 * n_eval:
        raise ConfigError(
            f"membership inference needs {2 * n_eval} queries, the budget has {remaining}",
            hint="raise the budget or lower max_rows",
        )
    x_eval = np.vstack((x_train[members], data.x_test[non_members]))
    y_eval = np.concatenate((y_train[members], data.y_test[non_members])).astype(np.int64)
    probabilities = target.predict_proba(x_eval) if has_scores else None
    predictions = (
        probabilities.argmax(axis=1).astype(np.int64)
        if probabilities is not None
        else target.predict(x_eval)
    )
    correct = predictions == y_eval
    rows = {"members": n_eval, "non_members": n_eval}
    result.measurements += [
        proportion("privacy.train_accuracy", correct[:n_eval], unit="accuracy", params=rows),
        proportion("privacy.test_accuracy", correct[n_eval:], unit="accuracy", params=rows),
    ]

    split: dict[str, Any] = {"attacker_pool": len(pool)}
    if len(pool):
        split["evaluation"] = "non-members split in two: attacker pool, and evaluated rows"
    result.details = {"members": n_eval, "non_members": n_eval, **split, "attacks": {}}
    for offset, name in enumerate(chosen):
        if name in THRESHOLD_ATTACKS:
            scores = threshold_scores(
                name, y_eval, probabilities=probabilities, predictions=predictions
            )
            member_scores, other_scores, params = scores[:n_eval], scores[n_eval:], dict(split)
        else:
            assert probabilities is not None  # by _choose_attacks
            try:
                member_scores, other_scores, params = _learned_scores(
                    name, target, data, probabilities, y_eval, pool, factory, n_shadow, seed
                )
            except (ValueError, TypeError, RuntimeError) as exc:
                result.notes.append(f"{name} attack skipped: its attack model failed ({exc})")
                continue
            params = split | params
        evaluation = evaluate_attack(
            name, member_scores, other_scores, n_boot=n_boot, seed=seed + offset, params=params
        )
        result.measurements += evaluation.measurements
        # The same for every attack scored on the same rows: said once.
        result.notes += [n for n in evaluation.notes if n not in result.notes]
        result.details["attacks"][name] = evaluation.details
    return result
