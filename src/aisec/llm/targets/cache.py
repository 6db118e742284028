"""Answers kept in a SQLite file, so that rerunning a red-team run costs nothing for
the conversations already paid for, and gives the same answers to judge again.

The key is the target's identity and the request's key. The identity is the target's
``cache_identity()`` when it has one: its :meth:`describe` (which holds no secret)
without the settings that cannot change an answer (timeout, streaming), plus SHA-256
digests of what ``describe`` hides (the full URL with its query and credentials, each
header value), so that two targets differing only there never share answers while no
secret is stored in clear. A target whose identity is None (a Python function given as
an object, with no file to hash) is not cached. Entries older than ``ttl_seconds``, when
set, are misses.
One connection serves the process; a lock serialises its use and the work runs in a
worker thread, so the event loop never waits on the disk. WAL mode lets another process
read the file while this one writes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
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


def secret_digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", errors="surrogatepass")).hexdigest()


def target_identity(target: Any) -> dict[str, Any] | None:
    """What the cache keys ``target``'s answers on; None when they must not be cached."""
    private = getattr(target, "cache_identity", None)
    if callable(private):
        found = private()
        return None if found is None else dict(found)
    return identity(target.describe())


class ResponseCache:
    def __init__(self, path: str | Path, ttl_seconds: float | None = None) -> None:
        if ttl_seconds is not None and not (math.isfinite(ttl_seconds) and ttl_seconds > 0):
            raise ConfigError(f"response cache: ttl_seconds must be > 0, not {ttl_seconds}")
        self.path, self.ttl_seconds = Path(path), ttl_seconds
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

    # ``description`` below is a target identity (see :func:`target_identity`); a plain
    # :meth:`describe` works as well.

    @staticmethod
    def key(description: Mapping[str, Any], request: ChatRequest) -> str:
        text = canonical_json([identity(description), request.key()])
        return hashlib.sha256(text.encode()).hexdigest()

    async def get(self, description: Mapping[str, Any], request: ChatRequest) -> ChatAnswer | None:
        row = await asyncio.to_thread(self._get, self.key(description, request))
        if row is None:
            return None
        answer, created = row
        try:
            age = time.time() - float(created)
            if self.ttl_seconds is not None and not age <= self.ttl_seconds:
                return None  # expired: the fresh answer replaces it
            return ChatAnswer.from_json(json.loads(answer), cached=True)
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

    def _get(self, key: str) -> tuple[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT answer, created FROM answers WHERE key = ?",
                                   (key,)).fetchone()  # fmt: skip
        return None if row is None else (str(row[0]), row[1])

    def _put(self, row: tuple[Any, ...]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)", row)
            self._db.commit()
