"""Poisoning and quality indicators for training data.

Duplicates and near-duplicates with conflicting labels, confident-learning label issues
(the assurance package's ranking), outliers, label leakage, trigger phrases in text,
train/test overlap, and shifts against a reference snapshot. Each yields an
:class:`Indicator` with a stable id; :func:`check_dataset` runs all that apply.
"""

from aisec.data.quality.check import CheckOptions, check_frames
from aisec.data.quality.files import check_dataset, snapshot_file
from aisec.data.quality.indicator import INDICATOR_IDS, Indicator, QualityReport, Skipped, Statistic
from aisec.data.quality.snapshot import build_snapshot, load_snapshot

__all__ = [
    "INDICATOR_IDS",
    "CheckOptions",
    "Indicator",
    "QualityReport",
    "Skipped",
    "Statistic",
    "build_snapshot",
    "check_dataset",
    "check_frames",
    "load_snapshot",
    "snapshot_file",
]
