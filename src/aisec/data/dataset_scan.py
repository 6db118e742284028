"""The dataset part of ``aisec scan``: files no model format claims, read as datasets.

Every such file whose content is a dataset (CSV, Parquet, JSON lines, Arrow, text) is
split into partitions (:mod:`aisec.data.partitions`), the partitions of all files go
through the one executor (in-process, a process pool or Dask), and each file's results
come back in order to be numbered, merged and judged by the data checks here.

Reporting rules (docs/adr/0021): a column whose name and values agree on one kind of
personal data is one finding for the column, and its values are not listed again;
personal data in free text (a free-text column, a line of a text file) is one finding
per occurrence up to ``max_data_findings`` per file and kind; every credential is its
own finding, up to the same cap. Rows are numbered from 1, header excluded; lines of a
text file from 1.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aisec.core.check import Check
from aisec.core.executor import InProcess, make_executor
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus
from aisec.data.partition_scan import RAW_RECORD, PartitionResult, PartitionScanner, ValueHit
from aisec.data.partitions import DEFAULT_PARTITION_BYTES, Partition, plan_partitions
from aisec.data.subjects import DatasetColumn, DatasetFile, DatasetSecret, DatasetValue

if TYPE_CHECKING:
    from aisec.data.pii import PiiDetector

_SNIFF_BYTES = 64 * 1024
_MAX_NAME = 200
# A column whose values average this many characters is free text: every occurrence of
# personal data in it is listed. In shorter (structured) columns that are not judged to
# hold the entity, only matches this sure are: the rest are an id or a code that happens
# to look like a phone number.
_FREE_TEXT_LENGTH = 40
_STRAY_SCORE = 0.8


@dataclass
class DatasetScanResult:
    findings: list[Finding] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)  # checks that judged a subject


def dataset_format(path: str) -> str | None:
    """The dataset format of a file by its content, or None."""
    from pathlib import Path

    from aisec.data.readers import sniff

    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    return sniff(Path(path), head)


def scan_datasets(
    files: Sequence[tuple[str, str, str]],
    checks: Iterable[type[Check[Any]]],
    *,
    workers: int = 1,
    executor: str | None = None,
    max_listed: int = 1000,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    timeout_seconds: float | None = None,
) -> DatasetScanResult:
    """Scan ``files`` given as (path to open, path to display, format) on the executor
    the ``executor`` setting names (see :mod:`aisec.core.executor`)."""
    judge = _Judge(checks)
    out = DatasetScanResult()
    # Absolute paths: a Dask worker may run in another directory (on a shared file system).
    files = [(os.path.abspath(path), display, fmt) for path, display, fmt in files]
    plans = [_plan(path, display, fmt, partition_bytes) for path, display, fmt in files]
    scanner = PartitionScanner(max_listed=max_listed, timeout_seconds=timeout_seconds)
    partitions = [p for plan in plans for p in plan]
    pool = make_executor(workers, executor) if len(partitions) > 1 else InProcess()
    broken = ""
    try:
        results = pool.map(scanner, partitions)
        for (path, display, fmt), plan in zip(files, plans, strict=True):
            parts: list[PartitionResult] = []
            for partition in plan:
                if not broken:
                    try:
                        parts.append(next(results))
                        continue
                    except Exception as exc:  # a worker died (out of memory, killed)
                        broken = f"the worker scanning it stopped: {type(exc).__name__}"
                parts.append(PartitionResult(partition, problem=broken))
            if len(parts) > 1 and any(r.problem for r in parts) and not broken:
                # Rows after a failed partition cannot be numbered (a stray quote that
                # misled the planner, a broken row group): the file again, as one partition,
                # which reports what it reads up to the problem.
                parts = [scanner(Partition(path, display, fmt, 0))]
            _merge_file(judge, out, display, fmt, _size(path), parts, max_listed)
    finally:
        pool.close()
    out.applied = judge.applied
    out.errors.extend(judge.errors)
    return out


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:  # removed while it was being scanned: its findings still count
        return None


def _plan(path: str, display: str, fmt: str, partition_bytes: int) -> list[Partition]:
    try:
        return plan_partitions(path, display, fmt, target_bytes=partition_bytes)
    except Exception:  # e.g. a Parquet footer too broken to plan: the reader will say why
        return [Partition(path, display, fmt, 0)]


def _merge_file(
    judge: _Judge,
    out: DatasetScanResult,
    display: str,
    fmt: str,
    size: int | None,
    parts: list[PartitionResult],
    max_listed: int,
) -> None:
    artefact = Artefact(Location(display), fmt, size)
    out.artefacts.append(artefact)
    tabular = fmt != "text"
    subjects: list[Any] = []
    subjects.append(DatasetFile(Location(display), fmt, _problem(parts)))
    profiler = parts[0].profiler
    for other in parts[1:]:
        if profiler is not None and other.profiler is not None:
            profiler.merge(other.profiler)
    claimed: set[tuple[str, str]] = set()
    loose: dict[tuple[str, str], float] = {}  # (column, entity) found inside values -> length
    for verdict in profiler.verdicts() if profiler is not None else ():
        if verdict.free_text:
            loose[(verdict.column, verdict.entity)] = verdict.average_length
            continue
        claimed.add((verdict.column, verdict.entity))
        subjects.append(
            DatasetColumn(
                Location(display, column=_safe_name(verdict.column)),
                fmt,
                verdict.entity,
                verdict.matched,
                verdict.non_null,
                verdict.score,
                tuple(verdict.samples),
                verdict.reason,
            )
        )

    def listed(hit: ValueHit) -> bool:
        if not tabular or hit.column == RAW_RECORD:
            return True
        length = loose.get((hit.column, hit.entity))
        return length is not None and (length >= _FREE_TEXT_LENGTH or hit.score >= _STRAY_SCORE)

    subjects.extend(_values(display, tabular, parts, listed, max_listed))
    subjects.extend(_secrets(display, tabular, parts, max_listed))
    for subject in subjects:
        out.findings.extend(judge(subject, artefact))


def _values(
    display: str,
    tabular: bool,
    parts: list[PartitionResult],
    listed: Callable[[ValueHit], bool],
    max_listed: int,
) -> Iterator[DatasetValue]:
    # Occurrences over a partition's own cap were counted but not kept. Where every kept
    # occurrence of a (column, entity) is listed, so are those: the counter gives the total.
    # Where only the surer ones are, the unkept ones cannot be judged and are not counted.
    totals: Counter[str] = Counter()
    for part in parts:
        kept: Counter[tuple[str, str]] = Counter()
        passed: Counter[tuple[str, str]] = Counter()
        for hit in part.values:
            kept[(hit.column, hit.entity)] += 1
            passed[(hit.column, hit.entity)] += listed(hit)
        for key, count in part.value_counts.items():
            totals[key[1]] += count if passed[key] == kept[key] else passed[key]
    shown: Counter[str] = Counter()
    order: dict[str, int] = {}  # columns in the order they were met
    ordered = sorted(
        (
            (base + hit.row, order.setdefault(hit.column, len(order)), hit.offset, hit)
            for base, part in _numbered(parts)
            for hit in part.values
        ),
        key=lambda item: item[:3],
    )
    # In row order, so the listed occurrences are the file's first ones, however the file
    # was partitioned.
    for row, _, _, hit in ordered:
        if not listed(hit):
            continue
        shown[hit.entity] += 1
        if shown[hit.entity] > max_listed:
            continue
        last = shown[hit.entity] == max_listed
        yield DatasetValue(
            Location(display, row=row + 1, column=_shown(hit.column, tabular)),
            hit.entity,
            hit.score,
            hit.reason,
            hit.redacted,
            hit.offset,
            hit.length,
            max(totals[hit.entity] - max_listed, 0) if last else 0,
        )


def _secrets(
    display: str, tabular: bool, parts: list[PartitionResult], max_listed: int
) -> Iterator[DatasetSecret]:
    total = sum(part.secret_count for part in parts)
    listed = 0
    for base, part in _numbered(parts):
        for hit in part.secrets:
            listed += 1
            if listed > max_listed:
                return
            yield DatasetSecret(
                Location(display, row=base + hit.row + 1, column=_shown(hit.column, tabular)),
                hit.secret_kind,
                hit.provider,
                hit.redacted,
                hit.digest,
                hit.confidence,
                hit.offset,
                hit.length,
                total - max_listed if listed == max_listed else 0,
            )


def _problem(parts: list[PartitionResult]) -> str:
    """What kept the file from being read in full, with rows counted for the whole file."""
    problems = [part.problem for part in parts if part.problem]
    skipped = sum(part.skipped for part in parts)
    for base, part in _numbered(parts):
        if part.first_skip is not None:
            row, reason = part.first_skip
            problems.append(
                f"{skipped} rows or values skipped, over a read limit or not parseable "
                f"(first at row {base + row + 1}: {reason})"
            )
            break
    return "; ".join(problems)


def _shown(column: str, tabular: bool) -> str | None:
    """The column a finding names: none for text files and records that did not parse."""
    return _safe_name(column) if tabular and column != RAW_RECORD else None


@lru_cache(maxsize=4096)
def _safe_name(column: str) -> str:
    """A column name fit to print. Names come from the data (a JSON key, a header that
    was really a record) and can be personal data or a credential themselves: such a name,
    or an absurdly long one, is shown as a digest that stays the same across runs."""
    from aisec.data.secrets import find_secrets

    # Lenient: a name is short, and one missed e-mail address in it is printed everywhere.
    if len(column) <= _MAX_NAME and not find_secrets(column) and not _names().find(column):
        return column
    return "column#" + hashlib.sha256(column.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@lru_cache(maxsize=1)
def _names() -> PiiDetector:
    from aisec.data.pii import PiiDetector

    return PiiDetector(min_score=0.3)


def _numbered(parts: list[PartitionResult]) -> Iterator[tuple[int, PartitionResult]]:
    """Each partition with the number of rows before it."""
    base = 0
    for part in parts:
        yield base, part
        base += part.rows


class _Judge:
    """Runs the checks of a subject's kind; a check that raises is an error, not a crash."""

    def __init__(self, checks: Iterable[type[Check[Any]]]) -> None:
        self.by_kind: dict[str, list[Check[Any]]] = {}
        for cls in checks:
            for kind in cls.applies_to:
                if kind.startswith("dataset-"):
                    self.by_kind.setdefault(kind, []).append(cls())
        self.applied: set[str] = set()
        self.errors: list[str] = []

    def __call__(self, subject: Any, artefact: Artefact) -> list[Finding]:
        found: list[Finding] = []
        for check in self.by_kind.get(subject.kind, ()):
            self.applied.add(check.id)
            try:
                new = list(check.run(subject))
            except Exception as exc:  # one buggy check must not hide the others' findings
                reason = f"check {check.id} failed: {type(exc).__name__}: {exc}"
                self.errors.append(f"{artefact.location.display()}: {reason}")
                _incomplete(artefact, reason)
                continue
            if check.marks_incomplete and new:
                _incomplete(artefact, new[0].message)
            found.extend(new)
        return found


def _incomplete(artefact: Artefact, reason: str) -> None:
    if artefact.status is ArtefactStatus.ANALYSED:
        artefact.status, artefact.reason = ArtefactStatus.INCOMPLETE, reason
