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
