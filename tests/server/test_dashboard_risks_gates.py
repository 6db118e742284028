"""The risk register, release gate and approval pages: risks proposed and decided on
through the forms, a gate judged on a pasted policy, an approval recorded; all audited."""

from __future__ import annotations

import re
from datetime import date

from dashboard_governance_data import add_system
from server_accounts import browser_login

from aisec.server.dashboard.gate_pages import BUILT_IN_POLICY


def classify_high_risk(store, system: str = "credit-scoring") -> None:
    from aisec.governance.classify import next_questions
    from aisec.services.governance import classify_system

    answers: dict[str, object] = {}
    plan = {"subject": "ai-system", "annex_iii_use_cases": ["AnnexIII.5(b)"]}
    while questions := next_questions(answers):
        for q in questions:
            defaults = {"yes-no": False, "many-of": [], "number": 0}
            default = defaults[q.kind] if q.kind in defaults else q.choices[0].value
            answers[q.id] = plan.get(q.id, default)
    classify_system(answers, roles=["provider"], as_of=date.today(), store=store,
                    system=system, assessor="tests")  # fmt: skip


def test_risks_are_proposed_and_decided_through_the_forms(client, server_store):
    add_system(server_store)
    classify_high_risk(server_store)
    csrf = browser_login(client, "compliance_officer")
    empty = client.get("/systems/credit-scoring/risks")
    assert "No risks recorded" in empty.text
    done = client.post("/systems/credit-scoring/risks/propose", data={"csrf_token": csrf},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert done.headers["location"] == "/systems/credit-scoring/risks?notice=risks-proposed"
    assert re.search(r"Risks proposed: [1-9]\d* in the register awaits?", page.text)
    risks = server_store.risks.list("credit-scoring")
    assert risks
    risk = risks[0]
    assert risk.id in page.text
    changed = client.post(
        f"/systems/credit-scoring/risks/{risk.id}",
        data={"csrf_token": csrf, "owner": "Dana", "status": "open", "treatment": "mitigate",
              "plan": "retrain", "due": "", "justification": "", "residual_likelihood": "",
              "residual_impact": "", "residual_note": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert changed.status_code == 303, changed.text
    stored = server_store.risks.get(risk.id, "credit-scoring")
    assert (stored.owner, stored.status, stored.treatment) == ("Dana", "open", "mitigate")
    entries = server_store.audit.entries(object_kind="risk", object_id=risk.id)
    assert [(e.actor, e.action) for e in entries][-1] == ("compliance_officer", "risk.updated")
    register = client.get("/risks", params={"status": "open"})
    assert risk.id in register.text and "Dana" in register.text
    assert client.get("/risks", params={"status": "closed"}).text.count(risk.id) == 0


def test_a_refused_decision_keeps_the_input(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    classify_high_risk(sqlite_store)
    csrf = browser_login(sqlite_client, "admin")
    sqlite_client.post("/systems/credit-scoring/risks/propose", data={"csrf_token": csrf})
    risk = sqlite_store.risks.list("credit-scoring")[0]
    refused = sqlite_client.post(
        f"/systems/credit-scoring/risks/{risk.id}",
        data={"csrf_token": csrf, "owner": "Kim", "status": "accepted", "treatment": "accept",
              "justification": "", "plan": "kept plan text"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "justification" in refused.text
    assert "kept plan text" in refused.text
    assert sqlite_store.risks.get(risk.id).status == "proposed"


def test_a_gate_is_evaluated_and_an_approval_recorded(client, server_store):
    add_system(server_store)
    csrf = browser_login(client, "compliance_officer")
    form = client.get("/systems/credit-scoring/gate")
    assert "schema: aisec.policy/1" in form.text
    verdict = client.get("/systems/credit-scoring/gate", params={"policy": BUILT_IN_POLICY})
    assert verdict.status_code == 200
    assert "Verdict:" in verdict.text and "FAIL" in verdict.text
    assert re.search(r"release-approval</code>.*?status-failed", verdict.text, re.S)
    done = client.post(
        "/systems/credit-scoring/approvals",
        data={"csrf_token": csrf, "scope": "release", "decision": "approved",
              "expires_on": "2999-12-31", "justification": "reviewed"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    [approval] = server_store.approvals.list("credit-scoring")
    assert (approval.approver, approval.decision, approval.scope) == (
        "compliance_officer", "approved", "release")  # fmt: skip
    entries = server_store.audit.entries(object_kind="approval", object_id=approval.id)
    assert [(e.actor, e.action) for e in entries] == [("compliance_officer", "approval.recorded")]
    again = client.get("/systems/credit-scoring/gate", params={"policy": BUILT_IN_POLICY})
    assert re.search(r"release-approval</code>.*?status-passed", again.text, re.S)
    overview = client.get("/gates")
    assert "credit-scoring" in overview.text and "reviewed" in overview.text


def test_bad_policies_and_bad_approvals_are_shown_not_stored(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    csrf = browser_login(sqlite_client, "admin")
    bad = sqlite_client.get("/systems/credit-scoring/gate", params={"policy": "schema: nope"})
    assert bad.status_code == 422
    assert "must be" in bad.text and "schema: nope" in bad.text
    refused = sqlite_client.post(
        "/systems/credit-scoring/approvals",
        data={"csrf_token": csrf, "scope": "release", "decision": "rejected",
              "justification": ""},
    )  # fmt: skip
    assert refused.status_code == 409
    assert "justification" in refused.text
    assert sqlite_store.approvals.list("credit-scoring") == []


def test_readers_see_no_forms_and_may_not_decide(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    csrf = browser_login(sqlite_client, "auditor")
    for path in ("/systems/credit-scoring/risks", "/systems/credit-scoring/gate"):
        page = sqlite_client.get(path)
        assert page.status_code == 200
        assert 'method="post" action="/systems' not in page.text
    for path in ("/systems/credit-scoring/risks/propose", "/systems/credit-scoring/approvals"):
        data = {"csrf_token": csrf, "decision": "approved"}
        assert sqlite_client.post(path, data=data).status_code == 403
    assert sqlite_client.get("/risks").status_code == 200
    assert sqlite_client.get("/gates").status_code == 200


def test_a_decision_without_the_csrf_token_is_refused(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    browser_login(sqlite_client, "compliance_officer")
    refused = sqlite_client.post("/systems/credit-scoring/approvals",
                                 data={"scope": "release", "decision": "approved"})  # fmt: skip
    assert refused.status_code == 403
    assert sqlite_store.approvals.list("credit-scoring") == []
