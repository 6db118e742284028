"""k-anonymity and l-diversity against numbers worked out by hand, whatever the batch
size, from pandas 3 frames as well as Arrow tables and files."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from aisec.core.errors import ConfigError, UsageError
from aisec.data.anonymise import (
    EquivalenceClasses,
    anonymise_file,
    measure_file,
    measure_table,
    parse_rules,
)

# Three classes over (age, zip): A (20-29, 130**) with flu, flu, cancer; B (30-39, 148**)
# with flu, cold, cancer, cancer; C (40-49, 130**) with flu alone.
ROWS = {
    "age": ["20-29"] * 3 + ["30-39"] * 4 + ["40-49"],
    "zip": ["130**"] * 3 + ["148**"] * 4 + ["130**"],
    "diagnosis": ["flu", "flu", "cancer", "flu", "cold", "cancer", "cancer", "flu"],
}
H_A = math.log(3) - 2 / 3 * math.log(2)  # -(2/3 ln 2/3 + 1/3 ln 1/3)
H_B = 1.5 * math.log(2)  # -(1/4 ln 1/4 + 1/4 ln 1/4 + 1/2 ln 1/2)


def test_hand_computed_table():
    report = measure_table(pa.table(ROWS), ["age", "zip"], ["diagnosis"], k=3)
    k = report.k_anonymity
    assert (k.k, k.rows, k.classes) == (1, 8, 3)
    assert k.class_sizes == ((1, 1), (3, 1), (4, 1))
    assert (k.classes_below, k.rows_below, k.reached) == (1, 1, False)
    (diagnosis,) = report.l_diversity
    assert diagnosis.distinct_l == 1
    assert diagnosis.entropy_l == pytest.approx(1.0)  # class C has one value: entropy 0


def test_without_the_singleton_class():
    rows = {name: values[:7] for name, values in ROWS.items()}
    report = measure_table(pa.table(rows), ["age", "zip"], ["diagnosis"], k=3)
    assert report.k_anonymity.k == 3
    assert report.k_anonymity.reached is True
    (diagnosis,) = report.l_diversity
    assert diagnosis.distinct_l == 2
    assert diagnosis.entropy_l == pytest.approx(math.exp(min(H_A, H_B)))
    assert diagnosis.entropy_l == pytest.approx(3 / 2 ** (2 / 3))


def test_pandas_frames_and_batches_agree(tmp_path):
    frame = pd.DataFrame(ROWS)
    whole = measure_table(frame, ["age", "zip"], ["diagnosis"])
    path = tmp_path / "t.csv"
    pa_csv.write_csv(pa.table(ROWS), path)
    assert measure_file(path, ["age", "zip"], ["diagnosis"], batch_rows=2) == whole
    counter = EquivalenceClasses(["age", "zip"], ["diagnosis"])
    table = pa.table(ROWS)
    for start in range(0, 8, 3):  # classes split across batches still add up
        counter.add(table.slice(start, 3))
    assert counter.report() == whole


def test_nulls_are_a_value_of_their_own():
    table = pa.table({"age": ["30", None, None, "30"], "s": ["a", "b", None, "a"]})
    report = measure_table(table, ["age"], ["s"])
    assert report.k_anonymity.class_sizes == ((2, 2),)
    assert report.l_diversity[0].distinct_l == 1  # class "30" holds only "a"


def test_null_sensitive_values_are_left_out_of_l_and_counted():
    table = pa.table({"zip": ["1", "1", "2", "2", "3"], "s": ["flu", None, "flu", "cold", None]})
    report = measure_table(table, ["zip"], ["s"])
    (diversity,) = report.l_diversity
    # Class 1 holds {flu, null}: one value an attacker could learn, not two.
    # Class 3 holds only a null: no sensitive value at all, so distinct l is 0.
    assert (diversity.distinct_l, diversity.entropy_l, diversity.nulls) == (0, 0.0, 2)
    without_3 = measure_table(table.slice(0, 4), ["zip"], ["s"])
    assert without_3.l_diversity[0].distinct_l == 1
    assert without_3.l_diversity[0].entropy_l == 1.0
    assert without_3.to_dict()["l_diversity"][0]["nulls"] == 1


def test_numbers_group_like_their_text():
    table = pa.table({"age": [30, 30, 31], "s": [1.5, 2.5, 1.5]})
    report = measure_table(table, ["age"], ["s"])
    assert report.k_anonymity.k == 1
    assert report.l_diversity[0].distinct_l == 1


def test_a_column_cannot_be_both_and_must_exist():
    with pytest.raises(ConfigError, match="both"):
        EquivalenceClasses(["age"], ["age"])
    with pytest.raises(UsageError, match="no column 'height'"):
        measure_table(pa.table(ROWS), ["height"])


def test_suppression_reaches_k_and_reports_it(tmp_path):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table(ROWS), source)
    rules = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep", "columns": {}})
    common = {"quasi_identifiers": ["age", "zip"], "sensitive": ["diagnosis"], "k": 3}
    plain = anonymise_file(source, tmp_path / "plain.csv", rules, **common)
    assert plain.after is not None
    assert plain.after.k_anonymity.k == 1
    assert plain.suppressed == 0
    result = anonymise_file(source, tmp_path / "out.csv", rules, suppress_below_k=True,
                            batch_rows=3, **common)  # fmt: skip
    assert (result.rows_in, result.rows_out, result.suppressed) == (8, 7, 1)
    assert result.before is not None
    assert result.after is not None
    assert result.before.k_anonymity.k == 1
    assert result.after.k_anonymity.k == 3
    assert result.after.l_diversity[0].distinct_l == 2
    assert measure_file(tmp_path / "out.csv", ["age", "zip"], ["diagnosis"], k=3) == result.after
    with pytest.raises(UsageError, match="needs k"):
        anonymise_file(source, tmp_path / "x.csv", rules, suppress_below_k=True)


def test_generalising_raises_k(tmp_path):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table({"age": ["21", "27", "33", "38"], "d": ["a", "b", "a", "b"]}),
                     source)  # fmt: skip
    rules = parse_rules({"schema": "aisec.anonymise/1", "columns": {
        "age": {"action": "generalise", "method": "bins", "width": 10}, "d": "keep"}})  # fmt: skip
    result = anonymise_file(source, tmp_path / "out.csv", rules,
                            quasi_identifiers=["age"], sensitive=["d"], k=2)  # fmt: skip
    assert result.before is not None
    assert result.after is not None
    assert result.before.k_anonymity.k == 1
    assert result.after.k_anonymity.k == 2
    assert result.after.k_anonymity.reached is True
    assert result.after.l_diversity[0].entropy_l == pytest.approx(2.0)


def test_a_dropped_quasi_identifier_is_reported_absent(tmp_path):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table(ROWS), source)
    rules = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep",
                         "columns": {"zip": "drop"}})  # fmt: skip
    result = anonymise_file(source, tmp_path / "out.csv", rules,
                            quasi_identifiers=["age", "zip"], sensitive=["diagnosis"])  # fmt: skip
    assert result.after is not None
    assert result.after.absent == ("zip",)
    assert result.after.k_anonymity.class_sizes == ((1, 1), (3, 1), (4, 1))
