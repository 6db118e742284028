"""Detection of the public bypass techniques against pickle-family model files.

One test (or parametrised case) per technique class of ``modelfile-threats.md`` §4 that
applies to pickles and their containers; the item numbers of that list are in the
docstrings. Every hostile file is built in code by ``fixtures`` with a harmless payload
that still calls the dangerous callable, written to ``tmp_path`` and scanned, never loaded.

Each case asserts the exact check ids reported (at medium and above unless stated), the
exit code under the default settings (``fail_on=high``), and for most the reconstructed
call in the evidence and the offset of the opcode that makes it.
"""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import tarfile
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from fixtures import (
    BUILD,
    CODECS,
    DUP,
    ECHO,
    EMPTY_DICT,
    EMPTY_LIST,
    EMPTY_TUPLE,
    LIST,
    MARK,
    MEMOIZE,
    NEWOBJ,
    NEWOBJ_EX,
    NEWTRUE,
    NONE,
    OBJ,
    POP,
    REDUCE,
    SETITEM,
    SETITEMS,
    STACK_GLOBAL,
    STOP,
    TUPLE,
    TUPLE1,
    TUPLE2,
    Reduce,
    asm,
    binget,
    binint,
    binint1,
    binput,
    binstring,
    binunicode,
    binunicode8,
    call,
    check_ids,
    compress,
    corrupt_crc,
    describe_run,
    ext,
    findings_of,
    frame,
    get,
    glob,
    inst,
    long_binget,
    long_binput,
    pop_call,
    proto,
    put,
    rename_local,
    replace_stop,
    sbu,
    scan_bytes,
    set_flag_bits,
    seven_zip_bytes,
    short_binstring,
    stack_global,
    string,
    system_payload,
    tar_bytes,
    torch_like_zip,
    unicode0,
    write,
    zip_bytes,
)

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

FAIL_ON = Settings().fail_on  # high

DANGEROUS_CALL = "modelfile.pickle.dangerous-call"
DANGEROUS_IMPORT = "modelfile.pickle.dangerous-import"
DYNAMIC_CALL = "modelfile.pickle.dynamic-call"
EXTENSION_CODE = "modelfile.pickle.extension-code"
FRAME_DIVERGENCE = PARSE_DIFFERENTIAL = "modelfile.pickle.parse-differential"
POLYGLOT = "modelfile.format.polyglot"
GLOBAL_MUTATION = "modelfile.pickle.global-mutation"
MALFORMED = "modelfile.pickle.malformed"
UNKNOWN_CALL = "modelfile.pickle.unknown-call"
CRC_MISMATCH = "modelfile.archive.crc-mismatch"
HEADER_MISMATCH = "modelfile.archive.header-mismatch"
OBJECT_ARRAY = "modelfile.numpy.object-array"
LIMITS = "modelfile.limits.exceeded"
TRAILING = "modelfile.format.trailing-data"
LAYOUT = "modelfile.format.layout-mismatch"
CUSTOM_OP = "modelfile.torchscript.custom-op"

SYSTEM_CALL = "os.system('echo aisec-test')"


def assert_detected(run, expected, *, exit_code=1, at_least=Severity.MEDIUM):
    """Exactly ``expected`` check ids at or above ``at_least``, the exit code under the
    default threshold, and no internal error."""
    assert check_ids(run, at_least) == set(expected), describe_run(run)
    assert run.exit_code(FAIL_ON) == exit_code, describe_run(run)
    assert run.errors == [], run.errors


def calls(run, check_id=DANGEROUS_CALL):
    return [f.evidence["call"] for f in findings_of(run, check_id)]


def assert_call(run, text, check_id=DANGEROUS_CALL):
    assert any(text in c for c in calls(run, check_id)), describe_run(run)


def opcode_at(data, run, check_id=DANGEROUS_CALL):
    """The opcode byte each finding of ``check_id`` points at."""
    return {bytes([data[f.location.offset]]) for f in findings_of(run, check_id)}


# -- protocols 0-5 ----------------------------------------------------------------------
@pytest.mark.parametrize("protocol", range(6))
def test_assembled_reduce_every_protocol(tmp_path, protocol):
    data = system_payload(protocol)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["call"] == SYSTEM_CALL
    assert finding.evidence["callable"] == "os.system"
    assert finding.severity is Severity.CRITICAL
    assert finding.location.offset == data.rindex(REDUCE)
    assert opcode_at(data, run) == {REDUCE}


@pytest.mark.parametrize("protocol", range(6))
def test_stock_pickler_reduce_every_protocol(tmp_path, protocol):
    """What real payloads look like: ``pickle.dumps`` of an object with ``__reduce__``
    (``os.system`` pickles as ``posix.system`` on Linux)."""
    data = pickle.dumps(Reduce(os.system, ECHO), protocol=protocol)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL})
    assert_call(run, f"system('{ECHO}')")
    assert opcode_at(data, run) == {REDUCE}


def test_finding_location_has_opcode_index(tmp_path):
    data = system_payload(4)  # PROTO, SBU, SBU, STACK_GLOBAL, MARK, SBU, TUPLE, REDUCE, STOP
    run = scan_bytes(tmp_path, "model.pkl", data)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.opcode_index in (7, 8)  # REDUCE, counted from 0 or from 1


# -- 1, 2: broken streams still execute ------------------------------------------------------
BROKEN = {
    "invalid-opcode": (b"\xff nullifAI", 0),
    "truncated-no-stop": (b"", None),
    "stack-underflow": (POP + POP + POP, 1),
    "missing-memo": (binget(9), 0),
    "bad-protocol": (proto(9), 0),
}


def broken_payload(breakage):
    tail, _ = BROKEN[breakage]
    return proto(2) + call("os", "system", string(ECHO), stack=False) + tail


@pytest.mark.parametrize("breakage", sorted(BROKEN))
def test_broken_stream_after_reduce_is_exit_1_not_3(tmp_path, breakage):
    """Item 2: the loader runs REDUCE before it reaches the bad byte; "detected but
    errored" must stay exit 1 and report both facts."""
    data = broken_payload(breakage)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, MALFORMED})
    assert calls(run) == [SYSTEM_CALL]
    (malformed,) = findings_of(run, MALFORMED)
    reduce_at = data.index(REDUCE + BROKEN[breakage][0]) if BROKEN[breakage][0] else len(data) - 1
    bad_at = BROKEN[breakage][1]
    if bad_at is not None:
        assert malformed.location.offset == reduce_at + 1 + bad_at
    (artefact,) = run.artefacts
    assert artefact.status is ArtefactStatus.INCOMPLETE


@pytest.mark.parametrize("container", ["7z", "zip"])
def test_nullifai_broken_pickle_in_archive(tmp_path, container):
    """Item 1: a PyTorch layout in 7z (or zip) whose data.pkl starts with the payload and
    then breaks."""
    data = broken_payload("invalid-opcode")
    members = torch_like_zip(data, prefix="glockr1")
    archive = seven_zip_bytes(members) if container == "7z" else zip_bytes(members)
    run = scan_bytes(tmp_path, f"pytorch_model.{container}", archive)
    assert_detected(run, {DANGEROUS_CALL, MALFORMED})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["call"] == SYSTEM_CALL
    assert finding.location.member == ("glockr1/data.pkl",)
    assert finding.location.offset == data.index(REDUCE)
    statuses = {a.location.member: a.status for a in run.artefacts}
    assert statuses[("glockr1/data.pkl",)] is ArtefactStatus.INCOMPLETE


# -- 3, 4: zip quirks torch accepts ---------------------------------------------------------
@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_zip_crc_mismatch_member_is_still_analysed(tmp_path, compression):
    """Item 3 (CVE-2025-10156): torch ignores CRC-32; zipfile refuses the member."""
    archive = corrupt_crc(zip_bytes(torch_like_zip(system_payload(2)), compression=compression))
    with pytest.raises(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(archive)) as zf:
        zf.read("archive/data.pkl")
    run = scan_bytes(tmp_path, "model.pt", archive)
    assert_detected(run, {DANGEROUS_CALL, CRC_MISMATCH})
    assert calls(run) == [SYSTEM_CALL]
    assert {f.location.member for f in findings_of(run, CRC_MISMATCH)} >= {("archive/data.pkl",)}


