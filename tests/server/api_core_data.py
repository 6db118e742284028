"""Data for the core API tests: a real model file with a harmless payload, and a real scan
of it recorded in the store."""

from __future__ import annotations

import io
from pathlib import Path

PASSWORD = "a long test password 42"


def trapped_model(directory: Path, name: str = "model.joblib") -> Path:
    """A numpy array dumped by joblib with ``os.system("echo ...")`` spliced in front, as
    the demo builds its trapped model; scanned, never loaded."""
    import joblib
    import numpy as np

    from aisec.demo.artefacts import booby_trap

    buffer = io.BytesIO()
    joblib.dump(np.arange(12, dtype=np.float64).reshape(3, 4), buffer)
    path = directory / name
    path.write_bytes(booby_trap(buffer.getvalue(), "echo aisec-test"))
    return path


def recorded_run(store, directory: Path):
    """A real scan of the trapped model, recorded: the StoredRun."""
    import aisec
    from aisec.core.settings import Settings

    settings = Settings()
    run = aisec.scan([trapped_model(directory)], settings)
    return store.runs.record(run, exit_code=run.exit_code(settings.fail_on))


def error_of(response, status: int) -> dict:
    """The error envelope of ``response``, checked for shape and status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "hint", "details"}
    assert error["status"] == status and error["code"].startswith(("AISEC-E", "HTTP-"))
    return error


def audit_actions(store, object_kind: str | None = None) -> list[tuple[str, str]]:
    """(actor, action) of every audit entry (of ``object_kind``), oldest first."""
    return [(e.actor, e.action) for e in store.audit.entries(object_kind=object_kind)]
