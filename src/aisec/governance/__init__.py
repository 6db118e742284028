"""Governance and compliance: frameworks as data, classification, risks, controls,
evidence, gates, incidents, reports (docs/adr/0017)."""
