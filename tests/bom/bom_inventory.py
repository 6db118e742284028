"""The inventory the BOM tests describe: a system using two models trained on a dataset
from a vendor, and an endpoint; built through the services, as a user would."""

from __future__ import annotations

import json

from aisec.services import inventory as inv
from aisec.store.records import (
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    Place,
    SystemAsset,
    VendorAsset,
)

FRAUD_SHA = "3f" * 32


def build_inventory(store) -> None:
    repo = store.inventory
    inv.add(
        repo,
        SystemAsset,
        {
            "name": "credit-scoring",
            "intended_purpose": "score loan applications",
            "owner": "risk-team",
            "business_unit": "retail",
            "lifecycle_stage": "operation",
            "deployment_context": "internal web app",
            "eu_ai_act_role": "provider",
            "geography": ("EU", "UK"),
        },
    )
    inv.add(
        repo,
        VendorAsset,
        {"name": "acme-ai", "website": "https://acme.example", "contact": "ml@acme.example"},
    )
    inv.add(
        repo,
        DatasetAsset,
        {
            "name": "loans-2025",
            "source": "s3://data/loans-2025.parquet",
            "licence": "CC-BY-4.0",
            "sensitivity": "confidential",
            "contains_personal_data": True,
            "digests": {"sha256": "ab" * 32},
        },
    )
    # One model as discovery records it (with the place its file was found at).
    repo.upsert(
        ModelAsset(
            name="fraud-net",
            version="1.2",
            framework="sklearn",
            format="joblib",
            licence="Apache-2.0",
            source_uri="hf://acme-ai/fraud-net",
            digests={"sha256": FRAUD_SHA},
            discovered_at=(Place("models/fraud.joblib"),),
        )
    )
    inv.add(
        repo, ModelAsset, {"name": "risk-score", "version": "2", "licence": "MIT OR Apache-2.0"}
    )
    inv.add(
        repo,
        EndpointAsset,
        {
            "url": "https://api.example.com/v1/score",
            "name": "scoring-api",
            "authentication": "api-key",
        },
    )
    for model in ("fraud-net@1.2", "risk-score@2"):
        inv.link(repo, (ModelAsset, model), (DatasetAsset, "loans-2025"))
        inv.link(repo, (ModelAsset, model), (VendorAsset, "acme-ai"))
        inv.link(repo, (SystemAsset, "credit-scoring"), (ModelAsset, model))
    inv.link(repo, (SystemAsset, "credit-scoring"), (EndpointAsset, "scoring-api"))


def validate_16(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, str(error)


def components(text: str) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(text)["components"]}
