"""Contract tests over every registered check: a new check is covered automatically."""

import inspect
from pathlib import Path

import pytest

from aisec.assurance.plans.result import Status, TestOutcome
from aisec.core.check import Check, metadata_problems
from aisec.core.finding import Location
from aisec.core.registry import default_registry
from aisec.core.severity import Severity
from aisec.data.quality import Indicator
from aisec.data.subjects import (
    DatasetColumn,
    DatasetFile,
    DatasetIndicator,
    DatasetSecret,
    DatasetValue,
)
from aisec.discovery.subjects import KeyCandidate, LoaderCall
from aisec.inventory.signature_report import SignatureReport, SignatureStatus
from aisec.modelfile.pickle.report import PickleReport
from aisec.modelfile.reports import ArtefactReport, ContainerReport

ENTRIES = list(default_registry())
ROOT = Path(__file__).resolve().parents[2]
EMPTY_SUBJECTS = {
    "pickle": lambda: PickleReport(Location("x.pkl")),
    "container": lambda: ContainerReport(Location("x.zip"), "zip"),
    "artefact": lambda: ArtefactReport(Location("x.bin"), "pickle"),
    "signature": lambda: SignatureReport(Location("model"), SignatureStatus.VERIFIED),
    "loader-call": lambda: LoaderCall(Location("x.py"), ""),
    "key-candidate": lambda: KeyCandidate(Location("x.py")),
    "assurance-outcome": lambda: TestOutcome("t", "evasion", "m", Status.PASSED),
    "dataset-column": lambda: DatasetColumn(Location("d.csv", column="c")),
    "dataset-value": lambda: DatasetValue(Location("d.csv", row=1, column="c")),
    "dataset-secret": lambda: DatasetSecret(Location("d.csv", row=1, column="c")),
    "dataset-file": lambda: DatasetFile(Location("d.csv")),
    "dataset-indicator": lambda: DatasetIndicator(
        Location("d.csv"), Indicator("duplicate-rows", "t", Severity.LOW, False, 0, 10)
    ),
}


@pytest.fixture(params=ENTRIES, ids=[e.name for e in ENTRIES])
def check_class(request):
    assert request.param.enabled, request.param.reason
    return request.param.check


def test_metadata_is_valid_without_instantiation(check_class):
    assert metadata_problems(check_class) == []
    assert issubclass(check_class, Check)
    assert check_class.description.strip() and check_class.title.strip()


def test_constructor_only_stores_parameters(check_class):
    names = check_class.param_names()
    instance = check_class()
    assert set(instance.get_params()) == set(names)
    sig = inspect.signature(check_class.__init__)
    assert all(
        p.default is not inspect.Parameter.empty for n, p in sig.parameters.items() if n != "self"
    )


def test_run_on_an_empty_subject_yields_nothing(check_class):
    for kind in check_class.applies_to:
        assert kind in EMPTY_SUBJECTS, f"unknown subject kind {kind}"
        assert list(check_class().run(EMPTY_SUBJECTS[kind]())) == []


def test_every_check_is_documented_in_the_catalogue(check_class):
    catalogue = (ROOT / "docs" / "checks.md").read_text()
    assert f"## {check_class.id}\n" in catalogue


def test_every_check_has_a_test_file(check_class):
    module = check_class.__module__.rsplit(".", 1)[-1]
    assert list((ROOT / "tests").rglob(f"test_{module}.py")), f"no tests/**/test_{module}.py"
