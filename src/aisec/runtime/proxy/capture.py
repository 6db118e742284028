"""Traffic capture: requests and answers as they were, in the JSON-lines format
``aisec gateway replay`` reads, for tuning detectors on real traffic.

Off unless configured (``capture: {path: ..., max_mb: ...}``): these are the payloads
themselves, personal data included, which the traffic log deliberately never holds (it
keeps digests). The file is created 0600 without following links, written by a thread
from a bounded queue (a full queue drops the record and counts it: capture must never
slow or fail a request), and closed at ``max_mb``, when capture stops.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)
QUEUE_SIZE = 10_000


class Capture:
    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.written = self.dropped = 0
        self.full = False
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, flags, 0o600)
        os.fchmod(fd, 0o600)  # a file that existed keeps its mode otherwise
        self._thread = threading.Thread(
            target=self._write, args=(fd,), name="aisec-gateway-capture", daemon=True
        )
        self._thread.start()

    def submit(self, record: dict[str, Any]) -> None:
        if self.full or self._thread is None:
            return
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _write(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        try:
            self._loop(fd, size)
        except Exception:  # a full disk must stop capture, never the gateway
            self.full = True
            _log.exception("traffic capture %s stopped", self.path)
        finally:
            os.close(fd)

    def _loop(self, fd: int, size: int) -> None:
        while (record := self._queue.get()) is not None:
            text = json.dumps(_decoded(record), separators=(",", ":"), default=str)
            line = text.encode() + b"\n"
            if size + len(line) > self.max_bytes:
                self.full = True
                _log.warning("traffic capture %s reached its size limit: stopped", self.path)
                return
            os.write(fd, line)
            size += len(line)
            self.written += 1


def _decoded(record: dict[str, Any]) -> dict[str, Any]:
    """Bodies are queued as bytes (decoding them is the thread's work, not the request's)."""
    out = dict(record)
    for key in ("request", "response"):
        value = out.get(key)
        if isinstance(value, bytes):
            try:
                out[key] = json.loads(value)
            except (ValueError, RecursionError):
                out[key] = {"undecodable": len(value)}
    return out