@pytest.mark.parametrize(
    "bits",
    [0x0001, 0x0040, 0x0020, 0x2000, 0x0010],
    ids=["encrypted", "strong-encryption", "patched-data", "masked-headers", "reserved"],
)
def test_zip_flag_bits(tmp_path, bits):
    """Item 4 (CVE-2025-1945): flag bits that make zipfile refuse or misread a member
    that torch's miniz reads as plain data."""
    archive = set_flag_bits(zip_bytes(torch_like_zip(system_payload(2))), bits)
    run = scan_bytes(tmp_path, "model.pt", archive)
    assert_detected(run, {DANGEROUS_CALL, HEADER_MISMATCH})
    assert calls(run) == [SYSTEM_CALL]


def test_zip_local_and_central_names_differ(tmp_path):
    """Item 4 (CVE-2025-1944): the central directory (which torch follows) names
    data.pkl; the local header names something else."""
    archive = rename_local(
        zip_bytes(torch_like_zip(system_payload(2))), "archive/data.pkl", "archive/notes.md"
    )
    run = scan_bytes(tmp_path, "model.pt", archive)
    assert_detected(run, {DANGEROUS_CALL, HEADER_MISMATCH})
    (mismatch,) = findings_of(run, HEADER_MISMATCH)
    assert mismatch.evidence["local"] == "archive/notes.md"
    assert mismatch.evidence["central"] == "archive/data.pkl"
    assert calls(run) == [SYSTEM_CALL]


def test_zip_duplicate_member_names(tmp_path):
    """A benign data.pkl and a hostile one under the same name: whichever the loader
    picks, both are analysed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("archive/data.pkl", system_payload(2))
        zf.writestr("archive/version", b"3\n")
    run = scan_bytes(tmp_path, "model.pt", buf.getvalue())
    assert_detected(run, {DANGEROUS_CALL, HEADER_MISMATCH})


# -- 5, 11: names and extensions are not trusted --------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "pytorch_model.bin",
        "model.pt",
        "model.pth",
        "last.ckpt",
        "model.safetensors",
        "model.onnx",
        "model.h5",
        "weights.npy",
        "notes.txt",
        "image.png",
        "noextension",
    ],
)
def test_raw_pickle_under_any_name(tmp_path, name):
    """Item 5 (CVE-2025-1889, CVE-2025-10155): a raw pickle named like something else."""
    run = scan_bytes(tmp_path, name, system_payload(2))
    assert_detected(run, {DANGEROUS_CALL})
    assert calls(run) == [SYSTEM_CALL]


def test_directory_walk_opens_files_with_harmless_extensions(tmp_path):
    """Item 11: a directory walk filters nothing by extension."""
    write(tmp_path, "model/config.json", b'{"architectures": ["Net"]}\n')
    write(tmp_path, "model/README.md", b"# A model\n")
    write(tmp_path, "model/tokenizer/vocab.txt", system_payload(0))
    write(tmp_path, "model/assets/logo.png", system_payload(4))
    run = scan([tmp_path / "model"])
    assert_detected(run, {DANGEROUS_CALL})
    paths = {os.path.basename(f.location.path) for f in findings_of(run, DANGEROUS_CALL)}
    assert paths == {"vocab.txt", "logo.png"}


# -- 6, 7: PyTorch legacy format -----------------------------------------------------------
def pickle_spans(data, count):
    """(start, end) of the first ``count`` stacked pickles, walked with pickletools
    (which parses, never loads)."""
    stream = io.BytesIO(data)
    spans = []
    for _ in range(count):
        start = stream.tell()
        for _op in pickletools.genops(stream):
            pass
        spans.append((start, stream.tell()))
    return spans


@pytest.fixture(scope="module")
def legacy_checkpoint():
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(3, 2).state_dict(), buf, _use_new_zipfile_serialization=False)
    return buf.getvalue()


LEGACY_NAMES = ["magic", "protocol", "sys_info", "data", "storage_keys"]


@pytest.mark.parametrize("where", ["second-pickle", *LEGACY_NAMES[1:]])
def test_legacy_stacked_torch_file_payload_after_first_pickle(tmp_path, legacy_checkpoint, where):
    """Item 7: torch's legacy loader unpickles five stacked pickles; a scanner that stops
    after the first (or rescans offset 0) misses a payload in any later one."""
    raw = legacy_checkpoint
    spans = pickle_spans(raw, 5)
    if where == "second-pickle":  # read by torch as the "protocol version" pickle
        end = spans[0][1]
        data = raw[:end] + system_payload(2) + raw[end:]
    else:
        end = spans[LEGACY_NAMES.index(where)][1]
        data = raw[: end - 1] + pop_call("os", "system", string(ECHO)) + raw[end - 1 :]
    run = scan_bytes(tmp_path, "model.pt", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.HIGH)
    assert calls(run) == [SYSTEM_CALL]
    assert opcode_at(data, run) == {REDUCE}
    if where != "second-pickle":
        assert check_ids(run, Severity.LOW) == {DANGEROUS_CALL}, describe_run(run)


@pytest.mark.parametrize("how", ["int-reduce", "eval"])
def test_legacy_magic_number_produced_by_reduce(tmp_path, legacy_checkpoint, how):
    """Item 6 (GHSA-97f8-7cmv-76j2): the magic number is computed at load time instead
    of stored as a constant; the pickles after it must still be analysed."""
    raw = legacy_checkpoint
    spans = pickle_spans(raw, 5)
    if how == "int-reduce":  # builtins.int is allowed; the payload sits in sys_info
        magic = asm(
            proto(2),
            glob("builtins", "int"),
            string("1950a86a20f9469cfc6c"),
            binint1(16),
            TUPLE2,
            REDUCE,
            STOP,
        )
        end = spans[2][1]
        rest = raw[spans[0][1] : end - 1] + pop_call("os", "system", string(ECHO)) + raw[end - 1 :]
        expected_call = SYSTEM_CALL
    else:
        magic = asm(
            proto(2),
            glob("builtins", "eval"),
            string("0x1950a86a20f9469cfc6c"),
            TUPLE1,
            REDUCE,
            STOP,
        )
        rest = raw[spans[0][1] :]
        expected_call = "builtins.eval('0x1950a86a20f9469cfc6c')"
    run = scan_bytes(tmp_path, "model.pt", magic + rest)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.HIGH)
    assert calls(run) == [expected_call]


def test_legacy_module_persistent_id_with_dangerous_class(tmp_path):
    """Legacy whole-module saves reference classes through persistent ids
    ``('module', cls, file, source)``; torch's persistent_load returns ``cls``, which
    the stream then calls. A dangerous ``cls`` must not pass."""
    data = asm(
        proto(2),
        MARK,
        string("module"),
        glob("os", "system"),
        string(""),
        string(""),
        TUPLE,
        b"Q",
        string(ECHO),
        TUPLE1,
        REDUCE,
        STOP,
    )
    run = scan_bytes(tmp_path, "model.pt", data)
    assert run.exit_code(FAIL_ON) == 1, describe_run(run)
    assert max(f.severity for f in run.findings) is Severity.CRITICAL
    assert check_ids(run, Severity.HIGH) == {DANGEROUS_CALL}  # torch returns cls: os.system


# -- 8: FRAME boundaries ------------------------------------------------------------------
BODY = asm(stack_global("os", "system"), sbu(ECHO), TUPLE1, REDUCE, STOP)


@pytest.mark.parametrize("lie", ["opcode-crosses-frame-end", "frame-inside-frame"])
def test_frame_boundary_divergence(tmp_path, lie):
    """Item 8: the C unpickler reads across a FRAME end; pickletools-style readers do
    not. The payload is found and the divergence reported where it happens."""
    if lie == "opcode-crosses-frame-end":
        data = asm(proto(4), frame(5), BODY)
        crossing = 2 + 9 + len(sbu("os"))  # sbu("system") starts 1 byte before the end
    else:
        data = asm(proto(4), frame(len(BODY) + 9), frame(3), BODY)
        crossing = 11  # the inner FRAME opcode
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, FRAME_DIVERGENCE})
    assert calls(run) == [SYSTEM_CALL]
    (divergence,) = findings_of(run, FRAME_DIVERGENCE)
    assert divergence.location.offset == crossing
    assert opcode_at(data, run) == {REDUCE}


def test_frame_longer_than_the_data_is_malformed(tmp_path):
    """The C loader checks a frame's bytes exist before reading it: nothing runs."""
    run = scan_bytes(tmp_path, "model.pkl", asm(proto(4), frame(len(BODY) + 100), BODY))
    assert_detected(run, {MALFORMED})
    assert findings_of(run, MALFORMED)[0].location.offset == 2


