"""``aisec bom PATH``: discovery in memory (nothing recorded), then the BOM of what it
found; and that BOM imported into a store, exported again as the system it describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bom_inventory import components, validate_16

from aisec.cli.main import main
from aisec.store import open_store
from aisec.store.component_records import ComponentRecord
from aisec.store.records import DatasetAsset, ModelAsset, SystemAsset


@pytest.fixture
def small_repo(tmp_path):
    sklearn = pytest.importorskip("sklearn.linear_model")
    joblib = pytest.importorskip("joblib")
    root = tmp_path / "churn-repo"
    (root / "models").mkdir(parents=True)
    (root / "data").mkdir()
    model = sklearn.LogisticRegression().fit(
        [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]], [0, 1, 0, 1]
    )
    joblib.dump(model, root / "models" / "churn.joblib")
    rows = "\n".join(f"{i},{i * 2.5},{i % 2}" for i in range(20))
    (root / "data" / "customers.csv").write_text("id,spend,churned\n" + rows + "\n")
    (root / "requirements.txt").write_text("scikit-learn==1.5.2\nnumpy>=1.26\nrequests==2.32.0\n")
    return root


def test_bom_of_a_discovered_repository(small_repo, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "bom.json"
    assert main(["bom", str(small_repo), "-o", str(out)]) == 0
    capsys.readouterr()
    assert not (tmp_path / ".aisec").exists(), "a path BOM must not create a store"
    text = out.read_text()
    validate_16(text)
    found = components(text)
    model = found["models/churn.joblib"]
    assert model["type"] == "machine-learning-model"
    assert model["hashes"][0]["alg"] == "SHA-256"
    card = {p["name"]: p["value"] for p in model["modelCard"]["properties"]}
    assert card["aisec:format"] == "joblib"
    assert found["data/customers.csv"]["type"] == "data"
    assert found["scikit-learn"]["purl"] == "pkg:pypi/scikit-learn@1.5.2"
    assert found["numpy"]["purl"] == "pkg:pypi/numpy"
    assert "requests" not in found  # discovery keeps ML and AI dependencies only
    doc = json.loads(text)
    assert doc["metadata"]["component"]["name"] == "churn-repo"

    # The same repository gives the same document (serial number included).
    again = tmp_path / "again.json"
    assert main(["bom", str(small_repo), "-o", str(again)]) == 0
    assert again.read_text() == text

    # Imported, it is a system using what was found, libraries included; its own BOM is
    # the same document, byte for byte.
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["bom", "--import", str(out), "--database", url]) == 0
    with open_store(url) as store:
        system = store.inventory.find(SystemAsset, "churn-repo")
        assert system is not None and len(system.model_ids) == 1 and len(system.dataset_ids) == 1
        assert store.inventory.find(ModelAsset, "models/churn.joblib", "") is not None
        assert store.inventory.find(DatasetAsset, "data/customers.csv") is not None
        library = store.components.find("dependency", "pypi", "scikit-learn", "1.5.2")
        assert isinstance(library, ComponentRecord)
        assert [p.path for p in library.discovered_at] == ["requirements.txt"]
        assert [s.name for s in store.components.systems(library)] == ["churn-repo"]
        assert {c.name for c in store.components.related(system)} == {"scikit-learn", "numpy"}
    exported = tmp_path / "exported.json"
    assert main(["bom", "--system", "churn-repo", "--database", url, "-o", str(exported)]) == 0
    assert exported.read_text() == text


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["bom", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def _discovery_repository():
    # Discovery's own realistic repository (code, notebooks, requirements, model files,
    # datasets, an MCP configuration, a planted key), loaded from its test helper.
    import importlib.util
    from pathlib import Path

    helper = Path(__file__).resolve().parents[1] / "discovery" / "discovery_repo.py"
    if not helper.exists():
        pytest.skip("discovery's test repository is not there")
    spec = importlib.util.spec_from_file_location("bom_discovery_repo", helper)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bom_of_the_discovery_test_repository(new_database, tmp_path, monkeypatch, capsys):
    helper = _discovery_repository()
    root = helper.build_repository(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "bom.json"
    assert main(["bom", str(root), "-o", str(out)]) in (0, 3)
    capsys.readouterr()
    text = out.read_text()
    validate_16(text)
    assert helper.FAKE_KEY not in text and helper.FAKE_HF not in text
    doc = json.loads(text)
    kinds = {c["type"] for c in doc["components"]}
    assert {"machine-learning-model", "data", "library"} <= kinds
    assert _round_trip(new_database(), out, "repo", tmp_path) == text


def _round_trip(url: str, bom: Path, system: str, tmp_path: Path) -> str:
    """Import ``bom`` into the empty store at ``url`` and export ``system`` again."""
    assert main(["bom", "--import", str(bom), "--database", url]) == 0
    exported = tmp_path / "exported.json"
    assert main(["bom", "--system", system, "--database", url, "-o", str(exported)]) == 0
    text = exported.read_text(encoding="utf-8")
    validate_16(text)
    return text


def test_scan_findings_of_a_model_file_are_its_vulnerabilities(
    new_database, tmp_path, monkeypatch, capsys
):
    root = tmp_path / "repo"
    root.mkdir()
    # A pickle that would call posix.system("true") if loaded; it is only ever read.
    (root / "evil.pkl").write_bytes(b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00true\x85R.")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "bom.json"
    assert main(["bom", str(root), "-o", str(out)]) == 0  # a BOM is not a gate
    capsys.readouterr()
    text = out.read_text()
    validate_16(text)
    doc = json.loads(text)
    model = components(text)["evil.pkl"]
    vulnerabilities = doc["vulnerabilities"]
    assert vulnerabilities and all(
        v["affects"] == [{"ref": model["bom-ref"]}] for v in vulnerabilities
    )
    assert any(v["ratings"][0]["severity"] == "critical" for v in vulnerabilities)
    assert all(v.get("recommendation") for v in vulnerabilities)

    # Imported, the vulnerabilities are findings of a bom-import run, open, at the model's
    # file; the system's BOM lists them again, byte for byte.
    url = new_database()
    assert _round_trip(url, out, "repo", tmp_path) == text
    with open_store(url) as store:
        [run] = store.runs.list()
        assert run.kind == "bom-import" and run.exit_code == 0
        assert run.started_at.isoformat() == doc["metadata"]["timestamp"]
        found = store.findings.list()
        assert {f.fingerprint for f in found} == {
            p["value"]
            for v in vulnerabilities
            for p in v["properties"]
            if p["name"] == "aisec:fingerprint"
        }
        assert all(f.path == "repo/evil.pkl" and f.occurrences == 1 for f in found)
    # The same document again is the same import: no second run, no second sighting.
    assert _round_trip(url, out, "repo", tmp_path) == text
    with open_store(url) as store:
        assert len(store.runs.list()) == 1
        assert all(f.occurrences == 1 for f in store.findings.list())


def test_discovering_into_a_system_gives_the_path_s_bom(
    new_database, tmp_path, monkeypatch, capsys
):
    # aisec discover PATH --system NAME links what it finds to NAME, whose BOM is then the
    # BOM of the path: the same document, vulnerabilities and libraries included.
    helper = _discovery_repository()
    root = helper.build_repository(tmp_path / "repo")
    (root / "evil.pkl").write_bytes(b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00true\x85R.")
    monkeypatch.chdir(tmp_path)
    path_bom = tmp_path / "path.json"
    assert main(["bom", str(root), "-o", str(path_bom)]) in (0, 3)
    assert json.loads(path_bom.read_text())["vulnerabilities"]
    url = new_database()
    assert main(["discover", str(root), "--system", "repo", "--database", url]) in (1, 3)
    assert "linked to system 'repo'" in capsys.readouterr().err
    with open_store(url) as store:
        system = store.inventory.find(SystemAsset, "repo")
        assert system is not None
        linked = {c.category for c in store.components.related(system)}
        assert {"dependency", "notebook", "sdk", "mcp-server"} <= linked
    system_bom = tmp_path / "system.json"
    assert main(["bom", "--system", "repo", "--database", url, "-o", str(system_bom)]) == 0
    assert system_bom.read_text() == path_bom.read_text()
    # Without --system discovery links nothing, as before.
    other = new_database()
    assert main(["discover", str(root), "--database", other]) in (1, 3)
    with open_store(other) as store:
        assert store.inventory.list(SystemAsset) == []


def test_discover_system_usage_errors(tmp_path, capsys):
    assert main(["discover", str(tmp_path), "--system", "x", "--no-record"]) == 2
    assert "--no-record records nothing" in capsys.readouterr().err
    assert main(["discover", str(tmp_path), "--system", "x" * 201]) == 2
    assert "1 to 200 characters" in capsys.readouterr().err
