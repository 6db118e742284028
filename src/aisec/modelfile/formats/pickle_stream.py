"""Raw pickle files: one pickle, several stacked pickles, or the legacy PyTorch layout
(magic number, protocol, system info, data and storage keys, then raw storages)."""

from __future__ import annotations

import re

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats import note_trailing
from aisec.modelfile.formats.torch_legacy import LEGACY_MAGIC, check_legacy_storages
from aisec.modelfile.pickle.machine import PickleMachine
from aisec.modelfile.pickle.report import PickleReport
from aisec.modelfile.reports import ArtefactReport

_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def looks_like_pickle(report: PickleReport) -> bool:
    """For content without a PROTO opcode: it is a pickle if it parses to STOP, or if it
    makes a call through a plausibly named global before failing. A bare global followed
    by an error is what text starting with ``c`` looks like (``cat\ndog\n``)."""
    if report.complete:
        return True
    named = any(
        _IDENTIFIER_PATH.match(module) and _IDENTIFIER_PATH.match(name)
        for module, _, name in (use.raw.rpartition(".") for use in report.globals)
    )
    return named and bool(report.calls or report.mutations)


def analyse_pickle_file(
    blob: Blob, location: Location, ctx: ScanContext, *, tentative: bool = False, depth: int = 0
) -> bool:
    machine = PickleMachine(blob, location, ctx.policy, ctx.settings, deadline=ctx.deadline)
    first = machine.run(0)
    if tentative and not looks_like_pickle(first):
        return False
    artefact = ctx.add_artefact(location, "pickle", len(blob))
    facts = ArtefactReport(location, "pickle", len(blob))
    reports = [first]
    ctx.judge(first)
    if first.complete and first.result == LEGACY_MAGIC:
        artefact.format = facts.format = "pytorch-legacy"
        _legacy(machine, first, blob, location, ctx, facts, reports)
    else:
        _stacked(machine, first, blob, location, ctx, facts, reports)
    if any(_uses_joblib(r) for r in reports) and artefact.format == "pickle":
        artefact.format = facts.format = "joblib"
    ctx.judge(facts)
    analyse_embedded(blob, location, ctx, reports, depth)
    return True


def analyse_embedded(
    blob: Blob, location: Location, ctx: ScanContext, reports: list[PickleReport], depth: int
) -> None:
    """Byte strings that the stream hands to a loader are model files in their own right."""
    from aisec.modelfile.analyse import analyse_blob  # the dispatcher imports this module

    for report in reports:
        for offset, size, via in report.embedded[:64]:
            with blob.slice(offset, offset + size) as inner:
                analyse_blob(inner, location.inner(f"(bytes@{offset} for {via})"), ctx, depth + 1)


def _uses_joblib(report: PickleReport) -> bool:
    return any(g.qualname.endswith("NumpyArrayWrapper") for g in report.globals)


def _stacked(
    machine: PickleMachine,
    first: PickleReport,
    blob: Blob,
    location: Location,
    ctx: ScanContext,
    facts: ArtefactReport,
    reports: list[PickleReport],
) -> None:
    current = first
    while current.complete and current.end is not None and current.end < len(blob):
        if len(reports) >= ctx.settings.max_pickle_streams:
            facts.add(
                "limit",
                f"more than {len(reports)} stacked pickles",
                location.at(current.end),
                limit="max_pickle_streams",
            )
            return
        start = current.end
        nxt = machine.run(start)
        if not nxt.complete and not nxt.globals and not nxt.calls and nxt.opcodes < 3:
            # Not a pickle: the bytes are never loaded by pickle.load, but nothing
            # in a model file should hide there either.
            note_trailing(facts, blob, start, location, "the last pickle are not a pickle")
            return
        reports.append(nxt)
        ctx.judge(nxt)
        current = nxt


def _legacy(
    machine: PickleMachine,
    first: PickleReport,
    blob: Blob,
    location: Location,
    ctx: ScanContext,
    facts: ArtefactReport,
    reports: list[PickleReport],
) -> None:
    current = first
    # protocol version, system info, the data itself, the storage keys
    for _ in range(4):
        if not current.complete or current.end is None:
            return
        current = machine.run(current.end)
        reports.append(current)
        ctx.judge(current)
    if current.complete and current.end is not None:
        data_pickle = reports[-2]
        check_legacy_storages(blob, current.end, data_pickle, current, facts, location)