# -- 9: archives: member names and nesting ---------------------------------------------------
@pytest.mark.parametrize("member", ["weights", "model.bin", "archive/data", "README.md"])
def test_7z_member_not_named_pkl(tmp_path, member):
    """Item 9: picklescan only looked at 7z members with pickle extensions."""
    run = scan_bytes(tmp_path, "model.7z", seven_zip_bytes({member: system_payload(4)}))
    assert_detected(run, {DANGEROUS_CALL})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.member == (member,)
    assert finding.evidence["call"] == SYSTEM_CALL


NESTED = {
    "zip-in-zip": (
        lambda p: zip_bytes({"inner.zip": zip_bytes({"archive/data.pkl": p})}),
        ("inner.zip", "archive/data.pkl"),
    ),
    "zip-in-7z": (
        lambda p: seven_zip_bytes({"inner.zip": zip_bytes({"weights": p})}),
        ("inner.zip", "weights"),
    ),
    "7z-in-zip": (
        lambda p: zip_bytes({"inner.7z": seven_zip_bytes({"weights": p})}),
        ("inner.7z", "weights"),
    ),
    "tar": (lambda p: tar_bytes({"model/weights.bin": p}), ("model/weights.bin",)),
    "tar.gz": (
        lambda p: tar_bytes({"model/weights.bin": p}, mode="w:gz"),
        ("(gzip)", "model/weights.bin"),
    ),
    "tar.bz2": (
        lambda p: tar_bytes({"model/weights.bin": p}, mode="w:bz2"),
        ("(bz2)", "model/weights.bin"),
    ),
    "tar.xz": (
        lambda p: tar_bytes({"model/weights.bin": p}, mode="w:xz"),
        ("(xz)", "model/weights.bin"),
    ),
    "gz-pickle": (lambda p: compress(p, "gzip"), ("(gzip)",)),
    "deep-chain": (
        lambda p: tar_bytes(
            {"a.7z": seven_zip_bytes({"b.zip": zip_bytes({"c.dat": compress(p, "bz2")})})},
            mode="w:gz",
        ),
        ("(gzip)", "a.7z", "b.zip", "c.dat", "(bz2)"),
    ),
}


@pytest.mark.parametrize("layout", sorted(NESTED))
def test_nested_archives_are_descended(tmp_path, layout):
    """Item 9: modelscan raised NestedZipError; picklescan did not descend."""
    build, member = NESTED[layout]
    run = scan_bytes(tmp_path, "bundle.bin", build(system_payload(4)))
    assert_detected(run, {DANGEROUS_CALL})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.member == member
    assert finding.evidence["call"] == SYSTEM_CALL


def test_nesting_deeper_than_the_cap_is_reported(tmp_path):
    data = system_payload(4)
    for i in range(4):
        data = zip_bytes({f"level{i}.zip": data})
    run = scan_bytes(tmp_path, "bundle.zip", data, Settings(max_archive_depth=2))
    assert_detected(run, {LIMITS})


def test_unrecognised_member_fails_closed(tmp_path):
    """A member aisec cannot read is a skipped entry with a reason: exit 3, never 0."""
    blob = bytes(range(256)) * 4
    run = scan_bytes(tmp_path, "bundle.zip", zip_bytes({"blob.bin": blob}))
    assert run.findings == []
    assert run.exit_code(FAIL_ON) == 3
    (skipped,) = run.skipped
    assert skipped.location.member == ("blob.bin",)
    assert skipped.reason


# -- 10: joblib inline arrays ---------------------------------------------------------------
ARRAYS = [
    np.arange(10, dtype=np.float64),
    np.ones((3, 4), dtype=np.int32),
    np.zeros(5, dtype=np.uint8),
]


@pytest.fixture(scope="module")
def joblib_stream(tmp_path_factory):
    joblib = pytest.importorskip("joblib")
    path = tmp_path_factory.mktemp("joblib") / "arrays.joblib"
    joblib.dump(ARRAYS, path)
    return path.read_bytes()


def splice_after_first_array(stream):
    end = stream.index(ARRAYS[0].tobytes()) + ARRAYS[0].nbytes
    return stream[:end] + pop_call("os", "system", string(ECHO)) + stream[end:]


