"""``aisec bom --import`` on documents that are not what they claim: clear errors with
exit 2, nothing written, never a traceback; mutated documents found by hypothesis."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.bom import bounds
from aisec.bom.content import BomContent, BomFinding, bom_ref
from aisec.bom.reader import read_bom
from aisec.bom.validate import InvalidBom
from aisec.bom.writer import write_bom
from aisec.cli.main import main
from aisec.core.severity import Severity
from aisec.store.component_records import ComponentRecord
from aisec.store.records import (
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    Place,
    SystemAsset,
    VendorAsset,
)


def _valid_document() -> dict:
    model = ModelAsset(
        name="m",
        version="1",
        framework="torch",
        format="pt",
        digests={"sha256": "a" * 64},
        discovered_at=(Place("m.pt", 3),),
    )
    dataset = DatasetAsset(name="d", sensitivity="internal", contains_personal_data=False)
    endpoint = EndpointAsset(url="https://e.example/v1", authentication="none")
    library = ComponentRecord(category="dependency", ecosystem="pypi", name="torch", version="2")
    finding = BomFinding(
        fingerprint="f" * 32,
        check_id="modelfile.pickle.unsafe-callable",
        severity=Severity.HIGH,
        title="t",
        message="m",
        location="m.pt!/data.pkl@7",
        remediation="r",
        refs=("AML.T0010",),
    )
    content = BomContent(
        root=SystemAsset(name="s", lifecycle_stage="development"),
        models=[model],
        datasets=[dataset],
        endpoints=[endpoint],
        vendors=[VendorAsset(name="v")],
        libraries=[library],
        uses=[bom_ref(model), bom_ref(endpoint), bom_ref(library)],
        trained_on={bom_ref(model): [bom_ref(dataset)]},
        supplied_by={bom_ref(model): "v"},
        findings={bom_ref(model): [finding]},
    )
    return json.loads(write_bom(content))


VALID = _valid_document()


def _import(tmp_path, data: bytes | str, capsys) -> tuple[int, str]:
    path = tmp_path / "in.json"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    code = main(["bom", "--import", str(path), "--database", f"sqlite:///{tmp_path / 's.db'}"])
    return code, capsys.readouterr().err


def _with(**changes) -> str:
    return json.dumps({**VALID, **changes})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe not json", "is not JSON"),
        ("[" * 5000 + "]" * 5000, "nests"),
        ("[" * 100 + "]" * 100, "nests more than 64"),
        ("[]", "is not a JSON object"),
        (_with(bomFormat="SPDX"), "not a CycloneDX BOM"),
        (_with(specVersion="1.4"), "which aisec does not read"),
        (_with(specVersion=1.6), "which aisec does not read"),
        (json.dumps({k: v for k, v in VALID.items() if k != "metadata"}), "no subject"),
        (_with(components="nope"), "not valid CycloneDX"),
    ],
)
def test_invalid_documents_exit_2(tmp_path, capsys, data, message):
    code, err = _import(tmp_path, data, capsys)
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "s.db").exists(), "an invalid document must not create a store"


def test_values_the_inventory_refuses_are_named(tmp_path, capsys):
    doc = json.loads(json.dumps(VALID))
    for prop in doc["metadata"]["component"]["properties"]:
        if prop["name"] == "aisec:lifecycle-stage":
            prop["value"] = "production"
    code, err = _import(tmp_path, json.dumps(doc), capsys)
    assert code == 2 and "metadata.component: system: unknown lifecycle stage" in err
    doc = json.loads(json.dumps(VALID))
    doc["components"][1]["name"] = "x" * 300
    code, err = _import(tmp_path, json.dumps(doc), capsys)
    assert code == 2 and "longer than the 200 characters" in err


def test_size_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_BYTES", 1000)
    code, err = _import(tmp_path, json.dumps(VALID) + " " * 2000, capsys)
    assert code == 2 and "larger than the 1000 bytes" in err


def test_unreadable_file(tmp_path, capsys):
    assert main(["bom", "--import", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_foreign_bom_without_aisec_properties_imports(tmp_path, capsys):
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app"}},
        "components": [
            {"type": "machine-learning-model", "name": "bert", "group": "google", "bom-ref": "m"},
            {"type": "data", "name": "wiki", "bom-ref": "d"},
            {
                "type": "library",
                "name": "torch",
                "version": "2.3.0",
                "purl": "pkg:pypi/torch@2.3.0",
                "bom-ref": "t",
            },
            {"type": "file", "name": "README"},
        ],
        "services": [{"name": "api", "endpoints": ["https://api.example/"], "bom-ref": "s"}],
        "dependencies": [
            {"ref": "app", "dependsOn": ["m", "s", "t"]},
            {"ref": "m", "dependsOn": ["d"]},
        ],
    }
    content = read_bom(json.dumps(doc))
    assert [m.name for m in content.models] == ["google/bert"]
    assert [e.url for e in content.endpoints] == ["https://api.example/"]
    assert [lib.ecosystem for lib in content.libraries] == ["pypi"]
    [dataset] = content.datasets
    assert list(content.trained_on.values()) == [[bom_ref(dataset)]]
    code, err = _import(tmp_path, json.dumps(doc), capsys)
    assert code == 0, err


# --- mutated documents -----------------------------------------------------------------

_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
)
_json = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


ALL_PATHS = [p for p in _paths(VALID) if p]


def _mutate(doc, path, replacement, delete):
    doc = json.loads(json.dumps(doc))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return doc


@st.composite
def mutated(draw):
    doc = VALID
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        doc = _mutate(doc, path, draw(_json), draw(st.booleans()))
    text = json.dumps(doc)
    if draw(st.booleans()):  # and sometimes bytes cut or flipped
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.text(max_size=5)) + text[cut + 1 :]
    return text


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_reading_mutated_documents_never_crashes(text):
    with contextlib.suppress(InvalidBom):  # the only error a reader may give
        read_bom(text.encode("utf-8", "surrogatepass"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated())
def test_importing_mutated_documents_exits_0_or_2(tmp_path, capsys, text):
    code, err = _import(tmp_path, text, capsys)
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err


def test_lone_surrogates_and_nul_are_stored_not_crashed_on(tmp_path, capsys):
    text = json.dumps(VALID).replace('"name": "m"', '"name": "m\\ud800\\u0000"')
    assert "\\ud800" in text
    code, err = _import(tmp_path, text, capsys)
    assert code == 0, err


def test_utf16_documents_are_read(tmp_path, capsys):
    code, err = _import(tmp_path, json.dumps(VALID).encode("utf-16"), capsys)
    assert code == 0, err
