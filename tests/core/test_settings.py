import pytest

from aisec.core.errors import ConfigError
from aisec.core.settings import FIELD_NAMES, Settings, load_settings
from aisec.core.severity import Severity


def test_defaults_when_nothing_is_configured(tmp_path):
    assert load_settings(directory=tmp_path, environ={}) == Settings()


def test_precedence_file_then_environment_then_overrides(tmp_path):
    (tmp_path / "aisec.toml").write_text('fail_on = "medium"\nworkers = 3\ntimeout_seconds = 9\n')
    from_file = load_settings(directory=tmp_path, environ={})
    assert (from_file.fail_on, from_file.workers, from_file.timeout_seconds) == (
        Severity.MEDIUM,
        3,
        9.0,
    )

    env = {"AISEC_FAIL_ON": "low", "AISEC_WORKERS": "4"}
    from_env = load_settings(directory=tmp_path, environ=env)
    assert (from_env.fail_on, from_env.workers, from_env.timeout_seconds) == (Severity.LOW, 4, 9.0)

    flags = load_settings({"fail_on": "critical", "workers": None}, directory=tmp_path, environ=env)
    assert (flags.fail_on, flags.workers) == (Severity.CRITICAL, 4)


def test_pyproject_tool_section_is_read_when_no_aisec_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.aisec]\nallow-globals = ["mypkg.Model"]\n')
    assert load_settings(directory=tmp_path, environ={}).allow_globals == ("mypkg.Model",)


def test_aisec_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.aisec]\nworkers = 2\n")
    (tmp_path / "aisec.toml").write_text("workers = 5\n")
    assert load_settings(directory=tmp_path, environ={}).workers == 5


def test_environment_lists_are_comma_separated(tmp_path):
    s = load_settings(directory=tmp_path, environ={"AISEC_DENY_GLOBALS": "a.b, c.*"})
    assert s.deny_globals == ("a.b", "c.*")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nonsense = 1\n", "unknown setting 'nonsense'"),
        ('fail_on = "severe"\n', "unknown severity 'severe'"),
        ("workers = -1\n", "invalid value -1 for workers"),
        ("workers = [\n", "cannot read configuration"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path, content, message):
    (tmp_path / "aisec.toml").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(directory=tmp_path, environ={})
    assert message in str(info.value)


def test_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="AISEC_TIMEOUT_SECONDS"):
        load_settings(directory=tmp_path, environ={"AISEC_TIMEOUT_SECONDS": "soon"})


def test_to_dict_is_json_ready():
    import json

    data = Settings().to_dict()
    assert set(data) == set(FIELD_NAMES)
    assert json.loads(json.dumps(data))["fail_on"] == "high"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("timeout_seconds", "nan", "must be a finite number"),
        ("timeout_seconds", "inf", "must be a finite number"),
        ("timeout_seconds", "-inf", "must be a finite number"),
        ("timeout_seconds", "-5", "must be greater than 0"),
        ("timeout_seconds", "0", "must be greater than 0"),
        ("workers", "0", "must be at least 1"),
        ("max_archive_depth", "-1", "must not be negative"),
    ],
)
def test_numbers_out_of_range_are_refused_naming_the_source(tmp_path, name, raw, message):
    variable = f"AISEC_{name.upper()}"
    with pytest.raises(ConfigError) as info:
        load_settings(directory=tmp_path, environ={variable: raw})
    assert str(info.value).startswith(f"{variable}: invalid value {raw!r} for {name}: {message}")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("timeout_seconds = nan", "invalid value nan for timeout_seconds: must be a finite"),
        ("timeout_seconds = inf", "invalid value inf for timeout_seconds: must be a finite"),
        ("max_file_size = inf", "invalid value inf for max_file_size"),
        ("workers = 2.5", "invalid value 2.5 for workers: must be a whole number"),
        ("workers = true", "invalid value True for workers: must be a whole number"),
    ],
)
def test_toml_non_finite_and_fractional_numbers_are_refused(tmp_path, line, message):
    (tmp_path / "aisec.toml").write_text(line + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings(directory=tmp_path, environ={})
    assert str(info.value).startswith(f"{tmp_path / 'aisec.toml'}: {message}")


def test_overrides_are_checked_too(tmp_path):
    with pytest.raises(ConfigError, match="override: invalid value nan for timeout_seconds"):
        load_settings({"timeout_seconds": float("nan")}, directory=tmp_path, environ={})


def test_boundary_values_are_accepted(tmp_path):
    env = {"AISEC_WORKERS": "1", "AISEC_MAX_ARCHIVE_DEPTH": "0", "AISEC_TIMEOUT_SECONDS": "0.5"}
    s = load_settings(directory=tmp_path, environ=env)
    assert (s.workers, s.max_archive_depth, s.timeout_seconds) == (1, 0, 0.5)


def test_settings_built_in_python_are_checked():
    with pytest.raises(ConfigError, match="Settings: invalid value nan for timeout_seconds"):
        Settings(timeout_seconds=float("nan"))
    with pytest.raises(ConfigError, match="Settings: invalid value 0 for workers"):
        Settings(workers=0)
