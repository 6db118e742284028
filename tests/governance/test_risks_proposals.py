"""Risks proposed from real findings, classifications and measurements: threats and
controls resolve in the catalogues, scores follow the documented rules, ids are stable."""

from __future__ import annotations

from datetime import date

import pytest

from aisec.core.finding import Finding, Location
from aisec.core.registry import default_registry
from aisec.core.run import Measurement
from aisec.core.severity import Severity
from aisec.governance.catalogs import load_catalogue, resolve
from aisec.governance.classify import Classification, classify, next_questions
from aisec.governance.risks import (
    Risk,
    edit,
    merge,
    propose_from_classification,
    propose_from_findings,
    propose_from_measurements,
)
from classify_answers import complete

AS_OF = date(2026, 11, 28)
SYSTEM = "credit-model"


def classified(**given: object) -> Classification:
    return classify(complete(**given), roles=("provider", "deployer"), as_of=AS_OF)


CREDIT = {"subject": "ai-system", "annex_iii_use_cases": ["AnnexIII.5(b)"]}


def finding(check_id: str, severity: Severity | None = None, key: str = "k",
            path: str = "models/model.pkl", confidence: float = 1.0) -> Finding:  # fmt: skip
    entry = default_registry().get(check_id)
    assert entry is not None and entry.check is not None, check_id
    check = entry.check
    return Finding.create(
        check_id=check_id, severity=severity or check.severity, title=check.title,
        message="m", location=Location(path), refs=tuple(check.refs), key=key,
        confidence=confidence,
    )  # fmt: skip


def assert_resolves(risks: list[Risk]) -> None:
    atlas = load_catalogue("mitre-atlas")
    for risk in risks:
        if risk.threat is not None:
            item = atlas.get(risk.threat)
            assert item is not None and item.kind in ("technique", "sub-technique")
        else:
            assert risk.threat_reason
        for ref in (*risk.controls, *risk.related):
            assert resolve(ref) is not None, (risk.title, ref)
        for control in risk.controls:
            if control.startswith("AML.M"):
                techniques = set(atlas.get(control).attributes["techniques"])  # type: ignore[union-attr]
                lineage = {risk.threat, atlas.get(risk.threat).parent}  # type: ignore[union-attr,arg-type]
                assert techniques & lineage, (risk.threat, control)


def by_threat(risks: list[Risk]) -> dict[str | None, Risk]:
    return {risk.threat: risk for risk in risks}


def test_pickle_findings_propose_supply_chain_and_execution_risks() -> None:
    findings = [finding("modelfile.pickle.dangerous-call", key=f"call{i}") for i in range(5)]
    risks = propose_from_findings(SYSTEM, findings)
    assert_resolves(risks)
    found = by_threat(risks)
    assert set(found) == {"AML.T0010.003", "AML.T0011.000"}
    execution = found["AML.T0011.000"]
    # critical: 3 +1 (critical) +1 (five findings) = 5; impact 5
    assert (execution.likelihood, execution.impact, execution.level) == (5, 5, "critical")
    assert "AML.M0011" in execution.controls  # Restrict Library Loading
    assert "AML.M0013" in found["AML.T0010.003"].controls  # Code Signing
    assert "ISO42001:A.10.3" in found["AML.T0010.003"].controls  # via the crosswalk
    assert {"ML06:2023", "LLM03:2025"} <= set(execution.related)
    assert execution.sources == tuple(f"finding:{f.fingerprint}" for f in findings)
    assert execution.status == "proposed" and execution.treatment == "mitigate"


def test_a_finding_without_a_technique_reaches_one_through_the_crosswalk() -> None:
    (risk,) = propose_from_findings(SYSTEM, [finding("modelfile.pickle.unknown-import")])
    assert risk.threat == "AML.T0010"  # ML06:2023 -> supply chain group
    assert_resolves([risk])


