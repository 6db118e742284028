"""Sensitive influence: a sensitive attribute's weight in the model, direct or by proxy.

Each unit's importance share is its permutation importance over the sum of the positive
importances (negative ones are noise and would inflate shares). A sensitive attribute
that is itself an input is reported with its own share; any other input that is among
the ``top_k`` most important and a proxy at least ``proxy_threshold`` strong (see
:mod:`.proxies`) is reported as an indirect route (Datta et al. 2017's proxy use).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.explain import proxies
from aisec.assurance.explain.permutation import FloatArray, Importances, Unit
from aisec.assurance.outcome import AssuranceData
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement


def sensitive_values(
    data: AssuranceData, keep: Any, names: Sequence[str], units: list[Unit], x: FloatArray
) -> dict[str, Any]:
    """Per sensitive attribute, its value on each kept test row: from ``data.sensitive``,
    else read off the model input of that name; attributes found in neither are left out."""
    out: dict[str, Any] = {}
    by_name = {unit.name: unit for unit in units}
    for name in names or tuple(data.sensitive):
        if name in data.sensitive:
            values = np.asarray(data.sensitive[name])
            if len(values) != len(data.y_test):
                raise ConfigError(
                    f"sensitive attribute {name!r} has {len(values)} values "
                    f"for {len(data.y_test)} test rows",
                    hint="give one sensitive value per test row in data.sensitive",
                )
            out[name] = values[keep]
        elif name in by_name:
            out[name] = proxies.feature_codes(x[:, list(by_name[name].columns)])
    return out


def importance_shares(main: Importances) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each unit's share of the positive importance, with its interval on the same scale."""
    positive = float(np.clip(main.mean, 0.0, None).sum())
    scale = 1.0 / positive if positive > 0 else 0.0
    low, high = main.interval()
    return main.mean * scale, low * scale, high * scale


def sensitive_influences(
    main: Importances,
    table: list[dict[str, Any]],
    attributes: list[str],
    *,
    top_k: int,
    proxy_threshold: float,
    rows: int,
) -> list[Measurement]:
    """``explain.sensitive_influence`` measurements; adds rank, share and flag to ``table``."""
    ranks = main.ranks()
    share, low, high = importance_shares(main)
    by_name = {unit.name: u for u, unit in enumerate(main.units)}
    for row in table:
        u = by_name[row["feature"]]
        row |= {"rank": int(ranks[u]), "share": float(share[u])}
        strong = row["proxy_strength"] >= proxy_threshold  # NaN (one group only) is never strong
        row["flagged"] = bool(row["rank"] <= top_k and strong)
    items: list[dict[str, Any]] = [
        {"attribute": a, "feature": a, "proxy_strength": None, "direct": True}
        for a in attributes
        if a in by_name
    ]
    items += [
        {"attribute": r["attribute"], "feature": r["feature"], "direct": False}
        | {"proxy_strength": float(r["proxy_strength"])}
        for r in table
        if r["flagged"]
    ]
    out = []
    for item in items:
        u = by_name[item["feature"]]
        params = item | {"rank": int(ranks[u]), "top_k": top_k, "ci_method": "t"}
        out.append(
            Measurement(
                "explain.sensitive_influence",
                float(share[u]),
                float(low[u]),
                float(high[u]),
                rows,
                "share",
                params,
            )
        )
    return out
