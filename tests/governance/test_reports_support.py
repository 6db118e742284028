"""Shared fixtures and checks for the governance report tests (no tests of its own)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from aisec.governance.classify import Classification, classify, next_questions
from aisec.governance.reports import ReportDocument, to_html, to_pdf
from aisec.governance.risks.scoring import level
from aisec.report import printable

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert('x')</script>\x00\u202e\ud800 & \"q\" " + "W" * 4000
URL = re.compile(r"(?:https?|ftp|file|data|javascript):|//[a-z0-9]", re.IGNORECASE)


def classification(**given: object) -> Classification:
    answers: dict[str, object] = {"subject": "ai-system", **given}
    while pending := next_questions(answers):
        for q in pending:
            if q.kind == "one-of":
                answers[q.id] = q.choices[0].value
            else:
                answers[q.id] = {"yes-no": False, "many-of": [], "number": 0}[q.kind]
    return classify(answers, roles=("provider", "deployer"), as_of=date(2026, 11, 28))


def credit_scoring() -> dict[str, Any]:
    return classification(annex_iii_use_cases=["AnnexIII.5(b)"]).to_dict()


def measurement(
    name: str, value: float, low: float | None, high: float | None, **params: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "n": 500,
        "unit": "",
        "params": params,
    }


def risk(title: str, likelihood: int = 3, impact: int = 4, **extra: Any) -> dict[str, Any]:
    score = likelihood * impact
    return {
        "id": f"R-{abs(hash(title)) % 10**12:012d}",
        "system": "credit",
        "title": title,
        "threat": "AML.T0015",
        "likelihood": likelihood,
        "impact": impact,
        "score": score,
        "level": level(score),
        "treatment": "mitigate",
        "status": "open",
        "owner": "risk-team",
        "controls": ["ISO42001:A.6.2.4"],
        "residual_level": None,
        **extra,
    }


class Page(HTMLParser):
    """Collects tags, attribute values and text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [v or "" for _, v in attrs]
        self._in_heading = tag == "h2"
        if self._in_heading:
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_heading:
            self.headings[-1] += data


def check_html(doc: ReportDocument) -> Page:
    html = to_html(doc)
    html.encode("utf-8")  # no lone surrogate survives
    page = Page()
    page.feed(html)
    page.close()
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not any(URL.search(v) for v in page.attrs), "an attribute holds a URL"
    assert not URL.search(html.split("<style>")[1].split("</style>")[0]), "CSS fetches a URL"
    assert "\x00" not in html
    return page


def pdf_text(doc: ReportDocument) -> str:
    """The PDF's extracted text with whitespace runs made single spaces."""
    pypdf = pytest.importorskip("pypdf")
    data = to_pdf(doc)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == printable(doc.title)
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def needs_reportlab() -> None:
    pytest.importorskip("reportlab")
