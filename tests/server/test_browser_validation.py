"""The detector-validation pages in a real browser (see test_browser.py): an auditor
reaches them from the navigation, opens a dataset's leaderboard from the list and a run
from the leaderboard, with a screenshot of each step, wide and narrow.

Skipped, with the reason, where Playwright or Chromium is missing."""

from __future__ import annotations

import re

import pytest
from test_browser import CHROMIUM, log_in, shot, sync_api
from validation_data import STRONG, WEAK, columns, scored_events, validate_and_record

assert CHROMIUM.exists()  # test_browser skips this module first otherwise


@pytest.fixture
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def test_from_the_navigation_to_the_leaderboard_and_a_run(
    chromium, sqlite_store, sqlite_accounts, tmp_path
):
    from live_server import serving

    data = scored_events(tmp_path / "events.csv")
    run = validate_and_record(sqlite_store, data, columns(STRONG, WEAK), time=True,
                              require=("detection_rate[fpr=0.01]>=0.5 on ci_low",))  # fmt: skip
    validate_and_record(sqlite_store, data, columns(WEAK))
    with serving(sqlite_store, tmp_path) as base:
        page = chromium.new_page()
        log_in(page, base, sqlite_accounts["auditor"].username)
        page.get_by_role("link", name="Validation", exact=True).click()
        page.wait_for_url(re.compile(r"/validation$"))
        assert page.get_by_role("heading", level=1).inner_text() == "Detector validation"
        assert page.get_by_role("row", name=re.compile(WEAK)).count() == 2
        shot(page, "10-validation")
        shot(page, "10-validation", width=375)

        page.get_by_label("Detector (name or artefact digest)").fill(STRONG)
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(re.compile(r"detector=fraud_v2"))
        assert page.get_by_role("row", name=re.compile(WEAK)).count() == 0

        page.get_by_role("link", name="events.csv").first.click()
        page.wait_for_url(re.compile(r"/validation/leaderboard\?dataset=[0-9a-f]{64}"))
        first = page.locator("tbody tr").first
        assert first.locator("th").inner_text().startswith(STRONG)
        shot(page, "11-validation-leaderboard")
        shot(page, "11-validation-leaderboard", width=375)

        first.get_by_role("link").first.click()
        page.wait_for_url(re.compile(rf"/runs/{run.id}$"))
        assert "Validate run" in page.get_by_role("heading", level=1).inner_text()
