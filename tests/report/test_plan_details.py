"""A test's details in the HTML report: shapes to tables, capped, escaped, well-formed."""

from __future__ import annotations

import math
from html.parser import HTMLParser

import numpy as np
import pytest

from aisec.assurance.plans.result import Status, TestOutcome
from aisec.report.plan_details import MAX_COLUMNS, MAX_ROWS, MAX_TEXT, OTHER, detail_tables
from aisec.report.plan_html import render_plan_html

from .plan_sample import HOSTILE, build_report

NAN = float("nan")


def _by_key(details: dict[str, object]) -> dict[str, object]:
    tables, _ = detail_tables(details)
    return {t.key: t for t in tables}


def test_list_of_flat_dicts_is_a_table_with_the_union_of_columns() -> None:
    rows = [{"row": 3, "label": "bad", "score": 0.91234567}, {"row": 7, "issue": True}]
    (table,), omitted = detail_tables({"ranked": rows})
    assert omitted == []
    assert table.columns == ["row", "label", "score", "issue"]
    assert table.rows[0] == [("3", True), ("bad", False), ("0.9123", True), ("", False)]
    assert table.rows[1][3] == ("true", False)
    assert table.summary == "ranked (2 rows)"


def test_ten_thousand_rows_show_only_the_first_rows() -> None:
    (table,), _ = detail_tables({"ranked": [{"row": i} for i in range(10_000)]})
    assert len(table.rows) == MAX_ROWS
    assert table.total == 10_000
    assert f"{10_000 - MAX_ROWS} more rows in the JSON report" in table.notes


def test_extra_columns_are_dropped_with_a_note() -> None:
    (table,), _ = detail_tables({"wide": [{f"c{i}": i for i in range(20)}]})
    assert len(table.columns) == MAX_COLUMNS
    assert all(len(row) == MAX_COLUMNS for row in table.rows)
    assert f"{20 - MAX_COLUMNS} more columns in the JSON report" in table.notes


def test_flat_dict_and_nested_flat_dicts_are_key_value_tables() -> None:
    tables = _by_key(
        {
            "baseline": {"metric": "accuracy", "value": 0.8, "rows": 300},
            "sanity": {"beats_noise": {"0.02": True, "0.05": False}, "monotone": True},
        }
    )
    baseline, sanity = tables["baseline"], tables["sanity"]
    assert baseline.columns == ["key", "value"]  # type: ignore[attr-defined]
    assert baseline.rows[0] == [("metric", False), ("accuracy", False)]  # type: ignore[attr-defined]
    assert sanity.rows == [  # type: ignore[attr-defined]
        [("beats_noise", False), ("0.02=true, 0.05=false", False)],
        [("monotone", False), ("true", False)],
    ]


def test_deeper_values_are_left_to_the_json_report() -> None:
    deep = {"a": {"b": {"c": {"d": 1}}}}
    tables, omitted = detail_tables({"deep": deep, "matrix": [[1, 2], [3, 4]]})
    assert tables == []
    assert omitted == ["deep", "matrix"]
    (mixed,), _ = detail_tables({"mixed": {"ok": 1, "deep": deep}})
    assert mixed.rows == [[("ok", False), ("1", True)]]
    assert "more in the JSON report" in mixed.notes


def test_two_levels_of_keys_over_flat_dicts_are_one_row_per_pair() -> None:
    perturbation = {"fgsm": {"0.1": {"n": 4, "linf_max": 0.1}}, "pgd": {"0.1": {"n": 5}}}
    (table,), _ = detail_tables({"perturbation": perturbation})
    assert table.columns == ["key", "sub-key", "n", "linf_max"]
    assert table.rows[1][:3] == [("pgd", False), ("0.1", False), ("5", True)]


def test_roc_is_skipped_at_the_top_and_in_each_attack() -> None:
    roc = {"fpr": [0.0, 1.0], "tpr": [0.0, 1.0]}
    details = {"roc": {"loss": roc}, "attacks": {"loss": {"roc": roc, "threshold": 0.5}}}
    (table,), omitted = detail_tables(details)
    assert omitted == []
    assert table.key == "attacks"
    assert table.rows == [[("loss", False), ("threshold=0.5", False)]]


def test_scalars_and_numbers_read_as_the_text_report_reads_them() -> None:
    details = {
        "a": NAN,
        "b": math.inf,
        "c": -math.inf,
        "d": np.float64(NAN),
        "e": np.int64(3),
        "f": np.bool_(True),
        "g": None,
        "h": ["sex", "age"],
        "i": [],
    }
    (table,), _ = detail_tables(details)
    assert table.key == OTHER
    values = {row[0][0]: row[1][0] for row in table.rows}
    assert values == {
        "a": "undefined",
        "b": "∞",
        "c": "-∞",
        "d": "undefined",
        "e": "3",
        "f": "true",
        "g": "–",
        "h": "sex, age",
        "i": "(empty)",
    }


def test_hostile_strings_are_printable_and_capped() -> None:
    long = "x" * 10_000
    details = {HOSTILE: [{HOSTILE: HOSTILE, "long": long}], "s": "\ud800\x00"}
    tables, _ = detail_tables(details)
    for table in tables:
        texts = [table.key, *table.columns, *(text for row in table.rows for text, _ in row)]
        for text in texts:
            text.encode("utf-8")  # no lone surrogate left
            assert "\x00" not in text
            assert len(text) <= MAX_TEXT + 40
    assert any("more characters" in text for t in tables for row in t.rows for text, _ in row)


class _WellFormed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.summaries = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in {"meta", "br"}:
            self.stack.append(tag)
        self.summaries += tag == "summary"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _hostile_outcome() -> TestOutcome:
    nested: dict[str, object] = {"leaf": 1}
    for _ in range(200):
        nested = {"n": nested}
    return TestOutcome(
        name="details",
        type="label_audit",
        target="model.onnx",
        status=Status.PASSED,
        details={
            "ranked": [{"row": i, "label": HOSTILE, "score": NAN} for i in range(10_000)],
            HOSTILE: {HOSTILE: {HOSTILE: HOSTILE}, "inf": math.inf},
            "deep": nested,
            "per_sample": np.array([0.1, NAN]),
        },
    )


@pytest.fixture(scope="module")
def page() -> str:
    report = build_report()
    report.outcomes.append(_hostile_outcome())
    return render_plan_html(report)


def test_page_with_hostile_details_stays_well_formed(page: str) -> None:
    parser = _WellFormed()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert "<script" not in page.lower()
    assert "\x00" not in page
    page.encode("utf-8")
    text = "".join(parser.text)
    assert "ranked (10000 rows)" in text
    assert f"{10_000 - MAX_ROWS} more rows in the JSON report" in text
    assert "Not shown here, more in the JSON report: deep, per_sample" in text


def test_page_shows_only_the_first_rows_of_a_long_list(page: str) -> None:
    section = page[page.index("ranked (10000 rows)") :]
    section = section[: section.index("</details>")]
    assert section.count("<tr>") == MAX_ROWS + 1  # the header row, then the rows shown
