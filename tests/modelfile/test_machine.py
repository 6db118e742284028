"""Semantics of the symbolic pickle machine, checked on hand-assembled streams."""

import pickle
import struct

import pytest

from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.pickle.machine import PickleMachine
from aisec.modelfile.pickle.policy import load_policy
from aisec.modelfile.pickle.values import Container


def run(data: bytes, start: int = 0, **settings):
    return PickleMachine(
        Blob.from_bytes(data), Location("t"), load_policy(), Settings(**settings)
    ).run(start)


def calls(report):
    return [(c.target, c.verdict.level) for c in report.calls]


def test_result_of_plain_data_is_rebuilt_symbolically():
    report = run(pickle.dumps({"a": [1, 2.5, "x", b"y", None, True]}, protocol=4))
    assert report.complete and not report.anomalies
    assert isinstance(report.result, Container)
    key, value = report.result.items[0]
    assert key == "a"
    assert value.items == [1, 2.5, "x", b"y", None, True]


@pytest.mark.parametrize("protocol", range(6))
def test_every_protocol_parses_to_stop(protocol):
    report = run(
        pickle.dumps([1, -70000, 2**70, "é", (1, 2, 3), {1, 2}, frozenset([3])], protocol=protocol)
    )
    assert report.complete, report.anomalies
    assert report.protocol == (protocol if protocol >= 2 else 0)


def test_inst_and_obj_are_calls():
    inst = b"(S'id'\nios\nsystem\n."
    obj = b"(cos\nsystem\nS'id'\no."
    assert calls(run(inst)) == [("os.system", "dangerous")]
    assert calls(run(obj)) == [("os.system", "dangerous")]


def test_newobj_ex_is_a_call_with_kwargs():
    data = b"\x80\x04\x8c\x08mymodule\x8c\x03Cls\x93)}\x8c\x01k\x8c\x01vs\x92."
    report = run(data)
    assert calls(report) == [("mymodule.Cls", "unknown")]
    assert "**{'k': 'v'}" in report.calls[0].evidence


def test_dotted_stack_global_reaches_through_re_exports():
    data = b"\x80\x04\x8c\x07logging\x8c\tos.system\x93\x8c\x02id\x85R."
    assert calls(run(data)) == [("logging.os.system", "dangerous")]
    data = b"\x80\x04\x8c\x05numpy\x8c\x0c__builtins__\x93."
    report = run(data)
    assert report.globals[0].verdict.category == "reflection"


def test_protocol_2_renames_python2_modules_like_the_loader():
    report = run(b"\x80\x02c__builtin__\ngetattr\n.")
    assert report.globals[0].qualname == "builtins.getattr"
    assert report.globals[0].raw == "__builtin__.getattr"


def test_memo_tracks_objects_not_indices():
    # PUT the callable, POP it, push a decoy with the same index via MEMOIZE games, then GET.
    data = (
        b"\x80\x04\x8c\x02os\x8c\x06system\x93q\x010"  # memo[1] = os.system, popped
        b"\x8c\x05decoy\x94"  # MEMOIZE -> memo[len(memo)] = memo[1]? no: len(memo)=1 -> memo[1]
        b"0h\x01\x8c\x02id\x85R."
    )
    report = run(data)
    # MEMOIZE overwrote memo[1] with 'decoy', so calling it is a call of a str.
    assert [c.target for c in report.calls] == [None]
    data_ok = b"\x80\x04\x8c\x02os\x8c\x06system\x93q\x050\x8c\x05decoyq\x060h\x05\x8c\x02id\x85R."
    assert calls(run(data_ok)) == [("os.system", "dangerous")]


def test_forwarders_invoke_their_arguments():
    # copyreg._reconstructor(cls, base, state) calls base.__init__ when base is not object.
    data = (
        b"\x80\x02ccopyreg\n_reconstructor\nq\x00cmypkg\nThing\nq\x01cos\nsystem\nq\x02"
        b"\x8c\x02id\x87R."
    )
    report = run(data)
    assert ("os.system", "dangerous") in calls(report)
    assert ("mypkg.Thing", "unknown") in calls(report)


def test_persistent_ids_are_recorded_not_called():
    data = b"\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000tQ."
    report = run(data)
    assert report.persistent_ids[0][0] == "storage"
    assert report.calls == []
    assert report.globals[0].verdict.level == "allowed"


def test_large_payloads_are_skipped_not_copied():
    blob = b"x" * (1 << 20)
    report = run(pickle.dumps([blob, blob.decode()], protocol=4))
    assert report.complete
    assert "bytes of" in report.result.items[0].what


def test_billion_laughs_stays_small_and_fast():
    # Each level appends the previous list ten times: 10**30 elements if expanded.
    parts = [b"\x80\x04]\x94"]
    for level in range(30):
        parts.append(b"](" + (b"h" + bytes([level])) * 10 + b"e\x94")
    parts.append(b".")
    report = run(b"".join(parts))
    assert report.complete
    assert report.result.count == 10


def test_opcode_limit_is_enforced():
    report = run(pickle.dumps(list(range(200_000)), protocol=4), max_pickle_opcodes=70_000)
    assert [a.kind for a in report.anomalies] == ["limit"]


def test_frame_length_beyond_data_is_malformed():
    data = b"\x80\x04\x95" + struct.pack("<Q", 1000) + b"N."
    assert run(data).anomalies[0].kind == "malformed"


def test_reduce_with_non_tuple_arguments_is_malformed_not_a_call():
    report = run(b"\x80\x04cos\nsystem\n\x8c\x02idR.")
    assert report.calls == []
    assert report.anomalies[0].detail == "REDUCE argument is not a tuple"


def test_offsets_and_opcode_indices_point_at_the_call():
    data = b"\x80\x04cos\nsystem\n\x8c\x02id\x85R."
    [call] = run(data).calls
    assert call.location.offset == data.index(b"R")
    assert call.location.opcode_index == 4  # PROTO GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE
