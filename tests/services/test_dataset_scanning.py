"""`aisec scan` reads datasets: the dataset phase inside a whole scan."""

import importlib.util

import pytest

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.analyse import UNRECOGNISED
from aisec.services.scanning import scan

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _tree(tmp_path):
    root = tmp_path / "training"
    root.mkdir()
    (root / "contacts.csv").write_text(
        "name,email\n" + "".join(f"Anna Novak,anna{i}@mail.example.org\n" for i in range(20))
    )
    table = pa.table(
        {"text": [f"ticket {i}: reach me at +44 20 7946 09{i:02d}" for i in range(20)]}
    )
    pq.write_table(table, root / "tickets.parquet")
    (root / "README.md").write_text("Support tickets exported for fine-tuning.\n")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 8)
    return root


def test_datasets_in_a_tree_are_scanned_and_the_rest_stays_as_it_was(tmp_path):
    run = scan([_tree(tmp_path)], Settings())
    by_name = {a.location.path.rsplit("/", 1)[-1]: a for a in run.artefacts}
    assert by_name["contacts.csv"].format == "csv"
    assert by_name["tickets.parquet"].format == "parquet"
    assert by_name["tickets.parquet"].status is ArtefactStatus.ANALYSED
    assert by_name["README.md"].format == "text"
    assert by_name["blob.bin"].reason == UNRECOGNISED
    found = {(f.check_id, f.location.path.rsplit("/", 1)[-1]) for f in run.findings}
    assert ("data.pii.column", "contacts.csv") in found
    assert ("data.pii.value", "tickets.parquet") in found
    assert "data.pii.column" in run.checks_applied
    assert run.exit_code(Settings().fail_on) == 3  # the binary blob is still unread


def test_without_the_data_extra_datasets_say_what_to_install(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    run = scan([_tree(tmp_path)], Settings())
    parquet = next(a for a in run.artefacts if a.location.path.endswith(".parquet"))
    assert parquet.status is ArtefactStatus.SKIPPED
    assert "aisec[data]" in parquet.reason
    assert not any(f.check_id.startswith("data.") for f in run.findings)
