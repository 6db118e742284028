import pickle

from aisec.core.severity import Severity


class _Reduce:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def test_reports_the_reconstructed_call_with_its_offset(scan_bytes, only):
    import os

    data = pickle.dumps(_Reduce(os.system, "echo hi"), protocol=4)
    [finding] = only(scan_bytes(data), "modelfile.pickle.dangerous-call")
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["call"] == "posix.system('echo hi')"
    assert finding.evidence["category"] == "process-execution"
    assert data[finding.location.offset] == pickle.REDUCE[0]


def test_protocol_zero_global_is_renamed_like_the_loader_does(scan_bytes, only):
    data = b"c__builtin__\neval\n(S'1+1'\ntR."
    [finding] = only(scan_bytes(data), "modelfile.pickle.dangerous-call")
    assert finding.evidence["callable"] == "builtins.eval"


def test_allowed_constructors_are_not_reported(scan_bytes, ids):
    import collections

    data = pickle.dumps(collections.OrderedDict(a=1), protocol=2)
    assert "modelfile.pickle.dangerous-call" not in ids(scan_bytes(data))
