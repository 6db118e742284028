import pytest
from keras_builders import (
    dense,
    function_ref,
    h5_bytes,
    keras_bytes,
    lambda_layer,
    legacy_sequential,
    obj,
    sequential,
)

from aisec.core.severity import Severity

CHECK = "modelfile.keras.external-reference"


def scan_config(scan_bytes, *layers):
    return scan_bytes(keras_bytes(sequential(*layers)), "model.keras")


@pytest.mark.parametrize(
    ("module", "name"),
    [("os", "system"), ("builtins", "exec"), ("subprocess", "check_output"), ("posix", "system")],
)
def test_cve_2025_1550_dangerous_callables_are_critical(scan_bytes, only, module, name):
    layer = lambda_layer(
        function_ref(module, name, registered=name), arguments={"command": "echo aisec-test"}
    )
    [finding] = only(scan_config(scan_bytes, layer), CHECK)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["reference"] == f"{module}.{name}"
    assert "CVE-2025-1550" in finding.message


def test_a_class_from_an_unknown_module_without_registration_is_high(scan_bytes, only):
    layer = obj("Fancy", {"name": "f"}, module="mypkg.layers")
    [finding] = only(scan_config(scan_bytes, layer), CHECK)
    assert finding.severity is Severity.HIGH
    assert finding.evidence["role"] == "class"


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("keras.utils", "get_file"),  # the published CVE-2025-8747 gadget
        ("keras.src.utils.file_utils", "get_file"),
        ("keras", "utils.get_file"),
        ("keras.models", "load_model"),
        ("keras.saving", "save_model"),
        ("keras.src.utils.image_utils", "save_img"),
        ("tf_keras.src.utils.data_utils", "get_file"),
    ],
)
def test_cve_2025_8747_side_effect_functions_inside_keras(scan_bytes, only, module, name):
    arguments = {"origin": "https://example.invalid/payload", "fname": "/tmp/aisec-test"}
    layer = lambda_layer(function_ref(module, name, registered=None), arguments=arguments)
    [finding] = only(scan_config(scan_bytes, layer), CHECK)
    assert finding.severity is Severity.HIGH
    assert "CVE-2025-8747" in finding.message


@pytest.mark.parametrize(
    ("layer", "key", "cve"),
    [
        (
            obj("StringLookup", {"name": "s", "vocabulary": "/etc/passwd"}),
            "vocabulary",
            "CVE-2025-12058",
        ),
        (
            obj("TFSMLayer", {"name": "t", "filepath": "/tmp/saved_model"}),
            "filepath",
            "CVE-2026-1462",
        ),
    ],
)
def test_paths_read_while_loading(scan_bytes, only, layer, key, cve):
    [finding] = only(scan_config(scan_bytes, layer), CHECK)
    assert finding.location.member[-1].endswith(f"config.{key}")
    assert cve in finding.message


def test_tf_op_lambda_with_file_io_in_a_legacy_h5(scan_bytes, only):
    op = {"class_name": "TFOpLambda", "config": {"name": "w", "function": "io.write_file"}}
    [finding] = only(scan_bytes(h5_bytes(legacy_sequential(op)), "model.h5"), CHECK)
    assert finding.evidence["reference"] == "tf.io.write_file"


def test_legacy_lambda_function_looked_up_in_a_module(scan_bytes, only):
    layer = {
        "class_name": "Lambda",
        "config": {"name": "l", "function": "system", "function_type": "function", "module": "os"},
    }
    [finding] = only(scan_bytes(h5_bytes(legacy_sequential(layer)), "model.h5"), CHECK)
    assert finding.severity is Severity.CRITICAL


def test_keras_functions_and_built_in_activations_are_not_reported(scan_bytes, only):
    layers = [
        dense(),
        obj(
            "Dense",
            {"name": "d2", "units": 1, "activation": function_ref("keras.activations", "relu")},
        ),
        obj("Dense", {"name": "d3", "units": 1, "activation": function_ref("builtins", "softmax")}),
        obj("StringLookup", {"name": "s", "vocabulary": ["a", "b"]}),
        obj("TFOpLambda", {"name": "t", "function": "math.add"}, module="keras.layers"),
    ]
    assert only(scan_config(scan_bytes, *layers), CHECK) == []
