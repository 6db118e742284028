"""Regression tests for defects found in review; each builds its input in code."""

import struct
import zipfile

import pytest

from aisec.core.settings import Settings
from aisec.core.severity import Severity

EVIL = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
DANGEROUS = "modelfile.pickle.dangerous-call"


def su(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def wrapper(dtype: str, shape: int) -> bytes:
    """A joblib NumpyArrayWrapper built and BUILT, as joblib writes it."""
    return (
        su("joblib.numpy_pickle") + su("NumpyArrayWrapper") + b"\x93)\x81}("
        + su("subclass") + su("numpy") + su("ndarray") + b"\x93"
        + su("shape") + b"K" + bytes([shape]) + b"\x85" + su("order") + su("C")
        + su("dtype") + su("numpy") + su("dtype") + b"\x93" + su(dtype) + b"\x89\x88\x87R"
        + su("allow_mmap") + b"\x89ub"
    )  # fmt: skip


def calls(run):
    return {f.evidence.get("callable") for f in run.findings if f.check_id == DANGEROUS}


def test_empty_batches_on_any_container_are_no_ops_like_the_c_loader(scan_bytes):
    # "}(e0" is EMPTY_DICT, MARK, APPENDS (empty), POP: valid, then a protocol 0 payload.
    run = scan_bytes(b"}(e0cos\nsystem\n(S'id'\ntR.", "notes.txt")
    assert calls(run) == {"os.system"}
    assert run.exit_code(Severity.HIGH) == 1


def test_nul_terminated_numbers_parse_like_strtol(scan_bytes):
    run = scan_bytes(b"\x80\x04I7\x00junk\n0" + EVIL[2:])
    assert calls(run) == {"os.system"}
    assert "modelfile.pickle.malformed" not in {f.check_id for f in run.findings}


def test_reduce_with_computed_arguments_is_still_a_call(scan_bytes):
    data = b"\x80\x04" + su("os") + su("system") + b"\x93" + su("builtins") + su("tuple")
    data += b"\x93]\x85R" + b"R."
    assert calls(scan_bytes(data)) >= {"os.system"}


def test_oversized_global_names_are_dangerous(scan_bytes):
    name = ("path.os." * 150_000 + "system").encode()
    data = b"\x80\x04" + su("os") + b"\x8d" + struct.pack("<Q", len(name)) + name + b"\x93)R."
    run = scan_bytes(data)
    assert run.exit_code(Severity.HIGH) == 1


def test_bytes_given_to_a_loader_are_scanned_as_a_model(scan_bytes):
    data = b"\x80\x02ctorch.storage\n_load_from_bytes\nC" + bytes([len(EVIL)]) + EVIL + b"\x85R."
    run = scan_bytes(data)
    assert calls(run) == {"os.system"}
    [finding] = [f for f in run.findings if f.check_id == DANGEROUS]
    assert finding.location.member[0].startswith("(bytes@")


def test_pandas_expression_class_is_not_allowed(scan_bytes):
    data = b'\x80\x02cpandas.core.computation.expr\nExpr\nX\x0f\x00\x00\x00os.system("id")\x85R.'
    assert scan_bytes(data).exit_code(Severity.HIGH) == 1


@pytest.mark.parametrize("descr", ["object", "i4,O", "[('a', '|O')]"])
def test_npy_object_dtypes_in_every_spelling(scan_bytes, descr):
    spec = descr if descr.startswith("[") else repr(descr)
    header = f"{{'descr': {spec}, 'fortran_order': False, 'shape': (1,), }}".encode()
    header += b" " * (63 - len(header) % 64) + b"\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + EVIL
    run = scan_bytes(data, "x.npy")
    assert calls(run) == {"os.system"}


def test_npy_python2_long_header_is_read(scan_bytes):
    header = b"{'descr': '<i8', 'fortran_order': False, 'shape': (2L,), }"
    header += b" " * (63 - len(header) % 64) + b"\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(16)
    assert scan_bytes(data, "x.npy").findings == []


def test_joblib_array_bytes_read_as_opcodes_with_the_memo(scan_bytes):
    prefix = su("os") + b"q\x00" + su("system") + b"q\x01" + su("id") + b"q\x02" + b"000"
    hidden = b"h\x00h\x01\x93h\x02\x85R0"
    data = b"\x80\x04" + prefix + wrapper("u1", len(hidden)) + hidden + b"N."
    run = scan_bytes(data, "model.joblib")
    assert calls(run) == {"os.system"}
    assert "modelfile.pickle.parse-differential" in {f.check_id for f in run.findings}


def test_joblib_wrapper_inside_a_frame_is_a_differential(scan_bytes):
    body = wrapper("u1", 10) + b"N0" * 5
    data = b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body + b"N."
    run = scan_bytes(data, "model.joblib")
    assert "modelfile.pickle.parse-differential" in {f.check_id for f in run.findings}


def test_joblib_structured_object_dtype_without_state_is_a_nested_pickle(scan_bytes):
    data = b"\x80\x04" + wrapper("i8,O", 3) + EVIL + b"N."
    assert calls(scan_bytes(data, "model.joblib")) == {"os.system"}


def test_stacked_stream_that_fails_after_a_few_opcodes_is_a_pickle(scan_bytes):
    import pickle

    data = pickle.dumps({"a": 1}, protocol=4) + b"}(e0cos\nsystem\n(S'id'\ntR."
    assert calls(scan_bytes(data)) == {"os.system"}


def test_user_prefix_allowance_does_not_lift_the_deny_list(scan_bytes):
    data = b"\x80\x04" + su("sklearn") + su("os.system") + b"\x93" + su("id") + b"\x85R."
    run = scan_bytes(data, settings=Settings(allow_globals=("sklearn.*",)))
    assert run.exit_code(Severity.HIGH) == 1


def test_numpy_rng_helpers_forward_their_constructor(scan_bytes):
    data = (
        b"\x80\x02cnumpy.random._pickle\n__randomstate_ctor\n"
        b"X\x07\x00\x00\x00MT19937cos\nsystem\n\x86R."
    )
    assert calls(scan_bytes(data)) == {"os.system"}


def test_data_members_outside_torch_archives_are_analysed(tmp_path):
    from aisec.modelfile.scanner import scan

    path = tmp_path / "release.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("release/data/0", b"\x80\x02N0cos\nsystem\n(S'id'\ntR.")
    assert calls(scan([path])) == {"os.system"}


def test_re_exported_method_type_is_denied(scan_bytes):
    data = b"\x80\x04" + su("sklearn.utils._available_if") + su("MethodType") + b"\x93)R."
    assert scan_bytes(data).exit_code(Severity.HIGH) == 1


def test_torchscript_archives_still_skip_their_tensor_storages(tmp_path):
    torch = pytest.importorskip("torch")
    from aisec.modelfile.scanner import scan

    module = torch.jit.trace(torch.nn.Linear(3, 2), torch.zeros(1, 3))
    path = tmp_path / "scripted.pt"
    torch.jit.save(module, path)
    run = scan([path])
    assert run.exit_code(Severity.HIGH) == 0
    assert not [a for a in run.artefacts if "data/0" in "/".join(a.location.member)]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(b"\x1c\x00\x00\x00TFL3" + bytes(40), "tflite"), (b"CBM1" + bytes(40), "catboost")],
)
def test_data_only_formats_are_analysed_with_their_type(scan_bytes, data, fmt):
    run = scan_bytes(data, "model.bin")
    assert [a.format for a in run.artefacts] == [fmt]
    assert run.exit_code(Severity.HIGH) == 0


def test_hdf5_is_not_waved_through_as_data(scan_bytes):
    # a signature and nothing behind it: the HDF5 reader rejects it, so it is not analysed
    run = scan_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64), "model.h5")
    assert run.exit_code(Severity.HIGH) == 3
