"""Explainability as an assurance test: what the model relies on, how stable that is,
and whether a sensitive attribute drives it directly or through a proxy.

Permutation importance (Breiman 2001; Fisher et al. 2019) is measured on the test rows,
its stability across seeds and bootstrap resamples of those rows, and the proxies of
each sensitive attribute (Datta et al. 2017); SHAP (Lundberg & Lee 2017) is an optional
cross-check when ``shap`` is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.explain import influence, permutation, proxies, stability
from aisec.assurance.explain.permutation import FloatArray, Importances, IntArray, Metric
from aisec.assurance.outcome import AssuranceData, TestResult
from aisec.assurance.targets.base import Capability, Target
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement


def _check(n_repeats: int, top_k: int, seeds: int, proxy_threshold: float, max_rows: int) -> None:
    if n_repeats < 2:
        raise ConfigError(
            f"n_repeats must be at least 2 (an interval needs repeats), got {n_repeats}"
        )
    if top_k < 1 or seeds < 1 or max_rows < 10:
        raise ConfigError(
            f"top_k and seeds must be >= 1 and max_rows >= 10 (got {top_k}, {seeds}, {max_rows})"
        )
    if not 0.0 < proxy_threshold <= 1.0:
        raise ConfigError(f"proxy_threshold must be in (0, 1], got {proxy_threshold}")


def run_explainability(
    target: Target,
    data: AssuranceData,
    *,
    n_repeats: int = 5,
    top_k: int = 5,
    seeds: int = 3,
    sensitive_features: Sequence[str] = (),
    proxy_threshold: float = 0.3,
    max_rows: int = 2000,
    use_shap: bool = False,
    seed: int = 0,
) -> TestResult:
    """Permutation importance, top-k stability and sensitive influence on the test rows."""
    _check(n_repeats, top_k, seeds, proxy_threshold, max_rows)
    if isinstance(sensitive_features, str):  # one name from a plan, not its letters
        sensitive_features = (sensitive_features,)
    if len(data.feature_names) != data.x_test.shape[1]:
        raise ConfigError(
            f"{len(data.feature_names)} feature names for {data.x_test.shape[1]} columns"
        )
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(data.y_test), min(max_rows, len(data.y_test)), replace=False))
    x, y = data.x_test[keep], data.y_test[keep]
    units = permutation.feature_units(data.feature_names, data.schema)
    metric: Metric = "log_loss" if Capability.SCORES in target.capabilities else "accuracy"
    main = permutation.permutation_importance(
        target, x, y, units, n_repeats=n_repeats, metric=metric, seed=seed
    )
    result = TestResult()
    ranks = main.ranks()
    low, high = main.interval()
    share, _, _ = influence.importance_shares(main)
    for u, unit in enumerate(units):
        params = {"feature": unit.name, "rank": int(ranks[u]), "metric": metric}
        result.measurements.append(
            Measurement(
                "explain.permutation_importance",
                float(main.mean[u]),
                float(low[u]),
                float(high[u]),
                len(y),
                metric,
                params | {"n_repeats": n_repeats, "ci_method": permutation.CI_METHOD},
            )
        )
    result.details["importances"] = [
        {
            "feature": unit.name,
            "columns": [data.feature_names[j] for j in unit.columns],
            "mean": float(main.mean[u]),
            "ci_low": float(low[u]),
            "ci_high": float(high[u]),
            "rank": int(ranks[u]),
            "share": float(share[u]),
        }
        for u, unit in enumerate(units)
    ]
    result.details["baseline"] = {"metric": metric, "value": main.baseline, "rows": len(y)}
    _stability(result, target, main, x, y, top_k=top_k, seeds=seeds, seed=seed)
    sensitive = influence.sensitive_values(data, keep, sensitive_features, units, x)
    result.notes.extend(
        f"sensitive attribute {name!r} is neither a model input nor in data.sensitive"
        for name in sensitive_features
        if name not in sensitive
    )
    table = proxies.proxy_table(x, units, sensitive)
    looked_at: list[dict[str, Any]] = []
    result.measurements.extend(
        influence.sensitive_influences(
            main,
            table,
            list(sensitive),
            top_k=top_k,
            proxy_threshold=proxy_threshold,
            rows=len(y),
            looked_at=looked_at,
        )
    )
    result.details["proxies"] = table
    # Every sensitive input with its rank and share, flagged or not: a report shows the
    # attribute was examined even when it does not drive decisions.
    result.details["sensitive"] = looked_at
    if use_shap:
        from aisec.assurance.explain.shap_values import shap_comparison

        shap_details, note = shap_comparison(target, x, main, seed=seed)
        if shap_details is not None:
            result.details["shap"] = shap_details
        if note:
            result.notes.append(note)
    return result


def _stability(
    result: TestResult,
    target: Target,
    main: Importances,
    x: FloatArray,
    y: IntArray,
    *,
    top_k: int,
    seeds: int,
    seed: int,
) -> None:
    """Re-run the importance on bootstrap resamples with other seeds; compare the rankings."""
    if seeds < 2:
        result.notes.append("top-k stability not measured: it needs seeds >= 2")
        return
    runs = [main.mean]
    for i in range(1, seeds):
        rows = np.random.default_rng(seed + i).integers(0, len(y), len(y))
        again = permutation.permutation_importance(
            target,
            x[rows],
            y[rows],
            main.units,
            n_repeats=main.per_repeat.shape[1],
            metric=main.metric,
            seed=seed + i,
        )
        runs.append(again.mean)
    k = min(top_k, len(main.units))
    found = stability.ranking_stability(np.vstack(runs), k)
    low, high, method = stability.jaccard_interval(found.jaccard, seeds)
    result.measurements.append(
        Measurement(
            "explain.top_k_stability",
            found.mean_jaccard,
            low,
            high,
            len(found.jaccard),
            "jaccard",
            {"k": k, "seeds": seeds, "ci_method": method},
        )
    )
    result.details["stability"] = {
        "k": k,
        "mean_jaccard": found.mean_jaccard,
        "pairwise_jaccard": found.jaccard.tolist(),
        "mean_spearman": found.mean_spearman,
        "pairwise_spearman": found.spearman.tolist(),
        "top_sets": [[main.units[i].name for i in top] for top in found.top_sets],
    }
