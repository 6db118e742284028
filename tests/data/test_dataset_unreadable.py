"""data.dataset.unreadable: a dataset read only in part fails closed."""

from aisec.core.finding import Location
from aisec.data.checks.dataset_unreadable import DatasetUnreadable
from aisec.data.subjects import DatasetFile


def test_a_problem_is_a_finding_that_marks_the_file_incomplete():
    subject = DatasetFile(Location("broken.parquet"), "parquet", "footer is truncated")
    (finding,) = DatasetUnreadable().run(subject)
    assert finding.message == "parquet not read in full: footer is truncated"
    assert DatasetUnreadable.marks_incomplete


def test_a_file_read_in_full_is_no_finding():
    assert list(DatasetUnreadable().run(DatasetFile(Location("ok.csv"), "csv"))) == []
