"""The Adversarial Robustness Toolbox half of bench/assurance.py.

Wraps the bench's models in ART estimators and runs ART's own attacks on them:
``ProjectedGradientDescent`` (Madry et al. 2018) and ``FastGradientMethod`` (Goodfellow et al.
2015) at L-infinity, and ``MembershipInferenceBlackBox`` with a random-forest attack model
(the shadow-free variant of Shokri et al. 2017 that trains on known members/non-members).
Every function returns numbers, or the text of the exception ART raised, so that a model ART
cannot attack still gets a row in the table.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ArtEvasion:
    robust_accuracy: float | None
    seconds: float
    error: str | None = None


@dataclass(frozen=True)
class ArtMembership:
    auc: float
    accuracy: float  # of ART's 0/1 answers, over an evaluation set with more members
    balanced_accuracy: float  # the mean of the member and non-member hit rates
    seconds: float
    # The rows ART was scored on (indices into the members and the non-members), so that
    # aisec's attacks can be scored on exactly the same rows.
    eval_members: NDArray[np.int64]
    eval_non_members: NDArray[np.int64]


def art_version() -> str:
    import art

    return str(art.__version__)


def wrap_classifier(model: Any, n_features: int, n_classes: int, *, clip: bool = True) -> Any:
    """The ART estimator for a scikit-learn model or a torch module.

    ``clip`` keeps adversarial rows in [0, 1], where the digits features live; the
    membership data sets are standardised, so they are wrapped without it.
    """
    import torch
    from art.estimators.classification import PyTorchClassifier
    from art.estimators.classification.scikitlearn import SklearnClassifier

    if isinstance(model, torch.nn.Module):
        return PyTorchClassifier(
            model=model,
            loss=torch.nn.CrossEntropyLoss(),
            input_shape=(n_features,),
            nb_classes=n_classes,
            clip_values=(0.0, 1.0) if clip else None,
            device_type="cpu",
        )
    # The factory picks ScikitlearnLogisticRegression (which has loss gradients) for a
    # LogisticRegression and the gradient-free ScikitlearnClassifier for an MLPClassifier.
    return SklearnClassifier(model=model, clip_values=(0.0, 1.0) if clip else None)


def art_evasion(
    estimator: Any,
    x: FloatArray,
    y: IntArray,
    *,
    attack: str,
    eps: float,
    eps_step: float,
    steps: int,
    restarts: int,
    seed: int = 0,
) -> ArtEvasion:
    """Robust accuracy on the true labels ``y`` (ART's default would attack its predictions).

    The wall time covers building the attack and ``generate``; the accuracy check after it is
    not timed, as aisec's lower-level ``pgd`` timing excludes its own report.
    """
    import torch
    from art.attacks.evasion import FastGradientMethod, ProjectedGradientDescent

    # ART draws PGD's random starts from numpy's and torch's global generators.
    np.random.seed(seed)
    torch.manual_seed(seed)
    x32 = x.astype(np.float32)
    start = time.perf_counter()
    try:
        if attack == "pgd":
            attacker: Any = ProjectedGradientDescent(
                estimator,
                norm=np.inf,
                eps=eps,
                eps_step=eps_step,
                max_iter=steps,
                num_random_init=restarts,
                batch_size=len(x),
                verbose=False,
            )
        else:
            attacker = FastGradientMethod(estimator, norm=np.inf, eps=eps, batch_size=len(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x_adv = attacker.generate(x=x32, y=y)
    except Exception as exc:  # ART's own errors name what it cannot do; they go in the table.
        return ArtEvasion(None, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    predicted = np.argmax(estimator.predict(x_adv), axis=1)
    return ArtEvasion(float(np.mean(predicted == y)), seconds)


def art_membership(
    estimator: Any,
    members: tuple[FloatArray, IntArray],
    non_members: tuple[FloatArray, IntArray],
    seed: int = 0,
) -> ArtMembership:
    """Fit ART's black-box attack on the first half of each group, score the second half.

    AUC from ART's member probabilities, accuracy from its hard 0/1 answers at 0.5 (the
    rounding ART's ``infer`` itself applies).
    """
    from art.attacks.inference.membership_inference import MembershipInferenceBlackBox

    rng = np.random.default_rng(seed)
    # ART builds its RandomForestClassifier without a random_state, so it draws from numpy's
    # global generator: seeding that makes ART's numbers repeatable too.
    np.random.seed(seed)
    (x_in, y_in), (x_out, y_out) = members, non_members
    order_in, order_out = rng.permutation(len(x_in)), rng.permutation(len(x_out))
    fit_in, eval_in = np.array_split(order_in, 2)
    fit_out, eval_out = np.array_split(order_out, 2)

    start = time.perf_counter()
    attack = MembershipInferenceBlackBox(estimator, attack_model_type="rf")
    attack.fit(x_in[fit_in], y_in[fit_in], x_out[fit_out], y_out[fit_out])
    x_eval = np.concatenate([x_in[eval_in], x_out[eval_out]])
    y_eval = np.concatenate([y_in[eval_in], y_out[eval_out]])
    probability = np.asarray(attack.infer(x_eval, y_eval, probabilities=True))
    seconds = time.perf_counter() - start

    # infer returns one column (P(member)) for the rf attack model; take the last to be safe.
    member_score = probability.reshape(len(x_eval), -1)[:, -1]
    truth = np.concatenate([np.ones(len(eval_in)), np.zeros(len(eval_out))])
    hit = (member_score >= 0.5) == truth.astype(bool)
    balanced = float((hit[truth == 1].mean() + hit[truth == 0].mean()) / 2)
    auc = float(roc_auc_score(truth, member_score))
    return ArtMembership(auc, float(hit.mean()), balanced, seconds, eval_in, eval_out)
