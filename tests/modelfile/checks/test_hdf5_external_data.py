import os

import pytest
from keras_builders import h5_bytes, keras_bytes, sequential

from aisec.core.severity import Severity

CHECK = "modelfile.hdf5.external-data"
h5py = pytest.importorskip("h5py")


def external_storage(h5file):
    h5file.create_dataset(
        "layers/dense/vars/0", (4,), dtype="f4", external=[("/etc/hostname", 0, 16)]
    )


def external_link(h5file):
    h5file["layers/dense/vars/1"] = h5py.ExternalLink("/etc/passwd", "/data")


def virtual_dataset(path):
    def build(h5file):
        layout = h5py.VirtualLayout(shape=(4,), dtype="f4")
        layout[:] = h5py.VirtualSource(path, "data", shape=(4,))
        h5file.create_virtual_dataset("layers/dense/vars/2", layout)

    return build


@pytest.mark.parametrize(
    ("build", "how", "target"),
    [
        (external_storage, "external storage", "/etc/hostname"),
        (external_link, "external link", "/etc/passwd"),
        (virtual_dataset("/etc/shadow"), "virtual dataset", "/etc/shadow"),
    ],
)
def test_cve_2026_1669_data_from_other_files(scan_bytes, only, build, how, target):
    run = scan_bytes(h5_bytes(build=build), "model.weights.h5")
    [finding] = only(run, CHECK)
    assert finding.severity is Severity.HIGH
    assert finding.evidence["how"] == how
    assert finding.evidence["target"] == target
    assert run.artefacts[0].format == "hdf5"


def test_inside_a_keras_archive(scan_bytes, only):
    data = keras_bytes(sequential(), weights=h5_bytes(build=external_storage))
    [finding] = only(scan_bytes(data, "model.keras"), CHECK)
    assert finding.location.member[0] == "model.weights.h5"


def test_targets_are_never_opened(tmp_path, scan_bytes, only):
    """A FIFO would block any open(); the reader resolves other files against the
    scanned bytes, never the disk."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    run = scan_bytes(h5_bytes(build=virtual_dataset(str(fifo))), "model.h5")
    assert only(run, CHECK)
    assert run.errors == []


def test_self_contained_files_are_clean(scan_bytes, only):
    run = scan_bytes(h5_bytes(), "weights.h5")
    assert only(run, CHECK) == []
    assert run.findings == []
