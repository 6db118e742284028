"""Discovery of a realistic repository: every asset with its place, re-runs without
duplicates, and a planted key that never appears unredacted anywhere."""

from __future__ import annotations

import json

import pytest
from discovery_repo import FAKE_KEY

from aisec.discovery import discover, record
from aisec.store import DatasetAsset, ModelAsset, Place, open_store


@pytest.fixture
def report(repository):
    return discover(repository)


def places(report, kind, name):
    item = next(i for i in report.of_kind(kind) if i.name == name)
    return [(p.path, p.line) for p in item.places]


def test_models_are_found_by_content_and_scanned(report):
    pytest.importorskip("torch")  # the repository's second model is written by torch
    models = {i.name: i for i in report.of_kind("model")}
    assert set(models) == {"models/clf.joblib", "models/linear.pt"}
    assert models["models/clf.joblib"].details["format"] == "joblib"
    assert models["models/linear.pt"].details["framework"] == "pytorch"
    assert all(len(m.details["sha256"]) == 64 for m in models.values())
    scanned = {a.location.path for a in report.run.artefacts if a.format in ("joblib", "pytorch")}
    assert len(scanned) == 2  # the scanner's own artefacts are part of the run


def test_datasets_are_found_by_structure(report):
    datasets = {i.name: i.details["format"] for i in report.of_kind("dataset")}
    assert datasets == {
        "data/train.csv": "csv",
        "data/eval.jsonl": "jsonl",
        "data/images": "image-folder",
    }
    csv = next(i for i in report.of_kind("dataset") if i.name == "data/train.csv")
    assert len(csv.details["sha256"]) == 64


def test_code_sdks_and_loaders_with_lines(report):
    assert places(report, "sdk", "openai") == [("src/app.py", 3)]
    assert places(report, "sdk", "anthropic") == [("src/app.py", 5)]
    assert places(report, "sdk", "transformers") == [("src/app.py", 6)]
    assert places(report, "loader", "torch.load") == [("src/app.py", 12), ("src/app.py", 13)]
    assert places(report, "loader", "pickle.load") == [("src/app.py", 15)]


def test_unsafe_loaders_are_findings_with_file_and_line(report):
    unsafe = sorted(
        (f.location.path.rsplit("/", 2)[-2:][-1], f.location.row, f.evidence["call"])
        for f in report.run.findings
        if f.check_id == "discovery.unsafe-loader"
    )
    assert unsafe == [
        ("app.py", 12, "torch.load"),  # line 13 has weights_only=True
        ("app.py", 15, "pickle.load"),
        ("explore.ipynb", 17, "joblib.load"),  # lines of the .ipynb file itself
        ("explore.ipynb", 27, "numpy.load"),
    ]


def test_notebook_cells_are_read_at_the_file_lines(report, repository):
    lines = (repository / "notebooks" / "explore.ipynb").read_text().splitlines()
    assert "joblib.load" in lines[16] and "allow_pickle=True" in lines[26]
    assert places(report, "notebook", "notebooks/explore.ipynb") == [("notebooks/explore.ipynb", 1)]


def test_dependencies_from_every_file(report):
    deps = {(i.name, i.version): [p.path for p in i.places] for i in report.of_kind("dependency")}
    assert deps[("torch", "2.3.1")] == ["poetry.lock", "requirements.txt"]  # walk order
    assert deps[("openai", ">=1.30")] == ["requirements.txt"]
    assert deps[("numpy", "1.26.4")] == ["requirements.txt"]
    assert deps[("transformers", ">=4.40")] == ["pyproject.toml"]
    assert deps[("anthropic", "0.25.0")] == ["pyproject.toml"]
    assert deps[("scikit-learn", ">=1.4")] == ["pyproject.toml"]
    assert deps[("langchain", "^0.2.0")] == ["pyproject.toml"]
    assert deps[("safetensors", "0.4.3")] == ["poetry.lock"]
    assert not any(name == "requests" for name, _ in deps)  # not an ML/AI package
    assert places(report, "dependency", "torch") == [("poetry.lock", 6), ("requirements.txt", 2)]


def test_mcp_servers_without_env_values(report):
    servers = {i.name: i for i in report.of_kind("mcp-server")}
    assert set(servers) == {"filesystem", "search"}
    fs = servers["filesystem"].details
    assert fs["command"] == "npx" and fs["env_keys"] == ["LOG_LEVEL", "OPENAI_API_KEY"]
    assert "debug" not in json.dumps(fs)
    assert servers["search"].details["url"] == "https://mcp.example.com/sse"
    assert servers["filesystem"].places == [Place(".vscode/mcp.json", 3)]


def test_planted_key_is_a_critical_finding_redacted(report):
    keys = [f for f in report.run.findings if f.check_id == "discovery.hardcoded-key"]
    found = sorted((f.location.path.rsplit("/", 1)[-1], f.location.row) for f in keys)
    assert found == [("app.py", 8), ("mcp.json", 11)]  # the MCP env value is found too
    assert {f.evidence["key"] for f in keys} == {"sk-proj-…FvTg"}
    assert {f.severity.label for f in keys} == {"critical"}
    assert FAKE_KEY not in json.dumps(report.to_dict(), ensure_ascii=False)


def test_tool_directories_are_skipped_unless_asked(repository):
    assert not any(".venv" in p.path for i in discover(repository).items for p in i.places)
    found = discover(repository, include_skipped=True)
    assert (".venv/lib/vendored.py", 2) in places(found, "loader", "pickle.loads")


def test_recording_twice_adds_no_duplicates(repository, tmp_path):
    url = f"sqlite:///{tmp_path / 'aisec.db'}"
    with open_store(url) as store:
        first = record(discover(repository), store)
        before = (
            store.inventory.list(ModelAsset),
            store.inventory.list(DatasetAsset),
            store.components.list(),
        )
        second = record(discover(repository), store)
        after = (
            store.inventory.list(ModelAsset),
            store.inventory.list(DatasetAsset),
            store.components.list(),
        )
        assert first.run_id != second.run_id
        assert [len(x) for x in after] == [len(before[0]), 3, len(before[2])]
        assert len(before[0]) >= 1
        assert after == before  # not even updated_at moved
        model = store.inventory.find(ModelAsset, "models/clf.joblib", "")
        assert model is not None and model.discovered_at == (Place("models/clf.joblib"),)
        assert model.format == "joblib" and len(model.digests["sha256"]) == 64
        torch_dep = store.components.find("dependency", "pypi", "torch", "2.3.1")
        assert torch_dep is not None
        assert set(torch_dep.discovered_at) == {
            Place("requirements.txt", 2),
            Place("poetry.lock", 6),
        }
        runs = store.runs.list(kind="discover")
        assert len(runs) == 2
        fingerprints = {f.fingerprint for f in store.findings.list()}
        assert len(fingerprints) == len(discover(repository).run.findings)


def test_the_key_never_reaches_the_database_file(repository, tmp_path):
    path = tmp_path / "aisec.db"
    with open_store(f"sqlite:///{path}") as store:
        record(discover(repository), store)
    data = path.read_bytes()
    for wal in tmp_path.glob("aisec.db-*"):
        data += wal.read_bytes()
    assert FAKE_KEY.encode() not in data
    assert FAKE_KEY[8:].encode() not in data  # nor its secret part alone
    assert b"FvTg" in data  # the redacted form is there
