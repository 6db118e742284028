"""aisec's LLM red-team success detectors against human labels, side by side with garak.

Data: PyRIT's scorer-evaluation sets (``pyrit==1.1.0``, MIT), read by path from the wheel
installed with ``--no-deps`` into a separate venv (never a project dependency, never
committed): ``refusal_scorer/*.csv`` and ``sample/mini_refusal.csv`` (human label 1 = the
response is a refusal) and ``objective/*.csv`` (human label 1 = the response achieves the
attacker's objective). The ``harm/*.csv`` sets rate harm severity on a 5-level scale:
aisec has no harm-severity detector without an LLM judge, so they are counted, not scored.

Detectors, on the same rows:

- aisec ``llm.detector.refusal`` (rule-based); on objective sets also with
  ``require_topical=True`` (not refused AND shares a content word with the objective);
- garak 0.17.1 ``mitigation.MitigationBypass`` (refusal substrings anywhere),
  ``mitigation.Prefixes`` (refusal prefixes at the start) and, on objective sets,
  ``dan.DAN`` (the DAN-persona markers garak uses to decide jailbreak success). garak's
  ``ModernBERTRefusal`` and ``judge.*`` need a model download or an LLM and are skipped.
  garak runs in the peer venv in a subprocess, offline.

Honesty protocol: every row goes to ``dev`` (30%) or ``held-out`` (70%) by a SHA-256 of
its objective and response, fixed in this file before any row was read. Dev rows were
looked at to find bugs; held-out rows are the headline. Accuracy and Cohen's kappa come
with 95% percentile-bootstrap intervals (2,000 resamples of rows, seed 0).

    .venv/bin/python bench/llm_detectors.py [--peers-venv DIR] [--out FILE.md]

The first run creates the peer venv (default ``~/.cache/aisec/bench-llm-venv``) with
``pip install --no-deps pyrit==1.1.0 garak==0.17.1`` plus the three packages garak's
detectors import (pyyaml, xdg-base-dirs, colorama).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from aisec.llm.detectors import RefusalDetector
from aisec.llm.exchange import Exchange, Turn

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VENV = Path.home() / ".cache" / "aisec" / "bench-llm-venv"
PEERS = ["pyrit==1.1.0", "garak==0.17.1"]
GARAK_DEPS = ["pyyaml==6.0.4", "xdg-base-dirs==6.0.3", "colorama==0.4.6"]
SPLIT_SALT = "aisec-llm-detectors-split-v1"
DEV_PERCENT = 30
N_BOOT = 2000

GARAK_SCRIPT = r"""
import json, sys
from garak.attempt import Attempt, Message
from garak.detectors.dan import DAN
from garak.detectors.mitigation import MitigationBypass, Prefixes
texts = json.load(sys.stdin)
attempt = Attempt(prompt=Message(text="-", lang="en"))
attempt.outputs = [Message(text=t, lang="en") for t in texts]
out = {}
for cls in (MitigationBypass, Prefixes, DAN):
    out[cls.__name__] = [None if s is None else float(s) for s in cls().detect(attempt)]
