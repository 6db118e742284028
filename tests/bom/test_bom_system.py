"""``aisec bom --system``: the ML-BOM of an inventory, valid CycloneDX 1.6, and unchanged
by export -> import into an empty store -> export."""

from __future__ import annotations

import json

from bom_inventory import FRAUD_SHA, build_inventory, components, validate_16

from aisec.cli.main import main
from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store import open_store
from aisec.store.records import ModelAsset, SystemAsset


def _export(url, out, capsys) -> str:
    assert main(["bom", "--system", "credit-scoring", "--database", url, "-o", str(out)]) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8")


def test_export_import_export_is_unchanged(new_database, tmp_path, capsys):
    first_url, second_url = new_database(), new_database()
    with open_store(first_url) as store:
        build_inventory(store)
    first = _export(first_url, tmp_path / "first.json", capsys)
    validate_16(first)

    assert main(["bom", "--import", str(tmp_path / "first.json"), "--database", second_url]) == 0
    assert "imported" in capsys.readouterr().err
    second = _export(second_url, tmp_path / "second.json", capsys)
    assert second == first

    # Importing again merges into what is there: nothing is duplicated.
    assert main(["bom", "--import", str(tmp_path / "first.json"), "--database", second_url]) == 0
    with open_store(second_url) as store:
        assert len(store.inventory.list(ModelAsset)) == 2
        system = store.inventory.find(SystemAsset, "credit-scoring")
        assert system is not None and len(system.model_ids) == 2
        assert system.geography == ("EU", "UK") and system.eu_ai_act_role == "provider"
    assert _export(second_url, tmp_path / "third.json", capsys) == first


def test_the_document_says_what_the_inventory_holds(new_database, tmp_path, capsys):
    url = new_database()
    with open_store(url) as store:
        build_inventory(store)
    text = _export(url, tmp_path / "bom.json", capsys)
    doc = json.loads(text)
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.6"
    assert doc["metadata"]["timestamp"] == "2026-01-01T00:00:00+00:00"
    assert doc["metadata"]["component"]["name"] == "credit-scoring"
    found = components(text)
    fraud, loans = found["fraud-net"], found["loans-2025"]
    assert fraud["type"] == "machine-learning-model" and fraud["version"] == "1.2"
    assert fraud["hashes"] == [{"alg": "SHA-256", "content": FRAUD_SHA}]
    assert fraud["supplier"]["name"] == "acme-ai"
    assert fraud["modelCard"]["modelParameters"]["datasets"] == [{"ref": loans["bom-ref"]}]
    card = {p["name"]: p["value"] for p in fraud["modelCard"]["properties"]}
    assert card == {"aisec:framework": "sklearn", "aisec:format": "joblib"}
    assert found["risk-score"]["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert loans["type"] == "data"
    assert loans["data"] == [
        {
            "type": "dataset",
            "name": "loans-2025",
            "classification": "confidential",
            "sensitiveData": ["personal data"],
        }
    ]
    [service] = doc["services"]
    assert service["endpoints"] == ["https://api.example.com/v1/score"]
    assert service["authenticated"] is True
    root = next(
        d for d in doc["dependencies"] if d["ref"] == doc["metadata"]["component"]["bom-ref"]
    )
    assert set(root["dependsOn"]) == {
        fraud["bom-ref"],
        found["risk-score"]["bom-ref"],
        service["bom-ref"],
    }
    assert "vulnerabilities" not in doc


def test_open_findings_of_a_model_are_vulnerabilities(new_database, tmp_path, capsys):
    url = new_database()
    with open_store(url) as store:
        build_inventory(store)
        run = Run("scan", ["repo"], "test", {})
        location = Location("repo/models/fraud.joblib", offset=12)
        run.findings.append(
            Finding.create(
                check_id="modelfile.pickle.unsafe-callable",
                severity=Severity.CRITICAL,
                title="Unsafe callable in a pickle",
                message="os.system would be called",
                location=location,
                evidence={"callable": "os.system"},
                refs=("AML.T0010",),
            )
        )
        run.findings.append(
            Finding.create(
                check_id="modelfile.pickle.unsafe-callable",
                severity=Severity.HIGH,
                title="elsewhere",
                message="not this model",
                location=Location("other/thing.pkl"),
            )
        )
        run.finish()
        store.runs.record(run)
    text = _export(url, tmp_path / "bom.json", capsys)
    validate_16(text)
    [vulnerability] = json.loads(text)["vulnerabilities"]
    assert vulnerability["id"] == "modelfile.pickle.unsafe-callable"
    assert vulnerability["ratings"][0]["severity"] == "critical"
    assert vulnerability["affects"] == [{"ref": components(text)["fraud-net"]["bom-ref"]}]

    # Imported into an empty store, the findings come back as a bom-import run's, and the
    # system's BOM is the same document, vulnerabilities and serial number included.
    second = new_database()
    assert main(["bom", "--import", str(tmp_path / "bom.json"), "--database", second]) == 0
    assert _export(second, tmp_path / "again.json", capsys) == text
    with open_store(second) as store:
        [imported] = store.findings.list()
        assert imported.check_id == "modelfile.pickle.unsafe-callable"
        assert imported.location == "repo/models/fraud.joblib@12"
        assert imported.path == "repo/models/fraud.joblib" and imported.refs == ("AML.T0010",)
        assert [r.kind for r in store.runs.list()] == ["bom-import"]

    # Into the store it came from: the same findings, one more sighting, evidence kept.
    assert main(["bom", "--import", str(tmp_path / "bom.json"), "--database", url]) == 0
    assert _export(url, tmp_path / "third.json", capsys) == text
    with open_store(url) as store:
        [fingerprint] = [
            p["value"] for p in vulnerability["properties"] if p["name"] == "aisec:fingerprint"
        ]
        kept = store.findings.get(fingerprint)
        assert kept is not None and kept.occurrences == 2
        assert kept.evidence == {"callable": "os.system"}


def test_usage_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["bom"]) == 2
    assert main(["bom", str(tmp_path), "--system", "x"]) == 2
    assert "give one of PATH" in capsys.readouterr().err
    # Reading never creates a store (docs/adr/0011).
    assert main(["bom", "--system", "credit-scoring"]) == 2
    assert "no store here yet" in capsys.readouterr().err
    assert not (tmp_path / ".aisec").exists()


def test_unknown_system_suggests_names(new_database, capsys):
    url = new_database()
    with open_store(url) as store:
        build_inventory(store)
    assert main(["bom", "--system", "credit-scorng", "--database", url]) == 2
    assert "did you mean: credit-scoring?" in capsys.readouterr().err
