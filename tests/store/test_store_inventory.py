"""The inventory: CRUD for every asset kind, relations, and upserts that do not duplicate."""

from __future__ import annotations

import dataclasses
from datetime import UTC

import pytest

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import (
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    Place,
    SystemAsset,
    VendorAsset,
)

# One full example of each kind, and an edit of one of its fields.
EXAMPLES = {
    SystemAsset: (
        SystemAsset(
            name="support-chatbot",
            intended_purpose="answer customer questions about orders",
            owner="ml-platform@example.com",
            business_unit="customer service",
            lifecycle_stage="operation",
            deployment_context="customer-facing web chat",
            eu_ai_act_role="deployer",
            geography=("EU", "UK"),
            discovered_at=(Place("services/chat/app.py", 12),),
        ),
        {"lifecycle_stage": "retired"},
    ),
    ModelAsset: (
        ModelAsset(
            name="bert-base-uncased",
            version="1.0",
            framework="pytorch",
            format="pytorch-zip",
            digests={"sha256": "ab" * 32},
            licence="Apache-2.0",
            source_uri="hf://google-bert/bert-base-uncased",
        ),
        {"licence": "MIT"},
    ),
    DatasetAsset: (
        DatasetAsset(
            name="support-tickets-2025",
            source="s3://data/tickets.parquet",
            licence="proprietary",
            sensitivity="confidential",
            contains_personal_data=True,
            digests={"sha256": "cd" * 32},
        ),
        {"contains_personal_data": False},
    ),
    EndpointAsset: (
        EndpointAsset(url="https://api.example.com/v1/chat", name="chat", authentication="oauth2"),
        {"authentication": "none"},
    ),
    VendorAsset: (
        VendorAsset(name="Acme AI", website="https://acme.example", contact="sales@acme.example"),
        {"contact": "security@acme.example"},
    ),
}
KINDS = list(EXAMPLES)


def fields_of(asset) -> dict:
    skip = {"id", "created_at", "updated_at"}
    return {f.name: getattr(asset, f.name) for f in dataclasses.fields(asset) if f.name not in skip}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.kind)
def test_add_get_list_update_remove(store, kind):
    example, edit = EXAMPLES[kind]
    added = store.inventory.add(example)
    assert added.id and added.created_at and added.created_at.tzinfo is UTC
    assert fields_of(added) == fields_of(example)
    assert store.inventory.get(kind, added.id) == added
    assert store.inventory.list(kind) == [added]

    updated = store.inventory.update(dataclasses.replace(added, **edit))
    assert fields_of(updated) == fields_of(dataclasses.replace(example, **edit))
    assert updated.created_at == added.created_at
    assert updated.updated_at >= added.updated_at
    assert store.inventory.get(kind, added.id) == updated

    store.inventory.remove(kind, added.id)
    assert store.inventory.get(kind, added.id) is None
    assert store.inventory.list(kind) == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.kind)
def test_upsert_twice_stores_once_and_changes_nothing(store, kind):
    example, _ = EXAMPLES[kind]
    first = store.inventory.upsert(example)
    second = store.inventory.upsert(example)
    assert second == first  # same id, same fields, same updated_at
    assert len(store.inventory.list(kind)) == 1


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.kind)
def test_adding_a_taken_natural_key_is_refused(store, kind):
    example, _ = EXAMPLES[kind]
    store.inventory.add(example)
    with pytest.raises(InvalidRecord, match="already exists"):
        store.inventory.add(example)


def test_upsert_merges_what_discovery_finds_into_what_people_wrote(store):
    written = store.inventory.add(
        ModelAsset(name="fraud", version="3", licence="internal", digests={"md5": "aa"})
    )
    merged = store.inventory.upsert(
        ModelAsset(
            name="fraud",
            version="3",
            format="joblib",
            digests={"sha256": "bb"},
            discovered_at=(Place("models/fraud.joblib"),),
        )
    )
    assert merged.id == written.id
    assert merged.licence == "internal"  # empty in the upsert: kept
    assert merged.format == "joblib"
    assert merged.digests == {"md5": "aa", "sha256": "bb"}
    again = store.inventory.upsert(
        ModelAsset(name="fraud", version="3", discovered_at=(Place("train.py", 40),))
    )
    assert again.discovered_at == (Place("models/fraud.joblib"), Place("train.py", 40))
    assert store.inventory.find(ModelAsset, "fraud", "3") == again
    assert store.inventory.find(ModelAsset, "fraud", "4") is None


def test_versions_of_a_model_are_different_models(store):
    one = store.inventory.upsert(ModelAsset(name="m", version="1"))
    two = store.inventory.upsert(ModelAsset(name="m", version="2"))
    unversioned = store.inventory.upsert(ModelAsset(name="m"))
    assert len({one.id, two.id, unversioned.id}) == 3


