"""The whole-platform demo: a sample organisation built in a directory and, when asked,
kept in the store. ``aisec demo`` and the server both call :func:`build_demo`.

The directory holds one folder per AI system (its ``models/`` and ``training-data/``).
Planted in it: a booby-trapped model file (and a zip carrying it), an intake extract with
personal data and a pasted API key, and a poisoned training set. The demo scans every
system, checks the poisoned set, tests the tumour-screening model, validates the gateway's
out-of-distribution detector on evasions of that model, and — with the store —
inventories the systems, links every run to its system and keeps the governance record
(:mod:`aisec.demo.governing`). It then says whether each planted problem was caught.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.demo.summary import Caught, DemoSummary
from aisec.demo.systems import CLAIMS_SYSTEM, DEMO_SYSTEM, MAIL_SYSTEM, SYSTEMS

if TYPE_CHECKING:
    from aisec.assurance.plans.result import PlanReport
    from aisec.core.registry import Registry
    from aisec.core.run import Run
    from aisec.core.settings import Settings
    from aisec.demo.artefacts import DemoFile
    from aisec.demo.detector_validation import DetectorValidation
    from aisec.demo.gateway_demo import GatewayDemo
    from aisec.demo.redteaming import RedteamDemo
    from aisec.services.data_checking import DataCheck

Say = Callable[[str], None]
FOLDERS = {s.name: s.folder for s in SYSTEMS}


def build_demo(
    directory: Path, settings: Settings, *, store: bool, say: Say | None = None
) -> DemoSummary:
    """Write the organisation into ``directory``, scan, check and test it, and with
    ``store`` record it all (inventory, runs, governance) in the configured store.
    ``say`` hears one line per step (the CLI's progress). Raises ConfigError when
    scikit-learn is missing; a store that cannot be used is a note in the summary."""
    from aisec.core.registry import default_registry
    from aisec.demo.artefacts import write_demo_files
    from aisec.demo.governing import classify_all
    from aisec.demo.models import write_claims_cost, write_mail_sorting
    from aisec.services.scanning import scan

    tell = say or (lambda _line: None)
    registry = default_registry()
    root = {name: directory / folder for name, folder in FOLDERS.items()}
    files = write_demo_files(root[DEMO_SYSTEM] / "models")
    write_mail_sorting(root[MAIL_SYSTEM])
    write_claims_cost(root[CLAIMS_SYSTEM])
    _documentation(root[CLAIMS_SYSTEM])
    tell(f"wrote {len(SYSTEMS)} AI systems' model files and training data to {directory}")
    model_scan = scan([root[DEMO_SYSTEM] / "models"], settings, registry=registry)
    others = {n: scan([root[n]], settings, registry=registry) for n in (CLAIMS_SYSTEM, MAIL_SYSTEM)}
    notes: list[str] = []
    data_scan = _intake_scan(root[DEMO_SYSTEM] / "training-data", settings, registry, notes)
    tell("checking the mail-sorting training set for poisoning (aisec data check)...")
    data_check = _poisoning_check(root[MAIL_SYSTEM], settings, registry, notes)
    tell("testing the tumour-screening model (aisec test)...")
    plan = _tests(settings, notes)
    tell("putting the gateway in front of the tumour-screening model, replaying attacks...")
    gateway = _gateway(root[DEMO_SYSTEM] / "gateway", settings, store, notes)
    tell("validating the gateway's out-of-distribution detector on evasions (aisec validate)...")
    # Beside the systems, not inside one: discovery would count its scored CSV as a
    # dataset of the tumour-screening system.
    validation = _detector_validation(directory / "detector-validation", notes)
    tell("red-teaming the support assistant before launch (aisec redteam run)...")
    red_team = _red_team(notes)
    flagged = sorted({
        f.location.path.rsplit("/", 1)[-1]
        for run in (model_scan, *others.values()) for f in run.findings
        if f.severity >= settings.fail_on
    })  # fmt: skip
    summary = DemoSummary(
        directory=directory, files=files, tiers=classify_all(None, _now()),
        model_scan=model_scan, data_scan=data_scan, other_scans=others,
        data_check=data_check, plan=plan, flagged=flagged, notes=notes, gateway=gateway,
        detector_validation=validation, redteam=red_team,
        caught=_caught(files, flagged, data_scan, data_check, plan, gateway),
    )  # fmt: skip
    if store:
        from aisec.core.errors import AisecError
        from aisec.demo.recording import record_organisation

        tell("recording the organisation in the store (inventory, runs, governance)...")
        try:
            record_organisation(summary, root, settings, registry)
        except AisecError as exc:  # as for scan: a store that cannot be used only warns
            summary.store = ""
            notes.append(f"not stored: [{exc.code}] {exc.message}")
    return summary


def _now() -> datetime:
    return datetime.now(UTC)


def _documentation(directory: Path) -> None:
    docs = directory / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "technical-documentation.md").write_text(
        "# Claims-cost estimator: technical documentation (EU AI Act Annex IV)\n\n"
        "Gradient-boosted regression on ten clinical measurements; validated on the 2025\n"
        "renewals; monitored monthly for drift; underwriters may override every estimate.\n",
        encoding="utf-8",
    )


def _intake_scan(
    directory: Path, settings: Settings, registry: Registry, notes: list[str]
) -> Run | None:
    from aisec.demo.datasets import write_demo_dataset
    from aisec.services.scanning import scan

    write_demo_dataset(directory)
    if not all(importlib.util.find_spec(m) for m in ("pyarrow", "phonenumbers")):
        notes.append("dataset scan skipped: pip install 'aisec[data]'")
        return None
    return scan([directory], settings, registry=registry)


def _poisoning_check(
    directory: Path, settings: Settings, registry: Registry, notes: list[str]
) -> DataCheck | None:
    from aisec.demo.poisoning import LABEL, POISONED_NAME

    if importlib.util.find_spec("pandas") is None:
        notes.append("poisoning check skipped: pip install 'aisec[data]'")
        return None
    from aisec.data.quality import CheckOptions
    from aisec.services.data_checking import check_data

    path = directory / "training-data" / POISONED_NAME
    # Three folds, not five: the flips are blatant on 1,800 rows, and it halves the time.
    options = CheckOptions(label=LABEL, folds=3)
    return check_data(path, options=options, settings=settings, registry=registry)


def _tests(settings: Settings, notes: list[str]) -> PlanReport | None:
    from aisec.assurance.plans.runner import MissingExtra
    from aisec.demo.assurance import run_demo_plan

    try:
        return run_demo_plan(settings)
    except (ModuleNotFoundError, MissingExtra) as exc:  # the assurance extra is missing
        notes.append(f"model tests skipped: {exc}")
        return None


def _gateway(
    directory: Path, settings: Settings, store: bool, notes: list[str]
) -> GatewayDemo | None:
    needed = ("aiohttp", "uvicorn", "scipy", "yaml", "prometheus_client", "sklearn")
    if not all(importlib.util.find_spec(m) for m in needed):
        notes.append("gateway part skipped: pip install 'aisec[gateway]'")
        return None
    from aisec.core.errors import AisecError
    from aisec.demo.gateway_demo import run_gateway_demo

    try:
        return run_gateway_demo(directory, settings, store=store)
    except AisecError as exc:  # a store that cannot be used: as for the rest, a note
        notes.append(f"gateway part not run: [{exc.code}] {exc.message}")
        return None


def _detector_validation(directory: Path, notes: list[str]) -> DetectorValidation | None:
    if not all(importlib.util.find_spec(m) for m in ("sklearn", "scipy", "pandas", "pyarrow")):
        notes.append("detector validation skipped: pip install 'aisec[assurance,data]'")
        return None
    from aisec.demo.detector_validation import validate_ood_detector

    return validate_ood_detector(directory)


def _red_team(notes: list[str]) -> RedteamDemo | None:
    if importlib.util.find_spec("numpy") is None:
        notes.append("red team skipped: pip install 'aisec[redteam]'")
        return None
    from aisec.demo.redteaming import red_team_assistant

    return red_team_assistant()


def _caught(
    files: list[DemoFile], flagged: list[str], data_scan: Run | None,
    data_check: DataCheck | None, plan: PlanReport | None, gateway: GatewayDemo | None,
) -> Caught:  # fmt: skip
    from aisec.assurance.plans.result import Status
    from aisec.demo.datasets import EXPECTED_COLUMNS, EXPECTED_SECRETS
    from aisec.demo.poisoning import EXPECTED_CHECKS

    trapped = set(flagged) == {f.name for f in files if f.trapped}
    personal = key = True
    if data_scan is not None:
        columns = {str(f.location.column): f.evidence.get("entity")
                   for f in data_scan.findings if f.check_id == "data.pii.column"}  # fmt: skip
        personal = all(columns.get(c) == e for c, e in EXPECTED_COLUMNS.items())
        secrets = sum(f.check_id == "data.secret.exposed" for f in data_scan.findings)
        key = secrets == EXPECTED_SECRETS
    poisoning = data_check is None or EXPECTED_CHECKS.issubset(
        f.check_id for f in data_check.run.findings
    )
    tests = plan is None or not any(o.status is Status.ERROR for o in plan.outcomes)
    attacks = gateway is None or gateway.caught
    return Caught(trapped, personal, key, poisoning, tests, attacks)