def test_joblib_payload_after_first_inline_array(tmp_path, joblib_stream):
    """Item 10: pickletools stops at joblib's first inline array buffer; the payload
    placed right after it (between frames) is what joblib.load runs next."""
    data = splice_after_first_array(joblib_stream)
    run = scan_bytes(tmp_path, "model.joblib", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["call"] == SYSTEM_CALL
    assert finding.location.offset > joblib_stream.index(ARRAYS[0].tobytes())
    assert opcode_at(data, run) == {REDUCE}


def test_joblib_reduce_before_stop(tmp_path, joblib_stream):
    data = replace_stop(joblib_stream, pop_call("os", "system", string(ECHO)))
    run = scan_bytes(tmp_path, "model.joblib", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    assert opcode_at(data, run) == {REDUCE}


def test_joblib_object_array_payload(tmp_path):
    """joblib writes object arrays as a nested pickle inline; it is analysed too."""
    joblib = pytest.importorskip("joblib")
    arr = np.empty(2, dtype=object)
    arr[0] = Reduce(os.system, ECHO)
    arr[1] = "label"
    path = tmp_path / "model.joblib"
    joblib.dump([np.arange(3.0), arr], path)
    run = scan([path])
    assert_detected(run, {DANGEROUS_CALL})
    assert_call(run, f"system('{ECHO}')")


@pytest.mark.parametrize("codec", CODECS)
def test_compressed_joblib_stream_with_payload(tmp_path, joblib_stream, codec):
    """joblib's compressors (zlib, gzip, bz2, xz, lzma, lz4) wrap the same stream."""
    data = compress(splice_after_first_array(joblib_stream), codec)
    run = scan_bytes(tmp_path, "model.joblib", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.member == (f"({codec})",)
    assert finding.evidence["call"] == SYSTEM_CALL


@pytest.mark.parametrize("codec", CODECS)
def test_compressed_raw_payload(tmp_path, codec):
    run = scan_bytes(tmp_path, "model.pkl.z", compress(system_payload(4), codec))
    assert_detected(run, {DANGEROUS_CALL})


# -- 13: memo poisoning ---------------------------------------------------------------------
# fmt: off
MEMO_TRICKS = {
    # a decoy string is pushed and popped between the real operand and MEMOIZE
    "popped-decoy-before-memoize": asm(
        proto(4), sbu("os"), sbu("decoy"), POP, MEMOIZE, sbu("system"), MEMOIZE, POP, POP,
        binget(0), binget(1), STACK_GLOBAL, sbu(ECHO), TUPLE1, REDUCE, STOP),
    # MEMOIZE stores at len(memo), not at "the next index after the last PUT"
    "memoize-index-after-binput": asm(
        proto(4), sbu("os"), binput(5), sbu("system"), MEMOIZE, POP, POP,
        binget(5), binget(1), STACK_GLOBAL, sbu(ECHO), TUPLE1, REDUCE, STOP),
    # a slot first holds a harmless module name, then is overwritten
    "memo-slot-overwritten": asm(
        proto(4), sbu("collections"), binput(0), sbu("os"), binput(0), POP, POP,
        binget(0), sbu("system"), STACK_GLOBAL, sbu(ECHO), TUPLE1, REDUCE, STOP),
    # the global itself goes through the memo (text PUT/GET)
    "text-put-get-global": asm(
        proto(2), glob("os", "system"), put(3), POP, get(3), string(ECHO), TUPLE1, REDUCE,
        STOP),
    "long-binput-binget": asm(
        proto(4), stack_global("os", "system"), long_binput(70000), POP, long_binget(70000),
        sbu(ECHO), TUPLE1, REDUCE, STOP),
    # DUP + POP leave the name on the stack; a scanner tracking "last string" loses it
    "dup-pop": asm(
        proto(4), sbu("os"), DUP, POP, sbu("system"), STACK_GLOBAL, sbu(ECHO), TUPLE1,
        REDUCE, STOP),
    # the callable is fetched from the memo twice, the first call's result discarded
    "memo-reused-callable": asm(
        proto(4), stack_global("os", "system"), MEMOIZE, sbu("true"), TUPLE1, REDUCE, POP,
        binget(0), sbu(ECHO), TUPLE1, REDUCE, STOP),
}
# fmt: on


@pytest.mark.parametrize("trick", sorted(MEMO_TRICKS))
def test_memo_poisoning(tmp_path, trick):
    """Item 13: PUT/POP/BINGET/MEMOIZE games that made scanners resolve the global to a
    decoy, to None or to a memo index."""
    data = MEMO_TRICKS[trick]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    assert_call(run, SYSTEM_CALL)
    assert opcode_at(data, run) == {REDUCE}


# -- 14: STACK_GLOBAL operands -----------------------------------------------------------------
# fmt: off
STACK_GLOBAL_TRICKS = {
    "dict-built-between-operands": asm(
        proto(4), sbu("os"), EMPTY_DICT, sbu("k"), sbu("v"), SETITEM, POP, sbu("system"),
        STACK_GLOBAL, sbu(ECHO), TUPLE1, REDUCE, STOP),
    "call-between-operands": asm(
        proto(4), sbu("os"), stack_global("collections", "OrderedDict"), EMPTY_TUPLE, REDUCE,
        POP, sbu("system"), STACK_GLOBAL, sbu(ECHO), TUPLE1, REDUCE, STOP),
    "STRING-operands": asm(
        proto(4), string("os"), string("system"), STACK_GLOBAL, string(ECHO), TUPLE1, REDUCE,
        STOP),
    "BINSTRING-operands": asm(
        proto(4), short_binstring("os"), binstring("system"), STACK_GLOBAL, string(ECHO),
        TUPLE1, REDUCE, STOP),
    "UNICODE-and-BINUNICODE-operands": asm(
        proto(4), unicode0("os"), binunicode("system"), STACK_GLOBAL, sbu(ECHO), TUPLE1,
        REDUCE, STOP),
    "BINUNICODE8-operands": asm(
        proto(4), binunicode8("os"), binunicode8("system"), STACK_GLOBAL, sbu(ECHO), TUPLE1,
        REDUCE, STOP),
    "operands-from-marked-region": asm(
        proto(4), sbu("os"), MARK, sbu("x"), b"1", sbu("system"), STACK_GLOBAL, sbu(ECHO),
        TUPLE1, REDUCE, STOP),
}
# fmt: on


@pytest.mark.parametrize("trick", sorted(STACK_GLOBAL_TRICKS))
def test_stack_global_operands_not_adjacent(tmp_path, trick):
    """Item 14 (GHSA-9gvj-pp9x-gcfr): operands that are not the two opcodes right before
    STACK_GLOBAL, or that come from STRING-family opcodes."""
    data = STACK_GLOBAL_TRICKS[trick]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    assert_call(run, SYSTEM_CALL)
    assert opcode_at(data, run) == {REDUCE}


# -- 15, 16: dotted names and submodules -----------------------------------------------------
DOTTED = [
    ("logging", "os.system", "logging.os.system"),
    ("torch", "os.system", "torch.os.system"),
    ("collections", "abc.__builtins__", "collections.abc.__builtins__"),
    ("builtins", "dict.get", "builtins.dict.get"),
    ("builtins", "object.__subclasses__", "builtins.object.__subclasses__"),
    ("numpy", "__builtins__.get", "numpy.__builtins__.get"),
    ("pickle", "loads", "pickle.loads"),
    ("sklearn", "utils.os.system", "sklearn.utils.os.system"),
    ("copyreg", "_reconstructor.__globals__", "copyreg._reconstructor.__globals__"),
]


@pytest.mark.parametrize(("module", "name", "qualname"), DOTTED)
@pytest.mark.parametrize("opcode", ["STACK_GLOBAL", "GLOBAL"])
def test_dotted_attribute_path(tmp_path, module, name, qualname, opcode):
    """Item 15 (GHSA-5j3x-jp52-966f): protocol 4 resolves dotted names attribute by
    attribute, reaching a denied module through an innocent one."""
    fn = stack_global(module, name) if opcode == "STACK_GLOBAL" else glob(module, name)
    run = scan_bytes(tmp_path, "model.pkl", asm(proto(4), fn, sbu(ECHO), TUPLE1, REDUCE, STOP))
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["callable"] == qualname
    assert finding.evidence["call"] == f"{qualname}('{ECHO}')"


SUBMODULES = [
    ("asyncio.unix_events", "_UnixSubprocessTransport._start"),
    ("asyncio.subprocess", "create_subprocess_shell"),
    ("os.path", "expandvars"),
    ("subprocess", "check_output"),
    ("multiprocessing.util", "spawnv_passfds"),
    ("torch.utils.collect_env", "run"),
    ("torch.serialization", "load"),
    ("numpy.testing._private.utils", "runstring"),
    ("numpy.f2py.crackfortran", "getlincoef"),
    ("idlelib.pyshell", "ModifiedInterpreter.runcode"),
    ("lib2to3.pgen2.pgen", "ParserGenerator.make_label"),
    ("distutils.file_util", "write_file"),
    ("http.client", "HTTPConnection"),
    ("xmlrpc.client", "ServerProxy"),
    ("logging.handlers", "SocketHandler"),
    ("importlib.util", "spec_from_file_location"),
]


@pytest.mark.parametrize(("module", "name"), SUBMODULES)
def test_submodule_of_denied_module(tmp_path, module, name):
    """Item 16 (CVE-2025-10157): the deny entry of a package covers its submodules."""
    run = scan_bytes(tmp_path, "model.pkl", payload_pickle(module, name, sbu("true")))
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    assert findings_of(run, DANGEROUS_CALL)[0].evidence["callable"] == f"{module}.{name}"


def payload_pickle(module, name, *args):
    return asm(proto(4), stack_global(module, name), MARK, *args, TUPLE, REDUCE, STOP)


# -- 17: calls by other opcodes ---------------------------------------------------------------
# fmt: off
INSTANTIATION = {
    "OBJ+POP": (
        asm(proto(1), MARK, glob("os", "system"), string(ECHO), OBJ, POP, NONE, STOP),
        OBJ, SYSTEM_CALL),
    "INST": (asm(MARK, string(ECHO), inst("os", "system"), STOP), b"i", SYSTEM_CALL),
    "INST+POP": (
        asm(MARK, string(ECHO), inst("os", "system"), POP, NONE, STOP), b"i", SYSTEM_CALL),
    "NEWOBJ": (
        asm(proto(2), glob("subprocess", "Popen"), MARK, string("true"), TUPLE, NEWOBJ, STOP),
        NEWOBJ, "subprocess.Popen('true')"),
    "NEWOBJ_EX": (
        asm(proto(4), stack_global("subprocess", "Popen"), MARK, sbu("true"), TUPLE, EMPTY_DICT,
            sbu("shell"), NEWTRUE, SETITEM, NEWOBJ_EX, STOP),
        NEWOBJ_EX, "subprocess.Popen('true', **{'shell': True})"),
}
# fmt: on


@pytest.mark.parametrize("opcode", sorted(INSTANTIATION))
def test_calls_through_instantiation_opcodes(tmp_path, opcode):
    """Item 17 (GHSA-mxhj-88fx-4pcv): OBJ then POP made the call vanish from fickling's
    AST; INST, NEWOBJ and NEWOBJ_EX call as surely as REDUCE."""
    data, op, text = INSTANTIATION[opcode]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["call"] == text
    assert opcode_at(data, run) == {op}


# -- 19: a pickle that reaches into the scanner -------------------------------------------
@pytest.mark.parametrize(
    ("case", "data", "expected"),
    [
        pytest.param(
            "call",
            asm(
                proto(4),
                stack_global("aisec.modelfile.pickle.policy", "load_policy"),
                EMPTY_TUPLE,
                REDUCE,
                STOP,
            ),
            {DANGEROUS_CALL},
        ),
        pytest.param(
            "import",
            asm(proto(4), stack_global("aisec.core.run", "Run.exit_code"), STOP),
            {DANGEROUS_IMPORT},
        ),
        pytest.param(
            "build",
            asm(
                proto(4),
                stack_global("aisec.modelfile.pickle.policy", "GlobalPolicy"),
                EMPTY_DICT,
                sbu("classify"),
                stack_global("builtins", "print"),
                SETITEM,
                BUILD,
                STOP,
            ),
            {GLOBAL_MUTATION, DANGEROUS_IMPORT},
        ),
    ],
)
def test_pickle_reaching_into_the_scanner(tmp_path, case, data, expected):
    """Item 19 (fickling ScannerDeactivation): a stream that imports or patches aisec."""
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, expected)


# -- 20: resource exhaustion ---------------------------------------------------------------
def laughs(levels=60, fanout=10):
    """Each list holds ``fanout`` references to the previous one: 10**60 leaves if
    expanded."""
    parts = [EMPTY_LIST, MEMOIZE, POP]
    for i in range(levels):
        parts += [MARK, *[long_binget(i)] * fanout, LIST, MEMOIZE, POP]
    return asm(*parts, long_binget(levels))


def test_billion_laughs_is_bounded(tmp_path):
    """Item 20: memo references expanded naively take exponential time and memory."""
    tracemalloc.start()
    try:
        run = scan_bytes(tmp_path, "model.pkl", asm(proto(4), laughs(), STOP))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.findings == [], describe_run(run)
    assert run.exit_code(FAIL_ON) == 0
    assert peak < 64 * 1024 * 1024


def test_billion_laughs_as_call_argument(tmp_path):
    """The expansion handed to a dangerous call: evidence stays bounded."""
    data = asm(proto(4), stack_global("os", "system"), laughs(), TUPLE1, REDUCE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["callable"] == "os.system"
    assert len(finding.evidence["call"]) < 4000


def test_evidence_keeps_callable_name_with_long_arguments(tmp_path):
    argv = asm(
        MARK, sbu("/bin/sh"), sbu("-c"), binunicode("echo " + "x" * 300), sbu("a" * 250), LIST
    )
    data = asm(proto(4), stack_global("subprocess", "Popen"), argv, TUPLE1, REDUCE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["call"].startswith("subprocess.Popen(['/bin/sh', '-c'")


def test_opcode_cap_stops_a_long_stream(tmp_path):
    data = asm(proto(4), *([NONE, POP] * 200_000), NONE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data, Settings(max_pickle_opcodes=100_000))
    assert_detected(run, {LIMITS})
    assert run.incomplete


# -- 21-30: denylist-gap gadgets -------------------------------------------------------------
# fmt: off
# (module, attribute, argument opcodes): one call each; the callable is module.attribute.
GADGETS = [
    # 21
    ("pip", "main", EMPTY_LIST),
    # 22
    ("importlib", "import_module", sbu("os")),
    ("marshal", "loads", b"C\x01c"),
    # 23
    ("operator", "methodcaller", sbu("system") + sbu(ECHO)),
    ("operator", "itemgetter", sbu("x")),
    ("_operator", "attrgetter", sbu("system")),
    # 24: exec by another name
    ("cProfile", "run", sbu("import os; os.system('true')")),
    ("profile", "run", sbu("print(1)")),
    ("trace", "Trace.run", sbu("print(1)")),
    ("timeit", "timeit", sbu("print(1)")),
    ("code", "InteractiveInterpreter.runcode", sbu("x")),
    ("doctest", "debug_script", sbu("print(1)")),
    ("numpy.testing._private.utils", "runstring", sbu("print(1)") + EMPTY_DICT),
    ("idlelib.pyshell", "ModifiedInterpreter.runcode", sbu("x")),
    ("lib2to3.pgen2.grammar", "Grammar.loads", b"C\x01x"),
    ("numpy.f2py.crackfortran", "getlincoef", sbu("x") + EMPTY_DICT),
    ("builtins", "eval", sbu("1+1")),
    ("builtins", "exec", sbu("pass")),
    ("builtins", "__import__", sbu("os")),
    ("runpy", "run_path", sbu("x.py")),
    # 25: commands by another name
    ("uuid", "_get_command_stdout", sbu("true")),
    ("_osx_support", "_read_output", sbu("true")),
    ("_aix_support", "_read_cmd_output", sbu("true")),
    ("imaplib", "IMAP4_stream", sbu("true")),
    ("_pyrepl.pager", "pipe_pager", sbu("x") + sbu("true")),
    ("pty", "spawn", sbu("true")),
    ("asyncio.unix_events", "_UnixSubprocessTransport._start", sbu("true")),
    ("ensurepip", "_run_pip", EMPTY_LIST),
    ("multiprocessing.util", "spawnv_passfds", sbu("true")),
    ("sys", "modules.get", sbu("os")),
    # 26: torch internals
    ("torch.utils.collect_env", "run", sbu("true")),
    ("torch._dynamo.guards", "GuardBuilder.get", sbu("x")),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression", sbu("x")),
    ("torch.jit.unsupported_tensor_ops", "execWrapper", sbu("x")),
    ("torch._inductor.codecache", "compile_file", sbu("x")),
    ("torch.utils.bottleneck.__main__", "run_cprofile", sbu("x")),
    # 27: pickle inside the pickle
    ("torch", "load", sbu("nested.pt")),
    ("torch.serialization", "load", sbu("nested.pt")),
    ("torch.utils._config_module", "ConfigModule.load_config", b"C\x01x"),
    ("torch.utils.data.datapipes.utils.decoder", "basichandlers", sbu("pickle") + b"C\x01x"),
    ("pickle", "loads", b"C\x01x"),
    ("_pickle", "loads", b"C\x01x"),
    ("joblib", "load", sbu("nested.joblib")),
    ("numpy", "load", sbu("x.npy") + NEWTRUE),
    # 28: files, network, native code
    ("logging", "FileHandler", sbu("/tmp/aisec-x")),
    ("_io", "FileIO", sbu("/tmp/aisec-x") + sbu("w")),
    ("io", "FileIO", sbu("/tmp/aisec-x") + sbu("w")),
    ("builtins", "open", sbu("/tmp/aisec-x") + sbu("w")),
    ("distutils.file_util", "write_file", sbu("/tmp/aisec-x") + EMPTY_LIST),
    ("shutil", "rmtree", sbu("/nonexistent-aisec")),
    ("urllib.request", "urlopen", sbu("http://127.0.0.1:9/")),
    ("ssl", "get_server_certificate", sbu("x") + binint(443) + TUPLE2),
    ("socket", "create_connection", sbu("x") + binint(9) + TUPLE2),
    ("webbrowser", "open", sbu("http://127.0.0.1:9/")),
    ("pandas", "read_csv", sbu("http://127.0.0.1:9/x.csv")),
    ("ctypes", "CDLL", sbu("libc.so.6")),
    ("types", "CodeType", binint1(0)),
    ("types", "FunctionType", NONE + EMPTY_DICT),
    ("cloudpickle.cloudpickle", "_make_function", NONE),
    ("mlflow.projects.backend.local", "_run_entry_point", sbu("true")),
]

OD = stack_global("collections", "OrderedDict")
# Resolvers whose result is then called: (pickle, the resolver's qualname).
CHAINED_GADGETS = {
    # 22: pkgutil.resolve_name("os:system")("echo ...")
    "pkgutil.resolve_name": (
        asm(proto(4), stack_global("pkgutil", "resolve_name"), sbu("os:system"), TUPLE1, REDUCE,
            sbu(ECHO), TUPLE1, REDUCE, STOP), "pkgutil.resolve_name"),
    # 23: pydoc.locate("os.system")("echo ...")
    "pydoc.locate": (
        asm(proto(4), stack_global("pydoc", "locate"), sbu("os.system"), TUPLE1, REDUCE,
            sbu(ECHO), TUPLE1, REDUCE, STOP), "pydoc.locate"),
    # 23: operator.attrgetter("fromkeys")(OrderedDict)
    "operator.attrgetter": (
        asm(proto(4), stack_global("operator", "attrgetter"), sbu("fromkeys"), TUPLE1, REDUCE,
            OD, TUPLE1, REDUCE, STOP), "operator.attrgetter"),
    # 23: functools.partial(OrderedDict)()
    "functools.partial": (
        asm(proto(4), stack_global("functools", "partial"), OD, TUPLE1, REDUCE, EMPTY_TUPLE,
            REDUCE, STOP), "functools.partial"),
    # getattr(OrderedDict, "fromkeys")("x")
    "builtins.getattr": (
        asm(proto(4), stack_global("builtins", "getattr"), OD, sbu("fromkeys"), TUPLE2, REDUCE,
            sbu("x"), TUPLE1, REDUCE, STOP), "builtins.getattr"),
    # 30: dict.get(vars(numpy.random), "mtrand")()
    "vars+dict.get": (
        asm(proto(4), stack_global("builtins", "dict.get"), stack_global("builtins", "vars"),
            stack_global("numpy", "random"), TUPLE1, REDUCE, sbu("mtrand"), TUPLE2, REDUCE,
            EMPTY_TUPLE, REDUCE, STOP), "builtins.vars"),
}
# fmt: on


def assert_gadget(run, data, callable_name):
    callables = {f.evidence["callable"] for f in findings_of(run, DANGEROUS_CALL)}
    assert callable_name in callables, describe_run(run)
    finding = next(
        f for f in findings_of(run, DANGEROUS_CALL) if f.evidence["callable"] == callable_name
    )
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["call"].startswith(callable_name + "(")
    assert opcode_at(data, run) == {REDUCE}


@pytest.mark.parametrize(
    ("module", "name", "args"), GADGETS, ids=[f"{m}.{n}" for m, n, _ in GADGETS]
)
def test_denylist_gap_gadget(tmp_path, module, name, args):
    """Items 21-28: callables that reach code execution, processes, files or the network
    by another name (each a separate advisory against some scanner)."""
    data = payload_pickle(module, name, args)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.HIGH)
    assert_gadget(run, data, f"{module}.{name}")


def test_protocol_2_renames_py2_builtins(tmp_path):
    """``__builtin__.eval`` is ``builtins.eval`` to a protocol < 3 loader (fix_imports)."""
    data = asm(proto(2), glob("__builtin__", "eval"), string("1+1"), TUPLE1, REDUCE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL})
    assert_gadget(run, data, "builtins.eval")


@pytest.mark.parametrize("gadget", sorted(CHAINED_GADGETS))
def test_resolver_gadget_result_called(tmp_path, gadget):
    """Items 22, 23, 30: string-to-callable resolvers; calling what they return is a
    dynamic call on top of the dangerous one."""
    data, callable_name = CHAINED_GADGETS[gadget]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, DYNAMIC_CALL}, at_least=Severity.HIGH)
    callables = {f.evidence["callable"] for f in findings_of(run, DANGEROUS_CALL)}
    assert callable_name in callables, describe_run(run)


