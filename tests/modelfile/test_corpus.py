"""Conformance on picklescan's public regression corpus (read in place, never copied).

The corpus lives next to the project at ``../shared/corpora/picklescan-tests``: 66 files
under ``malicious/`` (each named after the advisory it reproduces) and 11 under
``benign/``. Every malicious file must be reported at high or above and exit 1; no benign
file may give anything at medium or above. Cases are parametrised per file so that a
failure names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import describe_run

from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "picklescan-tests"


def _files(kind):
    folder = CORPUS / kind
    if not folder.is_dir():
        return [pytest.param(None, id=f"{kind}-corpus-absent")]
    return [pytest.param(p, id=p.name) for p in sorted(folder.iterdir()) if p.is_file()]


def _require(path):
    if path is None:
        pytest.skip(f"picklescan corpus not found at {CORPUS}")
    return path


@pytest.mark.parametrize("path", _files("malicious"))
def test_malicious_file_is_reported(path):
    run = scan([_require(path)])
    loud = [f for f in run.findings if f.severity >= Severity.HIGH]
    assert loud, describe_run(run)
    assert run.exit_code(Severity.HIGH) == 1, describe_run(run)
    assert run.errors == [], run.errors


@pytest.mark.parametrize("path", _files("benign"))
def test_benign_file_is_quiet(path):
    run = scan([_require(path)])
    loud = [f for f in run.findings if f.severity >= Severity.MEDIUM]
    assert loud == [], describe_run(run)
    assert run.exit_code(Severity.HIGH) == 0, describe_run(run)
    assert run.errors == [], run.errors


def test_corpus_is_complete():
    """The README promises 66 malicious and 11 benign files; a partial copy would make
    the per-file tests above pass vacuously."""
    if not CORPUS.is_dir():
        pytest.skip(f"picklescan corpus not found at {CORPUS}")
    assert len([p for p in (CORPUS / "malicious").iterdir() if p.is_file()]) == 66
    assert len([p for p in (CORPUS / "benign").iterdir() if p.is_file()]) == 11
