"""The coverage engine over plain inputs: each status, the crosswalk's reach, the
``applicable`` filter and the percentages."""

from __future__ import annotations

from datetime import date

import pytest

from aisec.governance.catalogs import load_catalogue
from aisec.governance.coverage import (
    STATUSES,
    CheckRun,
    Source,
    coverage,
    requirement_items,
    status_of,
)
from aisec.governance.gates.state import AssessmentRecord, EvidenceRecord

TODAY = date(2026, 11, 28)
EXTRACTION = "assurance.extraction.fidelity"  # refs ML05:2023, Art.15, MEASURE 2.7...
LOADER = "discovery.unsafe-loader"  # refs AML.T0010 and ML06:2023 only


def passed(day: date = TODAY, run: str = "r1") -> CheckRun:
    return CheckRun(run, day, True)


def failed(day: date = TODAY, run: str = "r2") -> CheckRun:
    return CheckRun(run, day, False, "threshold not met")


def item(cov, ref):
    return next(i for i in cov.items if i.ref == ref)


def test_nothing_at_all_is_a_gap_everywhere():
    cov = coverage("owasp-ml-2023", checks_run={}, today=TODAY)
    assert cov.total == 10 and cov.totals["gap"] == 10
    assert cov.covered == 0 and cov.percent == 0.0
    assert set(cov.totals) == set(STATUSES)


def test_a_passing_check_evidences_its_own_refs():
    cov = coverage("owasp-ml-2023", checks_run={EXTRACTION: [passed()]}, today=TODAY)
    found = item(cov, "ML05:2023")
    assert found.status == "evidenced"
    assert found.sources[0].name == EXTRACTION and found.sources[0].via == "direct"
    assert item(cov, "ML04:2023").status == "gap"


def test_a_failing_check_outweighs_valid_evidence():
    doc = EvidenceRecord("Theft controls", ("ML05:2023",), date(2099, 1, 1), "e1")
    cov = coverage("owasp-ml-2023", checks_run={EXTRACTION: [failed()]},
                   evidence_records=[doc], today=TODAY)  # fmt: skip
    found = item(cov, "ML05:2023")
    assert found.status == "failing"
    assert {s.kind for s in found.sources} == {"check", "evidence"}
    assert cov.covered == 0


def test_only_the_newest_run_of_a_check_counts():
    fixed = {EXTRACTION: [failed(date(2026, 10, 1)), passed(TODAY)]}
    assert item(coverage("owasp-ml-2023", checks_run=fixed, today=TODAY),
                "ML05:2023").status == "evidenced"  # fmt: skip
    broke = {EXTRACTION: [passed(date(2026, 10, 1)), failed(TODAY)]}
    assert item(coverage("owasp-ml-2023", checks_run=broke, today=TODAY),
                "ML05:2023").status == "failing"  # fmt: skip


def test_the_crosswalk_hints_at_related_items_without_claiming_them():
    # The loader check names no ISO control; the supply-chain group links ML06 to A.10.3.
    # The check is listed with the control as a hint, but it does not test the control:
    # the control stays a gap and nothing is counted as covered.
    cov = coverage("iso-42001", checks_run={LOADER: [passed()]}, today=TODAY)
    found = item(cov, "ISO42001:A.10.3")
    assert found.sources[0].via == "crosswalk" and found.status == "gap"
    assert cov.covered == 0


@pytest.mark.parametrize(
    ("valid_until", "status"),
    [
        (None, "evidenced"),
        (date(2027, 6, 1), "evidenced"),
        (date(2026, 12, 10), "expiring"),  # 12 days left: fewer than 30
        (TODAY, "expiring"),  # the last valid day
        (date(2026, 11, 27), "expired"),
    ],
)
def test_evidence_validity(valid_until, status):
    doc = EvidenceRecord("Data policy", ("ISO42001:A.6.2.8",), valid_until, "e1")
    cov = coverage("iso-42001", checks_run={}, evidence_records=[doc], today=TODAY)
    found = item(cov, "ISO42001:A.6.2.8")
    assert found.status == status
    assert cov.covered == (1 if status in ("evidenced", "expiring") else 0)


def test_the_expiry_window_is_a_parameter():
    doc = EvidenceRecord("Data policy", ("ISO42001:A.6.2.8",), date(2026, 12, 10), "e1")
    cov = coverage("iso-42001", checks_run={}, evidence_records=[doc], today=TODAY,
                   within_days=7)  # fmt: skip
    assert item(cov, "ISO42001:A.6.2.8").status == "evidenced"


