"""Control coverage from linked scans, on SQLite and PostgreSQL: judged per scanned target
by the gate's rule (the latest scan of each target), and crediting only the checks a scan
recorded as run; scans stored without that record keep crediting every model-file check."""

from __future__ import annotations

import pickle
import struct
from datetime import UTC, date, datetime

from aisec.core.registry import default_registry
from aisec.core.run import Run
from aisec.governance.coverage import CheckRun, coverage
from aisec.services.gating import system_state
from aisec.services.governance_coverage import checks_run, system_coverage
from aisec.services.scan_evidence import latest_scans
from aisec.services.scanning import scan
from aisec.store import SystemAsset

TODAY = date(2026, 11, 28)
DANGEROUS = "modelfile.pickle.dangerous-call"  # refs ML06:2023 (supply chain)
MALICIOUS = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x07echo hi\x85R."


def _safetensors() -> bytes:
    header = b'{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    return struct.pack("<Q", len(header)) + header + b"\0" * 4


def _scan(store, path, content: bytes, day: int) -> Run:
    path.write_bytes(content)
    run = scan([path])
    run.started_at = datetime(2026, 11, day, 12, tzinfo=UTC)
    store.runs.record(run)
    store.runs.link_system(run.id, "credit")
    return run


def _status(store, framework: str, ref: str) -> str:
    cov = system_coverage(store, "credit", framework, TODAY)
    return next(i.status for i in cov.items if i.ref == ref)


def test_each_target_keeps_its_own_latest_scan(store, tmp_path):
    store.inventory.add(SystemAsset(name="credit"))
    a, b = tmp_path / "a.pkl", tmp_path / "b.pkl"
    first = _scan(store, a, MALICIOUS, 1)
    second = _scan(store, b, pickle.dumps({"weights": [1, 2]}, protocol=4), 5)
    # Both targets count, although b's scan is newer and on another day.
    runs = checks_run(store, "credit", TODAY)[DANGEROUS]
    assert {(r.run_id, r.passed) for r in runs} == {(first.id, False), (second.id, True)}
    assert _status(store, "owasp-ml-2023", "ML06:2023") == "failing"
    # The same rule as the gate's: one function decides for both.
    assert [e.scan.id for e in latest_scans(store, "credit", TODAY)] == [second.id, first.id]
    assert {s.run_id for s in system_state(store, "credit", TODAY).scans} == {first.id, second.id}

    # a rescanned clean: its evidence is replaced, b's is kept.
    third = _scan(store, a, pickle.dumps([3], protocol=4), 9)
    runs = checks_run(store, "credit", TODAY)[DANGEROUS]
    assert {(r.run_id, r.passed) for r in runs} == {(third.id, True), (second.id, True)}
    assert _status(store, "owasp-ml-2023", "ML06:2023") == "evidenced"


def test_only_the_checks_a_scan_ran_are_credited(store, tmp_path):
    store.inventory.add(SystemAsset(name="credit"))
    run = _scan(store, tmp_path / "m.safetensors", _safetensors(), 1)
    assert run.checks_applied and not any(".pickle." in c for c in run.checks_applied)
    stored = store.runs.get(run.id)
    assert stored is not None and stored.checks_applied == tuple(run.checks_applied)
    assert "checks_applied" not in stored.counts
    judged = checks_run(store, "credit", TODAY)
    assert set(judged) == set(run.checks_applied)
    assert DANGEROUS not in judged
    # No pickle was looked at: the pickle checks' supply-chain risk is not evidenced.
    assert _status(store, "owasp-ml-2023", "ML06:2023") != "evidenced"


def test_a_scan_stored_without_the_record_credits_every_model_file_check(store):
    store.inventory.add(SystemAsset(name="credit"))
    old = Run("scan", ["m.safetensors"], "0.1.0", {"fail_on": "high"})
    old.started_at = datetime(2026, 11, 1, tzinfo=UTC)
    old.finish()
    assert old.checks_applied is None
    store.runs.record(old)
    store.runs.link_system(old.id, "credit")
    assert store.runs.get(old.id).checks_applied is None
    every = {c.id for c in default_registry().enabled() if c.id.startswith("modelfile.")}
    assert set(checks_run(store, "credit", TODAY)) == every
    assert _status(store, "owasp-ml-2023", "ML06:2023") == "evidenced"


def test_runs_of_other_subjects_are_all_current():
    # Engine rule behind the per-target scans: the newest day counts per subject only.
    old_failure = CheckRun("r1", date(2026, 11, 1), False, "found", subject="a.pkl")
    newer_pass = CheckRun("r2", date(2026, 11, 5), True, subject="b.pkl")
    cov = coverage("owasp-ml-2023", checks_run={DANGEROUS: [old_failure, newer_pass]},
                   today=TODAY)  # fmt: skip
    assert next(i for i in cov.items if i.ref == "ML06:2023").status == "failing"
    fixed = CheckRun("r3", date(2026, 11, 9), True, subject="a.pkl")
    cov = coverage("owasp-ml-2023", checks_run={DANGEROUS: [old_failure, newer_pass, fixed]},
                   today=TODAY)  # fmt: skip
    assert next(i for i in cov.items if i.ref == "ML06:2023").status == "evidenced"
