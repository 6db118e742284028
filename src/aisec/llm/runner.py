"""A red-team campaign: every attempt of the chosen probes (and their evasive rewrites)
run against one target, concurrently within the target's policy, journalled as each
finishes.

Reproducible: the attempts are a pure function of (probes, seed, rewrites, canaries);
their order is fixed before anything is sent, and a resumed run skips the ids its journal
holds. A budget that runs out stops the campaign cleanly: what ran is reported, what did
not is counted as not run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aisec.core.errors import AisecError
from aisec.llm.attempt import Attempt
from aisec.llm.execute import AttemptResult, Judge, execute
from aisec.llm.journal import Journal
from aisec.llm.probes.base import Probe, ProbeContext
from aisec.llm.targets.base import Target
from aisec.llm.targets.errors import BudgetExhausted, TargetRefused

# A target refusing this many attempts in a row, with nothing answered, is misconfigured
# (a wrong key or URL): stop instead of burning through every attempt. Only statuses that
# say so: a 403 may be a guard blocking the attack, which is a result, not a misconfiguration.
REFUSALS_TO_STOP = 5
MISCONFIGURED = frozenset({401, 404, 405, 407})


@dataclass
class Campaign:
    target: Target
    probes: Sequence[Probe]
    context: ProbeContext = field(default_factory=ProbeContext)
    rewrites: tuple[str, ...] = ()
    concurrency: int = 4
    journal: Path | None = None
    fresh: bool = False
    replay: Sequence[Attempt] | None = None  # regression: exactly these attempts
    judging: Mapping[str, Any] = field(default_factory=dict)  # detector settings

    def attempts(self) -> list[Attempt]:
        if self.replay is not None:
            return list(self.replay)
        planned: list[Attempt] = []
        for probe in self.probes:
            if probe.needs_tools and not self.context.tools:
                continue
            if probe.needs_canaries and not self.context.canaries:
                continue
            base = probe.attempts(self.context)
            planned += base
            for family in self.rewrites:
                planned += [rewritten(a, family, self.context.seed) for a in base]
        return planned

    def key(self) -> str:
        """What the journal must match to be resumed."""
        # The policy (budget, rate) may change between an interrupted run and its resume.
        described = {k: v for k, v in self.target.describe().items() if k != "policy"}
        # The detector settings too: a resume must not mix two ways of judging.
        identity = {"target": described, "attempts": [a.id for a in self.attempts()],
                    "judging": self.judging}  # fmt: skip
        text = json.dumps(identity, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class CampaignResult:
    results: list[AttemptResult]
    planned: int
    resumed: int  # results read back from the journal
    not_run: int  # attempts left when the budget ran out
    stopped: str = ""  # why the campaign stopped early, if it did


def rewritten(attempt: Attempt, family: str, seed: int) -> Attempt:
    """The attempt with its attack text rewritten: the user turns, or, where the attack
    arrives through a tool (indirect injection), the tools' outputs."""
    from aisec.validation.rewrites import rewrite

    if any(t.carries_attack for t in attempt.tools):
        tools = tuple(replace(t, output=rewrite(t.output, family, seed=seed))
                      if t.carries_attack else t for t in attempt.tools)  # fmt: skip
        return replace(attempt, tools=tools, rewrite=family)
    turns = tuple(rewrite(t, family, seed=seed) for t in attempt.turns)
    return replace(attempt, turns=turns, rewrite=family)


Progress = Callable[[AttemptResult], None]


async def run_campaign(
    campaign: Campaign, judge: Judge, progress: Progress | None = None
) -> CampaignResult:
    attempts = campaign.attempts()
    journal = Journal(campaign.journal, campaign.key()) if campaign.journal else None
    done = {} if journal is None or campaign.fresh else journal.finished()
    todo = [a for a in attempts if a.id not in done]
    if journal is not None:
        journal.open(fresh=campaign.fresh)
    state = _State()
    gate = asyncio.Semaphore(max(1, campaign.concurrency))

    async def one(attempt: Attempt) -> None:
        async with gate:
            if state.stopped:
                return
            result = await _attempt(campaign.target, attempt, judge, state)
            if result is None:
                return
            state.results.append(result)
            if journal is not None:
                journal.append(result)
            if progress is not None:
                progress(result)

    try:
        await asyncio.gather(*(one(a) for a in todo))
    finally:
        if journal is not None:
            journal.close()
    by_id = {**done, **{r.attempt.id: r for r in state.results}}
    ordered = [by_id[a.id] for a in attempts if a.id in by_id]
    return CampaignResult(ordered, len(attempts), len(done), len(attempts) - len(ordered),
                          state.stopped)  # fmt: skip


@dataclass
class _State:
    results: list[AttemptResult] = field(default_factory=list)
    stopped: str = ""
    refusals_in_a_row: int = 0


async def _attempt(
    target: Target, attempt: Attempt, judge: Judge, state: _State
) -> AttemptResult | None:
    partial = AttemptResult(attempt, success=False)
    try:
        result = await execute(target, attempt, judge, partial)
    except BudgetExhausted as exc:
        state.stopped = state.stopped or f"budget exhausted: {exc.message}"
        return None
    except TargetRefused as exc:
        state.refusals_in_a_row += 1 if exc.status in MISCONFIGURED else 0
        if state.refusals_in_a_row >= REFUSALS_TO_STOP and not any(
            r.success is not None for r in state.results
        ):
            state.stopped = f"the target refused {REFUSALS_TO_STOP} attempts: {exc.message}"
        return _failed(partial, exc)
    except AisecError as exc:
        return _failed(partial, exc)
    state.refusals_in_a_row = 0
    return result


def _failed(partial: AttemptResult, error: AisecError) -> AttemptResult:
    """The attempt as far as it went (its requests and tokens count), ended by ``error``."""
    partial.success, partial.verdicts = None, []
    partial.error = f"[{error.code}] {error.message}"
    return partial
