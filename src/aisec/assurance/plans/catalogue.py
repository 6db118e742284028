"""The test types a plan may name, and where each one's function lives.

Functions are imported only when a plan uses them. A test that retrains a model like the
target (shadow models, the label audit, poisoning sensitivity) gets the plan's model
factory through the parameter named here, unless the plan passes one itself.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aisec.assurance.plans.spec import PlanError


@dataclass(frozen=True, slots=True)
class TestKind:
    module: str
    function: str
    factory_param: str | None = None

    __test__ = False

    def load(self) -> Callable[..., Any]:
        fn: Callable[..., Any] = getattr(importlib.import_module(self.module), self.function)
        return fn


TEST_KINDS: dict[str, TestKind] = {
    "evasion": TestKind("aisec.assurance.attacks.evasion", "run_evasion"),
    "extraction": TestKind("aisec.assurance.extraction.extraction", "run_extraction"),
    "membership_inference": TestKind(
        "aisec.assurance.privacy.membership", "run_membership_inference", "shadow_model"
    ),
    "label_audit": TestKind(
        "aisec.assurance.poisoning.poisoning", "run_label_audit", "model_factory"
    ),
    "backdoor_scan": TestKind("aisec.assurance.poisoning.poisoning", "run_backdoor_scan"),
    "poisoning_sensitivity": TestKind(
        "aisec.assurance.poisoning.poisoning", "run_poisoning_sensitivity", "model_factory"
    ),
    "fairness": TestKind("aisec.assurance.fairness.plan_test", "run_fairness"),
    "explainability": TestKind("aisec.assurance.explain.explain", "run_explainability"),
}
KNOWN_TYPES = frozenset(TEST_KINDS)
# Parameters the runner fills in; a plan may not set them.
_RESERVED = frozenset({"target", "data"})
# Upper bounds on the parameters that set how much work a test does, so that a plan
# (perhaps from an untrusted repository) cannot ask for hours of work or terabytes of
# memory: each is far above what a real test needs.
LIMITS: dict[str, float] = {
    "n_boot": 20_000, "n_shadow": 32, "n_repeats": 200, "pgd_steps": 2_000, "restarts": 50,
    "square_queries": 200_000, "hsj_iterations": 500, "max_rows": 1_000_000, "seeds": 50,
    "folds": 50, "eval_rows": 1_000_000, "top_k": 1_000, "budgets": 10_000_000,
    "epsilons": 1e6, "fractions": 1.0,
}  # fmt: skip
MAX_LIST = 50


def check_params(where: str, kind: str, params: Mapping[str, Any]) -> None:
    """Refuse parameters the test's function does not take, before anything runs."""
    fn = TEST_KINDS[kind].load()
    accepted = {
        name
        for name, p in inspect.signature(fn).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    unknown = sorted(set(params) - accepted | (set(params) & _RESERVED))
    if unknown:
        raise PlanError(
            f"{where}.params", f"unknown for {kind}: {unknown}; it takes {sorted(accepted)}"
        )
    for name, value in params.items():
        _check_size(f"{where}.params.{name}", name, value)


def _check_size(where: str, name: str, value: Any) -> None:
    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and len(value) > MAX_LIST:
        raise PlanError(where, f"at most {MAX_LIST} values, got {len(value)}")
    limit = LIMITS.get(name)
    if limit is None:
        return
    for item in values:
        number = isinstance(item, (int, float)) and not isinstance(item, bool)
        if number and not item <= limit:  # also refuses NaN
            raise PlanError(where, f"at most {limit:g}, got {item!r}")