# Classes re-exported by allow-listed packages: the allow patterns match any capitalised
# name under ``sklearn``, including stdlib classes that sklearn modules merely import.
REEXPORTS = {
    "GzipFile-writes-a-file": payload_pickle(
        "sklearn.datasets._covtype", "GzipFile", sbu("/tmp/aisec-never-written"), sbu("wb")
    ),
    "Client-opens-a-connection": payload_pickle(
        "sklearn.callback._transport", "Client", asm(sbu("127.0.0.1"), binint(9), TUPLE2)
    ),
    "NamedTemporaryFile-creates-a-file": payload_pickle(
        "sklearn.datasets._base", "NamedTemporaryFile"
    ),
}


@pytest.mark.parametrize("gadget", sorted(REEXPORTS))
def test_dangerous_class_reexported_by_allowed_package(tmp_path, gadget):
    """Items 28/29: file and network side effects through an allow-listed module path."""
    run = scan_bytes(tmp_path, "model.pkl", REEXPORTS[gadget])
    assert run.exit_code(FAIL_ON) == 1, describe_run(run)


# The same callables as above, reached from their parent package by a dotted attribute
# path: protocol 4's find_class walks ``torch`` -> ``serialization`` -> ``load``. The deny
# entries for ``torch.serialization``, ``torch.hub``... are only matched against the module
# operand and the tails of the name, never against ``module + leading name parts``.
DOTTED_INTO_DENIED = [
    ("torch", "serialization.load"),
    ("torch", "hub.load"),
    ("torch", "ops.load_library"),
    ("numpy", "lib.format.open_memmap"),
]


