"""The red-team runner on in-process targets: every attempt runs once, an interrupted
campaign resumes from its journal without repeating an attempt, the same seed gives the
same attacks and results, and the report counts successes per family and OWASP risk."""

from __future__ import annotations

import asyncio
import json

import pytest

from aisec.core.errors import ConfigError
from aisec.llm.journal import Journal
from aisec.llm.judging import Judge
from aisec.llm.probes.base import ProbeContext
from aisec.llm.results import campaign_report
from aisec.llm.runner import Campaign, run_campaign
from aisec.llm.simulator import SimulatedApp, SimulatorConfig
from aisec.llm.simulator.callable import openai_function
from aisec.llm.targets import CallableTarget, Guarded, Policy
from aisec.services.redteaming import select_probes

FAMILIES = ["direct_injection", "improper_output", "jailbreak"]


class Echo:
    """The shipped vulnerable simulator, counting the requests it answers."""

    def __init__(self) -> None:
        self.calls = 0
        self.chat = openai_function(SimulatedApp(SimulatorConfig.vulnerable()))

    def __call__(self, messages, tools):
        self.calls += 1
        return self.chat(messages, tools)


class Refuser(Echo):
    def __call__(self, messages, tools):
        self.calls += 1
        return "I'm sorry, but I can't help with that."


def campaign(function, tmp_path, *, seed=0, budget=None, fresh=False, journal="j.jsonl"):
    target = Guarded(CallableTarget(function, name="app"), Policy(max_requests=budget))
    return Campaign(target=target, probes=select_probes(FAMILIES),
                    context=ProbeContext(seed=seed), journal=tmp_path / journal,
                    fresh=fresh, concurrency=3)  # fmt: skip


def run(c):
    return asyncio.run(run_campaign(c, Judge()))


def test_every_attempt_runs_once_and_the_vulnerable_simulator_falls(tmp_path):
    app = Echo()
    found = run(campaign(app, tmp_path))
    planned = len(campaign(app, tmp_path).attempts())
    assert found.planned == planned == len(found.results) == app.calls  # no tool rounds here
    by_family = {}
    for r in found.results:
        by_family.setdefault(r.attempt.family, []).append(r.success)
    assert set(by_family) == set(FAMILIES)
    assert all(any(outcomes) for outcomes in by_family.values())


def test_an_interrupted_campaign_resumes_without_repeating(tmp_path):
    app = Echo()
    first = run(campaign(app, tmp_path, budget=10))
    assert first.stopped.startswith("budget exhausted") and first.not_run > 0
    assert app.calls == len(first.results) <= 10
    second = run(campaign(app, tmp_path))
    assert second.resumed == len(first.results)
    assert app.calls == second.planned  # each attempt sent exactly once over both runs
    full = run(campaign(Echo(), tmp_path, journal="other.jsonl"))
    assert [(r.attempt.id, r.success) for r in second.results] == [
        (r.attempt.id, r.success) for r in full.results
    ]


def test_a_journal_cut_mid_line_resumes(tmp_path):
    app = Echo()
    run(campaign(app, tmp_path, budget=6))
    path = tmp_path / "j.jsonl"
    path.write_bytes(path.read_bytes()[:-40])  # the interruption cut the last line
    found = run(campaign(app, tmp_path))
    assert len(found.results) == found.planned
    entries = [json.loads(line) for line in path.read_text().splitlines()]  # all whole again
    assert len(entries) == 1 + found.planned  # the header, then each attempt once


def test_a_journal_of_another_campaign_is_refused(tmp_path):
    run(campaign(Echo(), tmp_path, seed=1))
    with pytest.raises(ConfigError, match="journals another run"):
        run(campaign(Echo(), tmp_path, seed=2))
    found = run(campaign(Echo(), tmp_path, seed=2, fresh=True))
    assert found.resumed == 0


def test_the_same_seed_gives_the_same_attacks(tmp_path):
    one = [a.to_dict() for a in campaign(Echo(), tmp_path, seed=5).attempts()]
    two = [a.to_dict() for a in campaign(Echo(), tmp_path, seed=5).attempts()]
    other = [a.to_dict() for a in campaign(Echo(), tmp_path, seed=6).attempts()]
    assert one == two and one != other


