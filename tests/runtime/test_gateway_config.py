"""The gateway's configuration file: what it accepts, and a clear error naming the key
for everything it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisec.core.errors import ConfigError
from aisec.runtime.config import MIN_RETENTION_DAYS, load_config, parse_config
from aisec.runtime.proxy.breaker import CLOSED, HALF_OPEN, OPEN, Breaker
from aisec.runtime.proxy.routes import match

BASE = {"models": [{"name": "m", "upstream": "http://127.0.0.1:9000"}]}


def _parse(extra=None, model=None):
    data = {**BASE, **(extra or {})}
    if model is not None:
        data["models"] = [{**BASE["models"][0], **model}]
    return parse_config(data, base=Path("/etc/aisec"))


def test_defaults():
    config = _parse()
    assert config.instance == "gateway" and config.port == 8400
    model = config.models[0]
    assert model.protocol == "kserve-v2" and model.fail == "open" and model.upstream_model == "m"
    assert config.audit.retention_days == MIN_RETENTION_DAYS
    assert config.audit.spool_dir == Path("/etc/aisec/.aisec/gateway-spool")
    assert config.audit.writer == "process"
    assert _parse({"audit": {"writer": "thread"}}).audit.writer == "thread"
    assert not config.anonymous and config.rate.backend == "memory"


def test_detectors_keep_their_action_and_parameters():
    config = _parse(model={"detectors": {"evasion.ood": {"action": "block", "threshold": 4}}})
    detector = config.models[0].detectors[0]
    assert (detector.name, detector.action, dict(detector.params)) == (
        "evasion.ood", "block", {"threshold": 4},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "model", "message"),
    [
        ({"colour": 1}, None, "unknown key 'colour'"),
        (None, {"treshold": 1}, "models\\[0\\]: unknown key 'treshold'"),
        (None, {"protocol": "grpc"}, "models\\[0\\].protocol must be one of"),
        (None, {"upstream": "file:///etc/passwd"}, "must be an http\\(s\\) URL"),
        (None, {"upstream": "http://h/x?token=1"}, "without query"),
        (None, {"name": "a/b"}, "models\\[0\\].name"),
        (None, {"path": "/../admin"}, "without '..'"),
        (None, {"detectors": {"evasion.ood": {"action": "explode"}}}, "action must be one of"),
        (None, {"breaker": {"failures": 0}}, "breaker.failures must be between"),
        ({"rate_limits": {"backend": "redis"}}, None, "redis_url is required"),
        ({"audit": {"retention_days": 30}}, None, "at least 183 days"),
        ({"audit": {"writer": "fork"}}, None, "audit.writer must be one of"),
        ({"alerts": {"incidents": {"system": "s"}}}, None, "categories is required"),
        ({"alerts": {"incidents": {"system": "s", "categories": ["z"]}}}, None, "unknown category"),
        ({"format": "aisec.gateway/9"}, None, "format must be"),
        ({"models": []}, None, "at least one model"),
    ],
)
def test_mistakes_are_named(extra, model, message):
    with pytest.raises(ConfigError, match=message):
        _parse(extra, model)


def test_short_retention_needs_saying_so():
    config = _parse({"audit": {"retention_days": 30, "allow_short_retention": True}})
    assert config.audit.retention_days == 30


def test_two_models_of_one_name_are_refused():
    with pytest.raises(ConfigError, match="used twice"):
        parse_config({"models": [BASE["models"][0], BASE["models"][0]]}, base=Path("."))


def test_a_hostile_file_is_a_config_error(tmp_path):
    path = tmp_path / "gateway.yaml"
    path.write_text("a: &x [1]\nb: *x\n")
    with pytest.raises(ConfigError, match="aliases"):
        load_config(path)
    path.write_text("[" * 10_000)
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(path)


def test_routes():
    assert match("POST", "/v2/models/m/infer").upstream_path == "/v2/models/{model}/infer"
    assert match("POST", "/v2/models/m/versions/3/infer").upstream_path == (
        "/v2/models/{model}/versions/3/infer"
    )
    assert match("GET", "/v2/models/m/ready").kind == "metadata"
    assert match("POST", "/v2/models/m/versions/../infer") is None
    assert match("POST", "/models/m/invocations").protocol == "mlflow"
    assert match("POST", "/openai/m/v1/chat/completions").model == "m"
    assert match("POST", "/v1/chat/completions").model is None
    assert match("DELETE", "/v2/models/m/infer") is None
    assert match("POST", "/openai/m/v1/files") is None


def test_the_breaker_opens_after_failures_and_lets_one_trial_through():
    now = [0.0]
    breaker = Breaker(failures=2, reset_seconds=10, clock=lambda: now[0])
    assert breaker.allow() is None
    breaker.failure()
    assert breaker.state == CLOSED
    breaker.failure()
    assert breaker.state == OPEN and breaker.allow() == pytest.approx(10)
    now[0] = 10.5
    assert breaker.allow() is None and breaker.state == HALF_OPEN
    assert breaker.allow() is not None  # one trial at a time
    breaker.failure()
    assert breaker.state == OPEN
    now[0] = 21
    assert breaker.allow() is None
    breaker.success()
    assert breaker.state == CLOSED and breaker.allow() is None
    assert breaker.opened == 2
