"""The evasion test end to end on real models: digits LR (every attack), a breast-cancer
MLP with a schema, a score-only random forest and a labels-only endpoint."""

import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.attacks import run_evasion
from aisec.assurance.outcome import AssuranceData
from aisec.assurance.schema import FeatureSchema
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError

FAST = {"pgd_steps": 20, "restarts": 1, "square_queries": 100, "hsj_iterations": 4}


def fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.3, stratify=y, random_state=0)
    model = fit(LogisticRegression(max_iter=1000), xtr, ytr)
    return model, AssuranceData(xte, yte, xtr, ytr, name="digits")


@pytest.fixture(scope="module")
def lr_result(digits):
    model, data = digits
    return run_evasion(SklearnTarget(model), data, max_rows=150, **FAST)


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    x = x.copy()
    x[:, 1] = np.round(x[:, 1])
    names = [f"x{j}" for j in range(x.shape[1])]
    schema = FeatureSchema.infer(x, names=names, immutable=["x0"])
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    return AssuranceData(xte, yte, xtr, ytr, schema=schema, name="cancer")


def test_lr_runs_every_attack_with_the_documented_measurements(lr_result):
    r = lr_result
    assert r.details["attacks"] == ["fgsm", "pgd", "square", "hopskipjump"]
    assert r.get("evasion.clean_accuracy").value > 0.93
    for eps in (0.02, 0.05, 0.1):
        for attack in ("fgsm", "pgd", "square", "hopskipjump", "worst"):
            m = r.get("evasion.robust_accuracy", epsilon=eps, attack=attack)
            assert m.params["epsilon_unit"] == "range"
            assert m.n == 150 and m.ci_low <= m.value <= m.ci_high
        worst = r.get("evasion.robust_accuracy", epsilon=eps, attack="worst").value
        for attack in ("fgsm", "pgd", "square", "hopskipjump"):
            assert worst <= r.get("evasion.robust_accuracy", epsilon=eps, attack=attack).value
        assert r.get("evasion.attack_success_rate", epsilon=eps, attack="worst").n < 150
        assert worst < r.get("evasion.noise_accuracy", epsilon=eps).value + 1e-12
    assert r.get("evasion.robust_accuracy", epsilon=0.1, attack="worst").value < 0.75
    assert r.details["sanity"]["monotone"]
    assert all(r.details["sanity"]["beats_noise"].values())
    assert r.details["rows"] == 150
    assert not r.notes


def test_lr_details_are_json_and_the_curve_is_complete(lr_result):
    details = json.loads(json.dumps(lr_result.details))
    assert len(details["curve"]) == 3 * 5
    assert set(details["perturbation"]["pgd"]["0.1"]) >= {"linf_mean", "linf_max", "l2_mean"}
    assert details["perturbation"]["pgd"]["0.1"]["linf_max"] <= 0.1 + 1e-9
    assert all(v > 0 for k, v in details["queries"].items())
    assert all(n == 0 for per in details["box_excess_rows"].values() for n in per.values())


def test_the_attack_strength_ordering_holds(lr_result):
    r = lr_result

    def acc(attack):
        return r.get("evasion.robust_accuracy", epsilon=0.1, attack=attack).value

    assert acc("pgd") <= acc("fgsm") + 0.02
    assert acc("pgd") < r.get("evasion.noise_accuracy", epsilon=0.1).value - 0.2


def test_cancer_mlp_with_a_schema_stays_valid(cancer):
    model = fit(
        make_pipeline(StandardScaler(), MLPClassifier((16,), max_iter=300, random_state=0)),
        cancer.x_train,
        cancer.y_train,
    )
    r = run_evasion(
        SklearnTarget(model), cancer, attacks=("fgsm", "pgd"), epsilons=(0.05, 0.2), **FAST
    )
    assert r.details["attacks"] == ["fgsm", "pgd"]
    assert all(n == 0 for per in r.details["box_excess_rows"].values() for n in per.values())
    low = r.get("evasion.robust_accuracy", epsilon=0.05, attack="worst").value
    high = r.get("evasion.robust_accuracy", epsilon=0.2, attack="worst").value
    assert high <= low < r.get("evasion.clean_accuracy").value + 1e-12


