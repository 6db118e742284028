"""The findings pages: the triage list and a finding's page with its forms, on a real
recorded scan of a pickle with a harmless payload."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dashboard_data import HOSTILE, add_system, finding_of, record_scan
from server_accounts import browser_login


def test_triage_through_the_form_is_audited_and_in_the_history(client, server_store, tmp_path):
    run = record_scan(server_store, tmp_path)
    finding = finding_of(server_store, run.id)
    token = browser_login(client, "security_engineer")
    page = client.get(f"/findings/{finding.fingerprint}")
    assert f'action="/findings/{finding.fingerprint}/triage"' in page.text

    done = client.post(
        f"/findings/{finding.fingerprint}/triage",
        data={"csrf_token": token, "state": "false-positive", "justification": "a test fixture"},
        follow_redirects=False,
    )

    assert done.status_code == 303
    assert done.headers["location"] == f"/findings/{finding.fingerprint}?notice=triaged"
    [entry] = server_store.findings.history(finding.fingerprint)
    assert (entry.state.value, entry.actor, entry.justification) == (
        "false-positive", "security_engineer", "a test fixture",
    )  # fmt: skip
    [audit] = server_store.audit.entries(object_kind="finding", object_id=finding.fingerprint)
    assert (audit.actor, audit.action) == ("security_engineer", "finding.triaged")
    assert audit.payload["to"] == "false-positive" and audit.payload["from"] == "open"
    shown = client.get(done.headers["location"])
    assert "The triage decision is recorded." in shown.text
    assert "a test fixture" in shown.text


def test_a_refused_decision_is_shown_with_what_was_typed(sqlite_client, sqlite_store, tmp_path):
    finding = finding_of(sqlite_store, record_scan(sqlite_store, tmp_path).id)
    token = browser_login(sqlite_client, "admin")
    expires = (date.today() + timedelta(days=30)).isoformat()

    page = sqlite_client.post(
        f"/findings/{finding.fingerprint}/triage",
        data={
            "csrf_token": token,
            "state": "accepted-risk",
            "justification": "",
            "expires": expires,
        },
    )

    assert page.status_code == 409
    assert "accepted-risk needs a justification" in page.text
    assert f'value="{expires}"' in page.text
    assert '<option value="accepted-risk" selected>' in page.text
    assert sqlite_store.findings.history(finding.fingerprint) == []
    bad_date = sqlite_client.post(
        f"/findings/{finding.fingerprint}/triage",
        data={"csrf_token": token, "state": "open", "justification": "kept <i>", "expires": "soon"},
    )
    assert bad_date.status_code == 422
    assert "kept &lt;i&gt;</textarea>" in bad_date.text
    assert sqlite_store.audit.entries(object_kind="finding") == []


def test_a_form_without_its_csrf_token_is_refused(sqlite_client, sqlite_store, tmp_path):
    finding = finding_of(sqlite_store, record_scan(sqlite_store, tmp_path).id)
    browser_login(sqlite_client, "admin")

    for action, data in (
        ("triage", {"state": "fixed"}),
        ("assign", {"assignee": "admin"}),
        ("comment", {"text": "forged"}),
    ):
        refused = sqlite_client.post(f"/findings/{finding.fingerprint}/{action}", data=data)
        assert refused.status_code == 403, action
    assert sqlite_store.findings.history(finding.fingerprint) == []
    assert sqlite_store.notes.notes(finding.fingerprint) == []
    assert sqlite_store.audit.entries(object_kind="finding") == []


def test_an_auditor_sees_no_forms_and_may_not_post(sqlite_client, sqlite_store, tmp_path):
    finding = finding_of(sqlite_store, record_scan(sqlite_store, tmp_path).id)
    token = browser_login(sqlite_client, "auditor")

    page = sqlite_client.get(f"/findings/{finding.fingerprint}")

    assert page.status_code == 200
    assert "/triage" not in page.text and "/assign" not in page.text
    assert "/comment" not in page.text
    refused = sqlite_client.post(
        f"/findings/{finding.fingerprint}/triage", data={"csrf_token": token, "state": "fixed"}
    )
    assert refused.status_code == 403
    assert sqlite_store.findings.history(finding.fingerprint) == []


def test_assign_and_comment(sqlite_client, sqlite_store, tmp_path):
    finding = finding_of(sqlite_store, record_scan(sqlite_store, tmp_path).id)
    token = browser_login(sqlite_client, "admin")
    url = f"/findings/{finding.fingerprint}"

    assigned = sqlite_client.post(f"{url}/assign", data={"csrf_token": token,
                                                         "assignee": "ml_engineer"})  # fmt: skip
    commented = sqlite_client.post(f"{url}/comment", data={"csrf_token": token, "text": "<b>hi"})
    empty = sqlite_client.post(f"{url}/comment", data={"csrf_token": token, "text": "  "})
    stranger = sqlite_client.post(f"{url}/assign", data={"csrf_token": token, "assignee": "eve"})

    assert assigned.status_code == commented.status_code == 200  # after the redirect
    assert "The comment is added." in commented.text and "&lt;b&gt;hi" in commented.text
    assert "assigned it to <strong>ml_engineer</strong>" in commented.text
    assert empty.status_code == 409 and stranger.status_code == 422
    actions = [e.action for e in sqlite_store.audit.entries(object_kind="finding")]
    assert actions == ["finding.assigned", "finding.commented"]
    listed = sqlite_client.get("/findings")
    assert "ml_engineer" in listed.text


def test_a_hostile_file_name_is_escaped(client, server_store, tmp_path):
    run = record_scan(server_store, tmp_path, name=HOSTILE)
    finding = finding_of(server_store, run.id)
    browser_login(client, "auditor")

    for url in ("/findings", f"/findings/{finding.fingerprint}", f"/runs/{run.id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text, url
        assert "&lt;script&gt;alert(1)&lt;!-- .pkl" in page.text, url


def test_the_list_is_paged_and_filtered(sqlite_client, sqlite_store, tmp_path):
    system = add_system(sqlite_store)
    record_scan(sqlite_store, tmp_path, name="a.pkl", system=system.id)
    record_scan(sqlite_store, tmp_path, name="b.pkl")
    browser_login(sqlite_client, "auditor")

    first = sqlite_client.get("/findings?state=open&limit=1")
    assert first.status_code == 200
    assert "1–1 of 2" in first.text
    following = re.search(r'href="([^"]+)" rel="next"', first.text).group(1)
    assert "offset=1" in following and "state=open" in following
    second = sqlite_client.get(following.replace("&amp;", "&"))
    assert "2–2 of 2" in second.text and 'rel="prev"' in second.text
    assert 'class="table-wrap"' in first.text

    by_system = sqlite_client.get("/findings?system=credit-scoring")
    assert "a.pkl" in by_system.text and "b.pkl" not in by_system.text
    by_path = sqlite_client.get("/findings?path=**/b.pkl")
    assert "b.pkl" in by_path.text and "a.pkl" not in by_path.text
    assert "No findings." in sqlite_client.get("/findings?state=fixed").text
    unknown = sqlite_client.get("/findings?system=nope")
    assert unknown.status_code == 400 and "no system named" in unknown.text
    assert sqlite_client.get("/findings?severity=loud").status_code == 400
