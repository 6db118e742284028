"""Start-up time (docs/adr/0005, 0011): a scan that does not record, and a read of a store
that does not exist, import no SQLAlchemy; a recorded scan does."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from aisec.cli.main import main
code = main({argv!r})
heavy = sorted(m for m in ("sqlalchemy", "alembic") if m in sys.modules)
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
"""


def heavy_modules(argv, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISEC_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    line = [x for x in result.stderr.splitlines() if x.startswith("HEAVY=")]
    assert line, result.stderr
    return line[-1].removeprefix("HEAVY=")


def test_store_is_imported_only_when_used(tmp_path):
    (tmp_path / "clean.pkl").write_bytes(b"\x80\x04K\x01.")
    assert heavy_modules(["scan", "clean.pkl"], tmp_path) == ""
    assert heavy_modules(["findings", "list"], tmp_path) == ""
    assert heavy_modules(["inventory", "list", "systems"], tmp_path) == ""
    assert not (tmp_path / ".aisec").exists()
    assert "sqlalchemy" in heavy_modules(["scan", "--record", "clean.pkl"], tmp_path)
    assert heavy_modules(["scan", "--no-record", "clean.pkl"], tmp_path) == ""
