"""Answers kept in a SQLite file, so that rerunning a red-team run costs nothing for
the conversations already paid for, and gives the same answers to judge again.

The key is the target's identity (its :meth:`describe`, which holds no secret, without
the settings that cannot change an answer: timeout, streaming) and the request's key.
One connection serves the process; a lock serialises its use and the work runs in a
worker thread, so the event loop never waits on the disk. WAL mode lets another process
read the file while this one writes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError
from aisec.llm.targets.base import ChatAnswer, ChatRequest, canonical_json

_NOT_IDENTITY = frozenset({"timeout", "stream"})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    request TEXT NOT NULL,
    answer TEXT NOT NULL,
    created REAL NOT NULL
)"""


def identity(description: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in description.items() if k not in _NOT_IDENTITY}


class ResponseCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot use {self.path} as the response cache: {exc}",
                hint="give a writable path, or run without the cache",
            ) from None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.path)!r})"

    @staticmethod
    def key(description: Mapping[str, Any], request: ChatRequest) -> str:
        text = canonical_json([identity(description), request.key()])
        return hashlib.sha256(text.encode()).hexdigest()

    async def get(self, description: Mapping[str, Any], request: ChatRequest) -> ChatAnswer | None:
        row = await asyncio.to_thread(self._get, self.key(description, request))
        if row is None:
            return None
        try:
            return ChatAnswer.from_json(json.loads(row), cached=True)
        except (ValueError, TypeError, KeyError):
            return None  # a damaged entry is a miss; the fresh answer replaces it

    async def put(self, description: Mapping[str, Any], request: ChatRequest,
                  answer: ChatAnswer) -> None:  # fmt: skip
        row = (self.key(description, request), canonical_json(identity(description)),
               request.key(), canonical_json(answer.to_json()), time.time())  # fmt: skip
        await asyncio.to_thread(self._put, row)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _put(self, row: tuple[Any, ...]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)", row)
            self._db.commit()
