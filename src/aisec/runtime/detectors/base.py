"""The detector protocol, bounded per-client state and the input checks every detector shares."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, TypeVar

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from aisec.runtime.observation import Observation, Verdict

T = TypeVar("T")

DEFAULT_MAX_CLIENTS = 10_000


class Detector(Protocol):
    name: ClassVar[str]
    stage: ClassVar[str]  # "input" (before the upstream) or "output" (on the answer)

    def observe(self, obs: Observation) -> Verdict | None:
        """Judge one request; None when there is nothing to judge (yet)."""
        ...


class ClientStates(Generic[T]):
    """Per-client state, least recently used first out, so a flood of fresh API keys (or
    anonymous clients) cannot grow memory without bound."""

    def __init__(self, factory: Callable[[], T], max_clients: int = DEFAULT_MAX_CLIENTS) -> None:
        if max_clients < 1:
            raise ConfigError(f"max_clients must be at least 1, not {max_clients}")
        self._factory = factory
        self._max = max_clients
        self._states: OrderedDict[str, T] = OrderedDict()
        # The gateway may call from worker threads too; a dict reorder must not interleave.
        self.lock = threading.Lock()

    def get(self, client: str) -> T:
        """The client's state, created on first use; call with ``lock`` held."""
        state = self._states.get(client)
        if state is None:
            state = self._factory()
            self._states[client] = state
            if len(self._states) > self._max:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(client)
        return state

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, client: object) -> bool:
        return client in self._states


def check_positive(detector: str, **values: float) -> None:
    for key, value in values.items():
        if not value > 0:
            raise ConfigError(
                f"{detector}: {key} must be positive, not {value}",
                hint=f"set detectors.{detector}.{key} to a positive number",
            )


def scored(
    detector: Any, score: float, text: str, alarm: str, details: Mapping[str, Any]
) -> Verdict:
    """The verdict of a detector that fires at ``score >= detector.threshold``; a fired
    verdict's explanation ends with ``alarm``, what the pattern suggests."""
    from aisec.runtime.observation import Verdict

    fired = score >= detector.threshold
    return Verdict(
        detector=detector.name,
        score=score,
        threshold=detector.threshold,
        fired=fired,
        explanation=f"{text}: {alarm}" if fired else text,
        details=details,
        stage=detector.stage,
    )
