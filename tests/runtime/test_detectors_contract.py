"""Every catalogued detector: metadata, defaults, configuration errors, odd observations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from detector_fixtures import case

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.base import ClientStates
from aisec.runtime.detectors.catalogue import DETECTORS, build_detectors, parameters
from aisec.runtime.observation import INPUT, OUTPUT, Observation, Verdict

NEEDS_PROBABILITIES = {"extraction.boundary", "evasion.margin"}


def odd_observations(width: int) -> list[Observation]:
    def o(**kw: Any) -> Observation:
        return Observation(model="m", client="c", at=0.0, **kw)

    return [
        o(),
        o(features=np.empty((0, width))),
        o(features=np.zeros((2, width + 3))),
        o(features=np.zeros(width)),
        o(features=np.full((1, width), np.inf)),
        o(features=np.zeros((1, width)), predictions=np.zeros(5)),
        o(features=np.zeros((1, width)), probabilities=np.ones((1, 1))),
        o(features=np.zeros((1, width)), probabilities=np.full((2, 3), np.nan)),
        o(features=np.zeros((1, width)), predictions=np.array([np.nan])),
        o(predictions=np.zeros((2, 2)), probabilities=np.zeros((0, 2))),
        o(text_in="", text_out=""),
        o(features=np.ones((3, width)), predictions=np.ones(3), probabilities=np.eye(3)[:, :2]),
    ]


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detector_builds_with_defaults_and_tolerates_odd_input(name: str) -> None:
    cls = DETECTORS[name]
    assert cls.name == name and cls.stage in (INPUT, OUTPUT)
    ref = case("breast_cancer").reference
    (det,) = build_detectors({name: {}}, ref)
    for _ in range(3):  # state must survive odd input too
        for obs in odd_observations(ref.n_features):
            verdict = det.observe(obs)
            assert verdict is None or isinstance(verdict, Verdict)
            if verdict is not None:
                assert verdict.detector == name and verdict.stage == det.stage


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_reference_needing_detectors_refuse_to_build_without_one(name: str) -> None:
    if getattr(DETECTORS[name], "needs_reference", False):
        with pytest.raises(ConfigError, match=f"{name} needs a reference"):
            build_detectors({name: {}}, None)
    else:
        assert len(build_detectors({name: {}}, None)) == 1


def test_probability_detectors_need_margins_in_the_reference() -> None:
    ref = case("diabetes").reference
    for name in NEEDS_PROBABILITIES:
        with pytest.raises(ConfigError, match="probabilities"):
            build_detectors({name: {}}, ref)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"nope": {}}, "unknown detector"),
        ({"evasion.ood": {"treshold": 3}}, "unknown parameter 'treshold'"),
        ({"evasion.ood": {"threshold": "high"}}, "threshold must be a number"),
        ({"drift.input": {"window": 2.5}}, "window must be an integer"),
        ({"drift.input": {"window": True}}, "window must be an integer"),
        ({"llm.pii": {"entities": "EMAIL"}}, "entities must be a list"),
        ({"llm.pii": {"stage": "sideways"}}, "stage must be"),
        ({"extraction.prada": {"delta": 1.5}}, "delta"),
        ({"evasion.ood": {"threshold": -1}}, "positive"),
    ],
)
def test_bad_parameters_are_config_errors(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        build_detectors(spec, case("breast_cancer").reference)
    if "parameter" in message:
        assert info.value.hint is not None and "threshold" in info.value.hint


def test_parameters_lists_keyword_defaults() -> None:
    assert parameters(DETECTORS["extraction.prada"])["delta"] == 0.80
    assert "stage" in parameters(DETECTORS["llm.secrets"])


def test_fast_shapiro_matches_scipy() -> None:
    from scipy import stats

    from aisec.runtime.detectors.prada import shapiro_w

    d = np.random.default_rng(0).exponential(size=200)
    assert shapiro_w(d) == pytest.approx(stats.shapiro(d).statistic, abs=1e-12)


def test_prada_classes_are_bounded_by_the_reference() -> None:
    c = case("breast_cancer")
    (det,) = build_detectors({"extraction.prada": {}}, c.reference)
    for i in range(20):
        det.observe(
            Observation(
                model="m",
                client="c",
                at=0.0,
                features=c.x_test[i : i + 1],
                predictions=np.array([1000.0 + i]),  # labels the reference never saw
            )
        )
    assert list(det._clients.get("c").sets) == [-1.0]  # type: ignore[attr-defined]


def test_client_states_are_bounded_lru() -> None:
    states: ClientStates[list[int]] = ClientStates(list, max_clients=2)
    states.get("a").append(1)
    states.get("b")
    states.get("a")  # a is now most recent
    states.get("c")
    assert "a" in states and "c" in states and "b" not in states and len(states) == 2
    assert states.get("a") == [1]


def test_prada_history_is_bounded() -> None:
    ref = case("diabetes").reference
    (det,) = build_detectors({"extraction.prada": {"history": 10, "window": 20}}, ref)
    rng = np.random.default_rng(0)
    for _ in range(30):
        det.observe(
            Observation(
                model="m",
                client="c",
                at=0.0,
                features=ref.mean + ref.scale * rng.normal(size=(10, 10)),
            )
        )
    state = det._clients.get("c")  # type: ignore[attr-defined]
    (growing,) = state.sets.values()  # regression model: one set, not one per class
    assert growing.n == 10 and len(growing.rows) == 10 and len(state.dist) == 20
    assert state.dpos == 299  # every row but the first got a distance
