"""The improper output probe family against the shipped simulator: it finds the weakness when
it is on, never when it is off or in the hardened variant, and its attacks are a pure
function of the seed."""

from __future__ import annotations

from probe_support import assert_finds_only_its_weakness

from aisec.llm.probes.base import ProbeContext
from aisec.llm.probes.improper_output import ImproperOutput

CONTEXT = ProbeContext(seed=3, canaries=("NW-CANARY-1234",))


def test_finds_its_weakness_and_nothing_else():
    assert_finds_only_its_weakness(ImproperOutput.family, at_least=0.6)


def test_attacks_are_reproducible_and_limited():
    attempts = ImproperOutput().attempts(CONTEXT)
    assert attempts and [a.id for a in attempts] == [
        a.id for a in ImproperOutput().attempts(CONTEXT)
    ]
    assert len({a.id for a in attempts}) == len(attempts)
    assert all(a.probe == ImproperOutput.id and a.family == ImproperOutput.family for a in attempts)
    limited = ImproperOutput(variants=1).attempts(CONTEXT)
    assert len(limited) == 1 and limited[0].id in {a.id for a in attempts}
