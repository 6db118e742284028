"""``aisec govern coverage``: a SQLite store in tmp_path with a system, a linked scan that
found a dangerous pickle, a linked test run (one extraction test on breast_cancer, its
threshold set to fail), evidence citing an ISO/IEC 42001 control and a FRIA; coverage then
shows each source where it belongs and gaps elsewhere. Also the posture report's numbers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from aisec.cli.main import main
from aisec.store import open_store

MALICIOUS = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x07echo hi\x85R."
PLAN = """\
name: small
target: {train: {estimator: logistic_regression}}
data: {source: sklearn:breast_cancer}
tests:
  - name: extraction
    type: extraction
    params: {budgets: [100]}
    thresholds: [{metric: target_accuracy, max: 0.01}]
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    pytest.importorskip("sklearn")
    tmp = tmp_path_factory.mktemp("coverage")
    mp = pytest.MonkeyPatch()
    mp.chdir(tmp)
    mp.delenv("AISEC_DATABASE_URL", raising=False)
    mp.setenv("AISEC_AUDIT_KEY", str(tmp / "audit.pem"))
    url = f"sqlite:///{tmp / 'gov.db'}"
    (tmp / "evil.pkl").write_bytes(MALICIOUS)
    (tmp / "plan.yaml").write_text(PLAN)
    try:
        assert main(["inventory", "add", "system", "--name", "credit", "--database", url]) == 0
        assert main(["scan", "evil.pkl", "--system", "credit", "--database", url]) == 1
        assert main(["test", "plan.yaml", "--system", "credit", "--database", url]) == 0
        evidence = ["govern", "evidence", "add", "--system", "credit", "--title", "Data policy",
                    "--kind", "document", "--reference", "docs/data.pdf",
                    "--ref", "ISO42001:A.6.2.8", "--valid-until", "2099-12-31",
                    "--database", url]  # fmt: skip
        assert main(evidence) == 0
        with open_store(url) as store:
            store.assessments.record(
                "credit", "fria", framework="eu-ai-act", answers={}, result={},
                rationale=[], assessor="dpo", as_of=date(2026, 11, 1),
            )  # fmt: skip
        yield url
    finally:
        mp.undo()


def coverage_json(db, capsys, *extra: str) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["govern", "coverage", "--system", "credit", "--json", "--database", db,
                 *extra]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["system"] == "credit"
    return {f["framework"]: f for f in data["frameworks"]}


def statuses(framework: dict) -> dict[str, str]:
    return {i["ref"]: i["status"] for i in framework["items"]}


def test_each_source_lands_on_its_requirements(db, capsys):
    found = coverage_json(db, capsys)
    assert list(found) == ["eu-ai-act", "nist-ai-rmf", "iso-42001", "owasp-ml-2023",
                           "mitre-atlas"]  # fmt: skip
    eu, iso, ml = (statuses(found[f]) for f in ("eu-ai-act", "iso-42001", "owasp-ml-2023"))
    assert eu["EU-AI-Act:Art.27"] == "evidenced"  # the FRIA
    assert eu["EU-AI-Act:Art.9"] == "gap"
    assert iso["ISO42001:A.6.2.8"] == "evidenced"  # the evidence record
    # The extraction threshold failed: its check's refs show non-compliance.
    assert ml["ML05:2023"] == "failing"
    assert statuses(found["mitre-atlas"])["AML.T0024.002"] == "failing"
    assert statuses(found["nist-ai-rmf"])["NIST-AI-RMF:MEASURE 2.7"] == "failing"
    # The scan's dangerous pickle fails the supply-chain risk; nothing covers skewing.
    assert ml["ML06:2023"] == "failing" and ml["ML08:2023"] == "gap"
    sources = next(i for i in found["owasp-ml-2023"]["items"] if i["ref"] == "ML06:2023")
    assert any(s["name"] == "modelfile.pickle.dangerous-call" and s["state"] == "failed"
               for s in sources["sources"])  # fmt: skip
    # A clean model-file check of the same scan evidences what it reaches.
    assert statuses(found["mitre-atlas"])["AML.T0029"] == "evidenced"
    for f in found.values():
        assert f["totals"]["gap"] > 0
        assert f["covered"] == f["totals"]["evidenced"] + f["totals"]["expiring"]
        assert f["percent"] == round(100 * f["covered"] / f["total"], 1)


def test_gaps_only_and_framework_choice(db, capsys):
    found = coverage_json(db, capsys, "--framework", "iso-42001", "--gaps-only")
    assert list(found) == ["iso-42001"]
    iso = found["iso-42001"]
    assert {i["status"] for i in iso["items"]} == {"gap"}
    assert len(iso["items"]) == iso["totals"]["gap"]
    assert "ISO42001:A.6.2.8" not in statuses(iso)

    assert main(["govern", "coverage", "--system", "credit", "--framework", "iso-42001",
                 "--gaps-only", "--database", db]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "A.6.2.8" not in out and "A.10.4" in out
    assert "iso-42001: " in out and "covered" in out


def test_expiring_evidence_as_of_a_later_day(db, capsys):
    found = coverage_json(db, capsys, "--framework", "iso-42001", "--today", "2099-12-20")
    assert statuses(found["iso-42001"])["ISO42001:A.6.2.8"] == "expiring"
    found = coverage_json(db, capsys, "--framework", "iso-42001", "--today", "2100-01-01")
    assert statuses(found["iso-42001"])["ISO42001:A.6.2.8"] == "expired"


def test_table_output_names_sources(db, capsys):
    assert main(["govern", "coverage", "--system", "credit", "--framework", "eu-ai-act",
                 "--database", db]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Art.27" in out and "assessment fria final" in out
    assert "eu-ai-act: " in out


def test_posture_report_carries_the_numbers(db, tmp_path):
    out = tmp_path / "posture.html"
    assert main(["govern", "report", "posture", "--system", "credit", "--output", str(out),
                 "--database", db]) == 0  # fmt: skip
    html = out.read_text(encoding="utf-8")
    assert "No control mapping supplied" not in html
    for framework in ("eu-ai-act", "nist-ai-rmf", "iso-42001", "owasp-ml-2023", "mitre-atlas"):
        assert framework in html


def test_errors_exit_2(db, capsys):
    base = ["govern", "coverage", "--database", db]
    assert main([*base, "--system", "nope"]) == 2
    assert main([*base, "--system", "credit", "--framework", "no-such"]) == 2
    assert main([*base, "--system", "credit", "--today", "28.11.2026"]) == 2


def test_a_classified_system_is_judged_on_its_obligations_only():
    from aisec.governance.gates.state import AssessmentRecord
    from aisec.services.governance_coverage import SystemInputs, judge

    fria = AssessmentRecord("a1", "fria", "final", date(2026, 11, 1))
    duties = frozenset({"EU-AI-Act:Art.26", "EU-AI-Act:Art.27"})
    inputs = SystemInputs(system="x", checks_run={}, evidence=[], assessments=[fria],
                          obligations=duties)  # fmt: skip
    eu = judge(inputs, "eu-ai-act", date(2026, 11, 28))
    assert statuses(eu.to_dict()) == {"EU-AI-Act:Art.26": "gap", "EU-AI-Act:Art.27": "evidenced"}
    assert eu.percent == 50.0 and eu.scoped
    # Other frameworks are not scoped by the classification.
    assert not judge(inputs, "iso-42001", date(2026, 11, 28)).scoped
