"""The evasion test: robust accuracy under every attack the target allows, per epsilon.

White-box gradient attacks (FGSM, PGD), a score-based search (Square) and a decision-based
one (HopSkipJump) run on a seeded, class-stratified sample of test rows; the worst case
per row over all attacks is the headline, as recommended by Carlini et al. (2019, "On
evaluating adversarial robustness"), and random noise of the same size is the baseline
every attack must beat.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from aisec.assurance.attacks.box import EpsilonBox, build_box
from aisec.assurance.attacks.common import AttackOutcome, FloatArray, IntArray, check_positive
from aisec.assurance.attacks.evasion_summary import AttackRuns, summarise
from aisec.assurance.attacks.gradient import fgsm, pgd
from aisec.assurance.attacks.hopskipjump import hopskipjump
from aisec.assurance.attacks.noise import random_sign_noise
from aisec.assurance.attacks.selection import NEEDS, choose_attacks, sample_rows
from aisec.assurance.attacks.square import square_attack
from aisec.assurance.outcome import AssuranceData, TestResult
from aisec.assurance.targets.base import Target
from aisec.assurance.targets.errors import QueryBudgetExceeded
from aisec.core.errors import ConfigError


def run_evasion(
    target: Target,
    data: AssuranceData,
    *,
    epsilons: Sequence[float] = (0.02, 0.05, 0.1),
    attacks: Sequence[str] = ("auto",),
    pgd_steps: int = 40,
    restarts: int = 2,
    square_queries: int = 500,
    hsj_iterations: int = 20,
    max_rows: int = 500,
    epsilon_unit: str = "range",
    seed: int = 0,
) -> TestResult:
    eps_list = _epsilons(epsilons)
    for name, value in (
        ("pgd_steps", pgd_steps),
        ("restarts", restarts),
        ("square_queries", square_queries),
        ("hsj_iterations", hsj_iterations),
        ("max_rows", max_rows),
    ):
        check_positive(name, value, integer=True)
    names = choose_attacks(target, attacks)
    if len(data.x_test) == 0:
        raise ConfigError("the evasion test needs test rows", hint="give a non-empty x_test")
    box = build_box(data.x_test, data.x_train, data.schema, epsilon_unit)
    rows = sample_rows(np.asarray(data.y_test, dtype=np.int64), max_rows, seed)
    x = np.asarray(data.x_test[rows], dtype=np.float64)
    y = np.asarray(data.y_test[rows], dtype=np.int64)
    _check_labels(target, y)
    try:
        predicted = np.asarray(target.predict(x), dtype=np.int64)
    except QueryBudgetExceeded as exc:
        raise ConfigError(
            "the query budget does not cover even the clean predictions",
            hint="raise the budget or lower max_rows",
        ) from exc
    ok = np.flatnonzero(predicted == y)
    settings = {"steps": pgd_steps, "restarts": restarts, "queries": square_queries}
    settings |= {"iterations": hsj_iterations, "seed": seed}
    pool = (x, predicted)
    runs: dict[str, AttackRuns] = {}
    for index, name in enumerate(["noise", *names]):
        outcomes = _outcomes(name, target, x[ok], y[ok], box, eps_list, settings, index, pool)
        used = target.budget.used
        runs[name] = _collect(outcomes)
        # Counted from the budget, so rows sent before a budget stop are included.
        runs[name].queries = target.budget.used - used
    skipped = [
        f"attack {a!r} skipped: target {target.name!r} does not give {need.value}"
        for a, need in NEEDS.items()
        if "auto" in attacks and a not in names
    ]
    return summarise(predicted == y, ok, x, runs, box, eps_list, notes=skipped)


def _check_labels(target: Target, y: IntArray) -> None:
    try:
        n_classes = len(target.classes)
    except ValueError:  # a target built without classes: any index is plausible
        n_classes = None
    if y.min() < 0 or (n_classes is not None and y.max() >= n_classes):
        raise ConfigError(
            "y_test holds values that are not class indices of the target",
            hint="convert labels with aisec.assurance.outcome.class_indices",
        )


def _epsilons(epsilons: Sequence[float]) -> list[float]:
    values = sorted({float(e) for e in epsilons})
    if not values or any(not (np.isfinite(e) and e > 0) for e in values):
        raise ConfigError(
            f"epsilons must be positive finite numbers, got {list(epsilons)!r}",
            hint="e.g. epsilons=(0.02, 0.05, 0.1)",
        )
    return values


def _collect(outcomes: Iterator[tuple[float, AttackOutcome, bool]]) -> AttackRuns:
    runs = AttackRuns()
    try:
        for eps, outcome, finished in outcomes:
            runs.by_epsilon[eps] = outcome
            if finished:
                runs.finished.add(eps)
    except QueryBudgetExceeded:
        # Keep every epsilon reported: the evasions found are real and count in the worst
        # case, which the summary marks incomplete where this attack did not finish.
        runs.complete = False
    return runs


def _outcomes(
    name: str,
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    epsilons: list[float],
    settings: dict[str, Any],
    index: int,
    pool: tuple[FloatArray, IntArray],
) -> Iterator[tuple[float, AttackOutcome, bool]]:
    """(epsilon, outcome, whether the attack finished that epsilon) per epsilon."""
    seed = int(settings["seed"]) * 1009 + index
    if len(x) == 0:  # every row misclassified already: nothing to attack
        for eps in epsilons:
            yield eps, AttackOutcome(x.copy(), np.zeros(0, dtype=np.bool_), 0), True
        return
    if name == "hopskipjump":
        # Decision-based: one run finds minimal adversarials, valid at every epsilon
        # at least as large as their distance.
        found = hopskipjump(
            target, x, y, box, iterations=settings["iterations"], seed=seed, pool=pool
        )
        finished = found.stopped is None  # one search for all: stopped, none finished
        for k, eps in enumerate(epsilons):
            outcome = found.at_epsilon(eps)
            outcome.queries = outcome.queries if k == 0 else 0  # paid once for all
            yield eps, outcome, finished
        if found.stopped is not None:
            raise found.stopped
        return
    for k, eps in enumerate(epsilons):
        if name == "noise":
            yield eps, random_sign_noise(target, x, y, box, eps, seed=seed + 31 * k), True
        elif name == "fgsm":
            yield eps, fgsm(target, x, y, box, eps), True
        elif name == "pgd":
            steps, restarts = settings["steps"], settings["restarts"]
            found_pgd = pgd(target, x, y, box, eps, steps=steps, restarts=restarts, seed=seed)
            yield eps, found_pgd, True
        else:
            queries = settings["queries"]
            yield eps, square_attack(target, x, y, box, eps, queries=queries, seed=seed), True
