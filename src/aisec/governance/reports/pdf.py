"""A report as PDF, drawn with reportlab's platypus (the optional ``pdf`` extra).

The only module that imports reportlab, which has no type stubs: it is loaded with
``importlib`` and typed ``Any``. Only the standard PDF fonts are used (Helvetica), so
nothing is fetched or read from the system; characters they lack show as a box. Every
string is cleaned (controls and lone surrogates become visible escapes) and XML-escaped
before reportlab's paragraph markup sees it; long words are split; a table cell keeps
its first ``CELL_LIMIT`` characters (a header cell ``HEADER_LIMIT``) and rows split
across pages, so no cell is too large to lay out.
"""

from __future__ import annotations

import importlib
import io
from typing import Any
from xml.sax.saxutils import escape

from aisec.core.errors import ConfigError
from aisec.governance.reports.document import EMPTY_SECTION, STATUSES, ReportDocument, Section
from aisec.governance.reports.html import clean, clean_lines
from aisec.report import shorten

CELL_LIMIT = 3000
HEADER_LIMIT = 120
_WORD = 16  # longest word, in characters, a column is widened for
_BADGE_COLOURS = {
    "missing": "#b42318",
    "not-assessed": "#b42318",
    "provided": "#1a7f37",
    "recorded": "#1a7f37",
    "info": "#57606a",
}


def _reportlab() -> dict[str, Any]:
    try:
        return {
            name: importlib.import_module(f"reportlab.{name}")
            for name in (
                "platypus",
                "lib.styles",
                "lib.pagesizes",
                "lib.units",
                "lib.colors",
                "pdfbase.pdfmetrics",
            )
        }
    except ImportError:
        raise ConfigError("PDF reports need reportlab", hint="pip install 'aisec[pdf]'") from None


def _markup(text: str, *, lines: bool = True, limit: int | None = None) -> str:
    cleaned = clean_lines(text) if lines else clean(text)
    if limit is not None:
        cleaned = shorten(cleaned, limit)
    return escape(cleaned).replace("\n", "<br/>")


class _Builder:
    def __init__(self, rl: dict[str, Any]) -> None:
        self.rl = rl
        styles = rl["lib.styles"].getSampleStyleSheet()
        make = rl["lib.styles"].ParagraphStyle
        self.title = styles["Title"]
        self.subtitle = make("subtitle", parent=styles["Normal"], fontSize=12, leading=15)
        self.heading = make("h2", parent=styles["Heading2"], keepWithNext=1)
        self.body = make(
            "body", parent=styles["Normal"], fontSize=10, leading=13, spaceAfter=5, splitLongWords=1
        )
        self.muted = make("muted", parent=self.body, textColor="#57606a")
        self.cell = make("cell", parent=self.body, fontSize=8, leading=10, spaceAfter=0)
        self.head_cell = make("head", parent=self.cell, fontName="Helvetica-Bold")

    def paragraph(self, markup: str, style: Any = None) -> Any:
        return self.rl["platypus"].Paragraph(markup, style or self.body)

    def item(self, label: str, text: str, status: str) -> Any:
        colour = _BADGE_COLOURS.get(status, "#57606a")
        badge = escape(STATUSES.get(status, status)).upper()
        return self.paragraph(
            f"<b>{_markup(label, lines=False)}</b> "
            f'<font color="{colour}"><b>[{badge}]</b></font><br/>{_markup(text)}'
        )

    def widths(self, header: list[str], rows: list[list[str]], width: float) -> list[float]:
        """Each column at least as wide as its longest word (up to ``_WORD``), the rest of
        the width shared by how much text the columns hold."""
        measure = self.rl["pdfbase.pdfmetrics"].stringWidth
        columns = [[h, *(r[i] for r in rows)] for i, h in enumerate(header)]
        floor = []
        for column in columns:
            words = [w[:_WORD] for cell in column for w in cell.split()] or [""]
            floor.append(max(measure(w, "Helvetica-Bold", 8) for w in words) + 13)
        if sum(floor) >= width:
            return [width * f / sum(floor) for f in floor]
        weights = [min(max(len(cell) for cell in column), 80) + 1 for column in columns]
        spare = width - sum(floor)
        return [f + spare * w / sum(weights) for f, w in zip(floor, weights, strict=True)]

    def table(self, header: list[str], rows: list[list[str]], width: float) -> Any:
        platypus, colors = self.rl["platypus"], self.rl["lib.colors"]
        data = [
            [
                self.paragraph(_markup(h, lines=False, limit=HEADER_LIMIT), self.head_cell)
                for h in header
            ]
        ]
        data += [
            [self.paragraph(_markup(c, limit=CELL_LIMIT), self.cell) for c in row] for row in rows
        ]
        if not rows:
            data.append([self.paragraph("None recorded.", self.cell)] + [""] * (len(header) - 1))
        table = platypus.Table(
            data,
            colWidths=self.widths(header, rows, width),
            repeatRows=1,
            splitInRow=1,
            hAlign="LEFT",
        )
        table.setStyle(
            platypus.TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4ae")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    def section(self, section: Section, width: float) -> list[Any]:
        spacer = self.rl["platypus"].Spacer
        out = [self.paragraph(_markup(section.heading, lines=False), self.heading)]
        if section.ref:
            out.append(self.paragraph(_markup(section.ref, lines=False), self.muted))
        out += [self.paragraph(_markup(p)) for p in section.paragraphs]
        out += [self.item(i.label, i.text, i.status) for i in section.items]
        for table in section.tables:
            if table.caption:
                out.append(self.paragraph(_markup(table.caption, lines=False), self.muted))
            out += [self.table(table.header, table.rows, width), spacer(1, 6)]
        if section.empty:
            out.append(self.item("This section", EMPTY_SECTION, "missing"))
        return out


def to_pdf(doc: ReportDocument) -> bytes:
    """The report as PDF bytes, titled in the document metadata, with page numbers."""
    from aisec import __version__

    rl = _reportlab()
    mm = rl["lib.units"].mm
    build = _Builder(rl)
    buffer = io.BytesIO()
    title = clean(doc.title)
    template = rl["platypus"].SimpleDocTemplate(
        buffer,
        pagesize=rl["lib.pagesizes"].A4,
        title=title,
        subject=shorten(clean(doc.subtitle), 300),
        author="aisec",
        creator=f"aisec {__version__}",
        lang="en",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    footer = shorten(title, 90)

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(template.pagesize[0] - 18 * mm, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    story = [build.paragraph(_markup(doc.title, lines=False), build.title)]
    if doc.subtitle:
        story.append(build.paragraph(_markup(doc.subtitle, lines=False), build.subtitle))
    stamp = doc.generated_at.isoformat(timespec="seconds")
    story.append(
        build.paragraph(
            f"Generated {stamp} by aisec {__version__}. Statements still "
            f"to complete: {doc.missing}.",
            build.muted,
        )
    )
    story += [build.paragraph(_markup(p)) for p in doc.preamble]
    for section in doc.sections:
        story += build.section(section, template.width)
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
