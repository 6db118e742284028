import io

import pytest


def test_legacy_torch_file_with_wrong_storage_sizes(scan_bytes, only):
    torch = pytest.importorskip("torch")
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(4)}, buffer, _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    run = scan_bytes(data[:-3], "old.pt")
    assert only(run, "modelfile.format.layout-mismatch")
    clean = scan_bytes(data, "old2.pt")
    assert not clean.findings
    assert clean.artefacts[0].format == "pytorch-legacy"
