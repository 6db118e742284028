"""Settings of the scan policy (strict, baseline, suppress) and portable fingerprints."""

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.core.errors import ConfigError
from aisec.core.finding import Finding, Location, fingerprint_path
from aisec.core.settings import FIELD_NAMES, Settings, load_settings
from aisec.core.severity import Severity

SUPPRESS = """
[[suppress]]
check = "modelfile.pickle.unknown-call"
justification = "ours"
expires = 2999-12-31
"""


def test_defaults():
    s = Settings()
    assert (s.strict, s.baseline, s.suppress) == (False, None, ())


def test_strict_precedence_file_environment_flag(tmp_path):
    (tmp_path / "aisec.toml").write_text("strict = true\n")
    assert load_settings(directory=tmp_path, environ={}).strict is True
    env = {"AISEC_STRICT": "off"}
    assert load_settings(directory=tmp_path, environ=env).strict is False
    assert load_settings({"strict": True}, directory=tmp_path, environ=env).strict is True
    assert load_settings({"strict": None}, directory=tmp_path, environ=env).strict is False


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " on "])
def test_true_words(tmp_path, raw):
    assert load_settings(directory=tmp_path, environ={"AISEC_STRICT": raw}).strict is True


@pytest.mark.parametrize(("source", "raw"), [("env", "ture"), ("env", "2"), ("file", "1")])
def test_anything_else_is_not_a_boolean(tmp_path, source, raw):
    env = {}
    if source == "env":
        env = {"AISEC_STRICT": raw}
    else:
        (tmp_path / "aisec.toml").write_text(f"strict = {raw}\n")
    with pytest.raises(ConfigError, match=r"invalid value .* for strict: must be true or false"):
        load_settings(directory=tmp_path, environ=env)


def test_baseline_in_a_config_file_is_relative_to_that_file(tmp_path):
    (tmp_path / "aisec.toml").write_text('baseline = "ci/aisec-baseline.json"\n')
    s = load_settings(directory=tmp_path, environ={})
    assert s.baseline == str(tmp_path / "ci/aisec-baseline.json")
    from_env = load_settings(directory=tmp_path, environ={"AISEC_BASELINE": "other.json"})
    assert from_env.baseline == "other.json"  # relative to where aisec runs
    off = load_settings({"baseline": ""}, directory=tmp_path, environ={})
    assert off.baseline is None


def test_baseline_must_be_a_string(tmp_path):
    (tmp_path / "aisec.toml").write_text("baseline = 3\n")
    with pytest.raises(ConfigError) as info:
        load_settings(directory=tmp_path, environ={})
    assert "invalid value 3 for baseline" in info.value.message
    assert info.value.hint == "expected a path"


def test_suppressions_from_pyproject(tmp_path):
    text = SUPPRESS.replace("[[suppress]]", "[[tool.aisec.suppress]]")
    (tmp_path / "pyproject.toml").write_text("[tool.aisec]\nstrict = true\n" + text)
    s = load_settings(directory=tmp_path, environ={})
    (entry,) = s.suppress
    assert entry.source == f"{tmp_path / 'pyproject.toml'} [tool.aisec] [[suppress]] #1"
    assert s.strict


def test_suppressions_cannot_come_from_the_environment(tmp_path):
    with pytest.raises(ConfigError, match="AISEC_SUPPRESS: suppress can only be set in a conf"):
        load_settings(directory=tmp_path, environ={"AISEC_SUPPRESS": "x"})


def test_bad_suppression_in_a_file_names_file_and_entry(tmp_path):
    (tmp_path / "aisec.toml").write_text(SUPPRESS + SUPPRESS.replace('justification = "ours"', ""))
    with pytest.raises(ConfigError) as info:
        load_settings(directory=tmp_path, environ={})
    assert info.value.message == (
        f"{tmp_path / 'aisec.toml'} [[suppress]] #2: missing justification"
    )


def test_pyproject_with_a_non_table_tool_key_is_ignored(tmp_path):
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n')
    assert load_settings(directory=tmp_path, environ={}) == Settings()


def test_settings_built_in_python_are_checked():
    with pytest.raises(ConfigError):
        Settings(strict="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        Settings(suppress=({"check": "x"},))  # type: ignore[arg-type]


def test_config_snapshot_is_json_ready(tmp_path):
    (tmp_path / "aisec.toml").write_text(SUPPRESS)
    data = json.loads(json.dumps(load_settings(directory=tmp_path, environ={}).to_dict()))
    assert data["suppress"][0]["expires"] == "2999-12-31"
    assert data["strict"] is False and data["baseline"] is None


# --- fingerprints -----------------------------------------------------------------------


def _fingerprint(path):
    return Finding.create(
        check_id="a.b", severity=Severity.LOW, title="t", message="m", location=Location(path)
    ).fingerprint


def test_fingerprint_path_is_relative_inside_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert fingerprint_path(str(tmp_path / "models" / "a.pkl")) == "models/a.pkl"
    assert fingerprint_path("./models//a.pkl") == "models/a.pkl"
    assert fingerprint_path("../x/a.pkl") == "../x/a.pkl"
    outside = os.path.join(os.path.dirname(tmp_path), "elsewhere", "a.pkl")
    assert fingerprint_path(outside) == outside.replace(os.sep, "/")


def test_fingerprint_is_the_same_for_every_spelling_and_checkout(tmp_path, monkeypatch):
    first, second = tmp_path / "checkout-1", tmp_path / "checkout-2"
    first.mkdir()
    second.mkdir()
    monkeypatch.chdir(first)
    spelled = {_fingerprint(p) for p in ("models/a.pkl", "./models/a.pkl", f"{first}/models/a.pkl")}
    monkeypatch.chdir(second)
    assert _fingerprint(f"{second}/models/a.pkl") in spelled
    assert len(spelled) == 1
    assert _fingerprint("models/b.pkl") not in spelled


# --- junk configuration never raises anything but ConfigError ---------------------------

_junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.dates()
    | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


@settings(max_examples=300)
@given(values=st.dictionaries(st.sampled_from([*FIELD_NAMES, "nope"]), _junk, max_size=4))
def test_junk_values_for_any_setting_raise_only_config_errors(values):
    with contextlib.suppress(ConfigError):
        load_settings(values, directory=Path("/nonexistent-aisec-dir"), environ={})
