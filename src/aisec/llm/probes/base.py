"""The probe contract.

A probe is a check (docs/adr/0001) with two duties. Before the run, it writes the
attempts of its family from its own templates (:meth:`Probe.attempts`). After the run,
its family's outcome is its subject: the attack success rate over those attempts, judged
against the run's tolerance, becomes its finding (inherited from ThresholdCheck). So a
third-party probe registered under ``aisec.checks`` takes part like the built-in ones.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from aisec.assurance.checks.base import ThresholdCheck
from aisec.llm.attempt import Attempt

OUTCOME_PREFIX = "redteam_"


@dataclass(frozen=True)
class ProbeContext:
    """What a probe may know of the target: what any red-teamer is told, no more."""

    seed: int = 0
    canaries: tuple[str, ...] = ()  # secrets and personal data the tester planted
    tools: bool = True  # the target accepts tool definitions
    max_output_tokens: int = 512  # the answer length the application is meant to keep to

    def rng(self, probe_id: str) -> random.Random:
        """A generator per probe, so that selecting other probes changes nothing here."""
        digest = hashlib.sha256(f"{self.seed}:{probe_id}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def nonce(self, probe_id: str, index: int) -> str:
        """A marker string no answer contains by chance: proof an instruction was obeyed."""
        digest = hashlib.sha256(f"{self.seed}:{probe_id}:{index}".encode()).hexdigest()
        return f"CONFIRM-{digest[:10].upper()}"


class Probe(ThresholdCheck):
    family: ClassVar[str]
    detectors: ClassVar[tuple[str, ...]]  # default detectors of the family's attempts
    needs_tools: ClassVar[bool] = False  # no attempt without tool support
    needs_canaries: ClassVar[bool] = False  # no attempt without planted canaries

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        family = cls.__dict__.get("family")
        if isinstance(family, str):
            cls.test_types = (OUTCOME_PREFIX + family,)

    def __init__(self, variants: int | None = None) -> None:
        """``variants``: at most this many templates (None: all of them)."""
        self.variants = variants

    def attempts(self, context: ProbeContext) -> list[Attempt]:
        raise NotImplementedError

    def from_templates(
        self, context: ProbeContext, templates: Sequence[tuple[str, str | tuple[str, ...]]],
        **common: Any,
    ) -> list[Attempt]:  # fmt: skip
        """One attempt per (technique, turn or turns), with this probe's detectors and the
        ``common`` fields, limited to ``variants``."""
        attempts = [
            Attempt(
                probe=self.id,
                family=self.family,
                technique=technique,
                turns=(turns,) if isinstance(turns, str) else turns,
                detectors=self.detectors,
                **common,
            )
            for technique, turns in templates
        ]
        return self.limited(attempts, context)

    def limited(self, attempts: list[Attempt], context: ProbeContext) -> list[Attempt]:
        """At most ``variants`` attempts, a seeded sample (the order of the rest kept)."""
        if self.variants is None or len(attempts) <= self.variants:
            return attempts
        keep = sorted(context.rng(self.id).sample(range(len(attempts)), self.variants))
        return [attempts[i] for i in keep]


def probe_classes() -> list[type[Probe]]:
    """Every enabled probe of the registry (built-in or a plugin's), in id order."""
    from aisec.core.registry import default_registry

    found = [
        e.check
        for e in default_registry()
        if e.enabled and isinstance(e.check, type) and issubclass(e.check, Probe)
    ]
    return sorted(found, key=lambda c: c.id)
