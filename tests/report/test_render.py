from __future__ import annotations

import pytest

from aisec.core.errors import UsageError
from aisec.core.severity import Severity
from aisec.report import FORMATS, render
from aisec.report.console import render_console
from aisec.report.json_report import render_json
from aisec.report.junit import render_junit
from aisec.report.sarif import render_sarif


def test_formats():
    assert FORMATS == ("console", "json", "sarif", "junit")


def test_dispatches_to_each_renderer(run, rules):
    kw = {"fail_on": Severity.HIGH, "rules": rules}
    assert render(run, "json", **kw) == render_json(run, Severity.HIGH)
    assert render(run, "sarif", **kw) == render_sarif(run, Severity.HIGH, rules)
    assert render(run, "junit", **kw) == render_junit(run, Severity.HIGH)
    assert render(run, "console", **kw, width=90) == render_console(
        run, Severity.HIGH, color=False, width=90
    )
    assert "\x1b[" in render(run, "console", **kw, color=True, width=90)


def test_format_names_are_forgiving_about_case_and_spaces(run, rules):
    assert render(run, " JSON ", fail_on=Severity.HIGH, rules=rules) == render_json(
        run, Severity.HIGH
    )


@pytest.mark.parametrize("fmt", ["html", "xml", "", "sarif2"])
def test_unknown_format_is_a_usage_error(run, rules, fmt):
    with pytest.raises(UsageError) as caught:
        render(run, fmt, fail_on=Severity.HIGH, rules=rules)
    assert caught.value.code == "AISEC-E101"
    assert caught.value.message == f"unknown report format {fmt!r}"
    assert caught.value.hint == "use one of: console, json, sarif, junit"