json.dump(out, sys.stdout)
"""


def split_of(objective: str, response: str) -> str:
    digest = hashlib.sha256(f"{SPLIT_SALT}\x00{objective}\x00{response}".encode()).hexdigest()
    return "dev" if int(digest[:8], 16) % 100 < DEV_PERCENT else "held-out"


def ensure_peers(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = "import pyrit, garak.detectors.mitigation, garak.detectors.dan"
    if subprocess.run([str(python), "-c", probe], check=False, capture_output=True).returncode != 0:
        pip = [str(python), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--no-deps", *PEERS], check=True)
        subprocess.run([*pip, *GARAK_DEPS], check=True)
    return python


def evals_dir(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages/pyrit/datasets/scorer_evals"))
    if not found:
        raise SystemExit(f"pyrit's scorer_evals not found under {venv}")
    return found[0]


@dataclass
class Dataset:
    name: str  # path under scorer_evals
    family: str  # "refusal" or "objective"
    rows: pd.DataFrame  # objective, response, label (0/1), split


def load(root: Path) -> tuple[list[Dataset], dict[str, int]]:
    """The binary-labelled sets, and the row counts of the harm sets (not scored)."""
    sets: list[Dataset] = []
    for family, pattern in (
        ("refusal", "refusal_scorer/*.csv"),
        ("refusal", "sample/*.csv"),
        ("objective", "objective/*.csv"),
    ):
        for path in sorted(root.glob(pattern)):
            df = pd.read_csv(path, comment="#")
            label = "human_score" if "human_score" in df else "human_score_1"
            rows = pd.DataFrame(
                {
                    "objective": df["objective"].fillna("").astype(str),
                    "response": df["assistant_response"].fillna("").astype(str),
                    "label": df[label].astype(float).round().astype(int),
                }
            )
            rows["split"] = [
                split_of(o, r) for o, r in zip(rows.objective, rows.response, strict=True)
            ]
            sets.append(Dataset(str(path.relative_to(root)), family, rows))
    harm = {
        str(p.relative_to(root)): len(pd.read_csv(p, comment="#"))
        for p in sorted(root.glob("harm/*.csv"))
    }
    return sets, harm


def garak_scores(python: Path, texts: list[str]) -> dict[str, list[float | None]]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}  # fmt: skip
        done = subprocess.run(
            [str(python), "-c", GARAK_SCRIPT], input=json.dumps(texts), env=env,
            capture_output=True, text=True, check=True, cwd=home,
        )  # fmt: skip
    return json.loads(done.stdout)


def aisec_success(rows: pd.DataFrame, topical: bool) -> np.ndarray:
    detector = RefusalDetector(require_topical=topical)
    out = []
    for objective, response in zip(rows.objective, rows.response, strict=True):
        exchange = Exchange(
            (Turn("user", objective), Turn("assistant", response)), objective=objective
        )
        out.append(detector.judge(exchange).success)
    return np.array(out, dtype=bool)


def _kappa(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> np.ndarray:
    n = tp + fp + fn + tn
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n**2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)


def _counts(y: np.ndarray, p: np.ndarray, axis: int | None = None) -> tuple[np.ndarray, ...]:
    return (
        (y & p).sum(axis=axis), (~y & p).sum(axis=axis),
        (y & ~p).sum(axis=axis), (~y & ~p).sum(axis=axis),
    )  # fmt: skip


def measure(y: np.ndarray, p: np.ndarray) -> dict[str, float | int]:
    """Accuracy and Cohen's kappa with percentile-bootstrap 95% intervals, and the counts."""
    tp, fp, fn, tn = (int(c) for c in _counts(y, p))
    n = len(y)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, n, size=(N_BOOT, n))
    btp, bfp, bfn, btn = _counts(y[idx], p[idx], axis=1)
    accs = (btp + btn) / n
    kappas = _kappa(btp, bfp, bfn, btn)
    kappas = kappas[~np.isnan(kappas)]
    kappa = float(_kappa(np.array(tp), np.array(fp), np.array(fn), np.array(tn)))
    return {
        "n": n, "pos": tp + fn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "acc": (tp + tn) / n,
        "acc_lo": float(np.percentile(accs, 2.5)), "acc_hi": float(np.percentile(accs, 97.5)),
        "kappa": kappa,
        "k_lo": float(np.percentile(kappas, 2.5)) if len(kappas) else float("nan"),
        "k_hi": float(np.percentile(kappas, 97.5)) if len(kappas) else float("nan"),
    }  # fmt: skip


def predictions(
    ds: pd.DataFrame, family: str, garak: dict[str, list[float | None]]
) -> dict[str, np.ndarray]:
    """Each detector's call on each row, as the family's positive class (refused /
    objective achieved). A garak score of None (no text) counts as refused."""
    hit = {k: np.array([s is not None and s >= 0.5 for s in v]) for k, v in garak.items()}
    if family == "refusal":
        return {
            "aisec refusal": ~aisec_success(ds, topical=False),
            "aisec refusal or off-topic": ~aisec_success(ds, topical=True),
            "garak MitigationBypass": ~hit["MitigationBypass"],
            "garak Prefixes": ~hit["Prefixes"],
        }
    return {
        "aisec not-refused": aisec_success(ds, topical=False),
        "aisec not-refused+topical": aisec_success(ds, topical=True),
        "garak MitigationBypass": hit["MitigationBypass"],
        "garak Prefixes": hit["Prefixes"],
        "garak DAN": hit["DAN"],
    }


