"""The writer alone: deterministic, lossless for what CycloneDX cannot hold, safe with
names that are not UTF-8, and never imported by a command that does not need it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from bom_inventory import validate_16

from aisec.bom.content import BomContent, bom_ref
from aisec.bom.reader import read_bom
from aisec.bom.writer import write_bom
from aisec.store.component_records import ComponentRecord
from aisec.store.records import ModelAsset, SystemAsset


def _content(model: ModelAsset) -> BomContent:
    return BomContent(root=SystemAsset(name="s"), models=[model], uses=[bom_ref(model)])


def test_same_content_same_bytes_and_no_timestamp_unless_given():
    model = ModelAsset(name="m", digests={"sha256": "c" * 64})
    first, second = write_bom(_content(model)), write_bom(_content(model))
    assert first == second and "timestamp" not in json.loads(first)["metadata"]
    when = datetime(2026, 3, 1, tzinfo=UTC)
    stamped = json.loads(write_bom(_content(model), timestamp=when))
    assert stamped["metadata"]["timestamp"] == "2026-03-01T00:00:00+00:00"
    # The serial number names the content, not the moment.
    assert stamped["serialNumber"] == json.loads(first)["serialNumber"]
    other = json.loads(write_bom(_content(ModelAsset(name="n"))))
    assert other["serialNumber"] != stamped["serialNumber"]


def test_digests_cyclonedx_cannot_hold_are_kept_as_properties():
    model = ModelAsset(name="m", digests={"sha256": "c" * 64, "crc32": "1234abcd", "sha1": "short"})
    text = write_bom(_content(model))
    validate_16(text)
    assert read_bom(text).models[0].digests == model.digests


def test_a_name_that_is_not_utf8_is_written_escaped():
    model = ModelAsset(name="models/caf\udce9.pkl")  # a file name read with surrogateescape
    text = write_bom(_content(model))
    text.encode("utf-8")
    validate_16(text)
    assert read_bom(text).models[0].name == model.name


def test_unpinned_libraries_keep_their_specifier():
    library = ComponentRecord(
        category="dependency", ecosystem="pypi", name="torch", version=">=2.2"
    )
    content = BomContent(root=SystemAsset(name="s"), libraries=[library], uses=[bom_ref(library)])
    text = write_bom(content)
    validate_16(text)
    [component] = json.loads(text)["components"]
    assert component["purl"] == "pkg:pypi/torch" and "version" not in component
    assert read_bom(text).libraries[0].version == ">=2.2"


def test_the_library_is_imported_only_to_write():
    code = (
        "import sys, aisec.cli.main, aisec.bom, aisec.services.bom; "
        "print(sorted(m for m in sys.modules if m.startswith(('cyclonedx', 'jsonschema'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
