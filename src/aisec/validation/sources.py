"""Where a detector's scores come from when it is validated: a column of the data (scores
the team already has), a model file (scanned, its signature checked where required, and
its digest recorded before anything loads it), aisec's own prompt-injection detector, or
a command that reads inputs and prints scores."""

from __future__ import annotations

import contextlib
import json
import math
import shlex
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from aisec.core.errors import AisecError, ConfigError, InputError
from aisec.data.quality.table import file_digest

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from aisec.core.settings import Settings

COMMAND_TIMEOUT = 3600.0  # seconds for a whole scoring command
MAX_SCORE_LINE = 1 << 16
OUTPUT_PER_ROW = 256  # bytes a command may print per row: a number, padding, a stray word


class ScoreSource(Protocol):
    name: str

    def describe(self) -> dict[str, Any]: ...

    def score(self, frame: pd.DataFrame) -> np.ndarray: ...


def source_texts(source: ScoreSource, frame: pd.DataFrame) -> list[str]:
    """The text column a text scorer reads."""
    return text_column(frame, str(getattr(source, "text_input", "")))


def text_scorer(source: ScoreSource) -> Callable[[list[str]], np.ndarray] | None:
    """The source's ``score_texts`` when it scores free text (for the rewrite families),
    else None. A text scorer names its one text column as ``text_input``."""
    if not getattr(source, "text_input", None):
        return None
    scorer: Callable[[list[str]], np.ndarray] = source.score_texts  # type: ignore[attr-defined]
    return scorer


@dataclass
class ColumnScores:
    """Scores the data already holds (one detector per column)."""

    column: str
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.column

    def describe(self) -> dict[str, Any]:
        return {"kind": "column", "name": self.name, "column": self.column}

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return numeric_column(frame, self.column, "score")


