from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote_to_bytes, urljoin

import pytest
from jsonschema import Draft7Validator

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report.sarif import (
    EVIDENCE_LIMIT,
    FINGERPRINT_KEY,
    member_uri,
    render_sarif,
    rule_name,
    sarif_log,
    semantic_version,
)

SCHEMA = Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"
# RFC 3986 characters: unreserved, reserved and percent escapes; nothing else.
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _log(run, rules, sample, fail_on=Severity.HIGH):
    return json.loads(render_sarif(run, fail_on, rules, cwd=sample.cwd))


def _result(log, message):
    (result,) = [r for r in log["runs"][0]["results"] if r["message"]["text"] == message]
    return result


def _assert_valid(validator, log):
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def _empty_run(**kw):
    return Run(kind="scan", targets=[], tool_version="1.0.0", config={}, **kw)


def test_output_validates_against_the_sarif_schema(run, rules, sample, validator):
    _assert_valid(validator, _log(run, rules, sample))


def test_empty_run_validates_and_has_empty_results(validator, sample):
    log = json.loads(render_sarif(_empty_run(), Severity.HIGH, [], cwd=sample.cwd))
    _assert_valid(validator, log)
    sarif_run = log["runs"][0]
    assert sarif_run["results"] == []
    assert "artifacts" not in sarif_run
    assert sarif_run["tool"]["driver"]["rules"] == []
    assert sarif_run["invocations"][0]["executionSuccessful"] is True


def test_log_header_and_driver(run, rules, sample):
    log = _log(run, rules, sample)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "aisec"
    assert driver["version"] == "0.1.0.dev3"
    assert driver["semanticVersion"] == "0.1.0-dev3"
    assert "informationUri" not in driver


