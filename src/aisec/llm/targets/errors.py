"""The target errors, where code that uses targets looks for them first. They live in
:mod:`aisec.core.errors` with the rest of the tree (codes AISEC-E800 to E804)."""

from aisec.core.errors import (
    BudgetExhausted,
    TargetAnswerInvalid,
    TargetError,
    TargetRefused,
    TargetUnavailable,
)

__all__ = [
    "BudgetExhausted",
    "TargetAnswerInvalid",
    "TargetError",
    "TargetRefused",
    "TargetUnavailable",
]
