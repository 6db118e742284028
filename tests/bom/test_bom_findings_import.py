"""Reading a BOM's vulnerabilities back as findings: only aisec's own, about a model the
document lists; their locations read back to the text they were written as."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.bom.content import BomContent, BomFinding, bom_ref
from aisec.bom.importer import import_run, location_of
from aisec.bom.reader import read_bom
from aisec.bom.writer import write_bom
from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.store.records import ModelAsset, Place, SystemAsset

MODEL = ModelAsset(name="m", discovered_at=(Place("models/m.pkl"),))


def _document(*findings: BomFinding) -> dict:
    content = BomContent(
        root=SystemAsset(name="s"),
        models=[MODEL],
        uses=[bom_ref(MODEL)],
        findings={bom_ref(MODEL): list(findings)},
    )
    return json.loads(write_bom(content))


def _finding(**changes) -> BomFinding:
    values = {
        "fingerprint": "a" * 32,
        "check_id": "modelfile.pickle.unsafe-callable",
        "severity": Severity.CRITICAL,
        "title": "Unsafe callable",
        "message": "os.system",
        "location": "repo/models/m.pkl!/archive/data.pkl@12",
        "remediation": "do not load it",
        "refs": ("AML.T0010",),
    }
    return BomFinding(**{**values, **changes})


def test_vulnerabilities_are_read_as_the_findings_they_were_written_from():
    finding = _finding()
    content = read_bom(json.dumps(_document(finding)))
    assert content.findings == {bom_ref(MODEL): [finding]}
    [read] = import_run(content).findings
    assert read.fingerprint == finding.fingerprint and read.remediation == "do not load it"
    assert read.location == Location("repo/models/m.pkl", ("archive/data.pkl",), offset=12)


def test_other_tools_vulnerabilities_and_those_about_nothing_listed_are_skipped():
    doc = _document(_finding(), _finding(fingerprint="b" * 32, check_id="other"))
    first, second = doc["vulnerabilities"]
    first["source"] = {"name": "NVD"}
    second["affects"] = [{"ref": "not-in-the-document"}]
    assert read_bom(json.dumps(doc)).findings == {}


def test_a_hand_written_entry_without_a_location_is_at_the_model_s_file():
    doc = _document(_finding())
    [entry] = doc["vulnerabilities"]
    entry["properties"] = [p for p in entry["properties"] if p["name"] != "aisec:location"]
    [[finding]] = read_bom(json.dumps(doc)).findings.values()
    assert finding.location == "models/m.pkl"


def test_the_run_is_named_by_the_document_and_dated_by_it():
    doc = _document(_finding())
    doc["metadata"]["timestamp"] = "2025-06-01T12:00:00Z"
    content = read_bom(json.dumps(doc))
    run = import_run(content, "bom.json")
    assert run.kind == "bom-import" and run.targets == ["bom.json"]
    assert run.started_at.isoformat() == "2025-06-01T12:00:00+00:00"
    assert import_run(read_bom(json.dumps(doc))).id == run.id
    doc["metadata"]["timestamp"] = "2025-06-02T12:00:00Z"
    assert import_run(read_bom(json.dumps(doc))).id != run.id


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    path=_text,
    members=st.lists(_text, max_size=3),
    offset=st.none() | st.integers(0, 10**12),
    row=st.none() | st.integers(0, 10**6),
    column=st.none() | _text,
)
def test_locations_read_back_to_the_same_text(path, members, offset, row, column):
    location = Location(path, tuple(members), offset=offset, row=row, column=column)
    text = location.display()
    assert location_of(text).display() == text
    # The path and members are read exactly when they hold none of the separators, and
    # the column when it holds no "/" (it cannot be told from a path's end otherwise).
    plain = not any(c in "".join((path, *members, column or "")) for c in "!@:")
    if plain and "/" not in (column or "") and (row is not None or column is None):
        assert location_of(text) == location
