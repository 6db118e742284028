"""A poisoned training set for the mail-sorting digit reader.

scikit-learn's bundled handwritten digits, tampered with the way a poisoning attacker
with write access to a labelling queue would: a share of labels flipped at random, a
backdoor (a small bright patch in the corner of some images, all relabelled "0"), and
exact copies of real rows injected with a wrong label to pull the decision boundary.
The data stays numbers; nothing here is executable.

``aisec data check`` is expected to flag it through the indicators in
:data:`EXPECTED_CHECKS`: the flipped and backdoored rows as likely label issues
(confident learning), the injected copies as identical rows with conflicting labels.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

POISONED_NAME = "digits_train.csv"
LABEL = "label"
FLIPPED_SHARE = 0.06
TRIGGER_ROWS = 40
TRIGGER_PIXELS = (54, 55, 62, 63)  # the bottom-right 2x2 corner of the 8x8 image
TRIGGER_LABEL = 0
INJECTED_COPIES = 30
EXPECTED_CHECKS = frozenset(
    {"data.quality.label-issues", "data.quality.duplicate-conflicting-labels"}
)


def poisoned_digits(seed: int = 7) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The digits with flipped labels, a backdoor trigger and conflicting copies."""
    import numpy as np
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.data.astype(np.int64)
    y = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    n = len(y)
    flipped = rng.choice(n, size=int(FLIPPED_SHARE * n), replace=False)
    # A shift of 1..9 modulo 10 always lands on another class.
    y[flipped] = (y[flipped] + rng.integers(1, 10, size=len(flipped))) % 10
    untouched = np.setdiff1d(np.arange(n), flipped)
    triggered = rng.choice(untouched, size=TRIGGER_ROWS, replace=False)
    x[np.ix_(triggered, np.array(TRIGGER_PIXELS))] = 16
    y[triggered] = TRIGGER_LABEL
    copied = rng.choice(n, size=INJECTED_COPIES, replace=False)
    x = np.vstack([x, x[copied]])
    y = np.concatenate([y, (y[copied] + 1) % 10])
    return x, y


def write_poisoned_csv(directory: Path, x: NDArray[np.int64], y: NDArray[np.int64]) -> Path:
    """Write the training set as the CSV the labelling pipeline exports."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / POISONED_NAME
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"pixel_{i}" for i in range(x.shape[1])] + [LABEL])
        for row, label in zip(x.tolist(), y.tolist(), strict=True):
            writer.writerow([*row, label])
    return path