@pytest.mark.parametrize(("module", "name"), DOTTED_INTO_DENIED)
def test_dotted_path_into_denied_submodule(tmp_path, module, name):
    """Items 15 + 16 combined."""
    run = scan_bytes(tmp_path, "model.pkl", payload_pickle(module, name, sbu("x")))
    assert_detected(run, {DANGEROUS_CALL})


@pytest.mark.parametrize(("module", "name"), DOTTED_INTO_DENIED)
def test_denied_submodule_by_its_own_name(tmp_path, module, name):
    """Control for the case above: spelled as module + attribute, it is critical."""
    head, _, attr = f"{module}.{name}".rpartition(".")
    run = scan_bytes(tmp_path, "model.pkl", payload_pickle(head, attr, sbu("x")))
    assert_detected(run, {DANGEROUS_CALL})


# Callables with file, network, native-code or nested-pickle effects that no deny entry
# names: default deny makes them unknown-call (medium), which exits 0 under fail_on=high.
OPEN_GAPS = {
    "torch.utils.model_zoo.load_url (remote torch.load, weights_only=False)": payload_pickle(
        "torch.utils.model_zoo", "load_url", sbu("http://127.0.0.1:9/m.pt")
    ),
    "torch.classes.load_library (dlopen)": payload_pickle(
        "torch", "classes.load_library", sbu("./libext.so")
    ),
    "torch.multiprocessing.spawn": payload_pickle(
        "torch.multiprocessing", "spawn", stack_global("builtins", "print")
    ),
    "codecs.open (truncates a file)": payload_pickle(
        "codecs", "open", sbu("/tmp/aisec-never-written"), sbu("w")
    ),
    "pandas.read_table (fetches a URL)": payload_pickle(
        "pandas", "read_table", sbu("http://127.0.0.1:9/x.csv")
    ),
    "pandas.read_hdf (may unpickle)": payload_pickle("pandas", "read_hdf", sbu("x.h5")),
    "py_compile.compile (writes a file)": payload_pickle("py_compile", "compile", sbu("x.py")),
    "numpy.ndarray.tofile (writes a file)": payload_pickle(
        "numpy", "ndarray.tofile", NONE, sbu("/tmp/aisec-never-written")
    ),
}


@pytest.mark.parametrize("gadget", sorted(OPEN_GAPS))
def test_denylist_gap_still_open(tmp_path, gadget):
    run = scan_bytes(tmp_path, "model.pkl", OPEN_GAPS[gadget])
    assert run.exit_code(FAIL_ON) == 1, describe_run(run)


