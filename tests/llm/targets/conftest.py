"""Fixtures of the target tests: the loopback HTTP server and a clock driven by hand."""

from __future__ import annotations

import asyncio

import pytest
from llm_target_server import serve


@pytest.fixture(scope="session")
def http():
    with serve() as scenarios:
        yield scenarios


class FakeClock:
    """Time that passes only when someone sleeps: waits are instant and recorded."""

    def __init__(self, start: float = 1000.0):
        self.t = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)


@pytest.fixture
def clock():
    return FakeClock()
