"""The run's journal: one JSON line per finished attempt, appended and flushed as each
finishes, so an interrupted run resumes without repeating what it already did.

A journal belongs to one campaign (target, probes, seed, rewrites): its first line says
which, and resuming under another campaign is refused rather than mixing results. A last
line cut short by the interruption is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from aisec.core.errors import ConfigError
from aisec.llm.execute import AttemptResult

SCHEMA = "aisec.redteam-journal/1"


class Journal:
    def __init__(self, path: Path, campaign: str) -> None:
        self.path = path
        self.campaign = campaign
        self._file: IO[str] | None = None

    def finished(self) -> dict[str, AttemptResult]:
        """The attempts already decided, by id (empty for a new journal). Attempts that
        ended in an error or undecided are run again: a wrong key, an outage or an
        unreachable judge must not be baked into the campaign."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError(f"cannot read the journal {self.path}: {exc}") from None
        # Whole lines only: an interruption may have cut the last one, even mid-character.
        lines = data.split(b"\n")[:-1]
        header = _line(lines[0]) if lines else None
        if header is None or header.get("schema") != SCHEMA:
            raise ConfigError(f"{self.path} is not a red-team journal",
                              hint="name another --journal file, or remove it")  # fmt: skip
        if header.get("campaign") != self.campaign:
            raise ConfigError(
                f"{self.path} journals another run (other target, attacks or detectors)",
                hint="name another --journal file, or pass --fresh",
            )  # fmt: skip
        done: dict[str, AttemptResult] = {}
        for number, raw in enumerate(lines[1:], start=2):
            entry = _line(raw)
            if entry is None or "attempt" not in entry:
                raise ConfigError(f"{self.path}, line {number}: not a journal entry",
                                  hint="pass --fresh to start over")  # fmt: skip
            try:
                result = AttemptResult.from_dict(entry)
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"{self.path}, line {number}: malformed entry: {exc}",
                                  hint="pass --fresh to start over") from None  # fmt: skip
            if result.success is None:
                done.pop(result.attempt.id, None)
            else:
                done[result.attempt.id] = result
        return done

    def open(self, fresh: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fresh or not self.path.exists():
            with self.path.open("w", encoding="utf-8") as head:
                head.write(json.dumps({"schema": SCHEMA, "campaign": self.campaign}) + "\n")
        else:
            _drop_partial_tail(self.path)
        self._file = self.path.open("a", encoding="utf-8")

    def append(self, result: AttemptResult) -> None:
        assert self._file is not None, "open() the journal first"
        self._file.write(json.dumps(result.to_dict(), default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _line(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is one
        return None
    return value if isinstance(value, dict) else None


def _drop_partial_tail(path: Path) -> None:
    """Cut a last line the interruption left without its newline, so appending does not
    glue the next entry onto it."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
