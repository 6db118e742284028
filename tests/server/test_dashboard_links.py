"""Links and notices on the dashboard: a system's name is one escaped path segment (or its
id, for a stored name that no path segment can carry), names that cannot stand in a path
are refused, and no text of a link author's choosing is shown from the query string."""

from __future__ import annotations

import html
import re

import pytest
from dashboard_governance_data import add_system
from markupsafe import escape
from server_accounts import browser_login

from aisec.core.errors import InvalidRecord
from aisec.server.dashboard.templating import path_ref, ref, segment
from aisec.services import inventory
from aisec.store.records import DatasetAsset, SystemAsset

ODD = 'O\'Brien "50%" score #1?'
DECOY = "../systems/prod"
PHISH = "Your session expired: call 555-0100 and read out your password"


def links(page: str) -> list[str]:
    """Every href and form action of a page, as the browser reads them (entities decoded)."""
    return [html.unescape(u) for u in re.findall(r'(?:href|action)="([^"]*)"', page)]


def system_links(page: str) -> list[str]:
    return [u for u in links(page) if u.startswith("/systems/")]


def test_the_filters_escape_a_whole_segment():
    assert segment("a/b?c#d%e f") == "a%2Fb%3Fc%23d%25e%20f"
    assert path_ref("prod", "id-1") == "prod"
    for unsafe in (".", "..", DECOY, "a\\b"):
        assert path_ref(unsafe, "id-1") == "id-1"
    assert ref(SystemAsset(name=DECOY, owner="x")).count("/") == 0
    assert ref("a b") == "a%20b"


def test_a_system_with_a_quote_and_a_percent_sign_is_reached_by_its_links(client, server_store):
    add_system(server_store, ODD)
    csrf = browser_login(client, "compliance_officer")
    shown = str(escape(ODD))
    start = client.get("/gates")
    [gate_link] = [u for u in system_links(start.text) if u.endswith("/gate")]
    assert gate_link == f"/systems/{segment(ODD)}/gate"
    gate = client.get(gate_link)
    assert gate.status_code == 200 and shown in gate.text
    for target in system_links(gate.text):
        if target.endswith(("/classification", "/risks")):
            page = client.get(target)
            assert page.status_code == 200, target
            assert shown in page.text
    [action] = [u for u in links(gate.text) if u.endswith("/approvals")]
    done = client.post(
        action,
        data={"csrf_token": csrf, "scope": "release", "decision": "approved",
              "justification": "reviewed"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    [approval] = server_store.approvals.list(ODD)
    assert approval.system_name == ODD
    after = client.get(done.headers["location"])
    assert "Recorded: approved release by compliance_officer." in after.text
    assert f"/systems/{segment(ODD)}/gate" in system_links(client.get("/gates").text)


def test_a_stored_name_no_path_can_carry_is_linked_by_its_id(sqlite_client, sqlite_store):
    # Written straight to the store, as data from before names were checked could be.
    prod = add_system(sqlite_store, "prod")
    decoy = sqlite_store.inventory.add(SystemAsset(name=DECOY, owner="someone")).id
    csrf = browser_login(sqlite_client, "compliance_officer")
    listed = system_links(sqlite_client.get("/gates").text)
    assert f"/systems/{decoy}/gate" in listed and "/systems/prod/gate" in listed
    assert not [u for u in listed if ".." in u]
    gate = sqlite_client.get(f"/systems/{decoy}/gate")
    assert gate.status_code == 200
    assert not [u for u in system_links(gate.text) if ".." in u or "prod" in u]
    [action] = [u for u in links(gate.text) if u.endswith("/approvals")]
    assert action == f"/systems/{decoy}/approvals"
    done = sqlite_client.post(
        action,
        data={"csrf_token": csrf, "scope": "release", "decision": "approved",
              "justification": "reviewed"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.headers["location"] == f"/systems/{decoy}/gate?notice=approval-recorded"
    assert [a.system_id for a in sqlite_store.approvals.list(decoy)] == [decoy]
    assert sqlite_store.approvals.list(prod) == []
    for page in ("classification", "risks"):
        seen = sqlite_client.get(f"/systems/{decoy}/{page}")
        assert seen.status_code == 200
        assert not [u for u in system_links(seen.text) if ".." in u]


@pytest.mark.parametrize(
    "name", [DECOY, "a/b", "a\\b", ".", "..", " padded", "padded ", "tab\there", "nul\x00"]
)
def test_a_system_name_that_cannot_be_a_path_segment_is_refused(sqlite_store, name):
    with pytest.raises(InvalidRecord, match="system name"):
        inventory.add(sqlite_store.inventory, SystemAsset, {"name": name, "owner": "x"})
    assert sqlite_store.inventory.list(SystemAsset) == []


def test_renaming_a_system_to_such_a_name_is_refused_other_kinds_keep_theirs(sqlite_store):
    inventory.add(sqlite_store.inventory, SystemAsset, {"name": "prod", "owner": "x"})
    with pytest.raises(InvalidRecord, match="system name"):
        inventory.edit(sqlite_store.inventory, SystemAsset, "prod", {"name": "../prod"})
    edited = inventory.edit(sqlite_store.inventory, SystemAsset, "prod", {"name": "prod v2.1"})
    assert edited.name == "prod v2.1"
    data = inventory.add(sqlite_store.inventory, DatasetAsset, {"name": "data/train.csv"})
    assert data.name == "data/train.csv"


def test_the_api_refuses_such_a_system_name(sqlite_client, sqlite_accounts):
    eng = sqlite_accounts["ml-engineer"].headers
    refused = sqlite_client.post("/api/v1/assets/systems", json={"name": DECOY}, headers=eng)
    assert refused.status_code == 409
    assert "system name" in refused.json()["error"]["message"]
    made = sqlite_client.post("/api/v1/assets/systems", json={"name": "prod"}, headers=eng)
    assert made.status_code == 201
    renamed = sqlite_client.patch("/api/v1/assets/systems/prod", json={"name": ".."},
                                  headers=eng)  # fmt: skip
    assert renamed.status_code == 409


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users",
        "/account",
        "/systems/credit-scoring/gate",
        "/systems/credit-scoring/risks",
        "/systems/credit-scoring/classification",
    ],
)
def test_a_notice_is_a_code_never_text_from_the_query(sqlite_client, sqlite_store, path):
    add_system(sqlite_store)
    browser_login(sqlite_client, "admin")
    for notice in (PHISH, "approval-recorded", "risks-proposed", "classification-saved"):
        page = sqlite_client.get(path, params={"notice": notice})
        assert page.status_code in (200, 422), page.text
        assert PHISH not in page.text and "555-0100" not in page.text
    # A known code with nothing stored behind it says nothing either.
    assert 'class="notice"' not in sqlite_client.get(path, params={"notice": PHISH}).text


def test_known_codes_show_their_fixed_message(sqlite_client):
    browser_login(sqlite_client, "admin")
    page = sqlite_client.get("/admin/users", params={"notice": "role-changed"})
    assert "The role is changed." in page.text
    assert (
        "The API key is revoked."
        in sqlite_client.get("/account", params={"notice": "key-revoked"}).text
    )


def test_the_login_page_shows_no_error_from_the_query(sqlite_client):
    page = sqlite_client.get("/login", params={"error": PHISH})
    assert page.status_code == 200
    assert PHISH not in page.text and "555-0100" not in page.text
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    failed = sqlite_client.post(
        "/login",
        data={"username": "admin", "password": "wrong password", "login_token": token[1]},
    )
    assert failed.status_code == 401
    assert 'role="alert"' in failed.text or 'class="alert"' in failed.text
