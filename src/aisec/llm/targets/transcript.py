"""The record of everything sent to a target and everything it answered, one JSON line
per exchange: the evidence a finding points at, and what a reviewer reads to see that
an attack really worked.

Requests carry no secrets (keys travel in headers, which are not recorded) and answers
are scrubbed of the secrets sent before they reach here; ``raw`` is size-capped.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError, TargetError
from aisec.llm.targets.base import ChatAnswer, ChatRequest, canonical_json


class TranscriptLog:
    """Appends to ``path`` (JSON lines); without a path keeps the entries in ``entries``."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
            except OSError as exc:
                raise ConfigError(f"cannot write the transcript {self.path}: {exc}") from None

    def record(self, target: str, request: ChatRequest, *, answer: ChatAnswer | None = None,
               error: TargetError | None = None, attempts: int = 1) -> None:  # fmt: skip
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "target": target, "request_key": request.key(), "request": request.as_json(),
            "attempts": attempts,
        }  # fmt: skip
        if answer is not None:
            entry["answer"] = {**answer.to_json(), "cached": answer.cached}
        if error is not None:
            entry["error"] = {"code": error.code, "type": type(error).__name__,
                              "message": error.message, "status": error.status}  # fmt: skip
        with self._lock:
            if self.path is None:
                self.entries.append(entry)
                return
            with self.path.open("a", encoding="utf-8") as out:
                out.write(canonical_json(entry) + "\n")
