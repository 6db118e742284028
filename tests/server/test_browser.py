"""The dashboard in a real browser: Playwright driving Debian's Chromium against a real
server on a loopback port. A person's path through it — log in, read the overview, triage
a finding, complete a classification, approve a gate — with a screenshot of every step
in the folder CI keeps (``AISEC_SCREENSHOTS``, else ``test-artifacts/screenshots``).

Skipped, with the reason, where Playwright or Chromium is missing (``.ci/run`` installs
Chromium)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("AISEC_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(
    os.environ.get("AISEC_SCREENSHOTS")
    or Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def seeded(sqlite_store, sqlite_accounts, tmp_path):
    """A store with a system and a recorded scan whose finding waits for triage."""
    from aisec.modelfile.scanner import scan
    from aisec.store.records import SystemAsset

    model = tmp_path / "credit-model.pkl"
    # Calls os.system('true') if loaded; it is only ever scanned.
    model.write_bytes(
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93"
        b"\x8c\x04true\x85R."
    )
    stored = sqlite_store.runs.record(scan([model]))
    sqlite_store.inventory.add(SystemAsset(name="credit-scoring", owner="risk-team"))
    sqlite_store.runs.link_system(stored.id, "credit-scoring", actor="tests")
    return sqlite_store


def shot(page, name: str, width: int = 1280) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def log_in(page, base: str, username: str) -> None:
    from server_accounts import PASSWORD

    page.goto(f"{base}/")
    assert "/login" in page.url
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/$"))


def test_log_in_and_read_the_overview(browser, seeded, sqlite_accounts, tmp_path):
    from live_server import serving

    with serving(seeded, tmp_path) as base:
        page = browser.new_page()
        page.goto(f"{base}/login")
        shot(page, "01-login")
        log_in(page, base, sqlite_accounts["security-engineer"].username)
        assert page.get_by_role("heading", level=1).count() == 1
        shot(page, "02-overview")
        shot(page, "02-overview", width=375)
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(re.compile(r"/login"))


def log_out(page, base: str) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))


def test_triage_a_finding(browser, seeded, sqlite_accounts, tmp_path):
    """A security engineer accepts the risk of a finding until a date, with a reason."""
    from datetime import date, timedelta

    from live_server import serving

    with serving(seeded, tmp_path) as base:
        page = browser.new_page()
        log_in(page, base, sqlite_accounts["security-engineer"].username)
        page.get_by_role("link", name="Findings", exact=True).click()
        page.wait_for_url(re.compile(r"/findings"))
        shot(page, "03-findings")
        shot(page, "03-findings", width=375)
        page.locator("table a[href^='/findings/']").first.click()
        page.wait_for_url(re.compile(r"/findings/[0-9a-f]+"))
        page.get_by_label("State").select_option("accepted-risk")
        page.get_by_label("Justification").fill("compensating control: the model is never loaded")
        until = (date.today() + timedelta(days=90)).isoformat()
        page.get_by_label("Expiry date").fill(until)
        page.get_by_role("button", name="Record decision").click()
        page.wait_for_load_state()
        shot(page, "04-finding-triaged")
        assert page.get_by_role("status").count() >= 1
        (finding,) = seeded.findings.list()
        assert finding.state.value == "accepted-risk"
        assert finding.triage.actor == "security_engineer"
        assert finding.triage.expires.isoformat() == until
        log_out(page, base)


def test_complete_a_classification_and_approve_the_release(
    browser, seeded, sqlite_accounts, tmp_path
):
    """A compliance officer answers the EU AI Act questionnaire step by step with the
    keyboard-reachable controls, saves it, then records a release approval."""
    from live_server import serving

    with serving(seeded, tmp_path) as base:
        page = browser.new_page()
        log_in(page, base, sqlite_accounts["compliance-officer"].username)
        page.goto(f"{base}/systems/credit-scoring/classification")
        page.get_by_label("Provider", exact=False).first.check()
        for _ in range(40):
            if page.get_by_role("button", name="Save classification").count():
                break
            high_risk = page.locator("input[value='AnnexIII.5(b)']")  # credit scoring
            if high_risk.count() and not high_risk.is_checked():
                high_risk.check()
            for question in page.locator("fieldset.question.pending").all():
                radios = question.locator("input[type=radio]")
                if radios.count():
                    no = question.get_by_label("No", exact=True)
                    (no if no.count() else radios.first).check()
            for field in page.locator("div.question.pending input").all():
                field.fill("0")
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        shot(page, "05-questionnaire")
        page.get_by_role("button", name="Save classification").click()
        page.wait_for_load_state()
        shot(page, "06-classified")
        latest = seeded.assessments.latest("credit-scoring", "eu-ai-act-classification")
        assert "high-risk" in latest.result["tiers"]

        page.goto(f"{base}/systems/credit-scoring/gate")
        page.get_by_role("button", name="Evaluate gate").click()
        page.wait_for_load_state()
        shot(page, "07-gate")
        page.get_by_label("Decision").select_option("approved")
        page.get_by_label("Note").fill("released after review of the scan and the tests")
        page.get_by_role("button", name="Record decision").click()
        page.wait_for_load_state()
        shot(page, "08-approved")
        shot(page, "08-approved", width=375)
        (approval,) = seeded.approvals.list("credit-scoring")
        assert approval.decision == "approved"
        assert approval.approver == "compliance_officer"
        # judged again, the release-approval condition now passes
        page.get_by_role("button", name="Evaluate gate").click()
        page.wait_for_load_state()
        row = page.locator("tr", has_text="release-approval")
        assert "passed" in row.inner_text()
        shot(page, "09-gate-after-approval")


def test_the_keyboard_reaches_the_login_form_and_the_navigation(
    browser, seeded, sqlite_accounts, tmp_path
):
    from live_server import serving
    from server_accounts import PASSWORD

    def focused(page) -> str:
        return page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"
        )

    with serving(seeded, tmp_path) as base:
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("User name").focus()  # where the page puts the cursor
        page.keyboard.type(sqlite_accounts["auditor"].username)
        page.keyboard.press("Tab")
        assert focused(page) == "password"
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"^{re.escape(base)}/$"))
        # on every page the first Tab offers to skip the navigation, and Enter does it
        page.goto(f"{base}/findings")
        page.keyboard.press("Tab")
        assert focused(page) == "Skip to content"
        page.keyboard.press("Enter")
        assert focused(page) == "main"
        # an auditor sees no form that changes anything on a finding
        page.locator("table a[href^='/findings/']").first.click()
        page.wait_for_url(re.compile(r"/findings/[0-9a-f]+"))
        assert page.get_by_role("button", name="Record decision").count() == 0
