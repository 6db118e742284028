"""The demo's red-team step: the support assistant aisec ships as a test application,
attacked before launch in its vulnerable build and in its hardened build (aisec redteam
run, in process: no server, about a second each).

Both runs land in the store with the rest of the organisation, so the dashboard's runs
page shows them with their success rates per probe family and OWASP risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport

SEED = 0


@dataclass(frozen=True)
class RedteamDemo:
    vulnerable: PlanReport
    hardened: PlanReport

    @staticmethod
    def tally(report: PlanReport) -> tuple[int, int, int]:
        """(successful attacks, completed attacks, families with a success)."""
        families = [o for o in report.outcomes if o.type.startswith("redteam_") and
                    o.type != "redteam_owasp"]  # fmt: skip
        wins = sum(int(o.details.get("successes", 0)) for o in families)
        done = sum(int(o.details.get("attempts", 0)) - int(o.details.get("errors", 0))
                   for o in families)  # fmt: skip
        return wins, done, sum(1 for o in families if o.details.get("successes"))


def red_team_assistant() -> RedteamDemo:
    """Every probe family, as written, against both builds of the test application."""
    return RedteamDemo(_campaign("vulnerable"), _campaign("hardened"))


def _campaign(build: str) -> PlanReport:
    from aisec.llm.probes.base import ProbeContext
    from aisec.llm.simulator import SimulatedApp, SimulatorConfig
    from aisec.llm.simulator.callable import openai_function
    from aisec.llm.targets import CallableTarget, Guarded, Policy
    from aisec.services.redteaming import RedteamSpec, redteam, registered_probes

    config = SimulatorConfig.vulnerable() if build == "vulnerable" else (
        SimulatorConfig.hardened_variant())  # fmt: skip
    app = SimulatedApp(config)
    target = CallableTarget(openai_function(app), name=f"support-assistant ({build} build)")
    spec = RedteamSpec(
        target=Guarded(target, Policy()), probes=registered_probes(),
        context=ProbeContext(seed=SEED, canaries=tuple(app.canaries.values())),
        name=f"red team of the support assistant, {build} build (demo)",
    )  # fmt: skip
    return redteam(spec)
