"""Governance reports: Annex IV technical documentation, the fundamental rights and data
protection impact assessments, the model card, the ISO/IEC 42001 statement of
applicability, the posture summary and the Art. 73 incident report.

Each builder takes a plain input dataclass (no store access) and returns a
:class:`ReportDocument`; :func:`to_html` and :func:`to_pdf` render any of them. The PDF
renderer needs the optional ``pdf`` extra (reportlab) and imports it only when called.
"""

from aisec.governance.reports.annex_iv import AnnexIVInput, annex_iv
from aisec.governance.reports.document import Item, ReportDocument, Section, Table
from aisec.governance.reports.dpia import DpiaInput, dpia
from aisec.governance.reports.fria import FriaInput, fria
from aisec.governance.reports.html import to_html
from aisec.governance.reports.incident import incident_report, incident_report_json
from aisec.governance.reports.inputs import SystemInfo, from_dict
from aisec.governance.reports.model_card import ModelCardInput, model_card
from aisec.governance.reports.pdf import to_pdf
from aisec.governance.reports.posture import PostureInput, posture_summary
from aisec.governance.reports.soa import statement_of_applicability

__all__ = [
    "AnnexIVInput",
    "DpiaInput",
    "FriaInput",
    "Item",
    "ModelCardInput",
    "PostureInput",
    "ReportDocument",
    "Section",
    "SystemInfo",
    "Table",
    "annex_iv",
    "dpia",
    "fria",
    "from_dict",
    "incident_report",
    "incident_report_json",
    "model_card",
    "posture_summary",
    "statement_of_applicability",
    "to_html",
    "to_pdf",
]
