"""``aisec bom PATH``: discovery in memory (nothing recorded), then the BOM of what it
found; and that BOM imported into a store, exported again as the system it describes."""

from __future__ import annotations

import json

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

    # Imported, it is a system using what was found; its own BOM is the same document
    # but for the libraries, which the store keeps as components of no system.
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
    exported = tmp_path / "exported.json"
    assert main(["bom", "--system", "churn-repo", "--database", url, "-o", str(exported)]) == 0
    assert _without_libraries(json.loads(exported.read_text())) == _without_libraries(doc)


def _without_libraries(doc: dict) -> dict:
    libraries = {c["bom-ref"] for c in doc["components"] if c["type"] == "library"}
    out = {k: v for k, v in doc.items() if k not in ("serialNumber", "vulnerabilities")}
    out["components"] = [c for c in doc["components"] if c["bom-ref"] not in libraries]
    out["dependencies"] = [
        {**d, "dependsOn": [r for r in d.get("dependsOn", []) if r not in libraries]}
        for d in doc["dependencies"]
        if d["ref"] not in libraries
    ]
    for d in out["dependencies"]:
        if not d["dependsOn"]:
            del d["dependsOn"]
    return out


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


def test_bom_of_the_discovery_test_repository(tmp_path, monkeypatch, capsys):
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
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["bom", "--import", str(out), "--database", url]) == 0
    exported = tmp_path / "exported.json"
    assert main(["bom", "--system", "repo", "--database", url, "-o", str(exported)]) == 0
    assert _without_libraries(json.loads(exported.read_text())) == _without_libraries(doc)


def test_scan_findings_of_a_model_file_are_its_vulnerabilities(tmp_path, monkeypatch, capsys):
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
