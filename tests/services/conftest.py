"""The store suite's fixtures (``store``: a migrated SQLite file and PostgreSQL schema),
reused so that the services run against both databases exactly as the repositories do."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

STORE_TESTS = Path(__file__).resolve().parents[1] / "store"
if str(STORE_TESTS) not in sys.path:
    sys.path.insert(0, str(STORE_TESTS))  # the store conftest imports store_payloads

_spec = importlib.util.spec_from_file_location("store_suite_fixtures", STORE_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

postgres_admin = _fixtures.postgres_admin
postgres_store_url = _fixtures.postgres_store_url
store = _fixtures.store
model_dir = _fixtures.model_dir
