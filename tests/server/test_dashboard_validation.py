"""The detector-validation pages (``/validation``, ``/validation/leaderboard``) over real
``validate`` runs: headline numbers as the run measured them, drift, evasion and
requirements per detector, the filters and pages, the leaderboard of one dataset, the
empty store, who may read them, and the API's runs list finding the same runs."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from dashboard_data import HOSTILE, add_system
from server_accounts import ROLES, browser_login
from validation_data import (
    STRONG,
    WEAK,
    columns,
    injection_source,
    model_source,
    prompts,
    scored_events,
    tabular_detector,
    validate_and_record,
)

REQUIREMENT = "detection_rate[fpr=0.01]>=0.5 on ci_low"


def cells(page: str, heading: str) -> list[str]:
    """The text of each cell of the one row headed by ``heading``, tags removed."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        heads = re.findall(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if heads and f"{text_of(heads[0])} ".startswith(f"{heading} "):
            found.append([text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    [row_cells] = found
    return row_cells


def text_of(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def measured(store, run, name: str, test: str, **params):
    [found] = [
        m for m in store.runs.measurements(run.id)
        if m.name == name and m.params.get("test") == test
        and all(m.params.get(k) == v for k, v in params.items())
    ]  # fmt: skip
    return found


@pytest.fixture
def two_detectors(server_store, tmp_path):
    data = scored_events(tmp_path / "events.csv")
    run = validate_and_record(server_store, data, columns(STRONG, WEAK), require=(REQUIREMENT,),
                              time=True, requests_per_day=100_000)  # fmt: skip
    return data, run


def test_each_detector_is_a_row_with_the_numbers_the_run_measured(
    client, server_store, two_detectors
):
    data, run = two_detectors
    browser_login(client, "auditor")

    page = client.get("/validation")

    assert page.status_code == 200
    text = page.text
    assert text.count("<h1") == 1
    assert 'href="/validation" aria-current="page"' in text
    assert text.count(f'href="/runs/{run.id}"') == 2  # one row per detector
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    strong, weak = cells(text, STRONG), cells(text, WEAK)
    assert strong[0] == f"{STRONG} column" and strong[2] == f"events.csv {digest[:12]}"
    for row, name in ((strong, STRONG), (weak, WEAK)):
        at_1 = measured(server_store, run, "detection_rate", name, fpr=0.01)
        at_01 = measured(server_store, run, "detection_rate", name, fpr=0.001)
        auc = measured(server_store, run, "roc_auc", name)
        alerts = measured(server_store, run, "alerts_per_day", name, fpr=0.01)
        interval = f"{percent(at_1.ci_low)[:-1]}–{percent(at_1.ci_high)[:-1]}"
        assert row[4] == f"{percent(at_1.value)} {interval}"
        assert row[5].startswith(percent(at_01.value))
        assert row[6] == f"{auc.value:.3f} {auc.ci_low:.3f}–{auc.ci_high:.3f}"
        assert row[7].startswith(f"{alerts.value:.1f}")
    # the weak detector lost its catch rate on the last day and misses the requirement
    assert (strong[8], strong[10]) == ("stable", "met")
    assert (weak[8], weak[10]) == ("degraded", "failed (1)")
    assert strong[9] == weak[9] == "—"  # no robustness test asked for
    assert client.get(f"/runs/{run.id}").status_code == 200


def test_detector_files_show_their_digest_and_their_worst_evasion(
    sqlite_client, sqlite_store, tmp_path
):
    model, features = tabular_detector(tmp_path)
    validate_and_record(sqlite_store, features, model_source(model), evasion=True)
    validate_and_record(sqlite_store, prompts(tmp_path / "prompts.csv"), injection_source(),
                        rewrites=True, digest=False)  # fmt: skip
    browser_login(sqlite_client, "ml_engineer")

    text = sqlite_client.get("/validation").text

    onnx = cells(text, "detector.onnx")
    assert onnx[3] == hashlib.sha256(model.read_bytes()).hexdigest()[:12]
    assert onnx[9].startswith("square ε=0.1: ")
    guard = cells(text, "aisec prompt-injection")
    assert guard[2] == "prompts.csv digest not recorded"
    assert re.fullmatch(r"[a-z_0-9]+: \d+\.\d% \d+\.\d–\d+\.\d", guard[9]), guard[9]
    # a run that recorded no requirements cannot claim to have met one
    assert guard[10] == "none failed" and onnx[10] == "none stated"


def test_filters_narrow_the_list_and_the_pager_keeps_them(sqlite_client, sqlite_store, tmp_path):
    add_system(sqlite_store, "fraud-scoring", tier=None)
    data = scored_events(tmp_path / "events.csv")
    linked = validate_and_record(sqlite_store, data, columns(STRONG), system="fraud-scoring")
    validate_and_record(sqlite_store, data, columns(WEAK))
    other = scored_events(tmp_path / "other.csv", seed=9)
    validate_and_record(sqlite_store, other, columns(WEAK))
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    browser_login(sqlite_client, "compliance_officer")

    def shown(**params) -> list[str]:
        page = sqlite_client.get("/validation", params=params)
        assert page.status_code == 200, page.text
        return re.findall(r'<th scope="row">([^<]+?) <span', page.text)

    assert sorted(shown()) == sorted([STRONG, WEAK, WEAK])
    assert shown(system="fraud-scoring") == [STRONG]
    assert f'href="/runs/{linked.id}"' in sqlite_client.get("/validation?system=fraud-scoring").text
    assert sorted(shown(dataset=digest[:10])) == sorted([STRONG, WEAK])
    assert shown(dataset="other.csv") == [WEAK]
    assert shown(dataset=digest[:4]) == []  # too short a prefix to mean one dataset
    assert sorted(shown(detector="V1")) == [WEAK, WEAK]
    assert shown(detector="v1", dataset="events.csv") == [WEAK]
    both = validate_and_record(sqlite_store, other, columns(WEAK, STRONG))
    only = sqlite_client.get("/validation", params={"detector": "v2", "dataset": "other.csv"})
    assert f'href="/runs/{both.id}"' in only.text  # of the run, only the detector asked for
    assert re.findall(r'<th scope="row">([^<]+?) <span', only.text) == [STRONG]
    assert "No validation run matches" in sqlite_client.get("/validation?detector=nothing").text
    refused = sqlite_client.get("/validation?system=no-such-system")
    assert refused.status_code == 400 and 'role="alert"' in refused.text

    first = sqlite_client.get("/validation", params={"dataset": "events.csv", "limit": 1}).text
    following = html.unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))
    assert following == "/validation?dataset=events.csv&limit=1&offset=1"
    assert "1–1 of 2" in first
    assert len(re.findall(r'<th scope="row">', sqlite_client.get(following).text)) == 1


def test_the_leaderboard_ranks_the_detectors_of_one_dataset(sqlite_client, sqlite_store, tmp_path):
    data = scored_events(tmp_path / "events.csv")
    mixed = validate_and_record(sqlite_store, data, columns(WEAK, STRONG))
    validate_and_record(sqlite_store, data, columns(WEAK))
    validate_and_record(sqlite_store, scored_events(tmp_path / "other.csv", seed=9),
                        columns(STRONG))  # fmt: skip
    validate_and_record(sqlite_store, prompts(tmp_path / "prompts.csv"), injection_source(),
                        digest=False)  # fmt: skip
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    browser_login(sqlite_client, "security_engineer")

    index = sqlite_client.get("/validation/leaderboard")
    assert index.status_code == 200
    assert cells(index.text, "events.csv")[1:4] == [digest[:12], "2", f"{WEAK}, {STRONG}"]
    assert cells(index.text, "prompts.csv")[1] == "not recorded"
    assert 'href="/validation" aria-current="page"' in index.text  # still under Validation

    board = sqlite_client.get(f"/validation/leaderboard?dataset={digest}")
    assert board.status_code == 200
    ranked = re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row">([^<]+?) <span', board.text)
    assert ranked == [("1", STRONG), ("2", WEAK), ("3", WEAK)]
    assert f'href="/runs/{mixed.id}"' in board.text and digest in board.text
    assert "other.csv" not in board.text
    by_name = sqlite_client.get("/validation/leaderboard?dataset=prompts.csv")
    assert by_name.status_code == 200 and "grouped by file name" in by_name.text
    # the same file without its digest recorded is not the dataset the digest names
    validate_and_record(sqlite_store, data, columns(STRONG), digest=False)
    alone = sqlite_client.get("/validation/leaderboard?dataset=events.csv").text
    assert re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row">([^<]+?) <span', alone) == [
        ("1", STRONG)
    ]
    again = sqlite_client.get(f"/validation/leaderboard?dataset={digest.upper()}").text
    assert len(re.findall(r'<th scope="row">', again)) == 3
    assert sqlite_client.get("/validation/leaderboard?dataset=no-such.csv").status_code == 404


