"""Worst case, sanity checks and notes, from hand-made attack outcomes."""

import json

import numpy as np

from aisec.assurance.attacks import AttackOutcome, build_box
from aisec.assurance.attacks.evasion_summary import AttackRuns, summarise

X = np.random.default_rng(0).random((6, 3))
BOX = build_box(X)
CLEAN = np.array([True, True, True, True, True, False])
OK = np.flatnonzero(CLEAN)


def runs_from(evaded: dict[str, dict[float, list[bool]]], complete=()):
    out = {}
    for name, per_eps in evaded.items():
        run = AttackRuns()
        for eps, flags in per_eps.items():
            run.by_epsilon[eps] = AttackOutcome(X[OK].copy(), np.array(flags), 5)
        run.complete = name not in complete
        out[name] = run
    return out


def test_worst_case_is_the_union_of_every_attack_with_results():
    runs = runs_from(
        {
            "noise": {0.1: [False] * 5},
            "a": {0.1: [True, False, False, False, False]},
            "b": {0.1: [False, True, False, False, False]},
            "c": {0.1: [False, False, True, True, True]},
        },
        complete=("c",),
    )
    r = summarise(CLEAN, OK, X, runs, BOX, [0.1])
    # c stopped early, but the three rows it evaded are evaded: the worst case takes them.
    worst = r.get("evasion.robust_accuracy", epsilon=0.1, attack="worst")
    assert worst.value == 0 / 6
    assert worst.params["complete"] is False
    assert r.get("evasion.robust_accuracy", epsilon=0.1, attack="c").value == 2 / 6
    success = r.get("evasion.attack_success_rate", epsilon=0.1, attack="worst")
    assert success.value == 5 / 5 and success.params["complete"] is False
    assert r.get("evasion.noise_accuracy", epsilon=0.1).value == 5 / 6
    assert r.details["incomplete"] == ["c"]
    assert any("'c'" in n and "incomplete" in n for n in r.notes)
    assert any("upper bound on robust accuracy" in n for n in r.notes)
    json.dumps(r.details)


def test_worst_is_never_above_any_attack_even_when_one_stopped_early():
    # "b" finished 0.05 and stopped during 0.1; "h" reported both from one stopped run.
    runs = runs_from(
        {
            "noise": {0.05: [False] * 5, 0.1: [False] * 5},
            "a": {0.05: [True, False, False, False, False], 0.1: [True] * 2 + [False] * 3},
            "b": {0.05: [False, False, False, True, True]},
            "h": {0.05: [False, True, False, False, False], 0.1: [False] * 4 + [True]},
        },
        complete=("b", "h"),
    )
    runs["b"].finished = {0.05}
    r = summarise(CLEAN, OK, X, runs, BOX, [0.05, 0.1])
    for eps in (0.05, 0.1):
        worst = r.get("evasion.robust_accuracy", epsilon=eps, attack="worst")
        assert worst.params["complete"] is False  # h finished no epsilon
        for attack in ("a", "b", "h"):
            if eps in runs[attack].by_epsilon:
                single = r.get("evasion.robust_accuracy", epsilon=eps, attack=attack)
                assert worst.value <= single.value
    assert r.get("evasion.robust_accuracy", epsilon=0.05, attack="worst").value == 1 / 6
    assert r.get("evasion.robust_accuracy", epsilon=0.1, attack="worst").value == 2 / 6


def test_a_worst_case_of_finished_epsilons_is_complete():
    runs = runs_from(
        {
            "noise": {0.05: [False] * 5},
            "a": {0.05: [True, False, False, False, False]},
            "b": {0.05: [False, True, False, False, False]},
        },
        complete=("b",),
    )
    runs["b"].finished = {0.05}
    r = summarise(CLEAN, OK, X, runs, BOX, [0.05])
    worst = r.get("evasion.robust_accuracy", epsilon=0.05, attack="worst")
    assert "complete" not in worst.params and worst.value == 3 / 6
    assert not any("upper bound" in n for n in r.notes)


def test_failed_sanity_checks_are_flagged_with_notes():
    runs = runs_from(
        {
            "noise": {0.05: [True, True, False, False, False], 0.1: [True] * 5},
            "a": {0.05: [True, False, False, False, False], 0.1: [False] * 5},
        }
    )
    r = summarise(CLEAN, OK, X, runs, BOX, [0.05, 0.1])
    sanity = r.details["sanity"]
    assert sanity == {"beats_noise": {"0.05": False, "0.1": False}, "monotone": False}
    assert sum("sanity" in n for n in r.notes) == 3


def test_without_results_at_an_epsilon_there_is_no_worst_case_there():
    runs = runs_from({"noise": {0.1: [False] * 5}, "a": {}}, complete=("a",))
    r = summarise(CLEAN, OK, X, runs, BOX, [0.1])
    assert not [m for m in r.measurements if m.params.get("attack") == "worst"]
    assert any("no attack has results at epsilon 0.1" in n for n in r.notes)
    assert r.details["queries"] == {"noise": 5, "a": 0}


def test_sanity_is_judged_only_where_every_attack_finished():
    # PGD found 80 evasions at 0.05 and stopped before 0.1: the worst case rises from 0.2
    # to 0.6, which says nothing about the attacks' quality and raises no sanity alarm.
    n = 100
    x = np.random.default_rng(0).normal(size=(n, 3))
    box = build_box(x)

    def out(k):
        evaded = np.zeros(n, bool)
        evaded[:k] = True
        return AttackOutcome(x.copy(), evaded, 0)

    runs = {
        "noise": AttackRuns({0.05: out(5), 0.1: out(10)}),
        "fgsm": AttackRuns({0.05: out(30), 0.1: out(40)}),
        "pgd": AttackRuns({0.05: out(80)}, complete=False, finished={0.05}),
    }
    result = summarise(np.ones(n, bool), np.arange(n), x, runs, box, [0.05, 0.1])
    assert result.get("evasion.robust_accuracy", epsilon=0.1, attack="worst").value == 0.6
    assert result.details["sanity"]["monotone"] is True
    assert not [note for note in result.notes if note.startswith("sanity")]
    assert any("incomplete" in note for note in result.notes)
