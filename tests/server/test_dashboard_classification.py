"""The classification pages: the questionnaire filled in through its forms, step by step,
to a stored assessment; who may classify; the CSRF check."""

from __future__ import annotations

import re

from dashboard_governance_data import (
    HIGH_RISK,
    add_system,
    asked,
    classify_through_forms,
    multi,
)
from server_accounts import browser_login


def test_a_classification_is_completed_through_the_forms_and_recorded(client, server_store):
    add_system(server_store)
    csrf = browser_login(client, "compliance_officer")
    first = client.get("/systems/credit-scoring/classification")
    assert "has not been classified yet" in first.text
    assert asked(first.text) == ["subject"]  # only what the engine asks first
    assert re.search(r"<fieldset[^>]*>\s*<legend>What is assessed", first.text)
    done, steps = classify_through_forms(client, csrf, "credit-scoring", HIGH_RISK)
    assert steps >= 2  # conditional questions appeared after Continue
    assert done.status_code == 303
    assert done.headers["location"].startswith("/systems/credit-scoring/classification?notice=")
    stored = server_store.assessments.latest("credit-scoring", "eu-ai-act-classification")
    assert stored is not None
    assert stored.assessor == "compliance_officer"
    assert "high-risk" in stored.result["tiers"]
    assert stored.answers["annex_iii_use_cases"] == ["AnnexIII.5(b)"]
    entries = server_store.audit.entries(object_kind="assessment", object_id=stored.id)
    assert [(e.actor, e.action) for e in entries] == [("compliance_officer", "assessment.recorded")]
    page = client.get(done.headers["location"])
    assert "Classification saved: high-risk" in page.text
    assert "Obligations of the provider" in page.text


def test_an_unanswered_question_is_refused_and_the_answers_kept(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    csrf = browser_login(sqlite_client, "admin")
    page = sqlite_client.post(
        "/systems/credit-scoring/classification",
        data=multi([("csrf_token", csrf), ("action", "continue"), ("asked", "subject"),
              ("q.subject", "ai-system")]),
    )  # fmt: skip
    assert page.status_code == 200
    assert "practices" in asked(page.text)
    refused = sqlite_client.post(
        "/systems/credit-scoring/classification",
        data=multi([("csrf_token", csrf), ("action", "continue"), ("asked", "subject"),
              ("q.subject", "ai-system"), ("asked", "emotion_recognition")]),
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Answer every question shown" in refused.text
    assert re.search(r'value="ai-system" checked', refused.text)
    early = sqlite_client.post(
        "/systems/credit-scoring/classification",
        data=multi([("csrf_token", csrf), ("action", "save"), ("asked", "subject"),
              ("q.subject", "ai-system")]),
    )  # fmt: skip
    assert early.status_code == 422
    assert sqlite_store.assessments.latest("credit-scoring", "eu-ai-act-classification") is None


def test_an_auditor_reads_but_sees_no_form_and_may_not_classify(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    csrf = browser_login(sqlite_client, "auditor")
    page = sqlite_client.get("/systems/credit-scoring/classification")
    assert page.status_code == 200
    assert '<form method="post" action="/systems' not in page.text
    assert asked(page.text) == []
    refused = sqlite_client.post(
        "/systems/credit-scoring/classification",
        data={"csrf_token": csrf, "action": "continue"},
    )
    assert refused.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(sqlite_client, sqlite_store):
    add_system(sqlite_store)
    browser_login(sqlite_client, "compliance_officer")
    refused = sqlite_client.post(
        "/systems/credit-scoring/classification",
        data={"action": "save", "asked": "subject", "q.subject": "ai-system"},
    )
    assert refused.status_code == 403
    assert sqlite_store.audit.entries(object_kind="assessment") == []


def test_an_unknown_system_is_404(sqlite_client):
    browser_login(sqlite_client, "auditor")
    assert sqlite_client.get("/systems/nothing/classification").status_code == 404