# -- 29, 32: mutation of imported objects (sleepy pickle) --------------------------------------
def test_numpy_builtins_reached_through_allowed_module(tmp_path):
    """Item 29 (modelscan #330): ``numpy.__builtins__`` through an allow-listed package."""
    data = asm(proto(4), stack_global("numpy", "__builtins__"), sbu("eval"), TUPLE1, REDUCE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["category"] == "reflection"


def test_allowed_function_patched_by_build_then_called(tmp_path):
    """Item 29: BUILD sets ``numpy.random.mean = eval``; the later lookup of the allowed
    looking name resolves to what the stream put there."""
    data = asm(
        proto(4),
        stack_global("numpy", "random"),
        EMPTY_DICT,
        sbu("mean"),
        stack_global("builtins", "eval"),
        SETITEM,
        BUILD,
        POP,
        stack_global("numpy", "random.mean"),
        sbu("1+1"),
        TUPLE1,
        REDUCE,
        STOP,
    )
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, GLOBAL_MUTATION})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.evidence["callable"] == "builtins.eval"
    assert finding.evidence["call"] == "builtins.eval('1+1')"
    assert opcode_at(data, run) == {REDUCE}


IDENTITY = stack_global("torch.nn.modules.linear", "Identity")
LINEAR = stack_global("torch.nn.modules.linear", "Linear")
# fmt: off
SLEEPY = {
    "BUILD-dict-state-on-class": (
        asm(proto(4), LINEAR, EMPTY_DICT, sbu("forward"), IDENTITY, SETITEM, BUILD, POP,
            EMPTY_DICT, STOP), BUILD),
    "BUILD-slot-state-on-class": (
        asm(proto(4), LINEAR, NONE, EMPTY_DICT, sbu("forward"), IDENTITY, SETITEM, TUPLE2,
            BUILD, POP, EMPTY_DICT, STOP), BUILD),
    "BUILD-on-allowed-function": (
        asm(proto(2), glob("numpy", "mean"), EMPTY_DICT, string("__code__"), NONE, SETITEM,
            BUILD, POP, NONE, STOP), BUILD),
    "BUILD-on-module": (
        asm(proto(4), stack_global("torch", "nn"), EMPTY_DICT, sbu("Linear"), IDENTITY,
            SETITEM, BUILD, POP, NONE, STOP), BUILD),
    "SETITEM-on-imported-object": (
        asm(proto(4), stack_global("collections", "OrderedDict"), sbu("k"), sbu("v"), SETITEM,
            POP, NONE, STOP), SETITEM),
    "SETITEMS-on-imported-object": (
        asm(proto(4), stack_global("copyreg", "_extension_registry"), MARK, sbu("k"), sbu("v"),
            SETITEMS, POP, NONE, STOP), SETITEMS),
    "APPEND-on-imported-object": (
        asm(proto(4), stack_global("torch", "Size"), sbu("x"), b"a", POP, NONE, STOP), b"a"),
}
# fmt: on


@pytest.mark.parametrize("case", sorted(SLEEPY))
def test_sleepy_pickle_mutates_imported_objects(tmp_path, case):
    """Item 32 (Sleepy Pickle): BUILD/SETITEM on an imported class, function or module
    changes it for the whole process, with no OS-level trace."""
    data, op = SLEEPY[case]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {GLOBAL_MUTATION})
    (finding,) = findings_of(run, GLOBAL_MUTATION)
    assert data[finding.location.offset : finding.location.offset + 1] == op


def test_sleepy_pickle_through_allowed_set_obj_state(tmp_path):
    data = asm(
        proto(4),
        stack_global("torch._utils", "_set_obj_state"),
        LINEAR,
        EMPTY_DICT,
        sbu("forward"),
        IDENTITY,
        SETITEM,
        TUPLE2,
        REDUCE,
        STOP,
    )
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert run.exit_code(FAIL_ON) == 1, describe_run(run)


# -- extension codes ---------------------------------------------------------------------------
@pytest.mark.parametrize(("width", "code"), [(1, 7), (2, 0x1234), (4, 0x12345678)])
@pytest.mark.parametrize("called", [True, False], ids=["called", "imported"])
def test_extension_codes(tmp_path, width, code, called):
    """EXT1/EXT2/EXT4 name a global through copyreg's registry: what they resolve to is
    decided by the loading process."""
    if called:
        data = asm(proto(2), ext(code, width), string(ECHO), TUPLE1, REDUCE, STOP)
        expected = {EXTENSION_CODE, DANGEROUS_CALL}
    else:
        data = asm(proto(2), ext(code, width), STOP)
        expected = {EXTENSION_CODE, DANGEROUS_IMPORT}
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, expected)
    (finding,) = findings_of(run, EXTENSION_CODE)
    assert finding.evidence["code"] == code
    assert finding.location.offset == 2
    if called:
        assert calls(run) == [f"copyreg.extension({code})('{ECHO}')"]


# -- stacked pickles ---------------------------------------------------------------------------
@pytest.mark.parametrize("position", [2, 3, 5])
@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_stacked_pickles_payload_not_first(tmp_path, position, protocol):
    benign = [
        pickle.dumps({"layer": i, "w": [1.0, 2.0]}, protocol=protocol) for i in range(position - 1)
    ]
    data = b"".join(benign) + system_payload(protocol)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.offset == len(data) - 2  # the REDUCE before the last STOP
    assert finding.evidence["call"] == SYSTEM_CALL


# -- numpy ---------------------------------------------------------------------------------
def object_npy():
    arr = np.empty(2, dtype=object)
    arr[0] = Reduce(os.system, ECHO)
    arr[1] = {"label": 1}
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def test_npy_object_array_with_payload(tmp_path):
    data = object_npy()
    run = scan_bytes(tmp_path, "features.npy", data)
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.MEDIUM)
    assert check_ids(run, Severity.LOW) == {DANGEROUS_CALL, OBJECT_ARRAY}
    assert_call(run, f"system('{ECHO}')")
    assert opcode_at(data, run) == {REDUCE}


def test_npz_with_object_array_payload(tmp_path):
    run = scan_bytes(
        tmp_path,
        "features.npz",
        zip_bytes({"x.npy": object_npy()}, compression=zipfile.ZIP_DEFLATED),
    )
    assert_detected(run, {DANGEROUS_CALL})
    assert findings_of(run, DANGEROUS_CALL)[0].location.member == ("x.npy",)


# -- TorchScript ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def torchscript_archive():
    torch = pytest.importorskip("torch")

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 2)

        def forward(self, x):
            return torch.relu(self.fc(x))

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit is deprecated
        torch.jit.save(torch.jit.script(Tiny()), buf)
    return buf.getvalue()