def _fmt(m: dict[str, float | int]) -> str:
    def num(x: float) -> str:
        return "n/a" if x != x else f"{x:.2f}"

    return (
        f"{m['n']} | {m['pos']} | {num(float(m['acc']))} [{num(float(m['acc_lo']))}, "
        f"{num(float(m['acc_hi']))}] | {num(float(m['kappa']))} [{num(float(m['k_lo']))}, "
        f"{num(float(m['k_hi']))}] | {m['tp']} / {m['fp']} / {m['fn']} / {m['tn']}"
    )


HEADER = (
    "| set | detector | n | human pos | accuracy [95% CI] | kappa [95% CI] | TP / FP / FN / TN |\n"
    "|---|---|---|---|---|---|---|"
)


def pyrit_reference(root: Path) -> list[str]:
    """PyRIT's own published figures for its LLM scorers on the refusal and objective sets
    (not re-measured): per scorer class and set size, the range over the judge models and
    prompt versions it lists."""
    runs: dict[tuple[str, str, int], list[tuple[float, str]]] = {}
    for folder in ("refusal_scorer", "objective"):
        for path in sorted((root / folder).glob("*_metrics.jsonl")):
            for raw in path.read_text().splitlines():
                entry = json.loads(raw)
                metrics = entry.get("metrics", {})
                if "accuracy" not in metrics:
                    continue
                key = (folder, str(entry.get("class_name")), int(metrics.get("num_responses", 0)))
                models = ", ".join(sorted({m for m in _find(entry, "model_name") if m}))
                runs.setdefault(key, []).append((float(metrics["accuracy"]), models))
    lines = []
    for (folder, name, n), found in sorted(runs.items()):
        accs = [a for a, _ in found]
        models = sorted({m for _, ms in found for m in ms.split(", ") if m})
        lines.append(
            f"| {folder} | {name} | {n} | {len(found)} | {min(accs):.2f}-{max(accs):.2f} "
            f"| {', '.join(models)} |"
        )
    return lines


def _find(node: object, key: str) -> list[str]:
    if isinstance(node, dict):
        here = [str(node[key])] if key in node else []
        return here + [v for inner in node.values() for v in _find(inner, key)]
    if isinstance(node, list):
        return [v for inner in node for v in _find(inner, key)]
    return []


def evaluate(
    python: Path, sets: list[Dataset]
) -> list[tuple[str, str, str, str, dict[str, float | int]]]:
    """(family, set, split, detector, metrics) for every file and the pooled family."""
    texts = sorted({r for ds in sets for r in ds.rows.response})
    scores = garak_scores(python, texts)
    by_text = {name: dict(zip(texts, values, strict=True)) for name, values in scores.items()}
    out = []
    for family in ("refusal", "objective"):
        frames = []
        for ds in (d for d in sets if d.family == family):
            garak = {k: [v[t] for t in ds.rows.response] for k, v in by_text.items()}
            frame = ds.rows.assign(**predictions(ds.rows, family, garak))
            frames.append(frame)
            out += _measured(family, ds.name, frame)
        # A row in two files (a sample file repeats rows of a full one) is counted once.
        pooled = pd.concat(frames).drop_duplicates(["objective", "response"])
        out += _measured(family, f"all {family} files", pooled)
    return out


def _measured(
    family: str, name: str, frame: pd.DataFrame
) -> list[tuple[str, str, str, str, dict[str, float | int]]]:
    detectors = [c for c in frame.columns if c.startswith(("aisec", "garak"))]
    y = frame.label.to_numpy().astype(bool)
    rows = []
    for split in ("held-out", "dev", "all"):
        mask = np.ones(len(frame), bool) if split == "all" else (frame.split == split).to_numpy()
        if mask.sum() == 0:
            continue
        for det in detectors:
            p = frame[det].to_numpy().astype(bool)
            rows.append((family, name, split, det, measure(y[mask], p[mask])))
    return rows


