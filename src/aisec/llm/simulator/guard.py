"""The hardened variant's defences in depth, on top of having every weakness off: aisec's
own prompt-injection model on user turns, tool output and retrieved documents, and a last
check that no planted secret or personal value leaves in an answer.

The model needs numpy. Where numpy is not installed the guard still runs its other
defences, and says so in the reply's reasons, rather than making the variant unusable.
"""

from __future__ import annotations

from functools import cached_property
from typing import Protocol

from aisec.llm.simulator.canaries import Canaries


class _Scorer(Protocol):
    threshold: float

    def score(self, text: str) -> float: ...


class Guard:
    def __init__(self, canaries: Canaries) -> None:
        self._canaries = canaries

    @cached_property
    def _model(self) -> _Scorer | None:
        try:
            from aisec.injection.model import InjectionModel

            return InjectionModel.load()
        except (ImportError, OSError, ValueError):
            return None

    @property
    def available(self) -> bool:
        return self._model is not None

    def injected(self, text: str) -> bool:
        """Whether the prompt-injection model reads ``text`` as an injection."""
        model = self._model
        return model is not None and bool(text.strip()) and model.score(text) >= model.threshold

    def leaks(self, content: str) -> bool:
        """Whether ``content`` carries a planted secret or the customer's personal data."""
        folded = content.casefold()
        return any(value.casefold() in folded for value in self._canaries.values())