def test_findings_without_any_technique_are_a_risk_of_their_check() -> None:
    risks = propose_from_findings(SYSTEM, [
        finding("modelfile.archive.decompression-bomb", key="a"),
        finding("modelfile.archive.decompression-bomb", key="b"),
        finding("assurance.fairness.disparity"),
    ])  # fmt: skip
    assert [r.threat for r in risks] == [None, None]
    assert len(risks[0].sources) == 2
    assert "NIST-AI-RMF:MEASURE 2.11" in risks[1].related
    assert_resolves(risks)


def test_likelihood_and_impact_rules() -> None:
    low = by_threat(propose_from_findings(SYSTEM, [
        finding("assurance.evasion.robustness", Severity.LOW, confidence=0.3)
    ]))["AML.T0015"]  # fmt: skip
    assert (low.likelihood, low.impact) == (1, 2)  # 3 -1 (low) -1 (confidence); low 2
    (medium, _) = propose_from_findings(SYSTEM, [finding("assurance.evasion.robustness",
                                                         Severity.MEDIUM)])  # fmt: skip
    assert (medium.likelihood, medium.impact) == (3, 3)
    evasion = [finding("assurance.evasion.robustness", Severity.MEDIUM)]
    high_risk = propose_from_findings(SYSTEM, evasion, classification=classified(**CREDIT))
    assert high_risk[0].impact == 4 and "high-risk" in high_risk[0].impact_rationale


def test_evasion_finding_links_to_atlas_t0015_with_its_mitigations() -> None:
    risks = propose_from_findings(SYSTEM, [finding("assurance.evasion.robustness")])
    found = by_threat(risks)
    assert set(found) == {"AML.T0015", "AML.T0043"}
    assert {"AML.M0003", "AML.M0010"} <= set(found["AML.T0015"].controls)
    assert "EU-AI-Act:Art.15" in found["AML.T0015"].related
    assert_resolves(risks)


def test_reproposing_findings_gives_the_same_ids() -> None:
    findings = [finding("modelfile.pickle.dangerous-call")]
    first = [r.id for r in propose_from_findings(SYSTEM, findings)]
    more = [*findings, finding("modelfile.pickle.dangerous-call", key="other")]
    assert [r.id for r in propose_from_findings(SYSTEM, more)] == first
    assert [r.id for r in propose_from_findings("other", findings)] != first


def test_credit_scoring_proposes_art_9_to_15_risks() -> None:
    risks = propose_from_classification(SYSTEM, classified(**CREDIT))
    assert_resolves(risks)
    sources = {s for r in risks for s in r.sources}
    assert {f"classification:EU-AI-Act:Art.{n}" for n in range(9, 16)} <= sources
    found = by_threat([r for r in risks if r.threat])
    assert set(found) == {"AML.T0015", "AML.T0020", "AML.T0018.000"}
    # Art. 10 and Art. 15 both lead to poisoning: one risk, both duties as sources.
    assert set(found["AML.T0020"].sources) == {"classification:EU-AI-Act:Art.10",
                                               "classification:EU-AI-Act:Art.15"}  # fmt: skip
    logging = [r for r in risks if "EU-AI-Act:Art.12" in r.related]
    assert logging and "ISO42001:A.6.2.8" in logging[0].controls
    assert all((r.likelihood, r.impact, r.level) == (3, 4, "high") for r in risks)
    assert not any("Art.50" in s for s in sources)


def test_evidenced_duties_propose_nothing() -> None:
    result = classified(**CREDIT)
    done = [f"EU-AI-Act:Art.{n}" for n in range(9, 15)]
    risks = propose_from_classification(SYSTEM, result, evidenced=done)
    assert {s for r in risks for s in r.sources} == {"classification:EU-AI-Act:Art.15"}


def test_emotion_recognition_at_work_is_a_critical_prohibited_practice() -> None:
    result = classified(subject="ai-system", emotion_recognition=True, emotion_workplace=True)
    (risk,) = propose_from_classification(SYSTEM, result)
    assert (risk.level, risk.treatment, risk.threat) == ("critical", "avoid", None)
    assert "EU-AI-Act:Art.5(1)(f)" in risk.related
    assert risk.sources == ("classification:EU-AI-Act:Art.5(1)(f)",)
    assert_resolves([risk])


