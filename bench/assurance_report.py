"""The rows bench/assurance.py measures, and the Markdown tables it writes from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MIA_ATTACKS = ("loss", "confidence", "shadow", "supervised")

EVASION_NOTES = [
    "- Robust accuracy: share of all test rows still classified correctly (true labels, for "
    "both tools). `run_evasion` bounds each feature by the range the data shows (a pixel that "
    'is 0 in every row stays 0); the "[0,1] box" column gives it a schema bounding every '
    "pixel to [0, 1], which is ART's `clip_values`, so that column and ART's share one threat "
    "model.",
    "- The seed columns: the bare `pgd` ([0,1] box) and ART's PGD for random-start seeds 0..S-1 "
    "(min–max), i.e. how far the random starts alone move the number.",
    "- Times: `run_evasion` includes its clean predictions, the random-noise baseline and the "
    "report; the bare attack is `pgd`/`fgsm` on the rows the model gets right. aisec's PGD "
    "drops a row as soon as it is misclassified; ART's iterates every row for all steps.",
]
MEMBERSHIP_NOTES = [
    '- ART: `MembershipInferenceBlackBox(attack_model_type="rf")` fitted on a random half of '
    "the members (training rows) and of the non-members (test rows), AUC and accuracy on the "
    "other halves (members outnumber non-members there, hence the balanced accuracy in "
    "brackets). \"Seeds\": min–max of ART's AUC for split/forest seeds 0..S-1, and of aisec's "
    "loss attack scored on exactly the rows ART was scored on for each seed (same rows, so "
    "the gap between the two is attack strength, not sampling).",
    "- aisec: `run_membership_inference(attacks=(loss, confidence, shadow, supervised))` on "
    "equal numbers of members and non-members (half the non-members form the shadow "
    "attacker's pool), 95% intervals from 500 stratified bootstrap resamples. The shadow "
    "attacker only has non-member data; the supervised attacker, like ART's, trains its "
    "attack model on the target's answers for half of the known members and non-members "
    "and is scored on the other half.",
    "- Times: aisec's full test bootstraps AUC, balanced accuracy and TPR at fixed FPRs for "
    'each attack and trains 4 shadow models; "supervised only" is the same call with '
    '`attacks=("supervised",)`, the nearest analogue of ART\'s single attack model.',
]


@dataclass
class EvasionRow:
    model: str
    attack: str
    epsilon: float
    clean_accuracy: float
    aisec_accuracy: float | None = None  # run_evasion, box = the data's support per feature
    aisec_unit_box_accuracy: float | None = None  # run_evasion, schema box [0, 1] like ART's
    aisec_attack_accuracy: float | None = None  # the bare pgd/fgsm function, data box
    art_accuracy: float | None = None
    # PGD only: robust accuracy for random-start seeds 0..S-1, both tools in the [0, 1] box.
    aisec_seed_accuracies: list[float] = field(default_factory=list)
    art_seed_accuracies: list[float] = field(default_factory=list)
    aisec_run_s: float | None = None
    aisec_attack_s: float | None = None
    art_s: float | None = None
    art_error: str | None = None
    aisec_error: str | None = None


@dataclass
class MembershipRow:
    dataset: str
    model: str
    train_accuracy: float
    test_accuracy: float
    art_auc: float
    art_accuracy: float
    art_balanced_accuracy: float
    art_s: float
    art_seed_aucs: list[float]  # ART's AUC over split/forest seeds 0..S-1: its own spread
    loss_seed_aucs: list[float]  # aisec's loss attack scored on ART's rows, same seeds
    aisec_s: float | None
    aisec_shadow_s: float | None
    aisec: dict[str, dict[str, float | None]] = field(default_factory=dict)
    aisec_error: str | None = None


def ratio(theirs: float | None, ours: float | None) -> str:
    if theirs is None or ours is None or ours <= 0:
        return "-"
    return f"{theirs / ours:.1f}x"


def number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def spread(values: Sequence[float]) -> str:
    return "-" if not values else f"{min(values):.3f}–{max(values):.3f}"


def _error_notes(rows: list[EvasionRow]) -> list[str]:
    lines = []
    art_errors = sorted({r.art_error for r in rows if r.art_error is not None})
    aisec_errors = sorted({r.aisec_error for r in rows if r.aisec_error is not None})
    if art_errors:
        lines += ["", "¹ ART raised: " + "; ".join(f"`{e}`" for e in art_errors)]
    if aisec_errors:
        lines += ["", "² aisec raised: " + "; ".join(f"`{e}`" for e in aisec_errors)]
    return lines


def evasion_accuracy_table(rows: list[EvasionRow], seeds: int) -> list[str]:
    lines = [
        "| model | attack | eps | clean acc | aisec `run_evasion` | aisec, [0,1] box | ART | "
        f"aisec `pgd`, seeds 0-{seeds - 1} | ART, seeds 0-{seeds - 1} |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ours = number(r.aisec_accuracy) if r.aisec_error is None else "error²"
        unit_box = number(r.aisec_unit_box_accuracy) if r.aisec_error is None else "error²"
        art = number(r.art_accuracy) if r.art_error is None else "error¹"
        lines.append(
            f"| {r.model} | {r.attack} | {r.epsilon} | {r.clean_accuracy:.3f} | {ours} | "
            f"{unit_box} | {art} | {spread(r.aisec_seed_accuracies)} | "
            f"{spread(r.art_seed_accuracies)} |"
        )
    return [*lines, *_error_notes(rows), "", *EVASION_NOTES]


def evasion_time_table(rows: list[EvasionRow]) -> list[str]:
    lines = [
        "| model | attack | eps | aisec `run_evasion` s | aisec bare attack s | ART s | "
        "ART / `run_evasion` | ART / bare attack |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.model} | {r.attack} | {r.epsilon} | {number(r.aisec_run_s)} | "
            f"{number(r.aisec_attack_s)} | {number(r.art_s)} | "
            f"{ratio(r.art_s, r.aisec_run_s)} | {ratio(r.art_s, r.aisec_attack_s)} |"
        )
    return lines


def membership_table(rows: list[MembershipRow]) -> list[str]:
    head = " | ".join(f"aisec {a} AUC [95% CI]" for a in MIA_ATTACKS)
    lines = [
        "| data | model | train / test acc | ART AUC | ART AUC, seeds | aisec loss AUC on ART's "
        "rows, seeds | ART acc (balanced) | "
        f"{head} | "
        "ART AUC inside the interval of | aisec s, all attacks | aisec s, supervised only | "
        "ART s | ART / aisec supervised |",
        "|---|---|---|---:|---:|---:|---:|"
        + "---:|" * len(MIA_ATTACKS)
        + "---|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells, consistent = [], []
        for attack in MIA_ATTACKS:
            m = r.aisec.get(attack)
            low, high = (None, None) if m is None else (m["ci_low"], m["ci_high"])
            if m is None or m["value"] is None or low is None or high is None:
                cells.append("-")
                continue
            cells.append(f"{m['value']:.3f} [{low:.3f}, {high:.3f}]")
            if low <= r.art_auc <= high:
                consistent.append(attack)
        verdict = ", ".join(consistent) or ("none" if r.aisec else "-")
        lines.append(
            f"| {r.dataset} | {r.model} | {r.train_accuracy:.3f} / {r.test_accuracy:.3f} | "
            f"{r.art_auc:.3f} | {spread(r.art_seed_aucs)} | {spread(r.loss_seed_aucs)} | "
            f"{r.art_accuracy:.3f} ({r.art_balanced_accuracy:.3f}) | "
            f"{' | '.join(cells)} | {verdict} | {number(r.aisec_s)} | "
            f"{number(r.aisec_shadow_s)} | {r.art_s:.3f} | {ratio(r.art_s, r.aisec_shadow_s)} |"
        )
    errors = sorted({r.aisec_error for r in rows if r.aisec_error is not None})
    if errors:
        lines += ["", "aisec raised: " + "; ".join(f"`{e}`" for e in errors)]
    return [*lines, "", *MEMBERSHIP_NOTES]
