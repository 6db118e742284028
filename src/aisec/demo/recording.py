"""The store half of the demo: the organisation's inventory, its runs linked to the
systems they concern, its governance record, and the tumour-screening system's AI-BOM.

One store is opened for all of it (opening runs the migrations check, which is the
slow part). The order matters: a run can only be linked to a system the inventory has,
risks are proposed from linked runs and classifications, and the gate reads everything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.demo.systems import DEMO_SYSTEM, MAIL_SYSTEM, SYSTEMS

if TYPE_CHECKING:
    from aisec.core.registry import Registry
    from aisec.core.settings import Settings
    from aisec.demo.summary import DemoSummary


def record_organisation(
    summary: DemoSummary, roots: dict[str, Path], settings: Settings, registry: Registry
) -> None:
    """Fill ``summary``'s store fields; AisecError when the store cannot be used."""
    from aisec.demo.governing import govern
    from aisec.demo.storing import inventory_system, record_linked, system_bom
    from aisec.services.redteaming import exit_code as redteam_exit_code
    from aisec.services.testing import exit_code
    from aisec.services.validating import exit_code as validation_exit_code
    from aisec.store import open_store

    with open_store(settings=settings) as store:
        summary.store = store.url
        summary.inventoried = [
            inventory_system(store, system, roots[system.name], settings, registry)
            for system in SYSTEMS
        ]
        record_linked(store, summary.model_scan, settings, DEMO_SYSTEM)
        if summary.data_scan is not None:
            record_linked(store, summary.data_scan, settings, DEMO_SYSTEM)
        for name, run in summary.other_scans.items():
            record_linked(store, run, settings, name)
        if summary.data_check is not None:
            record_linked(store, summary.data_check.run, settings, MAIL_SYSTEM)
        if summary.plan is not None:
            code = exit_code(summary.plan)
            record_linked(store, summary.plan.run, settings, DEMO_SYSTEM, exit_code=code)
        if summary.detector_validation is not None:
            report = summary.detector_validation.report
            code = validation_exit_code(report)
            record_linked(store, report.run, settings, DEMO_SYSTEM, exit_code=code)
        if summary.redteam is not None:
            # No system of the organisation runs the assistant yet: kept, not linked.
            for report in (summary.redteam.vulnerable, summary.redteam.hardened):
                store.runs.record(report.run, exit_code=redteam_exit_code(report))
        summary.governed = govern(store, datetime.now(UTC))
        summary.tiers = summary.governed.tiers
        summary.bom = system_bom(store, DEMO_SYSTEM)
