import pytest
from keras_builders import (
    dense,
    function_ref,
    h5_bytes,
    keras_bytes,
    lambda_function,
    lambda_layer,
    legacy_sequential,
    sequential,
)

from aisec.core.severity import Severity

CHECK = "modelfile.keras.unsafe-deserialization"


def test_cve_2025_9906_chain_is_reported_step_by_step(scan_bytes, only, ids):
    """The published chain: turn safe mode off from the config, then load a Lambda."""
    switch = lambda_layer(function_ref("keras.config", "enable_unsafe_deserialization"), name="off")
    payload = lambda_layer(lambda_function(), name="payload")
    run = scan_bytes(keras_bytes(sequential(switch, payload)), "model.keras")
    [finding] = only(run, CHECK)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["reference"] == "keras.config.enable_unsafe_deserialization"
    assert finding.location.member == ("config.json", "config.layers[1].config.function")
    assert "modelfile.keras.lambda-layer" in ids(run)


@pytest.mark.parametrize(
    "module",
    ["keras.config", "keras.src.saving.serialization_lib", "tf_keras.src.saving", "mypkg"],
)
def test_enable_unsafe_deserialization_from_any_module(scan_bytes, only, module):
    layer = lambda_layer(function_ref(module, "enable_unsafe_deserialization"))
    assert only(scan_bytes(keras_bytes(sequential(layer)), "model.keras"), CHECK)


def test_global_state_flag_and_safe_mode_false_arguments(scan_bytes, only):
    setter = lambda_layer(
        function_ref("keras.src.backend.common.global_state", "set_global_attribute"),
        arguments={"name": "safe_mode_saving", "value": False},
    )
    loader = lambda_layer(
        function_ref("keras.models", "load_model"), arguments={"safe_mode": False}
    )
    findings = only(scan_bytes(keras_bytes(sequential(setter, loader)), "model.keras"), CHECK)
    messages = sorted(f.message for f in findings)
    assert any("set_global_attribute" in m for m in messages)
    assert any("'safe_mode_saving'" in m for m in messages)
    assert any("safe_mode=False" in m for m in messages)


def test_legacy_lambda_naming_the_switch_in_an_h5_file(scan_bytes, only):
    layer = {
        "class_name": "Lambda",
        "config": {
            "name": "off",
            "function": "enable_unsafe_deserialization",
            "function_type": "function",
            "module": "keras.config",
        },
    }
    assert only(scan_bytes(h5_bytes(legacy_sequential(layer)), "model.h5"), CHECK)


def test_ordinary_models_never_mention_safe_mode(scan_bytes, only):
    assert only(scan_bytes(keras_bytes(sequential(dense())), "model.keras"), CHECK) == []