def test_every_registered_rule_is_listed_and_unknown_checks_get_a_rule(run, rules, sample):
    descriptors = _log(run, rules, sample)["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == [r.id for r in rules] + [sample.unknown_check]
    assert descriptors[5]["id"] == "modelfile.onnx.external-data"  # listed without results


def test_rule_descriptor_carries_the_check_metadata(run, rules, sample):
    descriptor = _log(run, rules, sample)["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor == {
        "id": "modelfile.pickle.unsafe-callable",
        "name": "ModelfilePickleUnsafeCallable",
        "shortDescription": {"text": "Unsafe callable in pickle"},
        "fullDescription": {
            "text": "The pickle imports a callable that can execute code when loaded."
        },
        "help": {"text": "Do not load this file; convert the model to safetensors."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"security-severity": "9.5", "tags": ["security", "AML.T0010", "CWE-502"]},
    }


def test_rule_tags_are_unique_and_help_is_omitted_without_remediation(run, rules, sample):
    descriptors = _log(run, rules, sample)["runs"][0]["tool"]["driver"]["rules"]
    by_id = {d["id"]: d for d in descriptors}
    assert by_id["modelfile.pickle.trailing-data"]["properties"]["tags"] == ["security", "CWE-502"]
    assert "help" not in by_id["modelfile.zip.crc-mismatch"]


def test_unregistered_check_gets_a_minimal_rule_from_its_finding(run, rules, sample):
    descriptor = _log(run, rules, sample)["runs"][0]["tool"]["driver"]["rules"][-1]
    assert descriptor == {
        "id": "plugin.thirdparty.gone-rule",
        "name": "PluginThirdpartyGoneRule",
        "shortDescription": {"text": "Gone rule"},
        "fullDescription": {"text": "Gone rule"},
        "defaultConfiguration": {"level": "note"},
        "properties": {"security-severity": "3.0", "tags": ["security"]},
    }


def test_rules_without_any_registry_still_render_every_finding(run, sample, validator):
    log = _log(run, [], sample)
    _assert_valid(validator, log)
    sarif_run = log["runs"][0]
    ids = [d["id"] for d in sarif_run["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids)) == 6
    assert len(sarif_run["results"]) == len(run.findings)


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [
        (Severity.CRITICAL, "error", "9.5"),
        (Severity.HIGH, "error", "8.0"),
        (Severity.MEDIUM, "warning", "5.5"),
        (Severity.LOW, "note", "3.0"),
        (Severity.INFO, "note", "0.0"),
    ],
)
def test_levels_and_security_severity(severity, level, score, sample):
    run = _empty_run()
    run.findings = [
        Finding.create(
            check_id="x.y.z", severity=severity, title="t", message="m", location=Location("f")
        )
    ]
    sarif_run = json.loads(render_sarif(run, Severity.HIGH, [], cwd=sample.cwd))["runs"][0]
    assert sarif_run["results"][0]["level"] == level
    rule = sarif_run["tool"]["driver"]["rules"][0]
    assert rule["defaultConfiguration"]["level"] == level
    assert rule["properties"]["security-severity"] == score


def test_result_level_follows_the_finding_not_the_rule_default(rules, sample):
    run = _empty_run()
    check = sample.checks["UnsafeCallable"]
    run.findings = [check().finding(Location("f"), "downgraded", severity=Severity.MEDIUM)]
    sarif_run = json.loads(render_sarif(run, Severity.HIGH, rules, cwd=sample.cwd))["runs"][0]
    assert sarif_run["results"][0]["level"] == "warning"
    assert sarif_run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"


def test_rule_index_points_at_the_rule_of_each_result(run, rules, sample):
    sarif_run = _log(run, rules, sample)["runs"][0]
    descriptors = sarif_run["tool"]["driver"]["rules"]
    indices = [r["ruleIndex"] for r in sarif_run["results"]]
    assert indices == [0, 1, 2, 0, 3, 4, 6]
    for result in sarif_run["results"]:
        assert descriptors[result["ruleIndex"]]["id"] == result["ruleId"]


def test_file_result_location_and_region(run, rules, sample):
    log = _log(run, rules, sample)
    result = _result(log, "calls os.system('id')")
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {
                    "uri": "models/evil.pkl",
                    "uriBaseId": "%SRCROOT%",
                    "index": 1,
                },
                "region": {"byteOffset": 10, "byteLength": 5},
            }
        }
    ]
    artifact = log["runs"][0]["artifacts"][1]
    assert artifact == {
        "location": {"uri": "models/evil.pkl", "uriBaseId": "%SRCROOT%"},
        "roles": ["analysisTarget"],
        "length": 64,
        "properties": {"format": "pickle"},
    }


def test_region_only_with_an_offset_and_length_defaults_to_one(run, rules, sample):
    log = _log(run, rules, sample)
    assert (
        "region"
        not in _result(log, "member escapes the target")["locations"][0]["physicalLocation"]
    )
    crc = _result(log, "stored CRC 0x1 != 0x2")["locations"][0]["physicalLocation"]
    assert crc["region"] == {"byteOffset": 42, "byteLength": 1}
    gone = _result(log, "reported by a plugin that is no longer installed")
    assert gone["locations"][0]["physicalLocation"]["region"] == {"byteOffset": 0, "byteLength": 0}


def test_member_result_points_into_a_chain_of_nested_artifacts(run, rules, sample):
    log = _log(run, rules, sample)
    artifacts = log["runs"][0]["artifacts"]
    location = _result(log, "calls builtins.exec")["locations"][0]
    physical = location["physicalLocation"]
    # The uri is the file on disk (what a dashboard can open); the index is the member.
    assert physical["artifactLocation"] == {
        "uri": "models/bundle.zip",
        "uriBaseId": "%SRCROOT%",
        "index": 9,
    }
    assert physical["region"] == {"byteOffset": 7, "byteLength": 3}
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "models/bundle.zip!/inner.zip!/deep/c.pkl"}
    ]
    member = artifacts[9]
    assert member == {"location": {"uri": "deep/c.pkl"}, "parentIndex": 3}
    inner = artifacts[member["parentIndex"]]
    assert inner["location"] == {"uri": "inner.zip"}
    assert inner["parentIndex"] == 2
    outer = artifacts[inner["parentIndex"]]
    assert outer["location"] == {"uri": "models/bundle.zip", "uriBaseId": "%SRCROOT%"}
    assert "parentIndex" not in outer


