"""Detector names, classes and construction from the gateway configuration.

Parameters are checked against each constructor's keyword defaults, so a typo or a
wrong type in ``gateway.yaml`` is a ConfigError naming the detector and the parameter,
not a TypeError at start-up or a silently ignored setting.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.boundary import BoundaryDetector
from aisec.runtime.detectors.coverage import CoverageDetector
from aisec.runtime.detectors.distribution import ClientDistributionDetector
from aisec.runtime.detectors.drift import InputDriftDetector, OutputDriftDetector
from aisec.runtime.detectors.evasion import MarginDetector, OodDetector
from aisec.runtime.detectors.prada import PradaDetector
from aisec.runtime.detectors.prompt_injection import PromptInjectionDetector
from aisec.runtime.detectors.text import PiiTextDetector, SecretTextDetector
from aisec.runtime.observation import INPUT, OUTPUT

if TYPE_CHECKING:
    from aisec.runtime.detectors.base import Detector
    from aisec.runtime.detectors.reference import Reference

DETECTORS: dict[str, type] = {
    cls.name: cls
    for cls in (
        PradaDetector,
        BoundaryDetector,
        CoverageDetector,
        ClientDistributionDetector,
        OodDetector,
        MarginDetector,
        InputDriftDetector,
        OutputDriftDetector,
        PiiTextDetector,
        SecretTextDetector,
        PromptInjectionDetector,
    )
}

BOTH = "both"


def parameters(cls: type) -> dict[str, Any]:
    """The detector's parameters and their defaults (keyword-only constructor arguments)."""
    sig = inspect.signature(cls.__init__)  # type: ignore[misc]  # __new__ hides it
    return {
        p.name: p.default
        for p in sig.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def _check(name: str, key: str, value: Any, default: Any, allowed: dict[str, Any]) -> None:
    def bad(expected: str) -> ConfigError:
        return ConfigError(
            f"detector {name}: parameter {key} must be {expected}, not {value!r}",
            hint=f"{name} takes: " + ", ".join(f"{k} (default {v!r})" for k, v in allowed.items()),
        )

    if default is None:  # optional list of names (llm.pii entities)
        if value is not None and not (
            isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        ):
            raise bad("a list of names")
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad("a number")
    elif isinstance(default, str) and not isinstance(value, str):
        raise bad("a string")


def build_detectors(
    specs: Mapping[str, Mapping[str, Any]], reference: Reference | None
) -> list[Detector]:
    """One detector per configured name (two for ``stage: both`` text detectors)."""
    built: list[Detector] = []
    for name, raw in specs.items():
        cls = DETECTORS.get(name)
        if cls is None:
            raise ConfigError(
                f"unknown detector {name!r}", hint="choose from " + ", ".join(sorted(DETECTORS))
            )
        params = dict(raw or {})
        allowed = parameters(cls)
        for key, value in params.items():
            if key not in allowed:
                raise ConfigError(
                    f"detector {name}: unknown parameter {key!r}",
                    hint=f"{name} takes: " + ", ".join(sorted(allowed)),
                )
            if not (key == "stage" and value == BOTH):
                _check(name, key, value, allowed[key], allowed)
        if getattr(cls, "needs_reference", False) and reference is None:
            raise ConfigError(
                f"{name} needs a reference: run aisec gateway reference build",
                hint="then point the model's reference: setting at the file",
            )
        stages = [INPUT, OUTPUT] if params.get("stage") == BOTH else [None]
        for stage in stages:
            if stage is not None:
                params["stage"] = stage
            built.append(cls(reference, **params))
    return built