def test_current_evidence_beats_lapsing_evidence_of_the_same_item():
    docs = [EvidenceRecord("old", ("ISO42001:A.6.2.8",), date(2026, 1, 1), "e1"),
            EvidenceRecord("new", ("ISO42001:A.6.2.8",), None, "e2")]  # fmt: skip
    cov = coverage("iso-42001", checks_run={}, evidence_records=docs, today=TODAY)
    assert item(cov, "ISO42001:A.6.2.8").status == "evidenced"


def test_final_assessments_evidence_what_their_kind_stands_for():
    fria = AssessmentRecord("a1", "fria", "final", TODAY)
    draft = AssessmentRecord("a2", "dpia", "draft", TODAY)
    eu = coverage("eu-ai-act", checks_run={}, assessments=[fria, draft], today=TODAY)
    assert item(eu, "EU-AI-Act:Art.27").status == "evidenced"
    gdpr = coverage("gdpr", checks_run={}, assessments=[fria, draft], today=TODAY)
    assert item(gdpr, "GDPR:Art.35").status == "gap"  # a draft DPIA is no evidence


def test_applicable_limits_the_items_and_the_percentage():
    fria = AssessmentRecord("a1", "fria", "final", TODAY)
    full = coverage("eu-ai-act", checks_run={}, assessments=[fria], today=TODAY)
    assert full.total == len(requirement_items(load_catalogue("eu-ai-act")))
    assert not full.scoped and full.not_applicable == 0
    wanted = {"EU-AI-Act:Art.26", "Art.27", "Art.6(4)", "EU-AI-Act:nope"}
    scoped = coverage("eu-ai-act", checks_run={}, assessments=[fria], today=TODAY,
                      applicable=wanted)  # fmt: skip
    # Refs or bare ids; a duty of another kind (the Art. 6(4) paragraph) is judged too.
    assert [i.ref for i in scoped.items] == [
        "EU-AI-Act:Art.26", "EU-AI-Act:Art.27", "EU-AI-Act:Art.6(4)"
    ]  # fmt: skip
    assert scoped.covered == 1 and scoped.percent == pytest.approx(33.3)
    assert scoped.scoped and scoped.not_applicable == full.total - 2


def test_nothing_applicable_has_no_percentage():
    cov = coverage("eu-ai-act", checks_run={}, today=TODAY, applicable=set())
    assert cov.total == 0 and cov.percent is None


def test_requirement_kinds_per_catalogue():
    main = ("eu-ai-act", "nist-ai-rmf", "iso-42001", "owasp-ml-2023", "mitre-atlas")
    kinds = {c: {i.kind for i in requirement_items(load_catalogue(c))} for c in main}
    assert kinds == {"eu-ai-act": {"obligation"}, "nist-ai-rmf": {"subcategory"},
                     "iso-42001": {"control"}, "owasp-ml-2023": {"risk"},
                     "mitre-atlas": {"technique", "sub-technique"}}  # fmt: skip


def test_status_rule_order():
    def src(state: str) -> Source:
        return Source("evidence", "x", "x", state)

    assert status_of([]) == "gap"
    assert status_of([src("expired")]) == "expired"
    assert status_of([src("expired"), src("expiring")]) == "expiring"
    assert status_of([src("expiring"), src("valid")]) == "evidenced"
    assert status_of([src("valid"), src("failed")]) == "failing"


def test_to_dict_is_json_ready():
    import json

    doc = EvidenceRecord("Data policy", ("ISO42001:A.6.2.8",), date(2027, 1, 1), "e1")
    cov = coverage("iso-42001", checks_run={LOADER: [passed()]}, evidence_records=[doc],
                   today=TODAY)  # fmt: skip
    data = json.loads(json.dumps(cov.to_dict()))
    assert data["framework"] == "iso-42001" and data["covered"] == 1
    assert data["totals"]["evidenced"] == 1
    found = next(i for i in data["items"] if i["ref"] == "ISO42001:A.6.2.8")
    assert found["sources"][0] == {
        "kind": "evidence", "id": "e1", "name": "Data policy", "state": "valid",
        "date": "2027-01-01", "via": "direct",
    }  # fmt: skip