def test_single_member_logical_location(run, rules, sample):
    location = _result(_log(run, rules, sample), "stored CRC 0x1 != 0x2")["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["index"] == 8
    assert location["logicalLocations"] == [{"fullyQualifiedName": "models/bundle.zip!/a/b.pkl"}]


def test_every_parent_index_points_backwards_to_an_existing_artifact(run, rules, sample):
    artifacts = _log(run, rules, sample)["runs"][0]["artifacts"]
    for i, artifact in enumerate(artifacts):
        if "parentIndex" in artifact:
            assert 0 <= artifact["parentIndex"] < i
            assert "uriBaseId" not in artifact["location"]
        else:
            assert artifact["location"].get("uriBaseId") == "%SRCROOT%" or artifact["location"][
                "uri"
            ].startswith("file:///")


def test_member_uris_cannot_climb_out_of_their_container(run, rules, sample):
    artifacts = _log(run, rules, sample)["runs"][0]["artifacts"]
    assert artifacts[7] == {"location": {"uri": "%2E%2E/%2E%2E/etc/passwd"}, "parentIndex": 2}
    parent = "file:///srv/project/models/bundle.zip/"
    for name in ("../../etc/passwd", "/etc/passwd", "./a/../../b", "//host/share", "C:/x"):
        uri = member_uri(name)
        assert urljoin(parent, uri).startswith(parent), (name, uri)
        assert URI_CHARS.match(uri)


def test_member_uri_keeps_names_readable_and_exact():
    assert member_uri("a/b.pkl") == "a/b.pkl"
    assert member_uri("data/x y#z?.pkl") == "data/x%20y%23z%3F.pkl"
    assert unquote_to_bytes(member_uri("dir/ä\udcff.bin")) == "dir/ä".encode() + b"\xff.bin"


def test_uris_are_percent_encoded_and_undecorated(run, rules, sample):
    log = _log(run, rules, sample)
    artifacts = log["runs"][0]["artifacts"]
    assert artifacts[4]["location"]["uri"] == "models/bad%FF%FE%5Bbold%5Dname%1B%5B31m.pkl"
    assert artifacts[10] == {"location": {"uri": "file:///tmp/elsewhere/x%20y%231.pkl"}}
    uris = re.findall(r'"uri": "([^"]*)"', json.dumps(log))
    assert uris
    for uri in uris:
        assert URI_CHARS.match(uri), uri
        for decoration in ("(pos", "@", "!/"):
            assert decoration not in uri


def test_undecodable_path_round_trips_through_the_uri(run, rules, sample):
    uri = _log(run, rules, sample)["runs"][0]["artifacts"][4]["location"]["uri"]
    assert unquote_to_bytes(uri) == b"models/bad\xff\xfe[bold]name\x1b[31m.pkl"


def test_base_ids_and_working_directory(run, rules, sample):
    sarif_run = _log(run, rules, sample)["runs"][0]
    assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/project/"}}
    assert sarif_run["invocations"][0]["workingDirectory"] == {"uri": "file:///srv/project/"}


def test_paths_relative_to_the_process_directory_by_default(tmp_path, monkeypatch, rules):
    monkeypatch.chdir(tmp_path)
    run = _empty_run()
    run.findings = [rules[0]().finding(Location("sub/m.pkl", offset=3), "m")]
    sarif_run = sarif_log(run, Severity.HIGH, rules)["runs"][0]
    location = sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "sub/m.pkl", "uriBaseId": "%SRCROOT%", "index": 0}
    root = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == tmp_path.resolve().as_uri() + "/" or root == tmp_path.as_uri() + "/"