def test_relations_both_ways(store):
    inv = store.inventory
    system = inv.add(EXAMPLES[SystemAsset][0])
    model = inv.add(EXAMPLES[ModelAsset][0])
    dataset = inv.add(EXAMPLES[DatasetAsset][0])
    endpoint = inv.add(EXAMPLES[EndpointAsset][0])
    vendor = inv.add(EXAMPLES[VendorAsset][0])

    inv.link(system, model)
    inv.link(dataset, system)  # either order
    inv.link(system, endpoint)
    inv.link(system, endpoint)  # idempotent
    inv.link(model, dataset)  # trained on
    inv.link(vendor, model)

    stored = inv.get(SystemAsset, system.id)
    assert (stored.model_ids, stored.dataset_ids, stored.endpoint_ids) == (
        (model.id,),
        (dataset.id,),
        (endpoint.id,),
    )
    stored_model = inv.get(ModelAsset, model.id)
    assert stored_model.dataset_ids == (dataset.id,)
    assert stored_model.vendor_id == vendor.id
    assert [m.id for m in inv.related(vendor, ModelAsset)] == [model.id]
    assert [s.id for s in inv.related(model, SystemAsset)] == [system.id]
    assert [d.id for d in inv.related(model, DatasetAsset)] == [dataset.id]
    assert [s.id for s in inv.related(dataset, SystemAsset)] == [system.id]
    assert [v.id for v in inv.related(model, VendorAsset)] == [vendor.id]

    inv.unlink(system, model)
    inv.unlink(model, vendor)
    assert inv.get(SystemAsset, system.id).model_ids == ()
    assert inv.get(ModelAsset, model.id).vendor_id is None

    inv.remove(DatasetAsset, dataset.id)  # links go with it
    assert inv.get(SystemAsset, system.id).dataset_ids == ()
    assert inv.get(ModelAsset, model.id).dataset_ids == ()


def test_removing_a_vendor_keeps_its_models(store):
    vendor = store.inventory.add(VendorAsset(name="v"))
    model = store.inventory.add(ModelAsset(name="m", vendor_id=vendor.id))
    store.inventory.remove(VendorAsset, vendor.id)
    assert store.inventory.get(ModelAsset, model.id).vendor_id is None


def test_relations_that_do_not_exist_are_refused(store):
    endpoint = store.inventory.add(EXAMPLES[EndpointAsset][0])
    vendor = store.inventory.add(EXAMPLES[VendorAsset][0])
    with pytest.raises(InvalidRecord, match="cannot be linked"):
        store.inventory.link(endpoint, vendor)
    with pytest.raises(InvalidRecord, match="store it first"):
        store.inventory.link(SystemAsset(name="unsaved"), endpoint)
    with pytest.raises(RecordNotFound):
        store.inventory.link(dataclasses.replace(EXAMPLES[ModelAsset][0], id="nope"), vendor)


def test_missing_records(store):
    assert store.inventory.get(SystemAsset, "nope") is None
    with pytest.raises(RecordNotFound, match="no system"):
        store.inventory.update(SystemAsset(id="nope", name="x"))
    with pytest.raises(RecordNotFound):
        store.inventory.remove(VendorAsset, "nope")


def test_renaming_onto_a_taken_name_is_refused(store):
    store.inventory.add(VendorAsset(name="a"))
    b = store.inventory.add(VendorAsset(name="b"))
    with pytest.raises(InvalidRecord, match="already exists"):
        store.inventory.update(dataclasses.replace(b, name="a"))


@pytest.mark.parametrize(
    "build",
    [
        lambda: SystemAsset(name=""),
        lambda: SystemAsset(name="s", lifecycle_stage="forever"),
        lambda: SystemAsset(name="s", eu_ai_act_role="owner"),
        lambda: DatasetAsset(name="d", sensitivity="secret-ish"),
        lambda: EndpointAsset(url="https://x", authentication="magic"),
        lambda: EndpointAsset(url=" "),
    ],
)
def test_invalid_values_are_refused_before_the_store(build):
    with pytest.raises(InvalidRecord) as caught:
        build()
    assert caught.value.code == "AISEC-E602"


def test_hostile_text_is_stored_visibly(store):
    name = "model-\udcff-\x00-name"  # an undecodable byte from a file name, and a NUL
    stored = store.inventory.add(ModelAsset(name=name, discovered_at=(Place("a\udcfe.pkl"),)))
    assert stored.name == "model-\\xff-\\x00-name"
    assert stored.discovered_at == (Place("a\\xfe.pkl"),)


def test_lists_from_json_are_read_as_tuples(store):
    built = SystemAsset(name="s", geography=["EU"], discovered_at=[Place("a.py", 1)])
    assert built.geography == ("EU",) and built.discovered_at == (Place("a.py", 1),)
    assert store.inventory.add(built).geography == ("EU",)
