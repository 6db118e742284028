"""Sensitive influence: a sensitive attribute's weight in the model, direct or by proxy.

Each unit's importance share is its permutation importance over the sum of the positive
importances (negative ones are noise and would inflate shares). A unit is influential
when it ranks among the ``top_k``, has a positive share and an interval above 0. A
sensitive attribute that is itself an input is reported when it is influential; any
other input that is influential and a proxy at least ``proxy_threshold`` strong (see
:mod:`.proxies`) is reported as an indirect route (Datta et al. 2017's proxy use).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.explain import proxies
from aisec.assurance.explain.permutation import CI_METHOD, FloatArray, Importances, Unit
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
    looked_at: list[dict[str, Any]] | None = None,
) -> list[Measurement]:
    """``explain.sensitive_influence`` measurements; adds rank, share and flag to ``table``.

    One bar for direct and proxy routes alike: the unit must rank within ``top_k``, hold a
    positive share, and have an importance interval wholly above 0. A sensitive input
    that misses it is ranked in ``looked_at`` (if given) instead, so a report can show the
    attribute was examined and found not to drive decisions.
    """
    ranks = main.ranks()
    share, low, high = importance_shares(main)
    by_name = {unit.name: u for u, unit in enumerate(main.units)}

    def influential(u: int) -> bool:
        # A unit whose interval reaches 0 (or below) may matter not at all; ranking in
        # the top k among noise-level importances is not influence.
        return bool(ranks[u] <= top_k and share[u] > 0 and low[u] > 0)

    for row in table:
        u = by_name[row["feature"]]
        row |= {"rank": int(ranks[u]), "share": float(share[u])}
        strong = row["proxy_strength"] >= proxy_threshold  # NaN (one group only) is never strong
        row["flagged"] = bool(influential(u) and strong)
    direct = [a for a in attributes if a in by_name]
    if looked_at is not None:
        looked_at.extend(
            {
                "attribute": a,
                "rank": int(ranks[by_name[a]]),
                "share": float(share[by_name[a]]),
                "share_ci_low": float(low[by_name[a]]),
                "share_ci_high": float(high[by_name[a]]),
                "flagged": influential(by_name[a]),
            }
            for a in direct
        )
    # Every sensitive input is measured, influential or not, so that a plan's threshold
    # on it always has something to judge; ``influential`` says whether it clears the bar
    # (the check reports only those). Proxies are measured only when flagged: every
    # other feature would otherwise be a measurement.
    items: list[dict[str, Any]] = [
        {"attribute": a, "feature": a, "proxy_strength": None, "direct": True}
        | {"influential": influential(by_name[a])}
        for a in direct
    ]
    items += [
        {"attribute": r["attribute"], "feature": r["feature"], "direct": False}
        | {"proxy_strength": float(r["proxy_strength"]), "influential": True}
        for r in table
        if r["flagged"]
    ]
    out = []
    for item in items:
        u = by_name[item["feature"]]
        params = item | {"rank": int(ranks[u]), "top_k": top_k, "ci_method": CI_METHOD}
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
