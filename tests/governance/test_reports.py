"""The report document, the HTML and PDF renderers and hostile text."""

from __future__ import annotations

import pytest
from test_reports_support import HOSTILE, NOW, check_html, needs_reportlab, pdf_text

from aisec.core.errors import ConfigError
from aisec.governance.reports import (
    AnnexIVInput,
    Item,
    ReportDocument,
    Section,
    SystemInfo,
    Table,
    annex_iv,
    from_dict,
    to_html,
)


def hostile_doc() -> ReportDocument:
    table = Table([HOSTILE, "b"], [[HOSTILE, "x\ny"], ["z" * 20000, "</td><script>"]], HOSTILE)
    section = Section(
        HOSTILE,
        [HOSTILE, "line one\nline two"],
        [table],
        [Item(HOSTILE, HOSTILE, "missing")],
        ref=HOSTILE,
    )
    return ReportDocument("test", HOSTILE, HOSTILE, NOW, [section, Section("Empty")], [HOSTILE])


def test_hostile_text_is_escaped_in_html() -> None:
    page = check_html(hostile_doc())
    text = "".join(page.text)
    assert "<script>alert('x')</script>" in text  # shown as text, not run
    assert "\\x00" in text and "\\u202e" in text and "\\ud800" in text


def test_empty_section_is_marked_to_complete() -> None:
    page = check_html(hostile_doc())
    assert "missing — to complete" in "".join(page.text)
    assert "Nothing recorded for this section yet" in "".join(page.text)


def test_hostile_text_renders_to_pdf() -> None:
    needs_reportlab()
    text = pdf_text(hostile_doc())
    assert "<script>alert('x')</script>" in text
    assert "Nothing recorded for this section yet" in text
    assert "more characters]" in text  # the 20000-character cell was shortened


def test_pdf_has_page_numbers() -> None:
    needs_reportlab()
    text = pdf_text(annex_iv(AnnexIVInput(SystemInfo("s")), generated_at=NOW))
    assert "page 1" in text and "page 2" in text


def test_pdf_without_reportlab_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from aisec.governance.reports import pdf

    real = importlib.import_module

    def refuse(name: str, package: str | None = None) -> object:
        if name.startswith("reportlab"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", refuse)
    with pytest.raises(ConfigError, match="reportlab"):
        pdf.to_pdf(hostile_doc())


def test_table_rows_must_match_the_header() -> None:
    with pytest.raises(ValueError, match="cells"):
        Table(["a", "b"], [["only one"]])


def test_item_status_is_checked() -> None:
    with pytest.raises(ValueError, match="status"):
        Item("a", "b", "done")


def test_document_to_dict_counts_missing() -> None:
    doc = hostile_doc()
    out = doc.to_dict()
    assert out["missing"] == 2 and out["sections"][1]["heading"] == "Empty"


def test_naive_generated_at_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        annex_iv(AnnexIVInput(SystemInfo("s")), generated_at=NOW.replace(tzinfo=None))


def test_from_dict_builds_inputs_and_refuses_unknown_keys() -> None:
    data = from_dict(
        AnnexIVInput, {"system": {"name": "credit", "version": "2"}, "standards": ["ISO/IEC 42001"]}
    )
    assert data.system == SystemInfo("credit", "2") and data.standards == ["ISO/IEC 42001"]
    with pytest.raises(ConfigError, match="unknown keys"):
        from_dict(AnnexIVInput, {"system": {"name": "x"}, "colour": "red"})
    with pytest.raises(ConfigError, match="unknown keys"):
        from_dict(AnnexIVInput, {"system": {"name": "x", "colour": "red"}})


def test_html_is_printable_and_self_contained() -> None:
    html = to_html(hostile_doc())
    assert "@media print" in html and "<style>" in html
    assert 'charset="utf-8"' in html
