"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from aisec.core.settings import Settings
from aisec.modelfile.scanner import scan

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def scan_bytes(tmp_path):
    """Write bytes to a file (never loading them) and scan it; returns the run."""

    def _scan(data: bytes, name: str = "model.bin", settings: Settings | None = None):
        path = tmp_path / name
        path.write_bytes(data)
        return scan([path], settings or Settings())

    return _scan


def check_ids(run) -> set[str]:
    return {f.check_id for f in run.findings}
