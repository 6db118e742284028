"""The risk register's engine: risks per AI system with an ATLAS threat, likelihood x
impact, owner, treatment and residual risk (``model``, scored by ``scoring``), proposed
from findings, assurance measurements and the EU AI Act classification, and merged into
an existing register without losing people's decisions. Pure Python; storage and CLI
live elsewhere. See docs/adr/0019-risk-register.md."""

from aisec.governance.risks.classification import propose_from_classification
from aisec.governance.risks.findings import propose_from_findings
from aisec.governance.risks.measurements import RULES, propose_from_measurements
from aisec.governance.risks.merge import HeatMap, heat_map, merge
from aisec.governance.risks.model import STATUSES, TREATMENTS, Risk, edit, risk_id
from aisec.governance.risks.scoring import BANDS, LEVELS, level

__all__ = [
    "BANDS",
    "LEVELS",
    "RULES",
    "STATUSES",
    "TREATMENTS",
    "HeatMap",
    "Risk",
    "edit",
    "heat_map",
    "level",
    "merge",
    "propose_from_classification",
    "propose_from_findings",
    "propose_from_measurements",
    "risk_id",
]
