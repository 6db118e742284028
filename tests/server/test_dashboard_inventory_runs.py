"""The inventory pages (lists per kind, an asset's page, a system's page) and the runs
pages (the list, a scan's page, a test run's measurements and charts)."""

from __future__ import annotations

import re

from dashboard_data import add_system, record_scan
from server_accounts import browser_login


def test_a_system_page_shows_its_runs_findings_tier_and_relations(client, server_store, tmp_path):
    from aisec.store.records import ModelAsset

    system = add_system(server_store)
    model = server_store.inventory.add(ModelAsset(name="scorer", version="2"))
    server_store.inventory.link(system, model)
    run = record_scan(server_store, tmp_path, system=system.id)
    browser_login(client, "auditor")

    listed = client.get("/systems")
    assert listed.status_code == 200
    assert f'href="/systems/{system.id}">credit-scoring<' in listed.text
    page = client.get("/systems/credit-scoring")  # by name as well as by id

    assert page.status_code == 200
    text = page.text
    assert text.count("<h1") == 1
    assert "tier-high-risk" in text
    for target in ("classification", "risks", "gate"):
        assert f'href="/systems/{system.id}/{target}"' in text
    assert f'href="/models/{model.id}">scorer 2<' in text
    assert f'href="/runs/{run.id}"' in text
    assert "modelfile.pickle" in text  # its open finding
    assert 'class="table-wrap"' in text
    assert f'href="/systems/{system.id}">credit-scoring<' in client.get(f"/models/{model.id}").text


def test_every_kind_has_a_list_and_unknown_assets_are_404(sqlite_client, sqlite_store):
    browser_login(sqlite_client, "auditor")
    for kind in ("systems", "models", "datasets", "endpoints", "vendors"):
        page = sqlite_client.get(f"/{kind}")
        assert page.status_code == 200, kind
        assert f'href="/{kind}" aria-current="page"' in page.text
    assert sqlite_client.get("/systems/nothing-here").status_code == 404
    assert sqlite_client.get("/models/scorer").status_code == 404  # models: by id only


def test_inventory_lists_are_paged(sqlite_client, sqlite_store):
    for name in ("alpha", "beta", "gamma"):
        add_system(sqlite_store, name, tier=None)
    browser_login(sqlite_client, "auditor")

    page = sqlite_client.get("/systems?limit=2")

    assert "alpha" in page.text and "beta" in page.text and "gamma" not in page.text
    following = re.search(r'href="([^"]+)" rel="next"', page.text).group(1)
    assert following == "/systems?limit=2&amp;offset=2"
    assert "gamma" in sqlite_client.get("/systems?limit=2&offset=2").text


def test_the_runs_list_filters_by_kind_and_a_scan_has_its_page(client, server_store, tmp_path):
    run = record_scan(server_store, tmp_path)
    browser_login(client, "auditor")

    assert f'href="/runs/{run.id}"' in client.get("/runs").text
    assert f'href="/runs/{run.id}"' in client.get("/runs?kind=scan").text
    assert "No runs recorded." in client.get("/runs?kind=test").text
    page = client.get(f"/runs/{run.id}")
    assert page.status_code == 200
    assert run.id in page.text and "model.pkl" in page.text
    assert "modelfile.pickle" in page.text
    assert client.get("/runs/not-a-run").status_code == 404
    assert client.get("/runs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_test_run_shows_its_measurements_as_a_table_and_charts(sqlite_client, sqlite_store):
    from aisec import __version__
    from aisec.core.run import Measurement, Run

    run = Run(
        kind="test", targets=["scorer"], tool_version=__version__, config={},
        measurements=[
            Measurement("accuracy", 0.91, 0.88, 0.94, 500, params={"group": "<women>"}),
            Measurement("accuracy", 0.87, 0.83, 0.9, 480, params={"group": "men"}),
            Measurement("latency", 12.5, None, None, 50, unit="ms"),
        ],
    )  # fmt: skip
    stored = sqlite_store.runs.record(run)
    browser_login(sqlite_client, "auditor")

    page = sqlite_client.get(f"/runs/{stored.id}")

    assert page.status_code == 200
    text = page.text
    assert text.count("<svg") == 2  # one chart per measurement name
    assert "&lt;women&gt;" in text and "<women>" not in text
    assert "0.88 – 0.94" in text and "12.5" in text
    assert "No findings." in text


def test_a_detector_validation_is_listed_and_charted(sqlite_client, sqlite_store, tmp_path):
    """A run of `aisec validate` (kind validate) is filtered for and shows its operating
    points with their intervals."""
    import numpy as np

    from aisec.services.validating import ValidationSpec, validate
    from aisec.validation.evaluate import Options
    from aisec.validation.sources import ColumnScores

    rng = np.random.default_rng(4)
    labels = rng.random(600) < 0.2
    scores = rng.normal(size=600) + 2 * labels
    data = tmp_path / "scored.csv"
    rows = [f"{int(y)},{s:.6f}" for y, s in zip(labels, scores, strict=True)]
    data.write_text("malicious,score\n" + "\n".join(rows) + "\n")
    spec = ValidationSpec(data=data, label="malicious", sources=[ColumnScores("score")],
                          options=Options(fprs=(0.05,), n_boot=100))  # fmt: skip
    stored = sqlite_store.runs.record(validate(spec).run)
    browser_login(sqlite_client, "auditor")

    listed = sqlite_client.get("/runs?kind=validate").text
    assert f'href="/runs/{stored.id}"' in listed
    assert 'value="validate"' in listed  # the kind filter offers it
    page = sqlite_client.get(f"/runs/{stored.id}").text
    assert "detection_rate" in page and "roc_auc" in page
    assert page.count("<svg") >= 4  # a chart per measurement name
