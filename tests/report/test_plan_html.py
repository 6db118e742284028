"""The plan's HTML report: self-contained, escaped, every test shown, charts well-formed."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from aisec.assurance.plans.result import PlanReport, Status, TestOutcome
from aisec.core.run import Run
from aisec.report.plan_html import render_plan_html

from .plan_sample import (
    ERROR_NAME,
    FAILED_NAME,
    HOSTILE,
    PASSED_NAME,
    SKIPPED_NAME,
    build_report,
    evasion_grid_outcome,
    membership_outcome,
)

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class _Collect(HTMLParser):
    """Tags, URL-bearing attributes, ids and visible text of a page; checks nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.anchors: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "srcset", "poster", "data"}:
                self.urls.append(value or "")
            if name == "id":
                self.ids.append(value or "")
        if tag == "a":
            self.anchors.append(dict(attrs).get("href") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return render_plan_html(build_report())


@pytest.fixture(scope="module")
def parsed(page: str) -> _Collect:
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    return parser


def test_self_contained(page, parsed):
    assert "script" not in parsed.tags
    assert "link" not in parsed.tags
    assert "iframe" not in parsed.tags and "img" not in parsed.tags
    assert not any(u.startswith(("http://", "https://", "//")) for u in parsed.urls)
    assert all(u.startswith("#") for u in parsed.anchors)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<script" not in page.lower()
    page.encode("utf-8")


def test_accessible_structure(page, parsed):
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert 'name="viewport"' in page
    assert "overflow-x: auto" in page and "max-width" in page and "@media print" in page
    # The table of contents links to a section for every test.
    targets = {a[1:] for a in parsed.anchors}
    assert targets <= set(parsed.ids)
    assert {"summary", "findings", "test-1", "test-6"} <= targets
    assert len(parsed.ids) == len(set(parsed.ids))


def test_every_test_name_is_shown_escaped(page, parsed):
    text = "".join(parsed.text)
    for name in (PASSED_NAME, FAILED_NAME, ERROR_NAME, SKIPPED_NAME, "membership-lira"):
        assert name in text
    shown = HOSTILE.replace("\x00", "\\x00").replace("\ud800", "\\ud800")
    assert shown in text
    assert html.escape(shown, quote=False) in page
    assert "\x00" not in page


def test_passed_and_failed_sections_both_full(page, parsed):
    sections = re.findall(r'<section id="(test-\d+)" class="test (\w+)"', page)
    assert [s for _, s in sections] == ["passed", "failed", "passed", "error", "error", "skipped"]
    text = "".join(parsed.text)
    for badge in ("✓ PASSED", "✗ FAILED", "! ERROR", "– SKIPPED"):
        assert badge in text
    passed = page.split('id="test-1"')[1].split("<section")[0]
    assert "Measurements" in passed and "Thresholds" in passed and "<svg" in passed
    assert "fairness.disparity &lt;= 0.2" in passed
    assert "0.12" in passed and "[0.05, 0.2]" in passed
    failed = page.split('id="test-2"')[1].split("<section")[0]
    assert "✗ not met" in failed
    assert "0.62" in failed and "[0.58, 0.65]" in failed
    assert "ci_low = 0.58" in failed
    assert "undefined (no rows left)" in failed
    assert "12.50" in failed and "4000" in failed


def test_error_notes_and_findings(page):
    error = page.split('id="test-4"')[1].split("<section")[0]
    assert "Traceback (most recent call last):\n" in error  # lines kept
    assert "&lt;boom&gt; \\x1b[31m" in error
    assert "note with &lt;script&gt;x&lt;/script&gt;, a NUL \\x00 and a surrogate \\xff" in page
    findings = page.split('id="findings"')[1]
    assert "assurance.evasion.robustness" in findings
    assert "AML.T0043" in findings
    assert "0.7 &lt;script&gt;x&lt;/script&gt;" in findings


def test_header_and_summary(page, parsed):
    text = "".join(parsed.text)
    for fact in ("run-plan-1", "2026-01-02T03:04:05+00:00", "13.0 s", "plan.yaml", "rows=1000"):
        assert fact in text
    summary = page.split('id="summary"')[1].split("<section")[0]
    counts = re.findall(r'<td class="num">(\d+)</td>', summary)
    assert counts[:4] == ["2", "1", "2", "1"]  # passed, failed, error, skipped
    assert counts[4:] == ["0", "1", "1", "0", "0"]  # critical .. info


def test_charts_are_well_formed_svg(page):
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) >= 4  # fairness bars, evasion lines + ROC, extraction lines
    for svg in svgs:
        root = ET.fromstring(svg.encode("utf-8"))
        assert root.get("role") == "img"
    assert page.count("<figcaption>") == len(svgs)


def test_empty_plan_renders():
    run = Run(kind="test", targets=[], tool_version="x", config={})
    page = render_plan_html(PlanReport("empty", "<python>", "m", {}, run))
    assert "No findings." in page
    parser = _Collect()
    parser.feed(page)
    assert parser.stack == []


def _rows(page: str, name: str) -> list[str]:
    return re.findall(rf'<tr><td class="name">{re.escape(name)}</td>.*?</tr>', page)


def _report(*outcomes: TestOutcome) -> PlanReport:
    run = Run(kind="test", targets=["m"], tool_version="x", config={})
    return PlanReport("p", "-", "m", {}, run, list(outcomes))


def test_params_column_shows_what_tells_rows_apart():
    page = render_plan_html(_report(membership_outcome(), evasion_grid_outcome()))
    auc = _rows(page, "privacy.mia.auc")
    assert len(auc) == 4
    shown = [r.split('<td class="params">')[1].split("<details>")[0] for r in auc]
    assert shown[0] == "attack=loss"
    assert shown[3] == "attack=shadow, n_shadow=2"  # on the shadow attack's row only
    # The rest waits, collapsed, in the same cell.
    assert "<details><summary>all params</summary>" in auc[0]
    assert "members=500" in auc[0].split("<details>")[1]
    assert "members=500" not in shown[0]
    # A name measured once has nothing to tell apart.
    (train,) = _rows(page, "privacy.train_accuracy")
    assert '<td class="params"><details>' in train
    # "test" is never shown as distinguishing, even though every row has it.
    robust = _rows(page, "evasion.robust_accuracy")
    assert len(robust) == 15
    visible = robust[0].split('<td class="params">')[1].split("<details>")[0]
    assert visible == "epsilon=0.02, attack=fgsm"
    assert "test=evasion" in robust[0]


def test_long_units_and_names_do_not_wrap_letter_by_letter(page):
    assert "td.name, td.unit" in page and "white-space: nowrap" in page
    assert "overflow-wrap: break-word" in page
    assert re.search(r"\.table-wrap \{ overflow-x: auto", page)
    assert '<td class="unit">' in render_plan_html(_report(evasion_grid_outcome()))
    # Tables sit in the scrolling wrapper.
    assert page.count("<table>") == page.count('<div class="table-wrap"><table>')


def test_summary_caption_pluralised():
    one = render_plan_html(_report(TestOutcome("t", "x", "m", Status.PASSED)))
    assert '<caption class="muted">1 test</caption>' in one
    assert '<caption class="muted">6 tests</caption>' in render_plan_html(build_report())
