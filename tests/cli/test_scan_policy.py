"""End to end through the real ``aisec`` command: allowlist extensions, --strict,
suppressions, baselines, and the exit codes each of them leads to."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMA = Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"
FUTURE, PAST = "2999-12-31", "2000-01-01"


def _text(value: str) -> bytes:
    data = value.encode()
    return b"\x8c" + bytes([len(data)]) + data


def calling(module: str, name: str) -> bytes:
    """A protocol-4 pickle that calls ``module.name()`` when loaded (never loaded here)."""
    return b"\x80\x04" + _text(module) + _text(name) + b"\x93)R."


def aisec(*args, cwd, env=None):
    exe = Path(sys.executable).with_name("aisec")
    run_env = {"PATH": "/usr/bin:/bin", **(env or {})}
    return subprocess.run(
        [str(exe), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=run_env,
    )


def report(result):
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "models" / "legacy").mkdir(parents=True)
    (root / "models" / "net.pkl").write_bytes(calling("mycompany.models", "Net"))
    (root / "models" / "legacy" / "old.pkl").write_bytes(calling("oldcorp", "Thing"))
    return root


def config(root: Path, text: str) -> None:
    (root / "aisec.toml").write_text(text, encoding="utf-8")


def open_checks(result):
    return sorted(f["check_id"] for f in report(result)["findings"] if "suppression" not in f)


# --- allowlist extensions ---------------------------------------------------------------


def test_a_teams_own_classes_are_allowed_from_aisec_toml(project):
    before = aisec("scan", "--fail-on", "medium", "-f", "json", "models/net.pkl", cwd=project)
    assert before.returncode == 1
    assert open_checks(before) == ["modelfile.pickle.unknown-call"]

    config(project, 'allow_globals = ["mycompany.models.*", "mycompany.layers.Block"]\n')
    (project / "models" / "block.pkl").write_bytes(calling("mycompany.layers", "Block"))
    after = aisec(
        "scan", "--fail-on", "info", "-f", "json", "models/net.pkl", "models/block.pkl", cwd=project
    )
    assert after.returncode == 0, after.stdout
    assert report(after)["findings"] == []


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("os", "system"),
        ("subprocess", "Popen"),
        ("builtins", "eval"),
        ("mycompany.utils", "os.system"),  # an attribute path into a denied module
        ("mycompany", "__reduce__"),  # a dunder
    ],
)
def test_a_prefix_allowance_never_lifts_the_deny_list(tmp_path, module, name):
    config(tmp_path, 'allow_globals = ["os.*", "subprocess.*", "builtins.*", "mycompany.*"]\n')
    (tmp_path / "evil.pkl").write_bytes(calling(module, name))
    result = aisec("scan", "-f", "json", "evil.pkl", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    checks = open_checks(result)
    assert any(c.startswith("modelfile.pickle.dangerous") for c in checks), checks


# --- strict -----------------------------------------------------------------------------


def test_strict_raises_unknown_globals_to_high(project):
    assert aisec("scan", "models", cwd=project).returncode == 0
    strict = aisec("scan", "--strict", "-f", "json", "models", cwd=project)
    assert strict.returncode == 1
    severities = {f["check_id"]: f["severity"] for f in report(strict)["findings"]}
    assert severities == {"modelfile.pickle.unknown-call": "high"}


def test_strict_from_file_environment_and_flag(project):
    config(project, "strict = true\n")
    assert aisec("scan", "models", cwd=project).returncode == 1
    assert aisec("scan", "--no-strict", "models", cwd=project).returncode == 0
    (project / "aisec.toml").unlink()
    assert aisec("scan", "models", cwd=project, env={"AISEC_STRICT": "1"}).returncode == 1
    bad = aisec("scan", "models", cwd=project, env={"AISEC_STRICT": "maybe"})
    assert bad.returncode == 2
    assert "AISEC_STRICT" in bad.stderr


# --- suppressions -----------------------------------------------------------------------


def suppression(path="models/legacy/*.pkl", expires=FUTURE, extra=""):
    return (
        "strict = true\n"
        "[[suppress]]\n"
        'check = "modelfile.pickle.unknown-call"\n'
        f'path = "{path}"\n'
        'justification = "legacy models, retrained in Q3"\n'
        f"expires = {expires}\n"
        'owner = "ml-platform"\n' + extra
    )


def test_suppressed_findings_do_not_count_but_stay_in_the_report(project):
    (project / "models" / "net.pkl").unlink()
    assert aisec("scan", "--strict", "models", cwd=project).returncode == 1
    config(project, suppression())
    result = aisec("scan", "-f", "json", "models", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    (finding,) = report(result)["findings"]
    assert finding["severity"] == "high"
    assert finding["suppression"]["status"] == "suppressed"
    assert finding["suppression"]["justification"] == "legacy models, retrained in Q3"
    assert finding["suppression"]["expires"] == FUTURE
    assert report(result)["summary"]["suppressed"] == 1
    console = aisec("scan", "models", cwd=project)
    assert "Not counted: 1 suppressed, 0 in the baseline" in console.stdout
    assert "PASS" in console.stdout


def test_a_suppression_only_covers_its_path(project):
    config(project, suppression())
    result = aisec("scan", "-f", "json", "models", cwd=project)
    assert result.returncode == 1  # models/net.pkl is not under models/legacy/
    assert [
        f["location"]["path"] for f in report(result)["findings"] if "suppression" not in f
    ] == ["models/net.pkl"]


def test_an_expired_suppression_warns_and_counts_again(project):
    (project / "models" / "net.pkl").unlink()
    config(project, suppression(expires=PAST))
    result = aisec("scan", "-f", "json", "models", cwd=project)
    assert result.returncode == 1
    assert "aisec: warning: " in result.stderr
    assert "[[suppress]] #1" in result.stderr and f"expired on {PAST}" in result.stderr
    assert "1 finding(s) it covered count again" in result.stderr
    assert report(result)["warnings"] and "suppression" not in report(result)["findings"][0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            suppression().replace('justification = "legacy models, retrained in Q3"\n', ""),
            "[[suppress]] #1: missing justification",
        ),
        (suppression().replace(f"expires = {FUTURE}\n", ""), "[[suppress]] #1: missing expires"),
        (suppression(expires=f'"{FUTURE}"'), "[[suppress]] #1: expires must be a TOML date"),
        (
            suppression().replace('check = "modelfile.pickle.unknown-call"\n', ""),
            "[[suppress]] #1: give a check id or a fingerprint",
        ),
        (suppression(extra='[[suppress]]\ncheck = "a.b"\n'), "[[suppress]] #2: missing"),
        ('suppress = "everything"\n', "suppress must be an array of tables"),
        ("strict = 1\n", "for strict: must be true or false"),
    ],
)
def test_bad_policy_configuration_exits_2_naming_file_and_entry(project, text, message):
    config(project, text)
    result = aisec("scan", "models", cwd=project)
    assert result.returncode == 2, result.stdout
    assert "aisec: error [AISEC-E100]" in result.stderr
    assert "aisec.toml" in result.stderr and message in result.stderr
    assert result.stdout == ""


def test_suppressions_from_the_environment_are_refused(project):
    result = aisec("scan", "models", cwd=project, env={"AISEC_SUPPRESS": "all"})
    assert result.returncode == 2
    assert "AISEC_SUPPRESS" in result.stderr


# --- baselines --------------------------------------------------------------------------


def test_baseline_fails_only_on_new_findings(project):
    written = aisec("scan", "--strict", "models", "--write-baseline", "base.json", cwd=project)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "wrote baseline base.json (2 findings)" in written.stderr
    doc = json.loads((project / "base.json").read_text())
    assert doc["version"] == 1 and len(doc["findings"]) == 2
    assert {e["check_id"] for e in doc["findings"]} == {"modelfile.pickle.unknown-call"}

    again = aisec(
        "scan", "--strict", "-f", "json", "models", "--baseline", "base.json", cwd=project
    )
    assert again.returncode == 0
    assert report(again)["summary"]["baseline"] == 2

    (project / "models" / "new.pkl").write_bytes(calling("newcorp", "Model"))
    new = aisec("scan", "--strict", "-f", "json", "models", "--baseline", "base.json", cwd=project)
    assert new.returncode == 1
    assert [f["location"]["path"] for f in report(new)["findings"] if "suppression" not in f] == [
        "models/new.pkl"
    ]
    # Without the baseline, everything counts again.
    assert aisec("scan", "--strict", "models", cwd=project).returncode == 1


def test_baseline_from_aisec_toml_and_switched_off_for_one_run(project):
    assert (
        aisec("scan", "--strict", "models", "--write-baseline", "ci/b.json", cwd=project).returncode
        == 2
    )  # the directory does not exist: exit 2
    (project / "ci").mkdir()
    assert (
        aisec("scan", "--strict", "models", "--write-baseline", "ci/b.json", cwd=project).returncode
        == 0
    )
    config(project, 'strict = true\nbaseline = "ci/b.json"\n')
    assert aisec("scan", "models", cwd=project).returncode == 0
    assert aisec("scan", "models", "--baseline", "", cwd=project).returncode == 1


def test_first_run_writes_the_baseline_the_configuration_names(project):
    config(project, 'strict = true\nbaseline = "aisec-baseline.json"\n')
    assert aisec("scan", "models", cwd=project).returncode == 2  # not written yet
    first = aisec("scan", "models", "--write-baseline", "aisec-baseline.json", cwd=project)
    assert first.returncode == 0, first.stderr
    assert aisec("scan", "models", cwd=project).returncode == 0
    # Writing elsewhere does not excuse a missing configured baseline.
    (project / "aisec-baseline.json").unlink()
    other = aisec("scan", "models", "--write-baseline", "other.json", cwd=project)
    assert other.returncode == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "not valid JSON"),
        (b'{"version": 1}', "'findings' must be a list"),
        (b'{"version": 99, "findings": []}', "unsupported version 99"),
        (b"[" * 50_000, "nested too deeply"),
    ],
)
def test_missing_or_corrupt_baseline_exits_2(project, content, message):
    if content is not None:
        (project / "b.json").write_bytes(content)
    result = aisec("scan", "--strict", "models", "--baseline", "b.json", cwd=project)
    assert result.returncode == 2
    assert f"baseline b.json: {message}" in result.stderr
    config(project, 'baseline = "b.json"\n')
    from_file = aisec("scan", "--strict", "models", cwd=project)
    assert from_file.returncode == 2
    assert message in from_file.stderr


def test_suppressed_findings_stay_out_of_a_written_baseline(project):
    config(project, suppression())
    result = aisec("scan", "models", "--write-baseline", "b.json", cwd=project)
    assert result.returncode == 0
    (entry,) = json.loads((project / "b.json").read_text())["findings"]
    assert entry["location"].startswith("models/net.pkl")


def test_fingerprints_hold_in_a_copy_of_the_project_elsewhere(project, tmp_path):
    first = aisec(
        "scan", "--strict", "-f", "json", "models", "--write-baseline", "b.json", cwd=project
    )
    copy = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(project, copy)
    # Scanned by absolute path this time: still the same artefacts at the same place.
    second = aisec(
        "scan", "--strict", "-f", "json", copy / "models", "--baseline", "b.json", cwd=copy
    )
    assert second.returncode == 0, second.stdout
    fingerprints = [{f["fingerprint"] for f in report(r)["findings"]} for r in (first, second)]
    assert fingerprints[0] == fingerprints[1] and len(fingerprints[0]) == 2


# --- SARIF ------------------------------------------------------------------------------


def test_sarif_with_suppressions_and_baseline_validates(project):
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    from jsonschema import Draft7Validator

    aisec("scan", "--strict", "models/net.pkl", "--write-baseline", "b.json", cwd=project)
    config(project, suppression())
    (project / "models" / "fresh.pkl").write_bytes(calling("freshcorp", "Model"))
    result = aisec("scan", "-f", "sarif", "models", "--baseline", "b.json", cwd=project)
    assert result.returncode == 1  # the fresh finding is new
    log = json.loads(result.stdout)
    validator = Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(log)) == []
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in log["runs"][0]["results"]
    }
    legacy = results["models/legacy/old.pkl"]
    assert legacy["suppressions"][0]["kind"] == "external"
    assert legacy["suppressions"][0]["status"] == "accepted"
    assert legacy["suppressions"][0]["justification"] == "legacy models, retrained in Q3"
    assert results["models/net.pkl"]["baselineState"] == "unchanged"
    assert results["models/fresh.pkl"]["baselineState"] == "new"
    assert "suppressions" not in results["models/fresh.pkl"]
    assert log["runs"][0]["invocations"][0]["exitCode"] == 1
