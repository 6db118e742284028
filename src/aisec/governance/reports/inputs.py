"""Shared inputs of the report builders: plain, JSON-safe data, no store access.

Measurements are dicts in :meth:`aisec.core.run.Measurement.to_dict` form, risks in
:meth:`aisec.governance.risks.model.Risk.to_dict` form and the classification in
:meth:`aisec.governance.classify.result.Classification.to_dict` form, so a gatherer can
pass stored records through unchanged. :func:`from_dict` builds any input dataclass
from parsed JSON and refuses unknown keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aisec.core.errors import ConfigError

Record = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class SystemInfo:
    """The AI system a report is about, as its owner describes it."""

    name: str
    version: str = ""
    provider: str = ""
    deployer: str = ""
    owner: str = ""
    intended_purpose: str = ""
    description: str = ""


def from_dict(cls: type[T], raw: Mapping[str, Any]) -> T:
    """An instance of the input dataclass ``cls`` from parsed JSON; nested ``system``
    mappings become :class:`SystemInfo`. Unknown keys are a ConfigError."""
    if not dataclasses.is_dataclass(cls) or not isinstance(raw, Mapping):
        raise ConfigError(f"cannot read {getattr(cls, '__name__', cls)} from {type(raw).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(raw) - names
    if unknown:
        raise ConfigError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    data = dict(raw)
    if isinstance(data.get("system"), Mapping):
        data["system"] = from_dict(SystemInfo, data["system"])
    try:
        return cls(**data)
    except TypeError as exc:
        raise ConfigError(f"{cls.__name__}: {exc}") from None
