"""What the data checks judge: detections in a dataset, already redacted.

A dataset scan turns what the detectors found into these records; the checks decide what
is a finding and how severe. No record holds a full value: only redacted text, a digest
and positions. A record with an empty ``entity`` / ``secret_kind`` / ``problem`` is an
empty subject: the checks yield nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisec.core.finding import Location

if TYPE_CHECKING:
    # Only for the annotation: the quality package needs pandas, a subject must not.
    from aisec.data.quality.indicator import Indicator


@dataclass(frozen=True)
class DatasetColumn:
    """A column whose name and values say it holds one kind of personal data."""

    location: Location  # path and column
    format: str = ""
    entity: str = ""
    matched: int = 0  # values recognised as the entity
    non_null: int = 0  # values in the column
    score: float = 0.0
    samples: tuple[str, ...] = ()  # redacted
    reason: str = ""
    kind: str = "dataset-column"


@dataclass(frozen=True)
class DatasetValue:
    """Personal data inside one value of free text (a cell, a line)."""

    location: Location  # path, row and column (None for a line of a text file)
    entity: str = ""
    score: float = 0.0
    reason: str = ""
    redacted: str = ""
    offset: int = 0  # characters into the value
    length: int = 0
    more: int = 0  # occurrences of the entity in this file not listed (over the cap)
    kind: str = "dataset-value"


@dataclass(frozen=True)
class DatasetSecret:
    """One occurrence of a credential in a dataset."""

    location: Location
    secret_kind: str = ""
    provider: str = ""
    redacted: str = ""
    digest: str = ""  # SHA-256 of the value, so repeats can be told apart without it
    confidence: float = 0.0
    offset: int = 0
    length: int = 0
    more: int = 0  # occurrences in this file not listed (over the cap)
    kind: str = "dataset-secret"


@dataclass(frozen=True)
class DatasetFile:
    """A dataset file as a whole: its format and what kept it from being read in full."""

    location: Location
    format: str = ""
    problem: str = ""
    kind: str = "dataset-file"


@dataclass(frozen=True)
class DatasetIndicator:
    """One quality or poisoning indicator computed on a dataset (``aisec data check``).

    ``location`` is the training data checked; ``compared_with`` the test set or
    reference the indicator compared it with ("" when none). An indicator that did not
    fire, or none at all, is an empty subject.
    """

    location: Location
    indicator: Indicator | None = None
    compared_with: str = ""
    kind: str = "dataset-indicator"
