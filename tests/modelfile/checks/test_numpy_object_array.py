import io

import numpy as np


def test_object_array_is_low_and_its_pickle_is_analysed(scan_bytes, only, ids):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    run = scan_bytes(buffer.getvalue(), "x.npy")
    [finding] = only(run, "modelfile.numpy.object-array")
    assert finding.severity.label == "low"
    assert run.artefacts[0].format == "numpy-object"
    assert ids(run) == {"modelfile.numpy.object-array"}


def test_numeric_array_is_clean(scan_bytes, ids):
    buffer = io.BytesIO()
    np.save(buffer, np.arange(12, dtype=np.float32).reshape(3, 4))
    assert ids(scan_bytes(buffer.getvalue(), "x.npy")) == set()
