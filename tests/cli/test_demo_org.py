"""``aisec demo`` end to end: the sample organisation lands in the store with its
inventory, runs, classifications, risks, decisions and incident, and a second run over the
same store refreshes it without copies."""

import json
import re
from datetime import UTC, datetime

import pytest

from aisec.cli.main import main

pytest.importorskip("sklearn")
pytest.importorskip("pandas")

SYSTEMS = {
    "tumour-screening-demo": ("high-risk",),
    "claims-cost-estimator": ("high-risk",),
    "mail-sorting-digits": ("minimal",),
}
VALIDATION_LINE = re.compile(
    r"detector validation: evasion\.ood catches \d+% \[\d+%, \d+%\] of evasions at 1% false "
    r"positives \(pgd \d+%, square \d+%; (\d+) evasions, 171 benign rows\)"
)


REDTEAM_LINE = re.compile(
    r"red team \(support assistant\): vulnerable build gave way to (\d+) of (\d+) attacks in "
    r"(\d+) families; hardened build to (\d+) of 64"
)


def _census(store):
    from aisec.store.records import DatasetAsset, ModelAsset, SystemAsset

    return {
        "systems": sorted(s.name for s in store.inventory.list(SystemAsset)),
        "models": sorted(m.name for m in store.inventory.list(ModelAsset)),
        "datasets": sorted(d.name for d in store.inventory.list(DatasetAsset)),
        "assessments": len(store.assessments.list()),
        "risks": sorted(r.id for s in SYSTEMS for r in store.risks.list(s)),
        "approvals": sum(len(store.approvals.list(s)) for s in SYSTEMS),
        "evidence": sum(len(store.evidence.list(s)) for s in SYSTEMS),
        "incidents": len(store.incidents.list()),
    }


@pytest.fixture
def summaries(monkeypatch):
    """The DemoSummary of every ``aisec demo`` run in the test, as the CLI renders it."""
    from aisec.cli import demo_cmd

    seen = []
    render = demo_cmd._render_summary

    def keep(summary):
        seen.append(summary)
        return render(summary)

    monkeypatch.setattr(demo_cmd, "_render_summary", keep)
    return seen


@pytest.fixture
def demo_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'org.db'}"
    monkeypatch.setenv("AISEC_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def test_demo_builds_the_organisation_in_the_store_and_reruns_cleanly(
    tmp_path, demo_store, capsys, summaries
):
    from aisec.demo.poisoning import EXPECTED_CHECKS
    from aisec.services.governance import KIND
    from aisec.services.governance_coverage import checks_run
    from aisec.store import open_store
    from aisec.store.records import DatasetAsset, ModelAsset, SystemAsset
    from aisec.store.tracking import FindingFilter

    assert main(["demo", "--dir", str(tmp_path / "org")]) == 0
    err = capsys.readouterr().err
    assert "trapped files were caught" in err
    assert "caught: trapped files yes, personal data yes, key yes, poisoning yes" in err
    assert "report due" in err
    assert "gateway: 171 benign requests, 0 alarms; extraction flagged after" in err
    assert "out-of-distribution probe blocked; traffic log 572 entries, verified" in err
    assert "attacks yes" in err
    assert not (tmp_path / ".aisec").exists()  # the configured store, not the default
    shown = VALIDATION_LINE.search(err)
    assert shown is not None, err
    validation = summaries[0].detector_validation
    assert validation is not None and validation.evasions == int(shown.group(1))
    assert validation.benign == 171 and validation.report.run.kind == "validate"
    assert validation.report.run in summaries[0].runs()
    # Beside the systems: discovery must not take the scored rows for a system's dataset.
    assert validation.data.parent == tmp_path / "org" / "detector-validation"
    assert "caution: FPR 0.01: the threshold rests on" in err, err
    shown = REDTEAM_LINE.search(err)
    assert shown is not None, err
    wins, done, families = (int(g) for g in shown.groups()[:3])
    assert 0 < wins <= done == 64 and families == 9
    assert shown.group(4) == "0"  # the hardened build gives way to nothing
    first_rows = validation.data.read_bytes()
    assert first_rows.decode().splitlines()[0] == "ood_score,label,category,row"

    with open_store(demo_store) as store:
        first = _census(store)
        assert set(SYSTEMS) <= set(first["systems"])
        for name, tiers in SYSTEMS.items():
            system = store.inventory.find(SystemAsset, name)
            assert system is not None and system.owner and system.intended_purpose
            assert system.eu_ai_act_role in ("provider", "deployer")
            assert store.inventory.related(system, ModelAsset)
            assert store.inventory.related(system, DatasetAsset)
            classified = store.assessments.latest(name, KIND)
            assert classified is not None
            assert tuple(classified.result["system_tiers"]) == tiers
        assert store.risks.list("tumour-screening-demo")  # proposed from the trapped files
        assert not [d for d in first["datasets"] if "validation" in d], first["datasets"]
        kept = store.runs.list(kind="redteam")
        assert len(kept) == 2 and {r.exit_code for r in kept} == {0, 1}

        checks = store.runs.for_system("mail-sorting-digits", "data-check")
        assert len(checks) == 1
        found = {f.check_id for f in store.findings.list(FindingFilter(run_id=checks[0].id))}
        assert found >= EXPECTED_CHECKS
        assert store.runs.for_system("tumour-screening-demo", "test")
        (validated,) = store.runs.for_system("tumour-screening-demo", "validate")
        assert validated.id == validation.report.run.id
        assert validated.targets == ("evasion.ood",)
        assert any(m.name == "detection_rate" for m in store.runs.measurements(validated.id))
        evidence = checks_run(store, "tumour-screening-demo", datetime.now(UTC).date())
        assert [c.run_id for c in evidence["assurance.detector.accuracy"]] == [validated.id]

        (incident,) = store.incidents.list("tumour-screening-demo")
        assert incident.deadline > incident.aware_at
        assert first["approvals"] == 2 and first["evidence"] == 1

    bom = json.loads((tmp_path / "aisec-demo-bom.json").read_text())
    assert len(bom["vulnerabilities"]) == 2  # the two trapped files

    assert main(["demo", "--dir", str(tmp_path / "org")]) == 0
    with open_store(demo_store) as store:
        assert _census(store) == first
        # runs are history: the second run's checks are kept beside the first's
        assert len(store.runs.for_system("mail-sorting-digits", "data-check")) == 2
        assert len(store.runs.for_system("tumour-screening-demo", "validate")) == 2
    # the same labelled rows and scores on every run
    assert summaries[1].detector_validation.data.read_bytes() == first_rows


def test_demo_without_the_store_still_reports_what_it_caught(tmp_path, demo_store, capsys):
    assert main(["demo", "--no-store", "--dir", str(tmp_path / "org")]) == 0
    err = capsys.readouterr().err
    assert "poisoning yes" in err
    assert VALIDATION_LINE.search(err) is not None, err
    assert not (tmp_path / "org.db").exists()
    assert not (tmp_path / "aisec-demo-bom.json").exists()
