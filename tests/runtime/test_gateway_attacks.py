"""Attack simulations through the real gateway: the scikit-learn model server in a
subprocess, the gateway (SQLite store, traffic log) in a thread, every tabular detector
on with action ``tag``, and the assurance package's own attacks as the traffic.

Outcomes are asserted, never timings: the assurance extraction is flagged within 400
queries, three benign clients replaying the held-out set raise no alarm, a PGD batch and
a shifted input distribution are flagged (the drift within one window), a key over its
daily quota gets 429 AISEC-E713 with Retry-After; and the online answers, the traffic
log and an offline ``replay`` of the same traffic agree. The detector settings are
the shipped defaults; bench/gateway_attacks.py also measures earlier settings.
"""

from __future__ import annotations

import pytest
from gateway_attack_traffic import (
    BENIGN,
    DEFAULT,
    Plan,
    attack_gateway,
    disagreements,
    first_alarm,
    first_by_detector,
    offline,
    simulate,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PLAN = Plan(benign_clients=3, extraction_budget=500, pgd_rows=60, drift_window=100, quota=5)
EXTRACTION_BUDGET = 400


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    home = tmp_path_factory.mktemp("gateway-attacks")
    w = world()
    gateway = attack_gateway(home, PLAN.clients(), drift_window=PLAN.drift_window,
                             quota=PLAN.quota, params=DEFAULT, names=PLAN.models())  # fmt: skip
    with gateway as served:
        runs = simulate(served, PLAN, w)
    return {"runs": runs, "served": served, "report": offline(served, runs)}


def test_benign_held_out_traffic_raises_no_alarm(simulated):
    run = simulated["runs"]["benign"]
    assert len(run.replies) == 3 * 171
    assert all(r.status == 200 for r in run.replies)
    alarmed = [(q.client, r.fired) for q, r in zip(run.queries, run.replies, strict=True)
               if r.fired]  # fmt: skip
    assert alarmed == []
    assert {q.model for q in run.queries} == {BENIGN}


def test_the_assurance_extraction_is_flagged_within_its_budget(simulated):
    run = simulated["runs"]["extraction-0"]
    assert all(r.status == 200 for r in run.replies)  # tag: the attack keeps its answers
    first = first_alarm(run.replies)
    assert first is not None and first <= EXTRACTION_BUDGET
    # The attack is real: by the time it is flagged the surrogate already copies the model.
    assert run.detail["fidelity_at_alarm"] > 0.8
    # The first alarm comes after the attacker's pool of real held-out rows; and a
    # detector that judges the client alone (not the model's pooled traffic, which here
    # happens to be the attacker's only) flags it within the budget too.
    assert first > run.detail["pool_rows"]
    by_detector = first_by_detector(run.replies)
    assert by_detector.get("extraction.distribution", EXTRACTION_BUDGET + 1) <= EXTRACTION_BUDGET


def test_a_pgd_batch_is_flagged(simulated):
    run = simulated["runs"]["pgd-batch"]
    assert run.detail["evaded"] > 0
    (reply,) = run.replies
    assert reply.status == 200
    assert {"evasion.margin", "extraction.boundary"} & set(reply.fired)


def test_a_shifted_input_distribution_is_flagged_by_drift_within_one_window(simulated):
    run = simulated["runs"]["drift"]
    first = first_by_detector(run.replies).get("drift.input")
    assert first is not None and first <= PLAN.drift_window


def test_a_key_over_its_daily_quota_is_throttled(simulated):
    replies = simulated["runs"]["quota"].replies
    assert [r.status for r in replies] == [200] * PLAN.quota + [429] * 5
    over = replies[PLAN.quota]
    assert over.body["error"]["code"] == "AISEC-E713"
    assert int(over.headers["retry-after"]) >= 1


def test_online_answers_traffic_log_and_offline_replay_agree(simulated):
    runs, report = simulated["runs"], simulated["report"]
    log = simulated["served"].log
    assert len(log) == sum(len(run.replies) for run in runs.values())
    assert disagreements(runs, report, log) == []
    assert report.alarmed_by_label.get("benign", 0) == 0
    assert report.unreadable == 0 and report.errors == []
