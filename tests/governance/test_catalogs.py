"""The catalogue schema: every shipped file loads and is well-formed, broken documents
are named errors, and every framework ref a check or the crosswalk uses resolves."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.core.check import REF
from aisec.governance.catalogs import (
    CatalogueError,
    all_catalogues,
    crosswalk,
    load_catalogue,
    resolve,
)
from aisec.governance.catalogs.loader import parse

GOOD = {
    "schema": "aisec.catalogue/1",
    "id": "t",
    "title": "T",
    "version": "1",
    "publisher": "P",
    "licence": "L",
    "source": "https://example.org",
    "retrieved": "2026-11-28",
    "ref_prefix": "T:",
    "kinds": ["a", "b"],
    "items": [{"id": "1", "kind": "a"}, {"id": "1.1", "kind": "b", "parent": "1"}],
}


def test_a_good_document_parses():
    catalogue = parse(GOOD)
    assert [catalogue.ref(i) for i in catalogue] == ["T:1", "T:1.1"]
    assert catalogue.children("1")[0].id == "1.1"
    assert catalogue.item_for_ref("T:1.1") is not None and catalogue.item_for_ref("1") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema": "other"}, "not an aisec.catalogue/1"),
        ({"title": ""}, "title"),
        ({"retrieved": "yesterday"}, "retrieved"),
        ({"kinds": []}, "kinds"),
        ({"items": []}, "no items"),
        ({"items": [{"id": "1", "kind": "z"}]}, "kind 'z'"),
        ({"items": [{"id": "1", "kind": "a"}, {"id": "1", "kind": "a"}]}, "twice"),
        ({"items": [{"id": "2", "kind": "a", "parent": "9"}]}, "parent"),
        ({"items": [{"id": "1", "kind": "a", "text": "x"}]}, "unknown keys"),
        ({"items": [{"id": "1", "kind": "a", "attributes": []}]}, "attributes"),
    ],
)
def test_broken_documents_are_named(change, message):
    with pytest.raises(CatalogueError, match=message):
        parse(GOOD | change)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*GOOD, "zz"]),
        st.none() | st.text(max_size=5) | st.lists(st.text(max_size=3), max_size=3),
    )
)
def test_any_mapping_parses_or_is_a_catalogue_error(raw):
    with contextlib.suppress(CatalogueError):
        parse(GOOD | raw)


def test_every_shipped_catalogue_loads_with_its_metadata():
    catalogues = all_catalogues()
    assert {c.id for c in catalogues} >= {"gdpr"}
    for catalogue in catalogues:
        assert catalogue.source.startswith("https://")
        assert catalogue.licence and catalogue.publisher and catalogue.version
        for item in catalogue:
            ref = catalogue.ref(item)
            if catalogue.ref_prefix or re.match(r"^(AML|ML|LLM)", ref):
                assert REF.match(ref), ref


def test_refs_are_unique_across_catalogues():
    seen: dict[str, str] = {}
    for catalogue in all_catalogues():
        for item in catalogue:
            ref = catalogue.ref(item)
            assert ref not in seen, f"{ref} in {seen.get(ref)} and {catalogue.id}"
            seen[ref] = catalogue.id


def test_gdpr_counts():
    gdpr = load_catalogue("gdpr")
    assert [i.id for i in gdpr.of_kind("article")] == ["Art.22", "Art.35"]
    assert len(gdpr.children("Art.35(7)")) == 4  # the DPIA's minimum content (a)-(d)
    assert len(gdpr.children("Art.35(3)")) == 3  # the three cases that always need one


def test_unknown_catalogue_is_a_config_error():
    from aisec.core.errors import ConfigError

    with pytest.raises(ConfigError, match="no catalogue"):
        load_catalogue("nope")


def test_every_check_ref_resolves_to_a_catalogue_item():
    missing = {
        (check, ref)
        for check, refs in crosswalk.check_refs().items()
        for ref in refs
        if resolve(ref) is None
    }
    assert not missing, sorted(missing)


def test_every_crosswalk_ref_resolves_and_relations_are_symmetric():
    for group in crosswalk.groups():
        for ref in group.refs:
            assert resolve(ref) is not None, f"{group.name}: {ref}"
            for other in group.refs:
                if other != ref:
                    assert ref in crosswalk.related(other)


def test_a_check_speaks_to_the_requirements_its_refs_relate_to():
    reached = crosswalk.requirements_for_check("assurance.privacy.membership-inference")
    assert {"AML.T0024.000", "ML04:2023", "GDPR:Art.35"} <= reached
    assert "ML03:2023" in reached  # through the crosswalk, not the check's own refs


def test_broken_crosswalks_are_named():
    with pytest.raises(CatalogueError, match="crosswalk"):
        crosswalk.parse(
            {
                "schema": "aisec.crosswalk/1",
                "groups": [{"name": "x", "relation": "related", "refs": ["a"]}],
            }
        )
    with pytest.raises(CatalogueError, match="relation"):
        crosswalk.parse(
            {
                "schema": "aisec.crosswalk/1",
                "groups": [{"name": "x", "relation": "kin", "refs": ["a", "b"]}],
            }
        )


def test_equivalence_only_joins_editions_of_one_owasp_list():
    for group in crosswalk.groups():
        if group.relation == "equivalent":
            assert all(re.match(r"^LLM\d\d:20\d\d$", ref) for ref in group.refs), group.name
