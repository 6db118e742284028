from keras_builders import (
    dense,
    function_ref,
    h5_bytes,
    keras_bytes,
    legacy_sequential,
    obj,
    sequential,
)

from aisec.core.severity import Severity

CHECK = "modelfile.keras.custom-object"


def test_registered_and_unregistered_custom_objects_as_keras_3_writes_them(scan_bytes, only):
    layers = [
        obj("MyLayer", {"name": "mine"}, module=None, registered="MyPackage>MyLayer"),
        obj("Unregistered", {"name": "other"}, module=None, registered="Unregistered"),
        obj(
            "Dense",
            {"name": "d", "units": 1, "activation": function_ref("builtins", "my_activation")},
        ),
        obj("Dense", {"name": "e", "units": 1, "activation": function_ref("builtins", "pkg>act")}),
        obj("Fancy", {"name": "f"}, module="mypkg.layers", registered="mypkg>Fancy"),
    ]
    findings = only(scan_bytes(keras_bytes(sequential(*layers)), "model.keras"), CHECK)
    names = sorted(f.evidence["name"] for f in findings)
    assert names == ["MyPackage>MyLayer", "Unregistered", "my_activation", "mypkg>Fancy", "pkg>act"]
    assert {f.severity for f in findings} == {Severity.MEDIUM}


def test_legacy_h5_class_names_keras_does_not_provide(scan_bytes, only):
    layers = [
        {"class_name": "Dense", "config": {"name": "d", "units": 1}},
        {"class_name": "MyPackage>MyLayer", "config": {"name": "mine"}},
        {"class_name": "NotAKerasLayer", "config": {"name": "other"}},
        {"class_name": "Custom>Adam", "config": {"name": "Adam"}},  # tf.keras 2.11+ optimizers
    ]
    findings = only(scan_bytes(h5_bytes(legacy_sequential(*layers)), "model.h5"), CHECK)
    assert sorted(f.evidence["name"] for f in findings) == ["MyPackage>MyLayer", "NotAKerasLayer"]


def test_built_in_keras_objects_are_not_custom(scan_bytes, only):
    layers = [
        dense(),
        obj(
            "Adam",
            {"name": "adam"},
            module="keras.src.backend.torch.optimizers.torch_adam",
            registered="Adam",
        ),
        obj("DTypePolicy", {"name": "float32"}, module="keras"),
        {"class_name": "__keras_tensor__", "config": {"shape": [None, 3]}, "module": None},
    ]
    assert only(scan_bytes(keras_bytes(sequential(*layers)), "model.keras"), CHECK) == []
