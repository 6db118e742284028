"""What a run may spend on a target (requests, tokens, money) and what it has spent.

Before a request goes out, its cost is estimated on the high side (the request's
characters / 4, plus the completion it may ask for) and reserved; concurrent requests
see each other's reservations, so together they cannot pass a limit. When the answer
comes, the reservation is replaced by the usage the target reports, or, when it reports
none, by the estimate of the prompt and of the answer actually given. A reported
completion smaller than the answer's characters / 4 counts as that estimate instead, and
a reported prompt of 0 as unreported, so that no server makes a request free.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aisec.core.errors import BudgetExhausted
from aisec.llm.targets.base import ChatAnswer


@dataclass(frozen=True)
class Spent:
    requests: int = 0  # sent on the wire, failed attempts included
    cached: int = 0  # answered from the cache, free
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    estimated_tokens: int = 0  # of the tokens above, those the target did not report

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Reservation:
    prompt_tokens: int
    completion_tokens: int
    cost: float


class Budget:
    def __init__(self, max_requests: int | None = None, max_tokens: int | None = None,
                 max_cost: float | None = None, price_per_1k_prompt: float = 0.0,
                 price_per_1k_completion: float = 0.0) -> None:  # fmt: skip
        self.max_requests, self.max_tokens, self.max_cost = max_requests, max_tokens, max_cost
        self.prices = (price_per_1k_prompt, price_per_1k_completion)
        self.state = Spent()
        self.held = Reservation(0, 0, 0.0)  # what requests in flight may still spend
        self.in_flight = 0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prices[0] + completion_tokens * self.prices[1]) / 1000

    def reserve(self, prompt_tokens: int, completion_tokens: int) -> Reservation:
        """Holds the estimate, or raises :class:`BudgetExhausted` when it would not fit."""
        cost = self.cost(prompt_tokens, completion_tokens)
        ask = Reservation(prompt_tokens, completion_tokens, cost)
        spent, held = self.state, self.held
        requests = spent.requests + self.in_flight
        tokens = spent.tokens + held.prompt_tokens + held.completion_tokens
        money = spent.cost + held.cost
        if self.max_requests is not None and requests + 1 > self.max_requests:
            raise _exhausted(f"the request budget ({self.max_requests}) is spent")
        wanted = prompt_tokens + completion_tokens
        if self.max_tokens is not None and tokens + wanted > self.max_tokens:
            raise _exhausted(
                f"the next request (about {wanted} tokens) would pass the "
                f"token budget ({tokens} of {self.max_tokens} spent or held)"
            )
        if self.max_cost is not None and money + cost > self.max_cost:
            raise _exhausted(
                f"the next request (about {cost:.4f}) would pass the cost "
                f"budget ({money:.4f} of {self.max_cost:g})"
            )
        self.held = _add(held, ask, 1)
        self.in_flight += 1
        return ask

    def release(self, ask: Reservation, *, sent: bool = True) -> None:
        """The attempt failed: a request if it was sent, its tokens nothing."""
        self._drop(ask)
        if sent:
            self.state = replace(self.state, requests=self.state.requests + 1)

    def settle(self, ask: Reservation, answer: ChatAnswer) -> None:
        self._drop(ask)
        prompt, completion, estimated = answer.prompt_tokens, answer.completion_tokens, 0
        if not prompt:  # no report, or a report of 0, which no real request has
            prompt, estimated = ask.prompt_tokens, estimated + ask.prompt_tokens
        # A report below what the answer's own text shows (a hostile or broken server
        # saying 0) does not make the answer cheap: the larger counts.
        least = answer.estimated_completion_tokens()
        if completion is None or completion < least:
            estimated += least - (completion or 0)
            completion = least
        s = self.state
        self.state = Spent(s.requests + 1, s.cached, s.prompt_tokens + prompt,
                           s.completion_tokens + completion,
                           s.cost + self.cost(prompt, completion),
                           s.estimated_tokens + estimated)  # fmt: skip

    def count_cached(self) -> None:
        self.state = replace(self.state, cached=self.state.cached + 1)

    def _drop(self, ask: Reservation) -> None:
        self.held = _add(self.held, ask, -1)
        self.in_flight -= 1


def _add(a: Reservation, b: Reservation, sign: int) -> Reservation:
    return Reservation(a.prompt_tokens + sign * b.prompt_tokens,
                       a.completion_tokens + sign * b.completion_tokens,
                       a.cost + sign * b.cost)  # fmt: skip


def _exhausted(message: str) -> BudgetExhausted:
    hint = "raise the budget, or rerun with the cache so that paid answers are free"
    return BudgetExhausted(message + "; the request was not sent", hint=hint)