def rewrite_zip(data, replace):
    """Copy a zip, replacing members by ``replace(name, data) -> data``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_torchscript_archive_scans_clean(tmp_path, torchscript_archive):
    run = scan_bytes(tmp_path, "scripted.pt", torchscript_archive)
    assert check_ids(run, Severity.LOW) == set(), describe_run(run)
    assert run.exit_code(FAIL_ON) == 0
    assert run.artefacts[0].format == "torchscript"


@pytest.mark.parametrize("member", ["data.pkl", "constants.pkl"])
def test_torchscript_archive_with_payload_pickle(tmp_path, torchscript_archive, member):
    def swap(name, data):
        return system_payload(2) if name.endswith("/" + member) else data

    run = scan_bytes(tmp_path, "scripted.pt", rewrite_zip(torchscript_archive, swap))
    assert_detected(run, {DANGEROUS_CALL})
    (finding,) = findings_of(run, DANGEROUS_CALL)
    assert finding.location.member[0].endswith("/" + member)
    assert finding.evidence["call"] == SYSTEM_CALL


def test_torchscript_code_calling_custom_operator(tmp_path, torchscript_archive):
    def patch(name, data):
        if "/code/" in name and name.endswith(".py"):
            return data.replace(b"torch.relu(", b"ops.evilext.run(")
        return data

    run = scan_bytes(tmp_path, "scripted.pt", rewrite_zip(torchscript_archive, patch))
    assert_detected(run, {CUSTOM_OP}, exit_code=0)
    assert findings_of(run, CUSTOM_OP)[0].evidence["op"] == "ops.evilext.run"


# -- 33: torch.load(weights_only=True) does not make a checkpoint safe ----------------------
def test_zip_checkpoint_payload_in_data_pkl(tmp_path):
    """Item 33: loader-side mitigations have been bypassed (CVE-2025-32434); the scanner
    judges the pickle as the unsafe loader would run it."""
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    torch.save({"w": torch.zeros(2)}, buf)

    def swap(name, data):
        if name.endswith("/data.pkl"):
            return replace_stop(data, pop_call("os", "system", string(ECHO)))
        return data

    run = scan_bytes(tmp_path, "model.pt", rewrite_zip(buf.getvalue(), swap))
    assert_detected(run, {DANGEROUS_CALL}, at_least=Severity.LOW)
    assert calls(run) == [SYSTEM_CALL]
    assert run.artefacts[0].format == "pytorch"


def test_unknown_callable_with_shell_string_is_critical(tmp_path):
    """A callable no list knows, called with a shell command: suspicious-payload."""
    run = scan_bytes(
        tmp_path, "model.pkl", payload_pickle("mytools.helpers", "run", sbu("/bin/sh -c 'echo x'"))
    )
    assert_detected(run, {"modelfile.pickle.suspicious-payload"})
    run = scan_bytes(tmp_path, "model2.pkl", payload_pickle("mytools.helpers", "run", sbu("x")))
    assert_detected(run, {UNKNOWN_CALL}, exit_code=0)


def test_non_callable_called(tmp_path):
    """REDUCE on a value that is not a global (a string, a list): still reported."""
    data = asm(proto(4), sbu("os.system"), sbu(ECHO), TUPLE1, REDUCE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DYNAMIC_CALL})
    assert opcode_at(data, run, DYNAMIC_CALL) == {REDUCE}


def test_trailing_payload_after_numeric_npy_is_noted(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.arange(4))
    run = scan_bytes(tmp_path, "x.npy", buf.getvalue() + system_payload(4))
    assert_detected(run, {TRAILING}, exit_code=0)


def test_layout_mismatch_in_legacy_file(tmp_path, legacy_checkpoint):
    spans = pickle_spans(legacy_checkpoint, 5)
    truncated = legacy_checkpoint[: spans[4][1] + 4]
    run = scan_bytes(tmp_path, "model.pt", truncated)
    assert check_ids(run, Severity.MEDIUM) == {LAYOUT}, describe_run(run)
    assert run.exit_code(FAIL_ON) == 3


# -- parser differentials found while writing these tests ---------------------------------
ADDITEMS = b"\x90"
APPENDS = b"e"


@pytest.mark.parametrize(
    "opcodes",
    [asm(MARK, sbu("x"), ADDITEMS), asm(MARK, sbu("x"), APPENDS), asm(sbu("x"), b"a")],
    ids=["ADDITEMS", "APPENDS", "APPEND"],
)
def test_payload_before_an_analyser_crash_is_still_reported(tmp_path, opcodes):
    """The real loader runs os.system, then fails on ``dict.append``: exit 1 with the
    call and a malformed stream, never an internal error with no finding."""
    data = asm(
        proto(4),
        stack_global("os", "system"),
        sbu(ECHO),
        TUPLE1,
        REDUCE,
        POP,
        stack_global("collections", "OrderedDict"),
        EMPTY_DICT,
        opcodes,
        TUPLE1,
        REDUCE,
        STOP,
    )
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert run.errors == [], run.errors
    assert_detected(run, {DANGEROUS_CALL, MALFORMED})


def wrapper_hiding(payload):
    """A real joblib NumpyArrayWrapper announcing ``len(payload)`` bytes of uint8 data,
    followed by ``payload``: joblib.load reads those bytes as array data, pickle.load as
    opcodes."""
    return asm(
        proto(2),
        glob("joblib.numpy_pickle", "NumpyArrayWrapper"),
        EMPTY_TUPLE,
        NEWOBJ,
        EMPTY_DICT,
        MARK,
        sbu("subclass"),
        glob("numpy", "ndarray"),
        sbu("shape"),
        binint1(len(payload)),
        TUPLE1,
        sbu("order"),
        sbu("C"),
        sbu("dtype"),
        glob("numpy", "dtype"),
        sbu("u1"),
        b"\x89",
        NEWTRUE,
        b"\x87",
        REDUCE,
        sbu("allow_mmap"),
        b"\x89",
        SETITEMS,
        BUILD,
        payload,
        STOP,
    )


def test_joblib_array_bytes_are_opcodes_for_pickle_load(tmp_path):
    data = wrapper_hiding(pop_call("os", "system", string(ECHO)))
    names = [arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"]
    assert "os system" in names  # a plain pickle reader reaches the payload
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, PARSE_DIFFERENTIAL}, at_least=Severity.LOW)


def safetensors_pickle_polyglot():
    """A protocol-less pickle whose first 8 bytes read as a plausible safetensors header
    length and whose 9th byte is '{': BINUNICODE swallows the 'header'."""
    text = b'\x00\x00\x00{"a": 1}       '
    body = asm(
        b"X",
        len(text).to_bytes(4, "little"),
        text,
        POP,
        glob("os", "system"),
        string(ECHO),
        TUPLE1,
        REDUCE,
        STOP,
    )
    header = int.from_bytes(body[:8], "little")
    return body + b" " * (header + 8 - len(body))


def test_safetensors_pickle_polyglot(tmp_path):
    """Item 12 (modelaudit PR #1612)."""
    data = safetensors_pickle_polyglot()
    assert data[8:9] == b"{" and int.from_bytes(data[:8], "little") <= len(data) - 8
    assert [op.name for op, _, _ in pickletools.genops(data)][-3:] == ["TUPLE1", "REDUCE", "STOP"]
    run = scan_bytes(tmp_path, "pytorch_model.bin", data)
    # The header is not JSON, so the file is a pickle with data after it.
    assert_detected(run, {DANGEROUS_CALL, TRAILING}, at_least=Severity.LOW)


def test_tar_pickle_polyglot(tmp_path):
    """The first tar header starts with the member name: ``pickle.load`` reads it as a
    complete protocol-0 pickle."""
    data = tar_bytes({f"cos\nsystem\n(S'{ECHO}'\ntR.": b"weights"})
    assert [op.name for op, _, _ in pickletools.genops(data)][-2:] == ["REDUCE", "STOP"]
    run = scan_bytes(tmp_path, "model.pkl", data)
    assert_detected(run, {DANGEROUS_CALL, TRAILING, POLYGLOT}, at_least=Severity.LOW)


def legacy_tar(members, *, first=None):
    buf = io.BytesIO()
    with tarfile.open(
        fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="latin-1"
    ) as archive:
        items = ([(first, b"x")] if first else []) + list(members.items())
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_torch_legacy_tar_format_storages_member(tmp_path):
    """torch.load tries its oldest (tar) format first and unpickles 'storages'."""
    run = scan_bytes(tmp_path, "model.pt", legacy_tar({"storages": system_payload(2)}))
    assert_detected(run, {DANGEROUS_CALL})
    assert findings_of(run, DANGEROUS_CALL)[0].location.member == ("storages",)


def test_pickle_tar_polyglot_hides_torch_tar_members(tmp_path):
    data = legacy_tar({"storages": system_payload(2)}, first="\x80\x02N.")
    assert data[:4] == b"\x80\x02N."
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        assert "storages" in archive.getnames()
    run = scan_bytes(tmp_path, "model.pt", data)
    assert_detected(run, {DANGEROUS_CALL, POLYGLOT}, at_least=Severity.HIGH)


def test_small_opcode_cap_is_honoured(tmp_path):
    data = asm(proto(4), *([NONE, POP] * 5_000), NONE, STOP)
    run = scan_bytes(tmp_path, "model.pkl", data, Settings(max_pickle_opcodes=1_000))
    assert_detected(run, {LIMITS})


def test_string_with_invalid_escape_under_warnings_as_errors(tmp_path):
    data = asm(glob("os", "system"), b"S'\\$'\n", TUPLE1, REDUCE, STOP)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = scan_bytes(tmp_path, "model.pkl", data)
    assert run.errors == []
    assert_detected(run, {DANGEROUS_CALL})