@dataclass
class ModelScores:
    """A tabular model file: an ONNX graph, or a pickled scikit-learn model (``trust``),
    scored on the feature columns; the score is the probability of the malicious class.

    The file is copied once into a private directory, and the copy is what is hashed,
    scanned, signature-verified and loaded: the path could be swapped for another file
    between the checks and the load otherwise."""

    path: Path
    features: list[str]
    positive: str | None = None  # the model's class meaning malicious; default: the last
    trust: bool = False
    settings: Settings | None = None
    name: str = ""
    digest: str = ""
    scan: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.name = self.name or self.path.name
        if not self.path.is_file():
            raise InputError(f"no such model file: {self.path}", hint="check the path")
        home = tempfile.mkdtemp(prefix="aisec-validate-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, home, True)
        self.copy = Path(home) / self.path.name
        try:
            shutil.copyfile(self.path, self.copy)
        except OSError as exc:
            raise InputError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        self.copy.chmod(0o400)
        self.digest = file_digest(self.copy)[0]
        self.scan = _clean_scan(self.copy, self.path, self.settings)

    def describe(self) -> dict[str, Any]:
        return {"kind": "model", "name": self.name, "path": str(self.path),
                "sha256": self.digest, "scan": self.scan}  # fmt: skip

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        with self.scorer() as score:
            return score(self.rows(frame))

    def rows(self, frame: pd.DataFrame) -> np.ndarray:
        """The feature matrix the model is shown."""
        return np.column_stack([numeric_column(frame, c, "feature") for c in self.features])

    @contextlib.contextmanager
    def scorer(self) -> Iterator[Callable[[np.ndarray], np.ndarray]]:
        """The loaded model as a function from rows to malicious scores (for attacks,
        which score many batches), closed afterwards."""
        target = self._target()
        try:
            column = -1 if self.positive is None else self._column(target)

            def score(x: np.ndarray) -> np.ndarray:
                probabilities = np.asarray(target.predict_proba(x), dtype=np.float64)
                return np.asarray(probabilities[:, column], dtype=np.float64)

            yield score
        finally:
            close = getattr(target, "close", None)
            if close is not None:
                close()

    def _column(self, target: Any) -> int:
        try:
            classes = [str(c) for c in target.classes]
        except AisecError:
            raise ConfigError(
                f"{self.path.name} does not name its classes",
                hint="leave --model-positive out: the last output column is taken",
            ) from None
        if self.positive not in classes:
            raise ConfigError(
                f"{self.path.name}: no class {self.positive!r} among {classes}",
                hint="--model-positive names the model's class for malicious",
            )
        return classes.index(str(self.positive))

    def _target(self) -> Any:
        suffix = self.path.suffix.lower()
        if suffix == ".onnx":
            from aisec.assurance.targets.onnx_target import OnnxTarget

            return OnnxTarget(self.copy)
        if suffix in (".joblib", ".pkl", ".pickle"):
            from aisec.assurance.targets.pickled import PickledModelTarget

            return PickledModelTarget(self.copy, trust=self.trust)
        raise ConfigError(
            f"{self.path.name}: cannot score a {suffix or 'suffix-less'} model file",
            hint="give an .onnx file, or a .joblib/.pkl scikit-learn model with --trust",
        )


@dataclass
class PromptInjectionScores:
    """aisec's own prompt-injection detector on a text column."""

    text: str
    name: str = "aisec prompt-injection"
    digest: str = ""

    def __post_init__(self) -> None:
        from aisec.injection.model import InjectionModel

        self._model = InjectionModel.load()
        self.digest = self._model.digest

    @property
    def text_input(self) -> str:
        return self.text

    def describe(self) -> dict[str, Any]:
        return {"kind": "builtin", "name": self.name, "detector": "prompt-injection",
                "sha256": self.digest, "version": self._model.version}  # fmt: skip

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return self.score_texts(text_column(frame, self.text))

    def score_texts(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.score_many(texts), dtype=np.float64)


@dataclass
class CommandScores:
    """A command that reads one JSON object per line on its standard input (the row's
    input columns) and prints one score per line, in order. It runs without a shell."""

    command: str
    inputs: list[str]
    name: str = ""
    timeout: float = COMMAND_TIMEOUT

    def __post_init__(self) -> None:
        self.argv = shlex.split(self.command)
        if not self.argv:
            raise ConfigError("--command is empty")
        self.name = self.name or Path(self.argv[0]).name

    def describe(self) -> dict[str, Any]:
        return {"kind": "command", "name": self.name, "command": self.argv[0],
                "inputs": self.inputs}  # fmt: skip

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.inputs if c not in frame.columns]
        if missing:
            raise InputError(f"no input column {missing[0]!r}", hint=f"columns: {_names(frame)}")
        return self._run(frame[self.inputs].to_dict(orient="records"))

    @property
    def text_input(self) -> str | None:
        """One input column: rewritten texts can be sent in it."""
        return self.inputs[0] if len(self.inputs) == 1 else None

    def score_texts(self, texts: list[str]) -> np.ndarray:
        return self._run([{self.inputs[0]: t} for t in texts])

    def _run(self, records: list[dict[str, Any]]) -> np.ndarray:
        feed = "".join(
            json.dumps({k: _json_value(v) for k, v in r.items()}, default=str,
                       ensure_ascii=False, allow_nan=False) + "\n"
            for r in records
        )  # fmt: skip
        from aisec.validation.bounded_run import run_bounded

        limit = MAX_SCORE_LINE + OUTPUT_PER_ROW * len(records)
        try:
            done = run_bounded(self.argv, feed.encode("utf-8"), max_stdout=limit,
                               timeout=self.timeout)  # fmt: skip
        except FileNotFoundError:
            raise ConfigError(f"cannot run {self.argv[0]!r}: not found") from None
        except OSError as exc:
            raise ConfigError(f"cannot run {self.argv[0]!r}: {exc.strerror or exc}") from None
        if done.timed_out:
            raise InputError(f"{self.argv[0]} did not finish within {self.timeout:g} s")
        if done.overflowed:
            raise InputError(
                f"{self.argv[0]} printed more than {limit} bytes for {len(records)} rows",
                hint="print exactly one number per input line, in order",
            )
        if done.returncode != 0:
            tail = done.stderr_tail.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise InputError(f"{self.argv[0]} exited with {done.returncode}: {tail[0][:300]}")
        stdout = done.stdout.decode("utf-8", "replace")
        lines = [ln for ln in stdout.splitlines() if ln.strip()]
        if len(lines) != len(records):
            raise InputError(
                f"{self.argv[0]} printed {len(lines)} scores for {len(records)} rows",
                hint="print exactly one number per input line, in order",
            )
        try:
            scores = np.array([float(ln[:MAX_SCORE_LINE]) for ln in lines])
        except ValueError as exc:
            raise InputError(
                f"{self.argv[0]} printed something that is not a score: {exc}"
            ) from None
        if not np.isfinite(scores).all():
            raise InputError(f"{self.argv[0]} printed a score that is not a finite number")
        return scores


