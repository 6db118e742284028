"""Errors of targets, each under the aisec tree so the CLI maps them to exit codes.

LimitExceeded (AISEC-E401)
└── QueryBudgetExceeded     the target's query budget is spent
ConfigError (AISEC-E100)
└── CapabilityMissing       a test asked for gradients or scores the target does not give
InputError (AISEC-E200)
└── UnknownRows             a predictions-only file has no answer for some rows
"""

from __future__ import annotations

from aisec.core.errors import ConfigError, InputError, LimitExceeded


class QueryBudgetExceeded(LimitExceeded):
    def __init__(self, limit: int, used: int, asked: int) -> None:
        super().__init__(
            "query budget",
            limit,
            hint=(
                f"{used} of {limit} queries used, {asked} more asked; raise the budget "
                "or lower the number of samples or attack iterations"
            ),
        )
        self.used = used
        self.asked = asked


class CapabilityMissing(ConfigError):
    def __init__(self, target: str, capability: str, available: str) -> None:
        super().__init__(
            f"target {target!r} does not give {capability}",
            hint=f"it gives {available}; choose a test that needs only that",
        )
        self.capability = capability


class UnknownRows(InputError):
    def __init__(self, target: str, missing: int, first: int) -> None:
        super().__init__(
            f"predictions file {target!r} has no answer for {missing} row(s), "
            f"first at index {first}",
            hint="a predictions-only target answers only for the inputs it records",
        )
        self.missing = missing
        self.first = first