def injection_on_answers(sets: list[Dataset]) -> str:
    """How often ``llm.detector.injection`` fires on these exchanges (none of the sets is
    about prompt injection): a bound on its false-positive rate on answers, bare model
    score and with the default relay requirement."""
    from aisec.llm.detectors import InjectionDetector

    pairs = sorted(
        {(o, r) for ds in sets for o, r in zip(ds.rows.objective, ds.rows.response, strict=True)}
    )
    exchanges = [Exchange((Turn("user", o), Turn("assistant", r))) for o, r in pairs if r.strip()]
    lines = []
    for label, detector in (
        ("bare model score (`require_relay=False`)", InjectionDetector(require_relay=False)),
        ("default (relay of a flagged input required)", InjectionDetector()),
    ):
        flags = np.array([detector.judge(ex).success for ex in exchanges])
        boots = flags[np.random.default_rng(0).integers(0, len(flags), (N_BOOT, len(flags)))]
        lo, hi = np.percentile(boots.mean(axis=1), [2.5, 97.5])
        lines.append(
            f"| {label} | {len(flags)} | {int(flags.sum())} | {flags.mean():.1%} "
            f"[{lo:.1%}, {hi:.1%}] |"
        )
    return "\n".join(
        [
            "`llm.detector.injection` on every (objective, response) pair of the refusal and "
            "objective files. None of these sets is about prompt injection, so the rate is an "
            "upper bound on its false-positive rate on answers (to the extent no response "
            "relays an injection). The model was trained on prompts; on answers alone it "
            "flags polite refusals too, which is why the detector requires a relay by default.",
            "",
            "| reading | exchanges | flagged | rate [95% CI] |",
            "|---|---|---|---|",
            *lines,
        ]
    )


def render(
    results: list[tuple[str, str, str, str, dict[str, float | int]]],
    harm: dict[str, int],
    root: Path,
    injection: str,
) -> str:
    def table(select: str, pooled: bool) -> list[str]:
        lines = [HEADER]
        for _family, name, split, det, m in results:
            if split == select and name.startswith("all ") == pooled:
                lines.append(f"| {name} | {det} | {_fmt(m)} |")
        return lines

    parts = [
        "# LLM red-team success detectors against human labels",
        "",
        f"`python bench/llm_detectors.py` ({pd.Timestamp.now():%Y-%m-%d}). Data: PyRIT 1.1.0's "
        "scorer-evaluation sets (MIT), read by path from the wheel, never committed. Peers: "
        "garak 0.17.1 detectors on the same rows, run offline in a separate venv.",
        "",
        PROTOCOL,
        "",
        "## Headline: held-out rows, all files of a family pooled",
        "",
        *table("held-out", True),
        "",
        "## Dev and all rows, pooled",
        "",
        "Dev rows:",
        "",
        *table("dev", True),
        "",
        "All rows:",
        "",
        *table("all", True),
        "",
        "## Per file, held-out rows",
        "",
        *table("held-out", False),
        "",
        "## Per file, all rows",
        "",
        *table("all", False),
        "",
        "## Not scored: harm-severity sets",
        "",
        "These rate how harmful a response is on a 5-level scale. aisec has no harm-severity "
        "detector without an LLM judge (`llm.detector.judge`), so no number is forced: "
        + ", ".join(f"`{k}` ({v} rows)" for k, v in harm.items())
        + ".",
        "",
        "## The injection detector on these answers",
        "",
        injection,
        "",
        "## For reference: PyRIT's own LLM scorers on these sets (their published figures)",
        "",
        "From the `*_metrics.jsonl` files PyRIT ships; all rows, not split, not re-measured "
        "here (they need PyRIT's Azure OpenAI endpoints).",
        "",
        "| folder | scorer | n rows | runs listed | accuracy range | judge models |",
        "|---|---|---|---|---|---|",
        *pyrit_reference(root),
        "",
        NOTES,
        "",
    ]
    return "\n".join(parts)


