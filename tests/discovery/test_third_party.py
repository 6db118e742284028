"""Discovery over real third-party source nobody here wrote: the installed trees of
scikit-learn and (parts of) PyTorch. It must complete, find things, and crash on nothing.

Marked slow (about 15-25 s together); CI runs it. All of torch (12,000 files, 750 MB) takes
about a minute and is measured in the ADR rather than here.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from aisec.core.run import ArtefactStatus
from aisec.discovery import discover


def installed(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


TREES = [("sklearn", ""), ("torch", "nn"), ("torch", "utils"), ("torch", "serialization.py")]


@pytest.mark.slow
@pytest.mark.parametrize(("package", "part"), TREES, ids=[f"{p}/{s}".rstrip("/") for p, s in TREES])
def test_discovery_completes_on_installed_source(package, part, capsys):
    root = installed(package) / part if part else installed(package)
    started = time.monotonic()
    report = discover(root)
    elapsed = time.monotonic() - started
    run = report.run
    assert run.errors == []  # no analyser crashed
    assert run.artefacts, "nothing was looked at"
    counts = report.counts()
    base = root if root.is_dir() else root.parent
    for item in report.items:
        for place in item.places:
            assert (base / place.path).exists(), place  # places are real, relative paths
    unanalysed = [a for a in run.artefacts if a.status is not ArtefactStatus.ANALYSED]
    with capsys.disabled():
        print(
            f"\n{package}/{part}: {len(run.artefacts)} files in {elapsed:.1f} s; {counts}; "
            f"findings {len(run.findings)}; not fully analysed {len(unanalysed)}"
        )
    if package == "sklearn":
        # scikit-learn's own dataset loaders unpickle (joblib / pickle), and it uses numpy
        assert counts["loader"] >= 1 and counts["sdk"] >= 1
        assert any(f.check_id == "discovery.unsafe-loader" for f in run.findings)
    if part == "serialization.py":
        assert counts["sdk"] >= 1  # it imports torch; its own load() calls a parameter