def test_an_empty_store_says_how_to_validate(sqlite_client):
    browser_login(sqlite_client, "auditor")
    page = sqlite_client.get("/validation")
    assert page.status_code == 200
    assert "No detector has been validated yet" in page.text and "--record" in page.text
    assert "0 in all." in page.text
    board = sqlite_client.get("/validation/leaderboard")
    assert board.status_code == 200 and "No detector has been validated yet" in board.text


def test_every_role_reads_the_pages_and_nobody_else(sqlite_client, sqlite_accounts, sqlite_store,
                                                    tmp_path):  # fmt: skip
    validate_and_record(sqlite_store, scored_events(tmp_path / "events.csv"), columns(STRONG))
    for path in ("/validation", "/validation/leaderboard", "/validation/leaderboard?dataset=x"):
        anonymous = sqlite_client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    for role in ROLES:
        page = sqlite_client.get("/validation", headers=sqlite_accounts[role].headers)
        assert page.status_code == 200, role
        assert STRONG in page.text and '<a href="/validation"' in page.text


def test_names_from_the_data_are_escaped(sqlite_client, sqlite_store, tmp_path):
    import pandas as pd

    frame = pd.read_csv(scored_events(tmp_path / "events.csv")).rename(columns={STRONG: HOSTILE})
    frame.to_csv(tmp_path / "events.csv", index=False)
    validate_and_record(sqlite_store, tmp_path / "events.csv", columns(HOSTILE))
    browser_login(sqlite_client, "auditor")
    text = sqlite_client.get("/validation").text
    assert HOSTILE not in text and html.escape(HOSTILE) in text


def test_the_api_lists_validate_runs_by_kind(client, accounts, server_store, two_detectors):
    _, run = two_detectors
    reader = accounts["auditor"].headers
    listed = client.get("/api/v1/runs", params={"kind": "validate"}, headers=reader).json()
    assert [r["id"] for r in listed["items"]] == [run.id] and listed["total"] == 1
    assert listed["items"][0]["targets"] == [STRONG, WEAK]
    measurements = client.get(f"/api/v1/runs/{run.id}/measurements", params={"limit": 500},
                              headers=reader).json()  # fmt: skip
    assert measurements["total"] == run.measurement_count > 0
    assert client.get("/api/v1/runs", params={"kind": "scan"}, headers=reader).json()["total"] == 0
