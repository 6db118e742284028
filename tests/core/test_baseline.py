"""Baseline files: round trip, stable bytes, and every bad file a configuration error."""

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.baseline import (
    VERSION,
    Baseline,
    baseline_document,
    parse_baseline,
    read_baseline,
    write_baseline,
)
from aisec.core.errors import ConfigError, InputError
from aisec.core.finding import Finding, Location
from aisec.core.severity import Severity


def finding(path="models/a.pkl", key="x.Y", severity=Severity.MEDIUM, offset=10):
    return Finding.create(
        check_id="modelfile.pickle.unknown-call",
        severity=severity,
        title="t",
        message="m",
        location=Location(path, offset=offset),
        key=key,
    )


def test_round_trip_keeps_every_fingerprint_once(tmp_path):
    findings = [finding(), finding(offset=99), finding(path="models/b.pkl"), finding(key="z.Z")]
    written = write_baseline(tmp_path / "b.json", findings, "0.1.0")
    read = read_baseline(tmp_path / "b.json")
    assert read.fingerprints == written.fingerprints == {f.fingerprint for f in findings}
    assert len(read) == 3
    assert findings[0].fingerprint in read


def test_document_is_versioned_sorted_readable_and_without_timestamps(tmp_path):
    findings = [finding(path="models/z.pkl"), finding(path="models/a.pkl", offset=3)]
    doc = baseline_document(findings, "0.1.0")
    assert doc["version"] == VERSION == 1
    assert doc["generator"] == "aisec 0.1.0"
    assert [e["location"] for e in doc["findings"]] == ["models/a.pkl@3", "models/z.pkl@10"]
    assert doc["findings"][0] == {
        "fingerprint": findings[1].fingerprint,
        "check_id": "modelfile.pickle.unknown-call",
        "location": "models/a.pkl@3",
        "severity": "medium",
    }
    write_baseline(tmp_path / "1.json", findings, "0.1.0")
    write_baseline(tmp_path / "2.json", list(reversed(findings)), "0.1.0")
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_undecodable_file_names_are_written_as_valid_json(tmp_path):
    odd = finding(path="models/bad\udcff.pkl")
    write_baseline(tmp_path / "b.json", [odd], "0.1.0")
    assert odd.fingerprint in read_baseline(tmp_path / "b.json")


def test_missing_file_is_a_config_error_with_a_hint(tmp_path):
    with pytest.raises(ConfigError) as info:
        read_baseline(tmp_path / "nope.json")
    assert str(tmp_path / "nope.json") in info.value.message
    assert "no such file" in info.value.message
    assert "--write-baseline" in (info.value.hint or "")


def test_a_directory_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        read_baseline(tmp_path)


def test_unwritable_target_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write baseline"):
        write_baseline(tmp_path / "missing-dir" / "b.json", [finding()], "0.1.0")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "expected a JSON object"),
        (b'{"findings": []}', "unsupported version None"),
        (b'{"version": 2, "findings": []}', "unsupported version 2"),
        (b'{"version": true, "findings": []}', "unsupported version True"),
        (b'{"version": 1}', "'findings' must be a list"),
        (b'{"version": 1, "findings": [{}]}', "findings[0] has no fingerprint"),
        (b'{"version": 1, "findings": ["abc"]}', "findings[0] has no fingerprint"),
        (b'{"version": 1, "findings": [{"fingerprint": ""}]}', "has no fingerprint"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_corrupt_baselines_are_config_errors(data, message):
    with pytest.raises(ConfigError) as info:
        parse_baseline(data, "b.json")
    assert info.value.message.startswith("baseline b.json: ")
    assert message in info.value.message


def test_an_empty_but_valid_baseline_is_accepted():
    assert parse_baseline(b'{"version": 1, "findings": []}') == frozenset()


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    import aisec.core.baseline as module

    monkeypatch.setattr(module, "MAX_BYTES", 10)
    (tmp_path / "b.json").write_text(json.dumps({"version": 1, "findings": []}))
    with pytest.raises(ConfigError, match="larger than 10 bytes"):
        read_baseline(tmp_path / "b.json")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
_shaped = st.fixed_dictionaries(
    {"version": st.sampled_from([1, 1.0, "1", 2, None, True])},
    optional={"findings": st.lists(_json | st.fixed_dictionaries({"fingerprint": _json}))},
)


@settings(max_examples=300)
@given(data=st.binary(max_size=300) | _json.map(lambda v: json.dumps(v).encode()))
def test_junk_bytes_raise_only_config_errors(data):
    with contextlib.suppress(ConfigError):
        parse_baseline(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(document=_shaped)
def test_nearly_valid_documents_are_read_or_refused_cleanly(document):
    try:
        fingerprints = parse_baseline(json.dumps(document).encode())
    except ConfigError:
        return
    assert all(isinstance(f, str) and f for f in fingerprints)


def test_baseline_membership():
    baseline = Baseline("b.json", frozenset({"abc"}))
    assert "abc" in baseline and "abd" not in baseline and len(baseline) == 1
