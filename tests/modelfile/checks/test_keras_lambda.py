import base64
import marshal
import os
import signal
import stat
import time

import pytest
from keras_builders import (
    dense,
    h5_bytes,
    keras_bytes,
    lambda_function,
    lambda_layer,
    legacy_sequential,
    obj,
    payload_code,
    sequential,
)

from aisec.core.severity import Severity

CHECK = "modelfile.keras.lambda-layer"


def test_lambda_in_a_keras_archive_is_critical_and_names_the_payload(scan_bytes, only):
    config = sequential(dense(), lambda_layer(lambda_function(), name="evil"))
    run = scan_bytes(keras_bytes(config), "model.keras")
    [finding] = only(run, CHECK)
    assert finding.severity is Severity.CRITICAL
    assert finding.location.member == ("config.json", "config.layers[2].config.function")
    assert finding.evidence["layer"] == "evil"
    assert {"__import__", "system"} <= set(finding.evidence["suspicious_names"])
    assert "echo aisec-test" in finding.evidence["strings"]
    assert "CVE-2024-3660" in finding.message
    assert run.artefacts[0].format == "keras"


def test_lambda_in_an_h5_file_says_safe_mode_does_not_apply(scan_bytes, only):
    function = [payload_code(), None, None]  # Keras 2 / tf.keras legacy form
    config = {
        "class_name": "Lambda",
        "config": {"name": "l", "function": function, "function_type": "lambda"},
    }
    run = scan_bytes(h5_bytes(legacy_sequential(config)), "model.h5")
    [finding] = only(run, CHECK)
    assert "CVE-2025-9905" in finding.message
    assert finding.evidence["container"] == "h5"
    assert finding.location.member[0] == "model_config"
    assert run.artefacts[0].format == "keras"


@pytest.mark.parametrize(
    "function",
    [
        payload_code(),  # a bare code string with function_type "lambda"
        [payload_code(), None, None],
    ],
)
def test_legacy_function_forms(scan_bytes, only, function):
    config = {
        "class_name": "Lambda",
        "config": {"name": "l", "function": function, "function_type": "lambda"},
    }
    data = keras_bytes(legacy_sequential(config))
    assert only(scan_bytes(data, "model.keras"), CHECK)


def test_output_shape_and_generic_lambdas_are_found_too(scan_bytes, only):
    layer = lambda_layer(lambda_function(), name="shape")
    layer["config"]["output_shape"] = lambda_function()
    activation = {"class_name": "__lambda__", "config": {"value": payload_code()}}
    config = sequential(layer, obj("Dense", {"name": "d", "units": 1, "activation": activation}))
    findings = only(scan_bytes(keras_bytes(config), "model.keras"), CHECK)
    assert len(findings) == 3


def test_raw_marshal_that_is_not_base64_is_still_read(scan_bytes, only):
    code = compile("lambda x: __import__('os').system('echo aisec-test')", "<t>", "eval")
    raw = marshal.dumps(code.co_consts[0]).decode("latin-1")  # func_load's fallback
    config = sequential(lambda_layer(lambda_function(raw + "\x00!")))
    [finding] = only(scan_bytes(keras_bytes(config), "model.keras"), CHECK)
    assert "system" in finding.evidence["names"]


def test_a_lambda_without_code_runs_nothing_and_is_not_reported(scan_bytes, only):
    function = {"class_name": "__lambda__", "config": {"code": None}}
    run = scan_bytes(keras_bytes(sequential(lambda_layer(function))), "model.keras")
    assert only(run, CHECK) == []


def test_garbage_code_is_reported_without_names(scan_bytes, only):
    garbage = base64.b64encode(b"\xff" * 64).decode()
    [finding] = only(
        scan_bytes(keras_bytes(sequential(lambda_layer(lambda_function(garbage)))), "m.keras"),
        CHECK,
    )
    assert finding.evidence["names"] == []
    assert finding.evidence["code_bytes"] == 64


def test_a_model_without_lambdas_has_no_finding(scan_bytes, only):
    assert only(scan_bytes(keras_bytes(sequential(dense())), "model.keras"), CHECK) == []


def _crash(*args):
    os.kill(os.getpid(), signal.SIGSEGV)


def _hang(*args):
    time.sleep(60)


def _garbage(h5file, *args):
    os.write(_output_fd(), b"\x00" * 64)  # a reader whose memory the file corrupted
    return {}


def _output_fd():
    fds = (int(name) for name in os.listdir("/proc/self/fd") if int(name) > 2)
    return next(fd for fd in fds if _is_fifo(fd))


def _is_fifo(fd):
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the HDF5 reader forks")
@pytest.mark.parametrize(
    ("walk", "message"),
    [(_crash, "crashed (SIGSEGV)"), (_hang, "made no progress"), (_garbage, "unknown kind")],
)
def test_a_lambda_survives_a_reader_that_dies_in_the_link_walk(
    scan_bytes, only, monkeypatch, walk, message
):
    """The configs travel before the link walk: a crash, stall or garbage there makes
    the file malformed and loses the walk, not the critical lambda."""
    pytest.importorskip("h5py")
    if walk is _garbage and not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd")
    from aisec.modelfile.formats import hdf5_isolated, hdf5_read

    monkeypatch.setattr(hdf5_isolated, "STALL_SECONDS", 1)
    monkeypatch.setattr(hdf5_read, "walk_links", walk)
    config = legacy_sequential(lambda_layer(lambda_function(), name="evil"))
    run = scan_bytes(h5_bytes(config), "model.h5")
    [finding] = only(run, CHECK)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["layer"] == "evil"
    [malformed] = only(run, "modelfile.format.malformed")
    assert message in malformed.message
    assert run.artefacts[0].format == "keras"
