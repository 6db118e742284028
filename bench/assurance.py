"""Evasion and membership inference: aisec's assurance tests against IBM's ART, side by side.

Usage: bench/.venv-art/bin/python bench/assurance.py [--repeat N] [--restarts R] [--seeds S]
       [--threads T] [--only evasion|membership]

Evasion: digits (features /16, so in [0, 1]), stratified 70/30 split (random_state=0, 540 test
rows); logistic regression, scikit-learn MLP (64) and a torch MLP 64-64-10 trained here.
L-infinity PGD (Madry et al. 2018; 40 steps of 2.5*eps/40, R random starts) and FGSM
(Goodfellow et al. 2015) at eps 0.05, 0.1, 0.2, on the true labels: aisec's ``run_evasion``
(and its bare ``pgd``/``fgsm``, to separate the attack from the report) against ART's
``ProjectedGradientDescent`` / ``FastGradientMethod``. ART has no gradients for the MLP
classifier; its exception text is the ART result. PGD is also run for seeds 0..S-1 by both
tools, so a difference can be set against what the random starts alone move.

Membership inference: digits, breast cancer and German credit (one-hot), same kind of split;
logistic regression and an overfit random forest. ART's ``MembershipInferenceBlackBox(rf)``
is fitted on half of the members and half of the non-members and scored on the rest (AUC of
its probabilities, accuracy of its 0/1 answers); aisec's ``run_membership_inference`` runs on
the full split, and ART's AUC is called consistent when it lies in aisec's 95% interval.

Times are in-process wall times (``time.perf_counter``), median of N runs after one untimed
warm-up, with T BLAS/OpenMP/torch threads (default 1). Results: bench/results/assurance.md
and bench/results/assurance.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
from dataclasses import asdict
from functools import partial
from typing import Any

import numpy as np
import sklearn
import torch
from assurance_aisec import (
    aisec_evasion,
    aisec_loss_auc_on,
    aisec_membership,
    aisec_pgd_seeds,
    median_time,
)
from assurance_art import art_evasion, art_membership, art_version, wrap_classifier
from assurance_data import digits_split, membership_sets, train_torch_mlp
from assurance_report import (
    MIA_ATTACKS,
    EvasionRow,
    MembershipRow,
    evasion_accuracy_table,
    evasion_time_table,
    membership_table,
)
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits
from tools import RESULTS, run_header, source_state

EPSILONS = (0.05, 0.1, 0.2)
STEPS = 40
ATTACKS = ("pgd", "fgsm")


def evasion_rows(repeat: int, restarts: int, seeds: int) -> list[EvasionRow]:
    x_train, x_test, y_train, y_test = digits_split()
    data = (x_train, y_train, x_test, y_test)
    models: dict[str, Any] = {
        "LogisticRegression": LogisticRegression(max_iter=2000).fit(x_train, y_train),
        "MLPClassifier(64)": MLPClassifier(
            hidden_layer_sizes=(64,), max_iter=500, random_state=0
        ).fit(x_train, y_train),
        "torch MLP 64-64-10": train_torch_mlp(x_train, y_train),
    }
    rows = []
    for name, model in models.items():
        estimator = wrap_classifier(model, x_test.shape[1], 10)
        clean = float(np.mean(np.argmax(estimator.predict(x_test.astype(np.float32)), 1) == y_test))
        for attack, eps in itertools.product(ATTACKS, EPSILONS):
            run_art = partial(
                art_evasion, estimator, x_test, y_test, attack=attack, eps=eps,
                eps_step=2.5 * eps / STEPS, steps=STEPS, restarts=restarts,
            )  # fmt: skip
            art = run_art()
            row = EvasionRow(name, attack, eps, clean, art_accuracy=art.robust_accuracy)
            row.art_error = art.error
            if art.error is None:  # no time for an attack ART refused to run
                row.art_s, _ = median_time(repeat, run_art)
            ours = aisec_evasion(
                model, data, attack=attack, eps=eps, steps=STEPS, restarts=restarts, repeat=repeat
            )
            row.aisec_accuracy, row.aisec_unit_box_accuracy = ours.accuracy, ours.accuracy_unit_box
            row.aisec_attack_accuracy, row.aisec_error = ours.attack_accuracy, ours.error
            row.aisec_run_s, row.aisec_attack_s = ours.run_s, ours.attack_s
            if attack == "pgd" and seeds > 1:
                if ours.error is None:
                    row.aisec_seed_accuracies = aisec_pgd_seeds(
                        model, data, eps=eps, steps=STEPS, restarts=restarts, seeds=seeds
                    )
                if art.error is None:
                    found = [run_art(seed=seed).robust_accuracy for seed in range(seeds)]
                    row.art_seed_accuracies = [a for a in found if a is not None]
            print(f"{name:20} {attack:4} eps={eps:<4} {row}", flush=True)
            rows.append(row)
    return rows


def membership_rows(repeat: int, seeds: int) -> list[MembershipRow]:
    rows = []
    for dataset, (x_train, x_test, y_train, y_test) in membership_sets().items():
        n_classes = int(max(y_train.max(), y_test.max())) + 1
        models: dict[str, Any] = {
            "LogisticRegression": LogisticRegression(max_iter=2000),
            "RandomForest(100)": RandomForestClassifier(n_estimators=100, random_state=0),
        }
        for name, model in models.items():
            model.fit(x_train, y_train)
            estimator = wrap_classifier(model, x_train.shape[1], n_classes, clip=False)
            members, non_members = (x_train, y_train), (x_test, y_test)
            art_s, art = median_time(
                repeat, partial(art_membership, estimator, members, non_members)
            )
            seed_aucs, loss_aucs = [], []
            for seed in range(seeds):
                found = art_membership(estimator, members, non_members, seed=seed)
                seed_aucs.append(found.auc)
                rows_in, rows_out = found.eval_members, found.eval_non_members
                loss_aucs.append(
                    aisec_loss_auc_on(
                        model,
                        (x_train[rows_in], y_train[rows_in]),
                        (x_test[rows_out], y_test[rows_out]),
                    )
                )
            ours = aisec_membership(
                model, (x_train, y_train, x_test, y_test), MIA_ATTACKS, repeat=repeat
            )
            row = MembershipRow(
                dataset, name, float(model.score(x_train, y_train)),
                float(model.score(x_test, y_test)), art.auc, art.accuracy,
                art.balanced_accuracy, art_s, seed_aucs, loss_aucs,
                ours.seconds, ours.shadow_seconds, ours.auc, ours.error,
            )  # fmt: skip
            print(f"{dataset:14} {name:20} {row}", flush=True)
            rows.append(row)
    return rows


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "aisec": version("aisec"),
        "adversarial-robustness-toolbox": art_version(),
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per cell (median)")
    parser.add_argument("--restarts", type=int, default=2, help="PGD random starts, both tools")
    parser.add_argument("--seeds", type=int, default=5, help="seeds for the spread columns")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    parser.add_argument("--only", choices=("evasion", "membership"), default=None)
    args = parser.parse_args()
    # One thread by default: on a shared 2-core machine, spinning thread pools make
    # sub-second timings swing by 10x; both tools get the same limit.
    threadpool_limits(args.threads)
    torch.set_num_threads(args.threads)

    load_before = os.getloadavg()[0]
    source = source_state()
    evasion = (
        [] if args.only == "membership" else evasion_rows(args.repeat, args.restarts, args.seeds)
    )
    membership = [] if args.only == "evasion" else membership_rows(args.repeat, args.seeds)
    source_after = source_state()
    if source_after != source:
        source += f"; src changed during the run, now {source_after}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta = {
        "date": now.isoformat(),
        "repeat": args.repeat,
        "restarts": args.restarts,
        "seeds": args.seeds,
        "threads": args.threads,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "versions": versions(),
        "aisec_source": source,
    }
    RESULTS.mkdir(exist_ok=True)
    results = {
        **meta,
        "evasion": [asdict(r) for r in evasion],
        "membership": [asdict(r) for r in membership],
    }
    (RESULTS / "assurance.json").write_text(json.dumps(results, indent=2) + "\n")
    header = run_header(meta, args.repeat, load_before, f" {args.threads} thread(s).")
    # The shared header speaks of fresh processes; these timings are in-process repeats.
    header[0] = header[0].replace("fresh processes", "in-process runs after a warm-up")
    lines = ["# Assurance tests: aisec vs ART", "", *header, ""]
    if evasion:
        lines += [
            f"## Evasion: robust accuracy (digits, {len(digits_split()[1])} test rows, L-inf, "
            f"PGD {STEPS} steps of 2.5*eps/{STEPS} with {args.restarts} random starts, FGSM)",
            "",
            *evasion_accuracy_table(evasion, args.seeds),
            "",
            "## Evasion: wall time (median, seconds)",
            "",
            *evasion_time_table(evasion),
            "",
        ]
    if membership:
        lines += ["## Membership inference", "", *membership_table(membership), ""]
    (RESULTS / "assurance.md").write_text("\n".join(lines))
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
