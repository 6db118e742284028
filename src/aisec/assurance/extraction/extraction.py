"""Model extraction test: how closely can a query budget buy a copy of the target?

Following Tramèr et al. (2016) and the fidelity/accuracy distinction of Jagielski et al.
(2020, "High Accuracy and High Fidelity Extraction of Neural Networks"), an attacker
without training data sends synthetic queries (``query_pool``), trains surrogates on
the target's labels (``surrogate``), and is scored by fidelity, the agreement of
surrogate and target on held-out rows, and by the surrogate's accuracy on the true labels.
Budgets are nested prefixes of one query list, so the total cost is the largest budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.extraction.query_pool import split_attacker_pool, synthesize_queries
from aisec.assurance.extraction.surrogate import check_surrogates, fit_surrogate
from aisec.assurance.outcome import AssuranceData, TestResult
from aisec.assurance.stats import proportion
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError


def _levels(budgets: Sequence[int]) -> list[int]:
    whole = all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in budgets)
    levels = sorted({int(b) for b in budgets}) if whole else []
    if not levels or levels[0] < 2:
        raise ConfigError(
            f"query budgets {list(budgets)}",
            hint="give one or more whole numbers of queries, each at least 2",
        )
    return levels


def _affordable(target: Target, levels: list[int], notes: list[str]) -> list[int]:
    remaining = target.budget.remaining
    if remaining is None:
        return levels
    kept = [b for b in levels if b <= remaining]
    if len(kept) < len(levels):
        dropped = ", ".join(str(b) for b in levels[len(kept) :])
        reached = f"stopped at {kept[-1]} queries" if kept else "no budget level run"
        notes.append(
            f"the target's query budget has {remaining} queries left after evaluation: "
            f"{reached}; budgets {dropped} not affordable"
        )
    return kept


def run_extraction(
    target: Target,
    data: AssuranceData,
    *,
    budgets: Sequence[int] = (100, 1000, 10000),
    surrogates: Sequence[str] = ("logistic", "forest"),
    eval_rows: int = 1000,
    seed: int = 0,
) -> TestResult:
    levels = _levels(budgets)
    check_surrogates(surrogates)
    result = TestResult()
    evaluated, pool = split_attacker_pool(len(data.x_test), eval_rows, seed)
    x_eval, y_eval = data.x_test[evaluated], data.y_test[evaluated]
    remaining = target.budget.remaining
    if remaining is not None and remaining < len(evaluated):
        raise ConfigError(
            f"the target's budget ({remaining} queries left) cannot label the "
            f"{len(evaluated)} evaluation rows",
            hint="raise the budget or lower eval_rows",
        )
    # The evaluation rows are the auditor's, but the target counts them like any others.
    target_eval = target.predict(x_eval)
    rows = {"eval_rows": len(evaluated)}
    result.measurements.append(
        proportion(
            "extraction.target_accuracy", target_eval == y_eval, unit="accuracy", params=rows
        )
    )
    levels = _affordable(target, levels, result.notes)
    queries = synthesize_queries(
        data.x_test[pool], levels[-1] if levels else 0, schema=data.schema, seed=seed
    )
    answers = np.empty(0, dtype=np.int64)
    curve: list[dict[str, Any]] = []
    for budget in levels:
        # Only the queries beyond the previous level are new: budgets are nested.
        new = target.predict(queries[len(answers) : budget])
        answers = np.concatenate((answers, new))
        for name in surrogates:
            surrogate = fit_surrogate(name, queries[:budget], answers, seed=seed)
            guess = surrogate.predict(x_eval)
            params = rows | {"budget": budget, "surrogate": name}
            fidelity = proportion(
                "extraction.fidelity", guess == target_eval, unit="agreement", params=params
            )
            accuracy = proportion(
                "extraction.accuracy", guess == y_eval, unit="accuracy", params=params
            )
            result.measurements += [fidelity, accuracy]
            curve.append(
                {
                    "budget": budget,
                    "surrogate": name,
                    "fidelity": fidelity.value,
                    "ci_low": fidelity.ci_low,
                    "ci_high": fidelity.ci_high,
                    "accuracy": accuracy.value,
                }
            )
    result.details = {
        "curve": curve,
        "pool_rows": len(pool),
        "eval_rows": len(evaluated),
        "attack_queries": len(answers),
    }
    return result
