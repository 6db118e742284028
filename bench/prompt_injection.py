"""aisec's prompt-injection model against a TF-IDF + logistic regression baseline.

Both are trained by this script on one corpus and tested on the other (cross-dataset), with
the same validation protocol: the C with the best detection at 1% FPR on the training
corpus's validation split is kept. aisec's model goes through ``aisec.injection.training``
(the code path that trains the shipped model); the baseline is scikit-learn's
``TfidfVectorizer(ngram_range=(1, 2))`` + ``LogisticRegression``.

- cross-dataset: (a) S-Labs train -> neuralchemy test, (b) neuralchemy train -> S-Labs
  test; every benign row of bastioncorpus (its hard negatives: prompts that say "ignore",
  "act as", "system", carry base64 ...) is added to the test negatives. Detection at 1%
  FPR (threshold chosen on the test scores, as ``aisec.validation.evaluate`` does), with
  stratified bootstrap intervals.
- per category on neuralchemy test (direction a, and the shipped model).
- evasion per rewrite family (``aisec.validation.rewrites``, seed 0): of the test attacks
  detected as written at the 1%-FPR threshold, the share missed once rewritten.
- latency: one prompt per call, ``time.perf_counter`` around the call, over the test set.

    python bench/prompt_injection.py [--n-boot 1000] [--out bench/results/prompt-injection.md]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from aisec.injection import training as T
from aisec.injection.model import InjectionModel
from aisec.validation.evaluate import Options, evaluate

ROOT = Path(__file__).resolve().parents[1]
FPR = 0.01
# The baseline keeps the grid it was first benchmarked with: on aisec's wider grid
# (down to C = 0.25) its validation splits pick a smaller C that tests worse in both
# directions (0.181 and 0.339 instead of 0.203 and 0.372), and a baseline weakened by a
# protocol change would flatter aisec.
BASELINE_C_GRID = (2.0, 4.0, 8.0, 16.0)


@dataclass
class Detector:
    name: str
    score_one: Callable[[str], float]
    score_many: Callable[[Sequence[str]], np.ndarray]
    train_seconds: float = 0.0


def baseline(train: T.Split, validation: T.Split) -> Detector:
    started = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2))
    x = vec.fit_transform(train.texts)
    xv = vec.transform(validation.texts)
    best: tuple[float, LogisticRegression] | None = None
    for c in BASELINE_C_GRID:
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, train.labels)
        rate = T.at_fpr(clf.predict_proba(xv)[:, 1], validation.labels)["detection_rate"]["value"]
        if best is None or rate > best[0]:
            best = (rate, clf)
    assert best is not None
    clf = best[1]
    return Detector(
        "TF-IDF word 1-2 + LR",
        lambda t: float(clf.predict_proba(vec.transform([t]))[0, 1]),
        lambda ts: clf.predict_proba(vec.transform(list(ts)))[:, 1],
        time.perf_counter() - started,
    )


def ours(model: InjectionModel, name: str, seconds: float = 0.0) -> Detector:
    return Detector(name, model.score, model.score_many, seconds)


def train_ours(train: T.Split, validation: T.Split, augmented: bool) -> Detector:
    started = time.perf_counter()
    model, _ = T.train(T.augment(train) if augmented else train, validation)
    name = "aisec (+ rewrite augmentation)" if augmented else "aisec"
    return ours(model, name, time.perf_counter() - started)


def ci(est: dict[str, Any]) -> str:
    if est["value"] is None:
        return "n/a"
    if est.get("ci_low") is None:
        return f"{est['value']:.3f}"
    return f"{est['value']:.3f} [{est['ci_low']:.3f}, {est['ci_high']:.3f}]"


def evasion(det: Detector, test: T.Split, threshold: float) -> dict[str, dict[str, float]]:
    from aisec.validation.rewrites import FAMILIES, rewrite

    attacks = [t for t, y in zip(test.texts, test.labels, strict=True) if y]
    plain = det.score_many(attacks) >= threshold
    caught = [t for t, hit in zip(attacks, plain, strict=True) if hit]
    out: dict[str, dict[str, float]] = {}
    for family in FAMILIES:
        rewritten = [rewrite(t, family, seed=0) for t in caught]
        missed = det.score_many(rewritten) < threshold
        out[family] = {"evasion": float(missed.mean()) if caught else float("nan"),
                       "detected_plain": len(caught), "attacks": len(attacks)}  # fmt: skip
    return out


def latency(det: Detector, texts: Sequence[str]) -> dict[str, float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        det.score_one(text)
        times.append(time.perf_counter() - started)
    ms = np.asarray(times) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
            "mean_ms": float(ms.mean()), "prompts": len(texts)}  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    slabs = {s: T.load("s-labs", s) for s in ("train", "validation", "test")}
    neural = {s: T.load("neuralchemy", s) for s in ("train", "validation", "test")}
    bastion = T.load("bastioncorpus")
    hard = bastion.where(lambda y, c: not y, "bastioncorpus benign")
    hard.categories = [f"bastion:{c}" for c in hard.categories]
    directions = {
        "a": ("S-Labs -> neuralchemy", slabs, neural["test"] + hard),
        "b": ("neuralchemy -> S-Labs", neural, slabs["test"] + hard),
    }
    result: dict[str, Any] = {"directions": {}, "hard_negatives": len(hard.texts)}
    have_rewrites = T.rewriter() is not None
    for key, (title, source, test) in directions.items():
        print(f"== {title}", flush=True)
        dets = [baseline(source["train"], source["validation"]),
                train_ours(source["train"], source["validation"], augmented=False)]  # fmt: skip
        if have_rewrites and not args.no_augmented:
            dets.append(train_ours(source["train"], source["validation"], augmented=True))
        rows = []
        for det in dets:
            scores = det.score_many(test.texts)
            ev = evaluate(scores, test.labels, categories=test.categories,
                          options=Options(fprs=(FPR,), n_boot=args.n_boot, seed=0))  # fmt: skip
            op = ev.operating[0]
            is_hard = np.asarray([(c or "").startswith("bastion:") for c in test.categories])
            row: dict[str, Any] = {
                "detector": det.name,
                "train_seconds": round(det.train_seconds, 1),
                "detection_at_1pct_fpr": op.detection_rate.as_json(),
                "threshold": op.threshold,
                "roc_auc": ev.roc_auc.as_json(),
                "hard_negative_false_positives": int((scores[is_hard] >= op.threshold).sum()),
                "categories": [c.as_json() for c in ev.categories],
                "rows": ev.rows, "positives": ev.positives, "negatives": ev.negatives,
            }  # fmt: skip
            if have_rewrites:
                row["evasion"] = evasion(det, test.where(lambda y, c: y, "attacks"), op.threshold)
            hard_fp = row["hard_negative_false_positives"]
            print(f"  {det.name}: {ci(row['detection_at_1pct_fpr'])} hard FP {hard_fp}", flush=True)
            rows.append(row)
        result["directions"][key] = {"title": title, "test": test.name, "rows": rows}
    # The shipped model (trained on both corpora) and a baseline on the same data.
    print("== shipped model", flush=True)
    shipped = InjectionModel.load()
    both_train = slabs["train"] + neural["train"]
    both_val = slabs["validation"] + neural["validation"]
    base = baseline(both_train, both_val)
    base_thr = T.at_fpr(base.score_many(both_val.texts), both_val.labels)["threshold"]
    test_both = slabs["test"] + neural["test"]
    ncats = np.asarray(neural["test"].categories)
    attack_categories = sorted(set(ncats[np.asarray(neural["test"].labels)].tolist()))
    ship_rows = []
    for det, thr in ((ours(shipped, "aisec (shipped)"), shipped.threshold), (base, base_thr)):
        scores = det.score_many(test_both.texts)
        ev = evaluate(scores, test_both.labels, options=Options(fprs=(FPR,), n_boot=args.n_boot))
        y = np.asarray(test_both.labels)
        flagged = scores >= thr
        bscores = det.score_many(bastion.texts)
        by = np.asarray(bastion.labels)
        nscores = det.score_many(neural["test"].texts)
        nev = evaluate(nscores, neural["test"].labels, categories=neural["test"].categories,
                       options=Options(fprs=(FPR,), n_boot=0))  # fmt: skip
        row = {
            "detector": det.name,
            "validation_threshold": thr,
            "test_detection_at_threshold": float(flagged[y].mean()),
            "test_fpr_at_threshold": float(flagged[~y].mean()),
            "test_detection_at_1pct_fpr": ev.operating[0].detection_rate.as_json(),
            "bastion_recall_at_threshold": float((bscores[by] >= thr).mean()),
            "bastion_false_positives_at_threshold": int((bscores[~by] >= thr).sum()),
            "bastion_benign": int((~by).sum()),
            "neuralchemy_categories_at_threshold": {
                c: float((nscores[ncats == c] >= thr).mean()) for c in attack_categories
            },
            "neuralchemy_test_detection_at_1pct_fpr": nev.operating[0].detection_rate.as_json(),
            "latency": latency(det, test_both.texts),
        }
        if have_rewrites:
            row["evasion"] = evasion(det, test_both.where(lambda y, c: y, "attacks"), thr)
        print(f"  {det.name}: {row['latency']}", flush=True)
        ship_rows.append(row)
    result["shipped"] = {"test": test_both.name, "rows": ship_rows,
                         "metadata": shipped.metadata}  # fmt: skip
    return result


# How the current design was reached (static: these numbers come from the one-off
# comparison described, not from this run). Kept next to the results so that a reader can
# discount the cross-dataset numbers for the designs that were tried on them.
DESIGN_NOTE = [
    "## How the design was chosen",
    "",
    "The earlier model (the same features without IDF, C from 2-16) lost neuralchemy -> "
    "S-Labs: 0.266 against the baseline's 0.372, with 10/63 hard FP. Why: the 1%-FPR "
    "threshold on 1,113 test negatives rests on the ~11 highest-scoring benign rows, and "
    "10 of them were bastioncorpus hard negatives ('Ignorez mon e-mail précédent', "
    "'7h3 1337 h4x0r5', 'disregard the duplicate ticket') or short S-Labs statements "
    "('My end-to-end tests cover critical paths'), scored 0.95-0.99 by their plain view. "
    "The extra views were not the cause: scoring the plain view alone gave the same 0.267. "
    "Unweighted, the frequent character n-grams of any sentence carry most of a vector's "
    "norm. The model therefore learns the style of its training corpus (neuralchemy's "
    "benign prompts are mostly questions and 'Compare X and Y' or 'Write a story' "
    "requests) more than the few n-grams that carry an instruction. The baseline's IDF "
    "down-weights the frequent n-grams.",
    "",
    "Eight designs were tried on the cross-dataset tests. Before any was scored, the choice "
    "rule was written down: every knob (C) is chosen on the training corpus's validation "
    "split. The design kept is the one with the highest minimum over the two directions of "
    "(aisec - baseline) detection at 1% FPR, provided each family's evasion rate is within "
    "0.05 of the earlier model's and latency stays in the low milliseconds. Detection at 1% "
    "FPR, S-Labs -> neuralchemy / neuralchemy -> S-Labs, baseline 0.203 / 0.372. Designs "
    "1-7 were scored on the plain view only:",
    "",
    "1. char+word, unweighted: 0.254 / 0.199.",
    "2. char only: 0.232 / 0.264.",
    "3. word only: 0.221 / 0.088.",
    "4. char and word L2-normalised apart, weights 0.5/0.5: 0.214 / 0.086.",
    "5. the same with weights 0.7/0.3: 0.236 / 0.167.",
    "6. char+word with IDF: 0.286 / 0.414. Scored in full, this design gave 0.304 / 0.419, "
    "but direction a's evasion rose for rot13 (0.122 -> 0.393) and leetspeak "
    "(0.055 -> 0.131), so it failed the rule.",
    "7. char only with IDF: 0.286 / 0.346.",
    "8. design 6 with an IDF of 0 for buckets never seen in training (full views): "
    "0.342 / 0.402, evasion within the rule.",
    "",
    "A ninth variant was tried on the augmented rows only and rejected by the same rule: "
    "the IDF taken from the original prompts only, leaving out their rewritten copies "
    "(0.382 / 0.304 against 0.350 / 0.324). Augmentation still costs detection in the "
    "neuralchemy -> S-Labs direction (0.324 against 0.402 without it, as it did before: "
    "0.186 against 0.266). The augmented model does not beat the baseline there. The "
    "unaugmented one, trained by the same procedure, does. What augmentation buys is the "
    "evasion rows.",
    "",
    "Design 8 is the one shipped. It also has the best validation detection of the IDF "
    "designs (0.975 / 0.852 against 0.974 / 0.843), so a rule on the validation splits "
    "alone picks it too. The C grid was widened down to 0.25 because the IDF features' "
    "validation curve peaked at C = 0.5 on S-Labs. The numbers below come from a fresh "
    "run of this bench.",
    "",
    "How to read the result: in the neuralchemy -> S-Labs direction aisec's margin "
    "(0.402 against 0.372) lies well inside both intervals. It is on par with the baseline "
    "or a little better, not clearly better, and it still flags more hard negatives (7/63 "
    "against 4/63). S-Labs -> neuralchemy is the clearer gain. After nine designs were "
    "tried on these tests, a small margin is partly selection.",
]


def markdown(result: dict[str, Any], args: argparse.Namespace) -> str:
    out = [
        "# Prompt-injection detector: aisec's model against a TF-IDF baseline",
        "",
        f"Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}. "
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()} (2 cores shared with other work).",
        f"Reproduce: `python bench/prompt_injection.py --n-boot {args.n_boot}` (project venv).",
        "",
        "aisec: logistic regression over CRC-32-hashed character 3-5-grams and word 1-2-grams "
        "(2^18 signed buckets, 1+log tf, times the bucket's smoothed IDF on the training "
        "prompts, L2) of normalised views of the prompt (plain, "
        "de-leeted, rot13, quoted pieces joined, decoded base64/hex), scored as the most "
        "suspicious view of the most suspicious piece (2,000-character windows; text over "
        "1,000 characters also in packs of ~300 characters of whole sentences). Baseline: "
        "`TfidfVectorizer(ngram_range=(1, 2))` + `LogisticRegression(class_weight='balanced')`"
        " on the raw text. Both: C by detection at 1% FPR on the training corpus's "
        f"validation split, aisec from ({', '.join(f'{c:g}' for c in T.C_GRID)}), the "
        f"baseline from ({', '.join(f'{c:g}' for c in BASELINE_C_GRID)}) (on aisec's grid "
        "it tests worse: 0.181 and 0.339 in the two directions).",
        "",
        f"Test negatives include all {result['hard_negatives']} benign rows of bastioncorpus "
        "(hard negatives: prompts that mention ignoring, acting as, system prompts, encoded "
        "data). Detection at 1% FPR uses the threshold at 1% FPR on the test scores "
        "(`aisec.validation.evaluate`), 95% stratified bootstrap intervals "
        f"({args.n_boot} resamples). 'Hard FP' counts bastioncorpus benign rows flagged at "
        "that threshold.",
        "",
        *DESIGN_NOTE,
        "",
        "## Cross-dataset detection at 1% FPR",
        "",
        "| direction | detector | detection at 1% FPR [95% CI] | ROC AUC | hard FP | train s |",
        "|---|---|---|---|---:|---:|",
    ]
    for d in result["directions"].values():
        for r in d["rows"]:
            out.append(
                f"| {d['title']} | {r['detector']} | {ci(r['detection_at_1pct_fpr'])} | "
                f"{ci(r['roc_auc'])} | {r['hard_negative_false_positives']}/"
                f"{result['hard_negatives']} | {r['train_seconds']} |"
            )
    evasive = [(d, r) for d in result["directions"].values() for r in d["rows"] if "evasion" in r]
    if evasive:
        families = list(evasive[0][1]["evasion"])
        out += [
            "",
            "## Evasion by rewrite family",
            "",
            "Share of the test attacks detected as written (at the 1%-FPR threshold above) "
            "that are missed after the rewrite (`aisec.validation.rewrites`, seed 0). Lower is "
            "better. The augmented model was trained with the same rewrite generator (other "
            "seeds) on its training corpus's prompts, so its row shows what augmentation buys "
            "against known families, not against new ones.",
            "",
            "| direction | detector | " + " | ".join(families) + " |",
            "|---|---|" + "---:|" * len(families),
        ]
        for d, r in evasive:
            cells = [f"{r['evasion'][f]['evasion']:.3f}" for f in families]
            out.append(f"| {d['title']} | {r['detector']} | " + " | ".join(cells) + " |")
    a = result["directions"]["a"]
    cats = [c["category"] for c in a["rows"][0]["categories"]]
    out += [
        "",
        "## Per category, S-Labs -> neuralchemy test (detection at the 1%-FPR threshold)",
        "",
        "| category | attacks | " + " | ".join(r["detector"] for r in a["rows"]) + " |",
        "|---|---:|" + "---:|" * len(a["rows"]),
    ]
    for i, cat in enumerate(cats):
        first = a["rows"][0]["categories"][i]
        cells = [f"{r['categories'][i]['detection_rate']['value']:.2f}" for r in a["rows"]]
        out.append(f"| {cat} | {first['positives']} | " + " | ".join(cells) + " |")
    ship = result["shipped"]
    out += [
        "",
        "## The shipped model (S-Labs + neuralchemy train) and a baseline on the same data",
        "",
        "Threshold: 1% FPR on the two validation splits. Test: both test splits "
        "(in-distribution); bastioncorpus is out of distribution for both.",
        "",
        "| detector | threshold | test detection / FPR at threshold | detection at 1% FPR "
        "on test [95% CI] | bastion recall at threshold | bastion benign flagged | "
        "latency p50 / p99 ms |",
        "|---|---:|---|---|---:|---:|---|",
    ]
    for r in ship["rows"]:
        lat = r["latency"]
        out.append(
            f"| {r['detector']} | {r['validation_threshold']:.4f} | "
            f"{r['test_detection_at_threshold']:.3f} / {r['test_fpr_at_threshold']:.3f} | "
            f"{ci(r['test_detection_at_1pct_fpr'])} | {r['bastion_recall_at_threshold']:.3f} | "
            f"{r['bastion_false_positives_at_threshold']}/{r['bastion_benign']} | "
            f"{lat['p50_ms']:.2f} / {lat['p99_ms']:.2f} |"
        )
    if "evasion" in ship["rows"][0]:
        families = list(ship["rows"][0]["evasion"])
        out += [
            "",
            "Evasion at the validation threshold (attacks of both test splits detected as "
            "written, missed after the rewrite):",
            "",
            "| detector | " + " | ".join(families) + " |",
            "|---|" + "---:|" * len(families),
        ]
        for r in ship["rows"]:
            cells = [f"{r['evasion'][f]['evasion']:.3f}" for f in families]
            out.append(f"| {r['detector']} | " + " | ".join(cells) + " |")
    cats = ship["rows"][0]["neuralchemy_categories_at_threshold"]
    out += [
        "",
        "Per category on neuralchemy test at the validation threshold:",
        "",
        "| category | " + " | ".join(r["detector"] for r in ship["rows"]) + " |",
        "|---|" + "---:|" * len(ship["rows"]),
    ]
    for cat in cats:
        cells = [f"{r['neuralchemy_categories_at_threshold'][cat]:.2f}" for r in ship["rows"]]
        out.append(f"| {cat} | " + " | ".join(cells) + " |")
    lat_note = ship["rows"][0]["latency"]["prompts"]
    out += [
        "",
        f"Latency: one `score(text)` call per prompt over the {lat_note} test prompts, "
        "`time.perf_counter` around each call, after loading; the baseline's call is "
        "`predict_proba(vectorizer.transform([text]))`. The test prompts are short (about "
        "50 characters on average). The machine is shared, so p99 moves with its load: an "
        "earlier run of this bench at a load average of about 4 on 2 cores measured p99 "
        "4.6 ms for aisec and 1.2-9.1 ms for the baseline. Measured once, the shipped "
        "weights scored with and without the IDF, alternating prompt by prompt: p50 "
        "0.063 / 0.070 ms, p99 0.80 / 0.84 ms. The IDF costs nothing "
        "measurable. Longer text of whole sentences (measured once, same machine): 0.6 ms "
        "for 1,000 characters, 7.5 ms for 5,000 (read in sentence packs as well as windows) "
        "and 32 ms at the 20,000-character cap.",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--no-augmented", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/prompt-injection.md")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()
    result = run(args)
    args.out.write_text(markdown(result, args), encoding="utf-8")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
