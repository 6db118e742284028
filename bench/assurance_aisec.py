"""The aisec half of bench/assurance.py: its evasion and membership tests, timed.

Evasion runs three ways on the same rows: ``run_evasion`` as a user calls it (the box is
the data's support, per feature, as aisec builds it), ``run_evasion`` with a schema that
bounds every pixel to [0, 1] (ART's ``clip_values``, so the threat model is exactly ART's),
and the bare ``pgd``/``fgsm`` functions on the first box, to time the attack without the
report; the bare ``pgd`` also runs over several seeds in the [0, 1] box. Membership runs
``run_membership_inference`` and, on ART's own evaluation rows, aisec's loss attack (Yeom et
al. 2018). Any exception from ``run_evasion``/``run_membership_inference`` is caught and its
text returned, so a module that is not there yet leaves its cells empty instead of stopping
the bench.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Split = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]


@dataclass(frozen=True)
class AisecEvasion:
    accuracy: float | None = None  # run_evasion, default box
    accuracy_unit_box: float | None = None  # run_evasion, schema box [0, 1]
    attack_accuracy: float | None = None  # bare pgd/fgsm, default box
    run_s: float | None = None
    attack_s: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class AisecMembership:
    seconds: float | None = None  # every attack asked for
    # The supervised attack alone: like ART's, it trains on the answers for known members.
    shadow_seconds: float | None = None
    auc: dict[str, dict[str, float | None]] = field(default_factory=dict)
    error: str | None = None


def median_time(repeat: int, function: Callable[[], Any]) -> tuple[float, Any]:
    """One untimed warm-up call, then the median of ``repeat`` timed calls and the last result."""
    result = function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def make_target(model: Any) -> Any:
    import torch

    from aisec.assurance.targets import SklearnTarget, TorchTarget

    if isinstance(model, torch.nn.Module):
        return TorchTarget(model)
    return SklearnTarget(model)


def unit_schema(n_features: int) -> Any:
    from aisec.assurance.schema import FeatureSchema
    from aisec.assurance.schema.column import Column

    return FeatureSchema(tuple(Column(f"pixel{i}", low=0.0, high=1.0) for i in range(n_features)))


def aisec_evasion(
    model: Any,
    data: Split,
    *,
    attack: str,
    eps: float,
    steps: int,
    restarts: int,
    repeat: int,
) -> AisecEvasion:
    """Robust accuracy (true labels) and median wall times; PGD steps are aisec's default
    2.5*eps/steps, the step the bench also gives ART."""
    try:
        from aisec.assurance.attacks import run_evasion
        from aisec.assurance.attacks.box import build_box
        from aisec.assurance.attacks.gradient import fgsm, pgd
        from aisec.assurance.outcome import AssuranceData
    except ImportError as exc:
        return AisecEvasion(error=f"{type(exc).__name__}: {exc}")
    x_train, y_train, x_test, y_test = data
    options: dict[str, Any] = {
        "epsilons": (eps,),
        "attacks": (attack,),
        "pgd_steps": steps,
        "restarts": restarts,
        "max_rows": len(x_test),
        "epsilon_unit": "absolute",
        "seed": 0,
    }

    def full(schema: Any = None) -> float:
        # A fresh target each time, so no run pays for another's query count.
        assurance = AssuranceData(x_test, y_test, x_train, y_train, schema=schema)
        result = run_evasion(make_target(model), assurance, **options)
        return float(result.get("evasion.robust_accuracy", epsilon=eps, attack=attack).value)

    box = build_box(x_test, x_train, epsilon_unit="absolute")

    def bare() -> float:
        # As run_evasion does: only rows the model gets right are attacked.
        target = make_target(model)
        ok = np.flatnonzero(target.predict(x_test) == y_test)
        x, y = x_test[ok], y_test[ok]
        if attack == "pgd":
            outcome = pgd(target, x, y, box, eps, steps=steps, restarts=restarts, seed=0)
        else:
            outcome = fgsm(target, x, y, box, eps)
        return float((~outcome.evaded).sum() / len(x_test))

    try:
        run_s, accuracy = median_time(repeat, full)
        attack_s, attack_accuracy = median_time(repeat, bare)
        unit_box = full(unit_schema(x_test.shape[1]))
    except Exception as exc:  # reported in the table, beside ART's numbers
        return AisecEvasion(error=f"{type(exc).__name__}: {exc}")
    return AisecEvasion(accuracy, unit_box, attack_accuracy, run_s, attack_s)


def aisec_membership(
    model: Any, data: Split, attacks: Sequence[str], *, repeat: int
) -> AisecMembership:
    """AUC with its 95% interval per attack, and the median time of one full test (every
    attack, each with a 500-resample bootstrap of its AUC, balanced accuracy and TPRs) and of
    one with the supervised attack alone (ART's nearest analogue)."""
    try:
        from aisec.assurance.outcome import AssuranceData
        from aisec.assurance.privacy.membership import run_membership_inference
    except ImportError as exc:
        return AisecMembership(error=f"{type(exc).__name__}: {exc}")
    x_train, y_train, x_test, y_test = data

    def run(chosen: Sequence[str] = attacks) -> Any:
        assurance = AssuranceData(x_test, y_test, x_train, y_train)
        return run_membership_inference(make_target(model), assurance, attacks=chosen, seed=0)

    try:
        seconds, result = median_time(repeat, run)
        shadow_seconds, _ = median_time(repeat, lambda: run(("supervised",)))
    except Exception as exc:
        return AisecMembership(error=f"{type(exc).__name__}: {exc}")
    auc: dict[str, dict[str, float | None]] = {}
    for attack in attacks:
        try:
            m = result.get("privacy.mia.auc", attack=attack)
        except KeyError:
            continue
        auc[attack] = {"value": m.value, "ci_low": m.ci_low, "ci_high": m.ci_high, "n": m.n}
    return AisecMembership(seconds, shadow_seconds, auc)


def aisec_pgd_seeds(
    model: Any, data: Split, *, eps: float, steps: int, restarts: int, seeds: int
) -> list[float]:
    """Robust accuracy of the bare ``pgd`` in ART's [0, 1] box, for seeds 0..seeds-1: how far
    the random starts alone move the number."""
    from aisec.assurance.attacks.box import build_box
    from aisec.assurance.attacks.gradient import pgd

    x_train, _, x_test, y_test = data
    box = build_box(x_test, x_train, unit_schema(x_test.shape[1]), "absolute")
    target = make_target(model)
    ok = np.flatnonzero(target.predict(x_test) == y_test)
    out = []
    for seed in range(seeds):
        outcome = pgd(
            target, x_test[ok], y_test[ok], box, eps, steps=steps, restarts=restarts, seed=seed
        )
        out.append(float((~outcome.evaded).sum() / len(x_test)))
    return out


def aisec_loss_auc_on(model: Any, members: tuple[Any, Any], non_members: tuple[Any, Any]) -> float:
    """AUC of aisec's loss attack (Yeom et al. 2018) on given rows: ART's evaluation rows, to
    separate which rows were drawn from how strong each attack is."""
    from aisec.assurance.privacy.mia_threshold import loss_scores
    from aisec.assurance.stats import roc_auc

    target = make_target(model)
    x = np.vstack((members[0], non_members[0]))
    y = np.concatenate((members[1], non_members[1])).astype(np.int64)
    scores = loss_scores(target.predict_proba(x), y)
    is_member = np.arange(len(y)) < len(members[0])
    return float(roc_auc(scores, is_member))