def test_a_forest_gets_square_and_hopskipjump_only(cancer):
    forest = fit(
        RandomForestClassifier(30, max_depth=5, random_state=0), cancer.x_train, cancer.y_train
    )
    target = SklearnTarget(forest)
    r = run_evasion(target, cancer, epsilons=(0.1,), max_rows=80, **FAST)
    assert r.details["attacks"] == ["square", "hopskipjump"]
    assert any("gradients" in note for note in r.notes)
    clean = r.get("evasion.clean_accuracy").value
    assert r.get("evasion.robust_accuracy", epsilon=0.1, attack="square").value < clean - 0.1
    with pytest.raises(ConfigError, match="gradients"):
        run_evasion(target, cancer, attacks=("pgd",))


def test_auto_on_a_labels_only_target_runs_only_hopskipjump(digits):
    model, data = digits
    target = CallableTarget(predict=model.predict)
    r = run_evasion(target, data, epsilons=(0.1,), max_rows=60, **FAST)
    assert r.details["attacks"] == ["hopskipjump"]
    assert {m.params.get("attack") for m in r.measurements} >= {"hopskipjump", "worst"}
    assert not {"fgsm", "pgd", "square"} & {m.params.get("attack") for m in r.measurements}
    with pytest.raises(ConfigError, match="scores"):
        run_evasion(target, data, attacks=("square",))


def test_budget_exhaustion_is_a_note_not_a_crash(digits):
    model, data = digits
    target = SklearnTarget(model, budget=8000)
    r = run_evasion(target, data, max_rows=100, **FAST)
    assert r.details["incomplete"]
    assert any("query budget" in note for note in r.notes)
    assert target.budget.used <= 8000
    worst = [m for m in r.measurements if m.params.get("attack") == "worst"]
    assert worst  # the attacks that finished still give a worst case


def test_a_budget_below_the_clean_pass_is_a_config_error(digits):
    model, data = digits
    with pytest.raises(ConfigError, match="budget"):
        run_evasion(SklearnTarget(model, budget=10), data, max_rows=100)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"epsilons": ()},
        {"epsilons": (0.1, -0.1)},
        {"epsilons": (float("nan"),)},
        {"attacks": ("cw",)},
        {"attacks": "pgd"},
        {"pgd_steps": 0},
        {"max_rows": -1},
        {"epsilon_unit": "pixels"},
    ],
)
def test_bad_settings_are_config_errors(digits, kwargs):
    model, data = digits
    with pytest.raises(ConfigError):
        run_evasion(SklearnTarget(model), data, **kwargs)


def test_absolute_unit_is_carried_in_params(digits):
    model, data = digits
    r = run_evasion(
        SklearnTarget(model),
        data,
        attacks=("fgsm",),
        epsilons=(0.1,),
        epsilon_unit="absolute",
        max_rows=50,
    )
    assert all(m.params["epsilon_unit"] == "absolute" for m in r.measurements)


def test_worst_is_never_above_any_attack_when_the_budget_stops_some(cancer):
    # 10k queries: square finishes epsilon 0.05 and stops in 0.1, HopSkipJump stops
    # partway but reports both epsilons. No attack completes, yet the evasions found
    # are real: the worst case must count them and say it is only an upper bound.
    forest = fit(
        RandomForestClassifier(30, max_depth=5, random_state=0), cancer.x_train, cancer.y_train
    )
    target = SklearnTarget(forest, budget=10_000)
    r = run_evasion(target, cancer, epsilons=(0.05, 0.1), max_rows=80, **FAST)
    assert set(r.details["incomplete"]) == {"square", "hopskipjump"}
    for eps in (0.05, 0.1):
        worst = r.get("evasion.robust_accuracy", epsilon=eps, attack="worst")
        assert worst.params["complete"] is False
        singles = [
            m
            for m in r.measurements
            if m.name == "evasion.robust_accuracy"
            and m.params["epsilon"] == eps
            and m.params["attack"] != "worst"
        ]
        assert singles
        assert all(worst.value <= m.value for m in singles)
    square = r.get("evasion.robust_accuracy", epsilon=0.05, attack="square")
    assert r.get("evasion.robust_accuracy", epsilon=0.05, attack="worst").value <= square.value
    assert square.value < r.get("evasion.clean_accuracy").value
    assert any("upper bound on robust accuracy" in n for n in r.notes)