def _json_value(value: Any) -> Any:
    """An empty cell is null (pandas reads it as NaN, which strict JSON parsers refuse)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class HttpScores:
    """A detector behind an HTTP endpoint: ``POST {"inputs": [record, ...]}`` with the
    ``inputs`` columns of each row, answered with ``{"scores": [number, ...]}`` in order.
    Batched, retried on 429/5xx, redirects refused, answers capped (the assurance tests'
    HTTP client); header values are read from environment variables, so that a token is
    never on the command line or in the report."""

    url: str
    inputs: list[str]
    headers: dict[str, str] = field(default_factory=dict)  # header name -> variable name
    name: str = ""
    batch_size: int = 256

    def __post_init__(self) -> None:
        import os

        from aisec.assurance.targets.http_target import HttpTarget, public_url

        values = {}
        for header, variable in self.headers.items():
            if variable not in os.environ:
                raise ConfigError(f"header {header}: no environment variable {variable}")
            values[header] = os.environ[variable]
        self.name = self.name or public_url(self.url)
        self._target = HttpTarget(self.url, label_key="scores", proba_key=None,
                                  headers=values, batch_size=self.batch_size)  # fmt: skip

    def describe(self) -> dict[str, Any]:
        return {"kind": "http", "name": self.name, "url": self._target.display_url,
                "inputs": self.inputs, "headers": sorted(self.headers)}  # fmt: skip

    @property
    def text_input(self) -> str | None:
        return self.inputs[0] if len(self.inputs) == 1 else None

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.inputs if c not in frame.columns]
        if missing:
            raise InputError(f"no input column {missing[0]!r}", hint=f"columns: {_names(frame)}")
        records = frame[self.inputs].to_dict(orient="records")
        return self._scores([{k: _json_value(v) for k, v in r.items()} for r in records])

    def score_texts(self, texts: list[str]) -> np.ndarray:
        return self._scores([{self.inputs[0]: t} for t in texts])

    def _scores(self, records: list[dict[str, Any]]) -> np.ndarray:
        raw = self._target.answers(records, "scores")
        try:
            scores = np.array([float(v) for v in raw], dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{self.name} answered a score that is not a number") from None
        if not np.isfinite(scores).all():
            raise InputError(f"{self.name} answered a score that is not a finite number")
        return scores


def numeric_column(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    import pandas as pd

    if column not in frame.columns:
        raise InputError(f"no {what} column {column!r}", hint=f"columns: {_names(frame)}")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{what} column {column!r}: row {row + 1} is not a finite number "
            f"({str(frame[column].iloc[row])[:40]!r}); {int(bad.sum())} such rows"
        )
    return np.asarray(values, dtype=np.float64)


def text_column(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        raise InputError(f"no text column {column!r}", hint=f"columns: {_names(frame)}")
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in frame[column].tolist()]  # fmt: skip


def _names(frame: pd.DataFrame) -> str:
    names = [str(c) for c in frame.columns]
    return ", ".join(names[:20]) + (" …" if len(names) > 20 else "")


def _signature_problems(copy: Path, original: Path, settings: Settings) -> list[str]:
    from aisec.inventory import signing_keys
    from aisec.inventory.signature_report import SignatureStatus
    from aisec.inventory.signing import default_signature_path
    from aisec.inventory.verifying import verify_model

    if not settings.signature_key:
        raise ConfigError(
            "require_signature is on but no signature_key is configured",
            hint="set signature_key (a PEM public key or CA certificates) in aisec.toml",
        )
    key = Path(settings.signature_key)
    signature = default_signature_path(original)
    if signing_keys.pem_kind(key) == "certificates":
        report = verify_model(copy, chain=[key], signature=signature)
    else:
        report = verify_model(copy, key=key, signature=signature)
    if report.status is SignatureStatus.VERIFIED:
        return []
    return [f"signature {report.status}: {report.reason}"]


def _clean_scan(copy: Path, original: Path, settings: Settings | None) -> dict[str, Any]:
    """Scan the copy with every model-file check (a project's suppressions and baselines
    do not waive this gate), and verify its signature against the original's where the
    settings require one (``require_signature``, ``signature_key``); any finding or a
    signature that is not verified refuses it."""
    from aisec.assurance.targets.pickled import scan_problems
    from aisec.core.settings import Settings
    from aisec.modelfile.scanner import scan

    settings = settings or Settings()
    run = scan([copy], Settings())
    problems = scan_problems(run)
    if settings.require_signature:
        problems += _signature_problems(copy, original, settings)
    if problems:
        raise ConfigError(
            f"{original}: the scan is not clean, refusing to load it: {'; '.join(problems)}",
            hint=f"run `aisec scan {original}` for the findings",
        )
    return {"findings": 0, "checks": len(run.checks_applied or []),
            "signature_verified": settings.require_signature}  # fmt: skip