def test_the_report_gives_rates_per_family_and_owasp_risk(tmp_path):
    c = campaign(Refuser(), tmp_path)
    found = run(c)
    report = campaign_report(found, c.probes, c.target, {"name": "t"})
    rates = {m.params.get("family"): m for m in report.run.measurements
             if m.name == "attack_success_rate"}  # fmt: skip
    assert rates["jailbreak"].value == 0.0 and rates["jailbreak"].n == 18
    assert rates["jailbreak"].ci_high is not None and 0 < rates["jailbreak"].ci_high < 0.25
    assert rates["direct_injection"].value == 0.0
    owasp = {m.params["owasp"] for m in report.run.measurements
             if m.name == "owasp_success_rate"}  # fmt: skip
    assert {"LLM01:2025", "LLM01:2026", "LLM05:2025", "LLM10:2026"} <= owasp
    assert report.run.findings == []
    vulnerable = campaign(Echo(), tmp_path, journal="echo.jsonl")
    report = campaign_report(run(vulnerable), vulnerable.probes, vulnerable.target, {})
    assert {f.check_id for f in report.run.findings} == {
        "llm.probe.direct-injection",
        "llm.probe.improper-output",
        "llm.probe.jailbreak",
    }
    [outcome] = [o for o in report.outcomes if o.type == "redteam_improper_output"]
    top = outcome.details["top_attacks"]
    assert top and top[0]["transcript"][-1]["role"] == "assistant"
    techniques = [t["technique"] for t in top]
    assert len(set(techniques)) == len(techniques)  # one per technique before repeats


def test_journal_header_must_be_a_journal(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text("not json\n")
    with pytest.raises(ConfigError, match="not a red-team journal"):
        Journal(path, "x").finished()


def test_a_configured_judge_decides_in_place_of_the_refusal_heuristic():
    from aisec.llm.attempt import Attempt
    from aisec.llm.exchange import Exchange, Turn

    attempt = Attempt(probe="p", family="jailbreak", technique="t", turns=("x",),
                      detectors=("llm.detector.refusal",))  # fmt: skip
    exchange = Exchange((Turn("user", "x"), Turn("assistant", "Sure, here it is.")))
    [plain] = Judge()(attempt, exchange)
    assert plain.detector == "llm.detector.refusal"
    judged = Judge({"llm.detector.judge": {}}, {"llm.detector.refusal": "llm.detector.judge"})
    [verdict] = judged(attempt, exchange)
    # No endpoint configured: the judge says so, and the attempt is not counted a success.
    assert verdict.detector == "llm.detector.judge" and not verdict.success
    assert "judge unavailable" in verdict.evidence


class Flaky:
    """Fails every request until switched on: an outage, then a fixed deployment."""

    def __init__(self) -> None:
        self.up = False
        self.chat = openai_function(SimulatedApp(SimulatorConfig.vulnerable()))

    def __call__(self, messages, tools):
        if not self.up:
            raise ConnectionError("service unavailable")
        return self.chat(messages, tools)


def test_attempts_that_errored_run_again_on_resume(tmp_path):
    app = Flaky()
    target = Guarded(CallableTarget(app, name="app"), Policy(retries=0))
    c = Campaign(target=target, probes=select_probes(["direct_injection"]),
                 journal=tmp_path / "j.jsonl")  # fmt: skip
    first = run(c)
    assert first.results and all(r.success is None for r in first.results)
    app.up = True
    second = run(c)
    assert second.resumed == 0
    assert all(r.success is not None for r in second.results)
    assert any(r.success for r in second.results)


def test_a_journal_line_that_is_not_an_entry_is_refused_with_its_number(tmp_path):
    app = Echo()
    run(campaign(app, tmp_path, budget=3))
    path = tmp_path / "j.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'{"attempt": {"probe": 1}}'
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ConfigError, match="line 3"):
        run(campaign(app, tmp_path))


def test_a_journal_cut_inside_a_character_resumes(tmp_path):
    app = Echo()
    run(campaign(app, tmp_path, budget=4))
    path = tmp_path / "j.jsonl"
    path.write_bytes(path.read_bytes() + '{"attempt": "\u00e9'.encode()[:-1])
    found = run(campaign(app, tmp_path))
    assert found.resumed == 4 and len(found.results) == found.planned


def test_rewrites_apply_to_the_attack_not_to_the_tools_answers():
    from aisec.llm.probes.excessive_agency import ExcessiveAgency
    from aisec.llm.probes.indirect_injection import IndirectInjection
    from aisec.llm.runner import rewritten

    agency = ExcessiveAgency().attempts(ProbeContext())[0]
    encoded = rewritten(agency, "base64", 0)
    assert encoded.turns != agency.turns and encoded.tools == agency.tools
    planted = IndirectInjection().attempts(ProbeContext())[0]
    encoded = rewritten(planted, "base64", 0)
    assert encoded.turns == planted.turns
    changed = [t.name for t, u in zip(planted.tools, encoded.tools, strict=True) if t != u]
    assert changed == [planted.tools[0].name]  # the planted page, not send_email's "sent"