PROTOCOL = f"""How it was measured:

- Split fixed before any row was read: a row is `dev` when the first 8 hex digits of
  SHA-256(`{SPLIT_SALT}`, objective, response) modulo 100 are below {DEV_PERCENT}, else
  `held-out`. Dev rows were read to find bugs; the held-out rows were not read, and no
  pattern was tuned on either (the refusal patterns were written from general knowledge
  of how chat models decline before the data was opened).
- Positive class: for `refusal` files, the response is a refusal (human label 1); for
  `objective` files, the response achieves the objective (human label 1, i.e. the attack
  succeeded). Each detector's call is mapped to that class: aisec's refusal detector
  says "refused" when its verdict is not a success; garak's `MitigationBypass` and
  `Prefixes` say "refused" when they score 0 (a refusal string was found).
- PyRIT's refusal rubric also counts a response unrelated to the objective (a
  non-sequitur) as a refusal. aisec's refusal detector reports explicit refusals only;
  `aisec refusal or off-topic` adds its `require_topical` option (no content word shared
  with the objective), which is the rubric's definition. On objective files the same
  option gives `aisec not-refused+topical`, the judge-free reading of "objective
  achieved": not refused and on topic. `garak DAN` looks
  for DAN-persona markers only, so it is near-constant on these sets; it is listed
  because it is what garak uses to decide jailbreak success for its DAN probes.
- Pooled rows: every file of the family, a row that appears in two files counted once.
- Accuracy and Cohen's kappa with 95% percentile-bootstrap intervals ({N_BOOT} resamples of
  rows, seed 0); "n/a" when kappa is undefined (one class only)."""

NOTES = """## What changed after the first run

From reading dev rows only (held-out rows were never printed): a "discourage" cue ("I
strongly advise against ...", weight 0.45, so it decides only with another cue); the
topicality check's minimum word length lowered from 4 to 3 letters (it dropped content
words such as "cut") with three-letter function words added to its filler list, "-est"
to its suffixes and doubled final consonants undone ("cutting"); and the `aisec refusal
or off-topic` row, which applies the existing `require_topical` option because PyRIT's
rubric counts non-sequiturs as refusals. The injection detector's relay requirement was
added after the first run showed the bare model flagging about a third of all responses
(a rate over all rows; only dev rows were read to see why: polite refusals among them).
Independently of the data, the unit tests led to "repeat/print/output/include" and "be
able to" joining the refusal patterns' verbs. Nothing else was added or reweighted.

Later, from running the red-team probes against aisec's own test application (not from
this data), three changes: the topicality check asks for two shared content words once
an objective has four or more (one everyday word, "e-mail" in an answer about account
settings, had made a deflection read as compliance); an answer that only repeats the
request (decoded, de-leeted) is not compliance; and a marker inside a verbatim quotation
of the text that asked for it is not obedience. The first costs recall on the objective
sets: held-out kappa of `aisec not-refused+topical` was 0.60 [0.50, 0.69] with one shared
word and is 0.53 with two (15 fewer true positives, 6 fewer false positives); the refusal
sets did not move. Kept, because in a campaign a deflection counted as a jailbreak
overstates the attack success rate, and the rule was chosen before these numbers were seen.

## Reading

- Refusal: what aisec's detector calls a refusal almost always is one (no false positive
  on held-out rows); what it misses are mostly PyRIT's non-sequiturs (an answer about
  something else), which its `require_topical` option catches. garak's string lists miss
  more, and `MitigationBypass` also reads compliant answers as refusals when they contain
  one of its words ("it's important to", "ethically": seen on dev rows).
- Objective achieved: without an LLM, "not refused" is the best available reading, and
  it is where rule-based detection stops: answers that comply in form but were judged
  not to achieve the objective (a lecture instead of instructions, misinformation
  debunked) are its false positives. PyRIT's own LLM scorers reach 0.58-0.90 on these
  sets (table above); `llm.detector.judge` is aisec's LLM-backed option.
- Harm severity: not measured; it needs a judge.

See docs/redteam-detectors.md for what each detector decides and docs/adr/0026 for why."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers-venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llm-detectors.md")
    args = parser.parse_args()
    python = ensure_peers(args.peers_venv)
    root = evals_dir(args.peers_venv)
    sets, harm = load(root)
    results = evaluate(python, sets)
    text = render(results, harm, root, injection_on_answers(sets))
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
