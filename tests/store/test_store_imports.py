"""Start-up time (docs/adr/0005): SQLAlchemy and Alembic are imported only by code that
uses the store, never by ``aisec scan`` or by a capability holding a repository protocol."""

from __future__ import annotations

import subprocess
import sys

from store_payloads import system_payload

PROBE = """
import sys
{body}
heavy = sorted(m for m in ("sqlalchemy", "alembic", "psycopg") if m in sys.modules)
print(",".join(heavy))
"""


def imported_heavy(body: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_scan_does_not_import_the_store(tmp_path):
    model = tmp_path / "evil.pkl"
    model.write_bytes(system_payload())
    body = (
        "from aisec.cli.main import app\n"
        "from typer.testing import CliRunner\n"
        f"CliRunner().invoke(app, ['scan', {str(model)!r}, '--format', 'json'])\n"
    )
    assert imported_heavy(body) == ""


def test_records_and_protocols_do_not_import_sqlalchemy():
    body = (
        "import aisec.store\n"
        "from aisec.store import SystemAsset, FindingFilter, TriageState\n"
        "from aisec.store.repositories import InventoryRepository, RunRepository\n"
    )
    assert imported_heavy(body) == ""


def test_opening_a_store_imports_sqlalchemy_but_not_alembic_once_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    opened = f"from aisec.store import open_store\nopen_store({url!r}).close()\n"
    assert imported_heavy(opened) == "alembic,sqlalchemy"  # first use: migrates
    assert imported_heavy(opened) == "sqlalchemy"  # current schema: Alembic not loaded