def test_absolute_path_inside_the_working_directory_is_made_relative(rules, sample):
    run = _empty_run()
    run.findings = [rules[0]().finding(Location("/srv/project/m/x.pkl"), "m")]
    log = json.loads(render_sarif(run, Severity.HIGH, rules, cwd=sample.cwd))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "m/x.pkl"
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_a_sibling_directory_with_a_common_prefix_is_outside(rules, sample):
    run = _empty_run()
    run.findings = [rules[0]().finding(Location("/srv/project-other/x.pkl"), "m")]
    log = json.loads(render_sarif(run, Severity.HIGH, rules, cwd=sample.cwd))
    artifact_location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]
    assert artifact_location == {"uri": "file:///srv/project-other/x.pkl", "index": 0}


def test_fingerprints_and_result_properties(run, rules, sample):
    log = _log(run, rules, sample)
    result = _result(log, "calls os.system('id')")
    assert result["partialFingerprints"] == {FINGERPRINT_KEY: run.findings[0].fingerprint}
    assert FINGERPRINT_KEY == "aisecFingerprint/v1"
    assert result["properties"] == {
        "severity": "critical",
        "confidence": 1.0,
        "evidence": {"call": "os.system('id')", "opcodes": [1, 2]},
    }


def test_evidence_is_json_safe_and_bounded(run, rules, sample):
    log = _log(run, rules, sample)
    evidence = _result(log, "safetensors v1")["properties"]["evidence"]
    assert evidence["nan"] == "nan"
    assert evidence["blob"].startswith("A" * EVIDENCE_LIMIT + "…")
    assert len(evidence["blob"]) < EVIDENCE_LIMIT + 100
    hostile = _result(log, sample.markup_message)["properties"]["evidence"]
    assert hostile == {"bytes": "\\x00\\xff", "models/bad\\xff\\xfe[bold]name\x1b[31m.pkl": [1, 2]}


def test_finding_without_fingerprint_or_message(sample):
    run = _empty_run()
    run.findings = [
        Finding("a.b.c", Severity.LOW, "Title only", "", Location("f")),
    ]
    result = json.loads(render_sarif(run, Severity.HIGH, [], cwd=sample.cwd))["runs"][0]["results"][
        0
    ]
    assert result["message"] == {"text": "Title only"}
    assert "partialFingerprints" not in result


def test_opcode_row_and_column_are_kept_as_location_properties(sample, validator):
    run = _empty_run()
    location = Location("data.csv", row=4, column="email")
    pickled = Location("m.pkl", offset=3, opcode_index=17)
    run.findings = [
        Finding.create(
            check_id="a.b", severity=Severity.LOW, title="t", message="pii", location=location
        ),
        Finding.create(
            check_id="a.b", severity=Severity.LOW, title="t", message="op", location=pickled
        ),
    ]
    log = json.loads(render_sarif(run, Severity.HIGH, [], cwd=sample.cwd))
    _assert_valid(validator, log)
    first, second = log["runs"][0]["results"]
    assert first["locations"][0]["properties"] == {"row": 4, "column": "email"}
    assert second["locations"][0]["properties"] == {"opcodeIndex": 17}


def test_invocation_reports_exit_code_times_and_unanalysed_artefacts(run, rules, sample):
    invocation = _log(run, rules, sample)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["exitCode"] == 1
    assert invocation["startTimeUtc"] == "2025-01-02T03:04:05.000Z"
    assert invocation["endTimeUtc"] == "2025-01-02T03:04:07.500Z"
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "warning",
            "message": {"text": "models/huge.bin was skipped: size cap of 10 GiB exceeded"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": "models/huge.bin",
                            "uriBaseId": "%SRCROOT%",
                            "index": 5,
                        }
                    }
                }
            ],
            "properties": {"status": "skipped"},
        },
        {
            "level": "warning",
            "message": {"text": "models/trunc.pt was incomplete: truncated zip central directory"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": "models/trunc.pt",
                            "uriBaseId": "%SRCROOT%",
                            "index": 6,
                        }
                    }
                }
            ],
            "properties": {"status": "incomplete"},
        },
    ]


