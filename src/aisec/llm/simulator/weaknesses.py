"""The switchable weaknesses of the simulated LLM application, with the OWASP Top 10 for
LLM Applications (2025) entry each one stands for.

The names are stable: red-team configurations, CLI flags and reports refer to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from aisec.core.errors import ConfigError

WEAKNESSES: tuple[str, ...] = (
    "direct_injection",
    "indirect_injection",
    "jailbreak",
    "multi_turn",
    "system_prompt_leak",
    "data_leak",
    "improper_output",
    "excessive_agency",
    "unbounded_consumption",
)

OWASP: MappingProxyType[str, str] = MappingProxyType({
    "direct_injection": "LLM01:2025",
    "indirect_injection": "LLM01:2025",
    "jailbreak": "LLM01:2025",
    "multi_turn": "LLM01:2025",
    "system_prompt_leak": "LLM07:2025",
    "data_leak": "LLM02:2025",
    "improper_output": "LLM05:2025",
    "excessive_agency": "LLM06:2025",
    "unbounded_consumption": "LLM10:2025",
})  # fmt: skip

DESCRIPTIONS: MappingProxyType[str, str] = MappingProxyType({
    "direct_injection": "instructions in the user turn override the system policy",
    "indirect_injection": "instructions inside tool output or retrieved documents are followed",
    "jailbreak": "role-play, hypothetical or 'no restrictions' framing unlocks refused requests",
    "multi_turn": "a refused request is granted once earlier turns built a pretext",
    "system_prompt_leak": "reveals its system prompt, which holds a secret canary",
    "data_leak": "reveals confidential records of its retrieval store (PII and a secret)",
    "improper_output": "active content (HTML, script, SQL, shell, markdown images) is "
    "passed into answers unescaped",
    "excessive_agency": "calls side-effecting tools without asking the user to confirm",
    "unbounded_consumption": "no output cap: 'repeat X 5000 times' produces all of it",
})  # fmt: skip


def checked(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a set, or ConfigError naming the unknown ones and the known ones."""
    wanted = frozenset(names)
    unknown = sorted(wanted.difference(WEAKNESSES))
    if unknown:
        raise ConfigError(
            f"unknown weakness {', '.join(repr(n) for n in unknown)}",
            hint=f"known weaknesses: {', '.join(WEAKNESSES)}",
        )
    return wanted
