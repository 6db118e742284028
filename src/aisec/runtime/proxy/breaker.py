"""A circuit breaker per upstream: after ``failures`` failures in a row, answer at once
for ``reset_seconds`` instead of making every client wait for a timeout; then let one
trial request through, and close again when it succeeds.

Single event loop, no awaits inside: no lock is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"
STATE_NUMBER = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}  # for the /metrics gauge


@dataclass
class Breaker:
    failures: int
    reset_seconds: float
    clock: Callable[[], float] = time.monotonic
    state: str = CLOSED
    failed: int = 0
    opened_at: float = 0.0
    trial_running: bool = False
    opened: int = field(default=0)  # how many times it opened, for the metrics

    def allow(self) -> float | None:
        """None when a request may go upstream; else the seconds until it may retry."""
        if self.state == CLOSED:
            return None
        waited = self.clock() - self.opened_at
        if self.state == OPEN and waited >= self.reset_seconds:
            self.state = HALF_OPEN
        if self.state == HALF_OPEN and not self.trial_running:
            self.trial_running = True
            return None
        return max(self.reset_seconds - waited, 0.05)

    def success(self) -> None:
        self.state, self.failed, self.trial_running = CLOSED, 0, False

    def abandon(self) -> None:
        """A request that never finished (cancelled) frees the trial slot it may hold:
        otherwise a half-open breaker would refuse every request until a restart."""
        self.trial_running = False

    def failure(self) -> None:
        self.failed += 1
        if self.state == HALF_OPEN or self.failed >= self.failures:
            if self.state != OPEN:
                self.opened += 1
            self.state, self.opened_at, self.trial_running = OPEN, self.clock(), False
