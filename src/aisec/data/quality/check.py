"""Run every quality and poisoning indicator that the inputs allow, in one report.

``check_frames`` takes data frames (notebooks, tests); :mod:`.files` reads files.
Indicators that need a label, a test set or a reference run only when given one; one
that cannot run on this data (too few rows, one class), or that fails unexpectedly, is
listed as skipped with the reason, and the others still run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from aisec.core.errors import AnalysisError, ConfigError, InputError
from aisec.data.arrow_errors import sanitise_arrow_error
from aisec.data.quality import shift
from aisec.data.quality.columns import Prepared, prepare
from aisec.data.quality.duplicates import exact_duplicates
from aisec.data.quality.indicator import Indicator, QualityReport, Skipped
from aisec.data.quality.labels import label_issues
from aisec.data.quality.leakage import label_leakage
from aisec.data.quality.near_duplicates import near_duplicate_conflicts
from aisec.data.quality.outliers import outliers
from aisec.data.quality.overlap import exact_overlap, near_overlap
from aisec.data.quality.table import (
    MAX_BYTES,
    MAX_LINE_BYTES,
    ReadCaps,
)
from aisec.data.quality.triggers import trigger_phrases

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
LABEL_NAMES = ("label", "labels", "target", "class", "y")


@dataclass(frozen=True)
class CheckOptions:
    label: str | None = None  # None: a column named label/target/class/y, if any
    sample_cap: int = 20_000  # rows for the neighbour searches, models and forests
    max_rows: int = 1_000_000  # rows read from each file
    max_bytes: int = MAX_BYTES  # bytes of row data read from each file
    max_line_bytes: int = MAX_LINE_BYTES  # one JSON line or CSV row
    folds: int = 5
    near_scale: float = 0.2
    jaccard: float = 0.8
    alpha: float = 0.01  # class-balance test
    fdr: float = 0.05  # feature-shift false discovery rate
    label_issue_share: float = 0.02
    outlier_share: float = 0.02
    seed: int = 0

    def __post_init__(self) -> None:
        if self.sample_cap < 10:
            raise ConfigError(f"sample_cap must be at least 10, got {self.sample_cap}")
        if self.folds < 2:
            raise ConfigError(f"folds must be at least 2, got {self.folds}")
        for name in ("near_scale", "jaccard", "alpha", "fdr"):
            if not 0 < getattr(self, name) < 1:
                raise ConfigError(f"{name} must be between 0 and 1, got {getattr(self, name)}")
        self.caps()  # validates the read caps

    def caps(self) -> ReadCaps:
        return ReadCaps(self.max_rows, self.max_bytes, self.max_line_bytes)


def guess_label(frame: pd.DataFrame) -> str | None:
    lowered = {str(c).lower(): str(c) for c in frame.columns}
    return next((lowered[n] for n in LABEL_NAMES if n in lowered), None)


def check_frames(
    train: pd.DataFrame,
    *,
    test: pd.DataFrame | None = None,
    reference: dict[str, Any] | None = None,
    options: CheckOptions | None = None,
) -> QualityReport:
    """Every indicator the inputs allow; ``reference`` is a snapshot (:func:`build_snapshot`)."""
    options = options or CheckOptions()
    label = options.label or guess_label(train)
    data = prepare(train, label=label)
    if data.n_rows == 0:
        raise InputError("the training data has no rows")
    report = QualityReport("<frame>", data.n_rows, dict(data.kinds), label)
    o = options
    steps: list[tuple[str, Callable[[], list[Indicator] | Indicator]]] = [
        ("duplicate-rows", lambda: exact_duplicates(data)),
        ("outliers", lambda: outliers(data, cap=o.sample_cap, share=o.outlier_share, seed=o.seed)),
    ]
    if label is None or all(v is None for v in data.labels):
        reason = "no label column (give --label)" if label is None else "every label is null"
        report.skipped.append(Skipped("label-issues", reason))
    else:
        steps += [
            (
                "near-duplicate-conflicting-labels",
                lambda: near_duplicate_conflicts(
                    data, cap=o.sample_cap, scale=o.near_scale, jaccard=o.jaccard, seed=o.seed
                ),
            ),
            (
                "label-issues",
                lambda: label_issues(
                    data, folds=o.folds, cap=o.sample_cap, share=o.label_issue_share, seed=o.seed
                ),
            ),
            ("label-leakage", lambda: label_leakage(data, seed=o.seed)),
        ]
        if data.text:
            steps.append(
                ("trigger-phrases", lambda: trigger_phrases(data, cap=o.sample_cap, seed=o.seed))
            )
    if test is not None:
        test_data = _as_train(test, data, label)
        steps += [
            ("train-test-overlap", lambda: exact_overlap(data, test_data)),
            (
                "train-test-near-overlap",
                lambda: near_overlap(
                    data, test_data, cap=o.sample_cap, scale=o.near_scale, seed=o.seed
                ),
            ),
        ]
    if reference is not None:
        steps += _shift_steps(reference, train, data, label, options)
    for name, step in steps:
        try:
            result = step()
        except AnalysisError as exc:
            report.skipped.append(Skipped(name, exc.message))
            continue
        except Exception as exc:
            # One indicator failing on odd data must not cost the others; the reason is
            # reported, so the gap is visible rather than silent.
            report.skipped.append(Skipped(name, failure_reason(exc)))
            continue
        report.indicators.extend(result if isinstance(result, list) else [result])
    return report


def failure_reason(exc: BaseException) -> str:
    """The exception's type and first line, with quoted text (maybe a data value) cut out."""
    detail = _QUOTED.sub("'…'", sanitise_arrow_error(str(exc)))
    return f"failed unexpectedly ({type(exc).__name__}: {detail})"[:240]


def _as_train(frame: pd.DataFrame, train: Prepared, label: str | None) -> Prepared:
    """The test set in the training set's column roles."""
    return prepare(frame, label=label if label in frame.columns else None, kinds=dict(train.kinds))


def _shift_steps(
    snap: dict[str, Any], frame: pd.DataFrame, data: Prepared, label: str | None, o: CheckOptions
) -> list[tuple[str, Callable[[], list[Indicator] | Indicator]]]:
    try:
        kinds = {str(n): c["kind"] for n, c in snap["columns"].items()}
    except (TypeError, KeyError, AttributeError):
        raise AnalysisError("the reference snapshot's columns are malformed") from None
    in_roles = prepare(frame, label=label, kinds=kinds)
    steps: list[tuple[str, Callable[[], list[Indicator] | Indicator]]] = [
        ("schema-change", lambda: shift.schema_change(snap, data)),
        ("feature-shift", lambda: _guarded(lambda: shift.feature_shift(snap, in_roles, fdr=o.fdr))),
    ]
    if label is not None and snap.get("classes"):
        steps.append(
            (
                "class-balance-shift",
                lambda: _guarded(lambda: shift.class_balance_shift(snap, in_roles, alpha=o.alpha)),
            )
        )
    return steps


def _guarded(step: Callable[[], Indicator]) -> Indicator:
    # A hand-edited snapshot can hold anything; its faults are the snapshot's, not a crash.
    try:
        return step()
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise AnalysisError(f"the reference snapshot is malformed ({type(exc).__name__})") from None
