"""``aisec redteam run``: attack an LLM application with the probe families and report,
per family and per OWASP LLM risk, how often the attacks succeed (docs/adr/0028).

The same function serves the CLI, the API and a notebook: build a :class:`RedteamSpec`,
call :func:`redteam`, render the plan report it returns.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.core.errors import ConfigError
from aisec.llm.probes.base import Probe, ProbeContext, probe_classes
from aisec.llm.results import Options, test_name

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport
    from aisec.llm.attempt import Attempt
    from aisec.llm.execute import AttemptResult
    from aisec.llm.targets.base import Target

KIND = "redteam"
REFUSAL = "llm.detector.refusal"
JUDGE = "llm.detector.judge"
# An answer that changes the subject did not give the attacker what was asked for:
# counting it as a success would flatter the attack (docs/adr/0026).
DETECTOR_DEFAULTS: dict[str, dict[str, Any]] = {REFUSAL: {"require_topical": True}}


@dataclass
class RedteamSpec:
    target: Target  # already wrapped in its policy (rate, concurrency, retries, budget, cache)
    probes: Sequence[Probe] = ()  # default: every registered probe
    context: ProbeContext = field(default_factory=ProbeContext)
    rewrites: tuple[str, ...] = ()
    concurrency: int = 4
    journal: Path | None = None
    journal_dir: Path | None = None  # without a journal: one per campaign in here
    fresh: bool = False
    replay: Path | None = None  # a previous report: re-run its successful attacks
    options: Options = field(default_factory=Options)
    detector_params: dict[str, dict[str, Any]] = field(
        default_factory=lambda: dict(DETECTOR_DEFAULTS)
    )
    judge: dict[str, Any] | None = None  # an LLM judge: url, model, api_key_env
    name: str = ""


def registered_probes() -> list[Probe]:
    """One instance of every registered probe, in id order."""
    return [cls() for cls in probe_classes()]


def select_probes(families: Sequence[str], variants: int | None = None) -> list[Probe]:
    """The probes of ``families`` (all when empty), each limited to ``variants``."""
    available = {type(p).family: type(p) for p in registered_probes()}
    unknown = [f for f in families if f not in available]
    if unknown:
        raise ConfigError(f"no probe family {unknown[0]!r}",
                          hint=f"families: {', '.join(sorted(available))}")  # fmt: skip
    chosen = families or sorted(available)
    return [available[f](variants=variants) for f in chosen]


def replayed_attempts(report: Path) -> list[Attempt]:
    """The successful attacks of an earlier report (its JSON), for the regression mode."""
    from aisec.llm.attempt import Attempt

    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {report} as a red-team JSON report: {exc}") from None
    run = data.get("run") if isinstance(data, dict) else None
    config = run.get("config") if isinstance(run, dict) else None
    attempts = config.get("successful_attempts") if isinstance(config, dict) else None
    if not isinstance(attempts, list):
        raise ConfigError(f"{report} is not a red-team JSON report (no successful_attempts)",
                          hint="give the report `aisec redteam run -f json` wrote")  # fmt: skip
    try:
        return [Attempt.from_dict(a) for a in attempts]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(
            f"{report}: an attack in successful_attempts is malformed: {exc}",
            hint="give the report `aisec redteam run -f json` wrote",
        ) from None


def redteam(spec: RedteamSpec,
            progress: Callable[[AttemptResult], None] | None = None) -> PlanReport:  # fmt: skip
    from aisec.llm.judging import Judge
    from aisec.llm.results import campaign_report
    from aisec.llm.runner import Campaign, run_campaign

    probes = list(spec.probes) or registered_probes()
    replay = replayed_attempts(spec.replay) if spec.replay is not None else None
    params = dict(spec.detector_params)
    substitutes = {}
    if spec.judge is not None:
        # With a judge configured, it decides what the refusal heuristic would have.
        params[JUDGE] = dict(spec.judge)
        substitutes[REFUSAL] = JUDGE
    campaign = Campaign(target=spec.target, probes=probes, context=spec.context,
                        rewrites=spec.rewrites, concurrency=spec.concurrency,
                        journal=spec.journal, fresh=spec.fresh, replay=replay,
                        judging={"params": params, "substitutes": substitutes})  # fmt: skip
    if campaign.journal is None and spec.journal_dir is not None:
        campaign.journal = spec.journal_dir / f"{campaign.key()}.jsonl"
    judge = Judge(params, substitutes)

    async def go() -> Any:
        try:
            return await run_campaign(campaign, judge, progress)
        finally:
            await spec.target.aclose()

    found = asyncio.run(go())
    config = _config(spec, probes, campaign)
    config["successful_attempts"] = [r.attempt.to_dict() for r in found.results if r.success]
    report = campaign_report(found, probes, spec.target, config, spec.options)
    spent = getattr(spec.target, "spent", None)
    if callable(spent):  # a Guarded target keeps the budget's accounts
        used = spent()
        report.data["spent"] = {**vars(used), "tokens": used.tokens}
    return report


def _config(spec: RedteamSpec, probes: Sequence[Probe], campaign: Any) -> dict[str, Any]:
    return {
        "name": spec.name,
        "target": spec.target.describe(),
        "probes": [type(p).id for p in probes],
        "seed": spec.context.seed,
        "rewrites": list(spec.rewrites),
        "canaries": len(spec.context.canaries),  # planted test values; the attempts carry them
        "tools": spec.context.tools,
        "replay": str(spec.replay) if spec.replay else None,
        "tolerance": spec.options.tolerance,
        "judge": _public_judge(spec.judge),
        "journal": str(campaign.journal) if campaign.journal else None,
        "campaign": campaign.key(),
        # As a plan's tests are: governance coverage credits a run by its test types.
        "tests": [{"name": test_name(type(p)), "type": type(p).test_types[0]} for p in probes],
    }


def _public_judge(judge: dict[str, Any] | None) -> dict[str, Any] | None:
    """The judge as a report may show it: no credentials in its URL."""
    if judge is None:
        return None
    from aisec.assurance.targets.http_target import public_url

    return {"url": public_url(str(judge.get("url", ""))), "model": judge.get("model"),
            "api_key_env": judge.get("api_key_env")}  # fmt: skip


def exit_code(report: PlanReport, fail_on: Any = None) -> int:
    from aisec.core.severity import Severity

    return int(report.run.exit_code(fail_on or Severity.HIGH))