def test_incomplete_scan_is_not_a_successful_execution(sample, validator):
    run = _empty_run(started_at=datetime(2025, 1, 1, tzinfo=UTC))
    run.artefacts = [
        Artefact(Location("ok.pkl"), "pickle", 1),
        Artefact(Location("big.zip").inner("x.pkl"), "pickle", None, ArtefactStatus.SKIPPED, ""),
    ]
    run.errors = ["worker crashed while reading big.zip"]
    log = json.loads(render_sarif(run, Severity.HIGH, [], cwd=sample.cwd))
    _assert_valid(validator, log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 3
    assert "endTimeUtc" not in invocation
    skipped, error = invocation["toolExecutionNotifications"]
    assert skipped["message"]["text"] == "big.zip!/x.pkl was skipped: no reason recorded"
    location = skipped["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "big.zip",
        "uriBaseId": "%SRCROOT%",
        "index": 2,
    }
    assert location["logicalLocations"] == [{"fullyQualifiedName": "big.zip!/x.pkl"}]
    assert log["runs"][0]["artifacts"][2] == {
        "location": {"uri": "x.pkl"},
        "parentIndex": 1,
        "roles": ["analysisTarget"],
        "properties": {"format": "pickle"},
    }
    assert error == {"level": "error", "message": {"text": "worker crashed while reading big.zip"}}


def test_output_is_utf8_json_without_ascii_escapes(sample):
    run = _empty_run()
    run.findings = [
        Finding.create(
            check_id="a.b",
            severity=Severity.LOW,
            title="t",
            message="Größe ✓",
            location=Location("m.pkl"),
        )
    ]
    text = render_sarif(run, Severity.HIGH, [], cwd=sample.cwd)
    assert "Größe ✓" in text
    assert text.endswith("}\n")
    text.encode("utf-8")


def test_output_is_deterministic(make_run, rules, sample):
    first = render_sarif(make_run(), Severity.HIGH, rules, cwd=sample.cwd)
    second = render_sarif(make_run(), Severity.HIGH, rules, cwd=sample.cwd)
    assert first == second


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.2.3", "1.2.3"),
        ("0.1.0.dev3", "0.1.0-dev3"),
        ("1.2", "1.2.0"),
        ("2.0.0rc1", "2.0.0-rc1"),
        ("1.0.post1", "1.0.0-post1"),
        ("01.002.3", "1.2.3"),
        ("1.0.0.dev0+g1a2b.d20250101", "1.0.0-dev0+g1a2b.d20250101"),
        ("1.0.0-beta.01", "1.0.0-beta.1"),
        ("v3", "3.0.0"),
        ("unknown", None),
        ("", None),
    ],
)
def test_semantic_version(version, expected):
    assert semantic_version(version) == expected
    if expected is not None:
        assert SEMVER.match(expected)


def test_driver_without_a_version(sample):
    run = Run(kind="scan", targets=[], tool_version="", config={})
    driver = sarif_log(run, Severity.HIGH, [], cwd=sample.cwd)["runs"][0]["tool"]["driver"]
    assert driver == {"name": "aisec", "rules": []}


@pytest.mark.parametrize(
    ("check_id", "name"),
    [
        ("modelfile.pickle.unsafe-callable", "ModelfilePickleUnsafeCallable"),
        ("llm.probe.llm01-injection", "LlmProbeLlm01Injection"),
        ("a.b_c", "ABC"),
        ("x", "X"),
    ],
)
def test_rule_name_is_camel_case(check_id, name):
    assert rule_name(check_id) == name


def test_the_schema_check_is_not_vacuous(run, rules, sample, validator):
    log = _log(run, rules, sample)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["artifacts"][3]["parentIndex"] = -2
    assert len(list(validator.iter_errors(log))) == 2
