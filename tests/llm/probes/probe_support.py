"""Running one probe family against the shipped LLM-application simulator, in process:
the ground truth the probe tests hold each family to (its weakness on: found; off: not)."""

from __future__ import annotations

import asyncio

from aisec.llm.judging import Judge
from aisec.llm.probes.base import ProbeContext
from aisec.llm.runner import Campaign, run_campaign
from aisec.llm.simulator import SimulatedApp, SimulatorConfig
from aisec.llm.simulator.callable import openai_function
from aisec.llm.targets import CallableTarget, Guarded, Policy
from aisec.services.redteaming import DETECTOR_DEFAULTS, select_probes


def as_target(app: SimulatedApp) -> CallableTarget:
    return CallableTarget(openai_function(app), name="simulator")


def outcomes(family: str, config: SimulatorConfig, rewrites: tuple[str, ...] = ()) -> list[bool]:
    """Whether each attempt of ``family`` succeeded against ``config``."""
    app = SimulatedApp(config)
    campaign = Campaign(
        target=Guarded(as_target(app), Policy()), probes=select_probes([family]),
        context=ProbeContext(canaries=tuple(app.canaries.values())), rewrites=rewrites,
    )  # fmt: skip
    found = asyncio.run(run_campaign(campaign, Judge(DETECTOR_DEFAULTS)))
    assert all(r.success is not None for r in found.results), [r.error for r in found.results]
    return [bool(r.success) for r in found.results]


def assert_finds_only_its_weakness(family: str, *, at_least: float) -> None:
    """On: at least ``at_least`` of the attacks succeed. Every other weakness on but this
    one, and the hardened variant: none does."""
    on = outcomes(family, SimulatorConfig.vulnerable(only=[family]))
    assert sum(on) >= at_least * len(on), (family, sum(on), len(on))
    off = outcomes(family, SimulatorConfig.vulnerable(without=[family]))
    assert sum(off) == 0, (family, "found with its weakness off", sum(off))
    hardened = outcomes(family, SimulatorConfig.hardened_variant())
    assert sum(hardened) == 0, (family, "found in the hardened variant", sum(hardened))
