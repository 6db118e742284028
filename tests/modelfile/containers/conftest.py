"""Fixtures shared by the container reader tests: reports, settings and a reader runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.member import Member
from aisec.modelfile.reports import ContainerReport

Reader = Callable[[Blob, ContainerReport, Settings], Iterator[Member]]


class Run:
    """The outcome of reading one container: members with their bytes, and the report."""

    def __init__(self, blob: Blob, members: list[Member], report: ContainerReport) -> None:
        self.blob = blob
        self.members = members
        self.report = report

    @property
    def kinds(self) -> list[str]:
        return [a.kind for a in self.report.anomalies]

    def anomalies(self, kind: str) -> list:
        return [a for a in self.report.anomalies if a.kind == kind]

    def data(self) -> dict[str, bytes | None]:
        return {
            m.name: (m.blob.read(0, len(m.blob)) if m.blob is not None else None)
            for m in self.members
        }

    def member(self, name: str) -> Member:
        (found,) = [m for m in self.members if m.name == name]
        return found


@pytest.fixture
def read() -> Callable[..., Run]:
    """Read ``data`` with ``reader`` and collect everything it yields."""

    def run(reader: Reader, data: bytes, settings: Settings | None = None) -> Run:
        blob = Blob.from_bytes(data)
        report = ContainerReport(Location("artefact.bin"), "test")
        members = list(reader(blob, report, settings or Settings()))
        for member in members:
            if member.verify is not None:  # what the engine does for members it analyses
                member.verify()
        return Run(blob, members, report)

    return run
