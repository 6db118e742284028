"""A report as one self-contained HTML page: inline CSS for screen and print, no script,
no stylesheet, font or image to fetch and no URL, in the house style of
:mod:`aisec.report.plan_html`. Every string is cleaned here (lone surrogates and control
characters become visible escapes) and then autoescaped by Jinja2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment

from aisec.governance.reports.document import EMPTY_SECTION, ReportDocument, Section
from aisec.report import printable, safe_text
from aisec.report.templating import template_environment

TEMPLATE = "report.html.j2"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment() -> Environment:
    return template_environment(_TEMPLATES)


def clean(text: str) -> str:
    """One line of text safe to show: no control, bidi or surrogate characters."""
    return printable(text)


def clean_lines(text: str) -> str:
    """Multi-line text keeps its line breaks; each line is cleaned."""
    return "\n".join(printable(line) for line in safe_text(text).split("\n"))


def _section(index: int, section: Section) -> dict[str, Any]:
    return {
        "anchor": f"section-{index}",
        "heading": clean(section.heading),
        "ref": clean(section.ref),
        "paragraphs": [clean_lines(p) for p in section.paragraphs],
        "tables": [
            {
                "caption": clean(t.caption),
                "header": [clean(h) for h in t.header],
                "rows": [[clean_lines(c) for c in row] for row in t.rows],
            }
            for t in section.tables
        ],
        "entries": [
            {
                "label": clean(i.label),
                "text": clean_lines(i.text),
                "status": i.status,
                "badge": i.badge,
            }
            for i in section.items
        ],
        "empty": EMPTY_SECTION if section.empty else "",
    }


def html_context(doc: ReportDocument) -> dict[str, Any]:
    from aisec import __version__

    return {
        "title": clean(doc.title),
        "subtitle": clean(doc.subtitle),
        "generated_at": doc.generated_at.isoformat(timespec="seconds"),
        "preamble": [clean_lines(p) for p in doc.preamble],
        "missing": doc.missing,
        "sections": [_section(i, s) for i, s in enumerate(doc.sections, start=1)],
        "tool_version": clean(str(__version__)),
    }


def to_html(doc: ReportDocument) -> str:
    return _environment().get_template(TEMPLATE).render(html_context(doc))
