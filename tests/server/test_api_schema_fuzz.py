"""schemathesis against the published OpenAPI document: for requests generated from the
schema (valid and not), no server error and no response that breaks the schema (status
codes, content types, bodies). Runs through the ASGI app with an administrator's key, on
a store holding a system, a recorded scan with findings, and a user of every role."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture
def api_schema(sqlite_store, sqlite_accounts, tmp_path):
    from server_accounts import make_app

    from aisec.modelfile.scanner import scan
    from aisec.store.records import SystemAsset

    model = tmp_path / "model.pkl"
    # A pickle that would call os.system('true') when loaded: never loaded, only scanned.
    model.write_bytes(
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x04true\x85R."
    )
    run = scan([model])
    stored = sqlite_store.runs.record(run)
    sqlite_store.inventory.add(SystemAsset(name="fuzzed-system", owner="tests"))
    sqlite_store.runs.link_system(stored.id, "fuzzed-system", actor="tests")
    app = make_app(sqlite_store, tmp_path)
    app.state.fuzz_headers = sqlite_accounts["admin"].headers
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def test_api_conforms_to_its_schema(api_schema):
    """Every operation, a few generated requests each; the failures of all operations are
    reported together."""
    from hypothesis import given

    headers = api_schema.app.state.fuzz_headers
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def exercise(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert operations > 3
    assert failures == [], "\n\n".join(failures)
