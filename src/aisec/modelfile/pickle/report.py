"""The analysis of one pickle stream: the subject of the ``modelfile.pickle.*`` checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.pickle.policy import Verdict
from aisec.modelfile.reports import Anomaly


@dataclass(slots=True)
class GlobalUse:
    """A global the stream resolves; ``invoked`` when the loader would call it."""

    qualname: str
    raw: str  # as written in the stream (before protocol-2 import renaming)
    verdict: Verdict
    location: Location
    opcode_index: int
    invoked: bool = False
    mutated: bool = False


@dataclass(slots=True)
class CallUse:
    """A call the loader would make; ``target`` is None when the callable is computed at
    load time (the result of another call, a persistent object...)."""

    target: str | None
    verdict: Verdict
    evidence: str
    location: Location
    opcode: str
    suspicious_args: tuple[str, ...] = ()


@dataclass(slots=True)
class PickleReport:
    location: Location
    protocol: int = 0
    opcodes: int = 0
    end: int | None = None  # offset just after STOP, when reached
    globals: list[GlobalUse] = field(default_factory=list)
    calls: list[CallUse] = field(default_factory=list)
    mutations: list[CallUse] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    persistent_ids: list[Any] = field(default_factory=list)
    # (offset, length, via): byte strings the loader would load as a model file
    embedded: list[tuple[int, int, str]] = field(default_factory=list)
    result: Any = None
    kind: str = "pickle"

    def add(self, kind: str, detail: str, location: Location, **evidence: Any) -> None:
        self.anomalies.append(Anomaly(kind, detail, location, dict(evidence)))

    @property
    def complete(self) -> bool:
        return self.end is not None
