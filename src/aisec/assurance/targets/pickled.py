"""A pickled scikit-learn model (joblib or pickle), loaded only when the user trusts it.

DESIGN §6: never deserialise an untrusted artefact in the aisec process. So the model is
(1) refused unless ``trust=True`` (``--trust`` on the command line), (2) copied into a
private temporary directory, so that what is scanned is what is loaded, (3) scanned with
aisec's own static scanner and refused on any finding or incomplete analysis, and (4)
loaded by a separate Python process (:mod:`pickle_worker`) that checks the copy's SHA-256
and answers queries over a pipe. Gradients are computed in that process.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.base import BaseTarget, Capability, FloatArray, IntArray
from aisec.core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from numpy.typing import NDArray


_WORKER = "aisec.assurance.targets.pickle_worker"


class UntrustedModel(ConfigError):
    """The model was not trusted by the user, or its scan was not clean."""


class PickledModelTarget(BaseTarget):
    name = "pickled"

    def __init__(
        self,
        path: str | Path,
        *,
        trust: bool = False,
        budget: int | None = None,
        name: str | None = None,
    ) -> None:
        source = Path(path)
        super().__init__(budget=budget, name=name or source.name)
        if not trust:
            raise UntrustedModel(
                f"{source}: a pickled model runs code when loaded; refusing without trust",
                hint="pass --trust (trust=True) only for a model you would run yourself",
            )
        self._dir = tempfile.mkdtemp(prefix="aisec-model-")  # mode 0700: ours alone
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)
        copy = Path(self._dir) / source.name
        shutil.copyfile(source, copy)
        _require_clean_scan(source, copy)
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        # -I: the worker ignores PYTHON* variables and the working directory on sys.path.
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-m", _WORKER, str(copy), digest],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._stop = weakref.finalize(self, _stop, self._proc)
        try:
            self._receive()  # "ready", or the worker's reason for refusing
            info = self._call({"op": "info"})
        except Exception:
            self.close()
            raise
        self._classes = list(info["classes"])
        caps = {Capability.LABELS}
        if info["scores"]:
            caps.add(Capability.SCORES)
        if info["gradients"]:
            caps.add(Capability.GRADIENTS)
        self._caps = frozenset(caps)

    def close(self) -> None:
        """Stop the worker and remove the copy (also done when the target is collected)."""
        self._stop()
        self._cleanup()

    def __enter__(self) -> PickledModelTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self._caps

    @property
    def classes(self) -> NDArray[Any]:
        import numpy as np

        return np.asarray(self._classes)

    def _receive(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise InputError(f"{self.name}: the model process ended", hint="is it a classifier?")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise InputError(f"{self.name}: {answer['error']}")
        return answer

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        return self._receive()

    def _labels(self, x: FloatArray) -> IntArray:
        import numpy as np

        answer = self._call({"op": "predict", "x": x.tolist()})
        return np.asarray(answer["labels"], dtype=np.int64)

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np

        return np.asarray(self._call({"op": "proba", "x": x.tolist()})["proba"], dtype=np.float64)

    def _gradient(self, x: FloatArray, y: IntArray) -> FloatArray:
        import numpy as np

        answer = self._call({"op": "gradient", "x": x.tolist(), "y": y.tolist()})
        return np.asarray(answer["gradient"], dtype=np.float64)


def scan_problems(run: Any) -> list[str]:
    """Why a scanned model must not be loaded: each finding, and each file the scanner
    could not analyse completely (an unreadable part may hide anything)."""
    problems = [f"{f.check_id} ({f.severity})" for f in run.findings]
    problems += [f"not fully analysed: {a.reason}" for a in run.artefacts if a.status != "analysed"]
    return problems


def _require_clean_scan(source: Path, copy: Path) -> None:
    from aisec.core.settings import Settings
    from aisec.modelfile.scanner import scan

    problems = scan_problems(scan([copy], Settings()))
    if problems:
        raise UntrustedModel(
            f"{source}: the scan is not clean, refusing to load it: {'; '.join(problems)}",
            hint=f"run `aisec scan {source}` for the findings",
        )


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