def test_transparency_and_minimal_systems() -> None:
    result = classified(subject="ai-system", interacts_with_people=True)
    chatbot = propose_from_classification(SYSTEM, result)
    assert [(r.level, r.sources) for r in chatbot] == [
        ("medium", ("classification:EU-AI-Act:Art.50(1)",))
    ]
    assert propose_from_classification(SYSTEM, classified(subject="ai-system")) == []


def test_gpai_with_systemic_risk_has_art_55_risks() -> None:
    result = classified(subject="gpai-model", gpai_training_flops=3e25)
    risks = propose_from_classification("frontier-model", result)
    assert_resolves(risks)
    assert {r.threat for r in risks} == {"AML.T0054", "AML.T0025", None}
    assert all(r.sources == ("classification:EU-AI-Act:Art.55",) for r in risks)


def m(name: str, value: float) -> Measurement:
    return Measurement(name, value, None, None, 200, params={"test": "t"})


def test_measurements_propose_atlas_and_harm_risks() -> None:
    risks = propose_from_measurements(SYSTEM, [
        m("evasion.clean_accuracy", 0.95),
        m("evasion.robust_accuracy", 0.15),
        m("evasion.attack_success_rate", 0.6),
        m("privacy.mia.auc", 0.65),
        m("extraction.fidelity", 0.5),
        m("fairness.demographic_parity_ratio", 0.7),
        m("fairness.equalized_odds_difference", float("nan")),
    ])  # fmt: skip
    assert_resolves(risks)
    found = by_threat(risks)
    assert set(found) == {"AML.T0015", "AML.T0024.000", None}
    assert found["AML.T0015"].likelihood == 4  # robust accuracy past the serious bound
    assert len(found["AML.T0015"].sources) == 2
    assert found["AML.T0024.000"].likelihood == 3
    fairness = found[None]
    assert {"EU-AI-Act:Art.10", "NIST-AI-RMF:MEASURE 2.11"} <= set(fairness.related)
    assert fairness.impact == 4


def test_measurements_within_bounds_propose_nothing() -> None:
    fine = [m("evasion.robust_accuracy", 0.8), m("privacy.mia.auc", 0.52),
            m("fairness.demographic_parity_difference", 0.02)]  # fmt: skip
    assert propose_from_measurements(SYSTEM, fine) == []


@pytest.mark.parametrize("source", ["findings", "classification", "measurements"])
def test_merging_new_proposals_keeps_people_decisions(source: str) -> None:
    def propose() -> list[Risk]:
        if source == "findings":
            return propose_from_findings(SYSTEM, [finding("assurance.evasion.robustness")])
        if source == "classification":
            return propose_from_classification(SYSTEM, classified(**CREDIT))
        return propose_from_measurements(SYSTEM, [m("privacy.mia.auc", 0.9)])

    register = propose()
    first = edit(register[0], owner="risk-office", status="open", impact=2,
                 plan="retrain", treatment="mitigate")  # fmt: skip
    register = merge([first, *register[1:]], [])
    again = merge(register, propose())
    assert [r.id for r in again] == [r.id for r in register]
    assert (again[0].owner, again[0].status, again[0].impact) == ("risk-office", "open", 2)


def test_an_upcoming_ban_is_proposed_as_a_critical_risk_now() -> None:
    from datetime import date

    from aisec.governance.classify import classify
    from aisec.governance.risks import propose_from_classification

    answers: dict[str, object] = {"subject": "ai-system", "practices": ["Art.5(1)(omnibus-ncii)"]}
    while pending := next_questions(answers):
        for q in pending:
            if q.id not in answers:
                answers[q.id] = (
                    q.choices[0].value
                    if q.kind == "one-of"
                    else {"yes-no": False, "many-of": [], "number": 0}[q.kind]
                )
    result = classify(answers, roles=["provider"], as_of=date(2026, 11, 28))
    assert result.upcoming_prohibitions and not result.prohibited
    (risk,) = [r for r in propose_from_classification("s", result) if r.treatment == "avoid"]
    assert risk.level == "critical"
