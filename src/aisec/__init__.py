"""aisec: AI security management — know, scan, test, guard and govern AI systems.

The Python API mirrors the command line::

    import aisec
    run = aisec.scan(["model.pt"], aisec.load_settings({"fail_on": "medium"}))
    run.exit_code(aisec.Severity.MEDIUM)
    report = aisec.run_test_plan("examples/credit-scoring-plan.yaml")

    from aisec.validation.callable_source import CallableScores
    spec = aisec.ValidationSpec(Path("alerts.csv"), "label",
                                [CallableScores(my_detector, ["amount", "country"])])
    report = aisec.validate(spec)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Finding",
    "Location",
    "RedteamSpec",
    "Run",
    "Settings",
    "Severity",
    "ValidationSpec",
    "__version__",
    "default_registry",
    "discover",
    "load_settings",
    "load_test_plan",
    "open_store",
    "redteam",
    "run_test_plan",
    "scan",
    "validate",
]

# Resolved on first use so that ``import aisec`` (and the CLI's start-up) stays fast.
_LAZY = {
    "scan": "aisec.services.scanning",
    "Settings": "aisec.core.settings",
    "load_settings": "aisec.core.settings",
    "Severity": "aisec.core.severity",
    "Finding": "aisec.core.finding",
    "Location": "aisec.core.finding",
    "Run": "aisec.core.run",
    "default_registry": "aisec.core.registry",
    "discover": "aisec.discovery",
    "open_store": "aisec.store",
    "load_test_plan": "aisec.services.testing",
    "run_test_plan": "aisec.services.testing",
    "validate": "aisec.services.validating",
    "redteam": "aisec.services.redteaming",
    "RedteamSpec": "aisec.services.redteaming",
    "ValidationSpec": "aisec.services.validating",
}

if TYPE_CHECKING:
    from aisec.core.finding import Finding, Location
    from aisec.core.registry import default_registry
    from aisec.core.run import Run
    from aisec.core.settings import Settings, load_settings
    from aisec.core.severity import Severity
    from aisec.discovery import discover
    from aisec.services.redteaming import RedteamSpec, redteam
    from aisec.services.scanning import scan
    from aisec.services.testing import load_test_plan, run_test_plan
    from aisec.services.validating import ValidationSpec, validate
    from aisec.store import open_store


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aisec' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
