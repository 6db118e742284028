"""The inventory service on SQLite and PostgreSQL: kinds by name, assets by name or id,
suggestions, edits, relations both ways."""

from __future__ import annotations

import pytest

from aisec.core.errors import InvalidRecord, RecordNotFound, UsageError
from aisec.services import inventory
from aisec.store import DatasetAsset, EndpointAsset, ModelAsset, SystemAsset, VendorAsset


def test_kinds_by_singular_or_plural_name():
    assert inventory.parse_kind("systems") is SystemAsset
    assert inventory.parse_kind("Model") is ModelAsset
    with pytest.raises(UsageError, match="unknown kind"):
        inventory.parse_kind("gizmo")


def test_add_resolve_edit_remove(store):
    repo = store.inventory
    system = inventory.add(
        repo, SystemAsset, {"name": "credit-scoring", "owner": "risk", "geography": ("EU",)}
    )
    assert inventory.resolve(repo, SystemAsset, "credit-scoring") == system
    assert inventory.resolve(repo, SystemAsset, str(system.id)) == system
    edited = inventory.edit(repo, SystemAsset, "credit-scoring", {"owner": "", "geography": ()})
    assert (edited.owner, edited.geography, edited.name) == ("", (), "credit-scoring")
    inventory.remove(repo, SystemAsset, "credit-scoring")
    assert repo.list(SystemAsset) == []


def test_validation_errors(store):
    repo = store.inventory
    with pytest.raises(InvalidRecord, match="needs a name"):
        inventory.add(repo, SystemAsset, {"owner": "risk"})
    with pytest.raises(InvalidRecord, match="lifecycle stage"):
        inventory.add(repo, SystemAsset, {"name": "s", "lifecycle_stage": "production"})
    with pytest.raises(UsageError, match="no field version"):
        inventory.add(repo, SystemAsset, {"name": "s", "version": "1"})
    inventory.add(repo, SystemAsset, {"name": "s"})
    with pytest.raises(InvalidRecord, match="already exists"):
        inventory.add(repo, SystemAsset, {"name": "s"})
    with pytest.raises(UsageError, match="nothing to change"):
        inventory.edit(repo, SystemAsset, "s", {})


def test_unknown_names_suggest_close_ones(store):
    inventory.add(store.inventory, SystemAsset, {"name": "credit-scoring"})
    with pytest.raises(RecordNotFound) as caught:
        inventory.resolve(store.inventory, SystemAsset, "credit-scorng")
    assert caught.value.hint == "did you mean: credit-scoring?"
    with pytest.raises(RecordNotFound) as caught:
        inventory.resolve(store.inventory, VendorAsset, "acme")
    assert "no vendors are stored yet" in str(caught.value.hint)


def test_models_by_name_or_name_at_version(store):
    repo = store.inventory
    inventory.add(repo, ModelAsset, {"name": "net", "version": "1"})
    assert inventory.resolve(repo, ModelAsset, "net").version == "1"
    inventory.add(repo, ModelAsset, {"name": "net", "version": "2"})
    with pytest.raises(InvalidRecord, match="names 2 models: net@1, net@2"):
        inventory.resolve(repo, ModelAsset, "net")
    assert inventory.resolve(repo, ModelAsset, "net@2").version == "2"


def test_links_show_both_ways(store):
    repo = store.inventory
    inventory.add(repo, SystemAsset, {"name": "scoring"})
    inventory.add(repo, ModelAsset, {"name": "net"})
    inventory.add(repo, DatasetAsset, {"name": "loans"})
    inventory.add(repo, EndpointAsset, {"url": "https://api.example/v1", "name": "prod"})
    inventory.add(repo, VendorAsset, {"name": "acme"})
    inventory.link(repo, (SystemAsset, "scoring"), (ModelAsset, "net"))
    inventory.link(repo, (SystemAsset, "scoring"), (EndpointAsset, "prod"))
    inventory.link(repo, (ModelAsset, "net"), (DatasetAsset, "loans"))
    inventory.link(repo, (VendorAsset, "acme"), (ModelAsset, "net"))  # either order
    system = inventory.resolve(repo, SystemAsset, "scoring")
    shown = {h: [inventory.label(a) for a in v] for h, v in inventory.related(repo, system).items()}
    assert shown == {"models": ["net"], "datasets": [], "endpoints": ["https://api.example/v1"]}
    model = inventory.resolve(repo, ModelAsset, "net")
    shown = {h: [inventory.label(a) for a in v] for h, v in inventory.related(repo, model).items()}
    assert shown == {"vendor": ["acme"], "trained on": ["loans"], "systems": ["scoring"]}
    with pytest.raises(InvalidRecord, match="cannot be linked"):
        inventory.link(repo, (DatasetAsset, "loans"), (VendorAsset, "acme"))
    inventory.link(repo, (SystemAsset, "scoring"), (ModelAsset, "net"), add=False)
    assert inventory.related(repo, system)["models"] == []


def test_to_dict_is_json_data(store):
    import json

    asset = inventory.add(store.inventory, DatasetAsset, {"name": "d", "digests": {"sha256": "ab"}})
    data = json.loads(json.dumps(inventory.to_dict(asset)))
    assert data["kind"] == "dataset"
    assert data["digests"] == {"sha256": "ab"}
    assert data["created_at"].endswith("+00:00")
