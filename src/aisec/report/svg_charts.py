"""Small self-contained SVG charts for the HTML report: lines with intervals, bars, ROC.

The output is plain SVG 1.1: no script, no external font, stylesheet or image, so a report
opens offline and passes a strict Content-Security-Policy. It is deterministic (same input,
same bytes) so reports diff. Every label is escaped, since series names and categories
come from params that a plan or a dataset controls. Each chart carries ``<title>``,
``<desc>``, ``role="img"`` and an ``aria-label``; series differ by marker and dash pattern
as well as colour, so they stay distinct in greyscale print and for colour-blind readers.
Points whose coordinates are NaN, infinite or None are left out (a gap), never drawn at 0.

This module is the stable entry point; the pieces live in ``svg_scale`` (numbers to
pixels), ``svg_canvas`` (escaping, frame, legend), ``svg_xy``, ``svg_line``, ``svg_roc``
and ``svg_bar``.
"""

from __future__ import annotations

from aisec.report.svg_bar import Bar, bar_chart
from aisec.report.svg_canvas import COLOURS, DASHES, MARKERS
from aisec.report.svg_line import line_chart
from aisec.report.svg_roc import roc_chart
from aisec.report.svg_xy import Point

__all__ = ["COLOURS", "DASHES", "MARKERS", "Bar", "Point", "bar_chart", "line_chart", "roc_chart"]
