"""Reading manifests: a written manifest reads back to the same canonical bytes, and
anything else, however malformed or hostile, is a clear ``InvalidManifest``."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.data.manifest import InvalidManifest, build_manifest, canonical, dumps, parse_manifest
from aisec.data.manifest import reader as reading
from aisec.data.manifest.merkle import root_hash
from aisec.data.manifest.model import Entry


@pytest.fixture
def written(tmp_path):
    root = tmp_path / "d"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.csv").write_bytes(b"x,y\n" * 5000)
    os.symlink("sub/a.csv", root / "link")
    with open(os.path.join(os.fsencode(root), b"bad\xffname\n"), "wb") as f:
        f.write(b"odd")
    return build_manifest([root], 4096)


def doc_of(manifest):
    return json.loads(dumps(manifest))


def reparse(doc):
    return parse_manifest(json.dumps(doc).encode())


def test_round_trip_keeps_the_canonical_bytes(written):
    again = parse_manifest(dumps(written).encode())
    assert canonical(again) == canonical(written)
    assert again.entries == written.entries
    bad = next(e for e in doc_of(written)["entries"] if "path_bytes" in e)
    assert bad["path_bytes"] == "YmFk/25hbWUK"  # base64 of b"bad\xffname\n"


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "a/../../b", "./a", "a//b"])
def test_paths_leaving_the_root_are_refused(written, path):
    doc = doc_of(written)
    doc["entries"][0]["path"] = path
    doc["entries"][0].pop("path_bytes", None)
    with pytest.raises(InvalidManifest, match=r"absolute|leaves the root"):
        reparse(doc)


def test_a_root_hash_that_does_not_match_is_refused(written):
    doc = doc_of(written)
    doc["entries"][0]["size"] += 1 if doc["entries"][0]["type"] == "file" else 0
    doc["entries"][-1]["sha256"] = "0" * 64
    with pytest.raises(InvalidManifest, match=r"root hash does not match|add up"):
        reparse(doc)


def test_unknown_members_and_schemas_are_refused(written):
    doc = doc_of(written)
    doc["extra"] = 1
    with pytest.raises(InvalidManifest, match="unexpected member 'extra'"):
        reparse(doc)
    doc = doc_of(written)
    doc["schema"] = "aisec.dataset-manifest/2"
    with pytest.raises(InvalidManifest, match="not a dataset manifest"):
        reparse(doc)


def test_chunks_must_tile_the_file(written):
    doc = doc_of(written)
    entry = next(e for e in doc["entries"] if "chunks" in e)
    entry["chunks"][1][0] += 1
    with pytest.raises(InvalidManifest, match="malformed"):
        reparse(doc)


def test_duplicate_paths_are_refused():
    entries = [Entry(b"a", "fifo"), Entry(b"a", "fifo")]
    doc = {
        "schema": "aisec.dataset-manifest/1", "created": "t", "algorithm": "sha256",
        "tool": {"name": "aisec", "version": "0"}, "chunk_size": 4096, "root": ".",
        "inputs": [{"path": "."}], "excluded": [], "files": 0, "bytes": 0,
        "root_hash": root_hash(entries), "skipped": [],
        "entries": [{"path": "a", "type": "fifo"}, {"path": "a", "type": "fifo"}],
    }  # fmt: skip
    with pytest.raises(InvalidManifest, match="listed twice"):
        reparse(doc)


def test_size_and_depth_caps(monkeypatch):
    with pytest.raises(InvalidManifest, match="nests"):
        parse_manifest(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(InvalidManifest, match="nests more than"):
        parse_manifest(json.dumps({"a": [[[[[[[[[1]]]]]]]]]}).encode())
    with pytest.raises(InvalidManifest, match="larger than"):
        parse_manifest(b'{"schema": "aisec.dataset-manifest/1"}', max_bytes=10)


def test_the_default_read_cap_is_64_mib_and_checked_before_reading(tmp_path, monkeypatch):
    assert reading.MAX_MANIFEST_BYTES == 64 * 1024 * 1024
    big = tmp_path / "big.json"
    with big.open("wb") as out:  # sparse: nothing is written, nothing may be read
        out.truncate(reading.MAX_MANIFEST_BYTES + 1)
    monkeypatch.setattr(reading, "parse_manifest", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(InvalidManifest, match=r"larger than 64 MiB.*--max-manifest-size"):
        reading.read_manifest(big)


def test_not_json_is_a_clear_error(tmp_path):
    for data in (b"", b"\xff\xfe", b"{", b"1" * 5000, b"[]", b'"x"'):
        with pytest.raises(InvalidManifest):
            parse_manifest(data)
    with pytest.raises(InvalidManifest, match="cannot read the manifest"):
        reading.read_manifest(tmp_path / "absent.json")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(_json)
def test_arbitrary_json_never_crashes(value):
    with pytest.raises(InvalidManifest):
        parse_manifest(json.dumps(value).encode())


# The fixture is only read: each example mutates its own copy of the document.
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_manifests_never_crash(written, data):
    doc = doc_of(written)
    key = data.draw(st.sampled_from(sorted(doc)))
    doc[key] = data.draw(_json)
    if data.draw(st.booleans()) and doc.get("entries"):
        entries = doc["entries"] if isinstance(doc["entries"], list) else []
        if entries and isinstance(entries[0], dict):
            field = data.draw(st.sampled_from(sorted(entries[0])))
            entries[0][field] = data.draw(_json)
    try:
        reparse(doc)
        message = "parsed"
    except InvalidManifest as exc:
        message = str(exc)
    assert message  # an InvalidManifest always says what is wrong
