"""``aisec gateway replay``: the gateway's detectors run offline over recorded traffic, to
tune thresholds before they block anyone and to measure them on known attacks.

Traffic is JSON lines, one request each::

    {"model": "tumour", "client": "k1", "at": 1764331200.5,
     "request": {...the body sent...}, "response": {...the model's answer...},
     "label": "attack"}

``response`` is optional (the output detectors then see nothing); ``label`` too: with it,
the report counts, per label, the requests on which any detector fired (false alarms on
"benign"), and per client the queries until its first alarm (the detection delay).
Detectors start from empty state, as in a freshly started gateway.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisec.core.errors import InputError
from aisec.runtime.observation import Observation
from aisec.runtime.protocols.tabular import ProtocolError
from aisec.runtime.proxy.decision import Decision, judge
from aisec.runtime.proxy.guard import ModelGuard
from aisec.runtime.proxy.reading import read_answer, read_request

MAX_LINE = 16 << 20


@dataclass
class DetectorTally:
    fired: int = 0
    first_line: int | None = None
    by_label: Counter[str] = field(default_factory=Counter)


@dataclass
class ReplayReport:
    requests: int = 0
    unreadable: int = 0
    detectors: dict[str, DetectorTally] = field(default_factory=lambda: defaultdict(DetectorTally))
    requests_by_label: Counter[str] = field(default_factory=Counter)
    alarmed_by_label: Counter[str] = field(default_factory=Counter)  # any detector fired
    actions: Counter[str] = field(default_factory=Counter)
    # client -> (queries seen, query number of its first alarm or None)
    clients: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "unreadable": self.unreadable,
            "actions": dict(self.actions),
            "requests_by_label": dict(self.requests_by_label),
            "alarmed_by_label": dict(self.alarmed_by_label),
            "detectors": {
                name: {"fired": t.fired, "first_line": t.first_line, "by_label": dict(t.by_label)}
                for name, t in sorted(self.detectors.items())
            },
            "clients": {
                name: {"queries": seen, "first_alarm_at_query": first}
                for name, (seen, first) in sorted(self.clients.items())
            },
            "errors": self.errors[:100],
        }


def read_traffic(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for every line; InputError for a line that is not a JSON
    object, naming it (a silently skipped line would change the measured delays)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the traffic file {path}: {exc.strerror or exc}") from None
    with handle:
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), b""), 1):
            if len(raw) > MAX_LINE:
                raise InputError(f"{path}:{number}: a line longer than {MAX_LINE} bytes")
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError):
                raise InputError(f"{path}:{number}: not a JSON object") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: not a JSON object")
            yield number, record


def replay(
    guards: dict[str, ModelGuard], traffic: Iterable[tuple[int, dict[str, Any]]]
) -> ReplayReport:
    report = ReplayReport()
    for number, record in traffic:
        guard = guards.get(str(record.get("model", "")))
        if guard is None and len(guards) == 1 and "model" not in record:
            guard = next(iter(guards.values()))
        if guard is None:
            raise InputError(
                f"line {number}: no model {record.get('model')!r} in the configuration"
            )
        _one(guard, number, record, report)
    return report


def _one(guard: ModelGuard, number: int, record: dict[str, Any], report: ReplayReport) -> None:
    client = str(record.get("client", "anonymous"))
    label = record.get("label")
    at = record.get("at")
    at = float(at) if isinstance(at, int | float) else float(number)
    report.requests += 1
    seen = report.clients.setdefault(client, [0, None])
    seen[0] += 1
    if isinstance(label, str):
        report.requests_by_label[label] += 1
    try:
        request = read_request(guard, record.get("request"))
    except ProtocolError:
        report.unreadable += 1
        return
    decision = Decision()
    model = guard.config.name
    observation = Observation(model, client, at, features=request.rows, text_in=request.text)
    judge(guard.input_detectors, guard.actions, observation, decision)
    if "response" in record and decision.action != "block":
        answer = read_answer(guard, request, json.dumps(record["response"]).encode())
        observation = Observation(
            model, client, at, features=request.rows, predictions=answer.predictions,
            probabilities=answer.probabilities, text_in=request.text, text_out=answer.text,
        )  # fmt: skip
        judge(guard.output_detectors, guard.actions, observation, decision)
    report.actions[decision.action] += 1
    report.errors.extend(f"line {number}: {e}" for e in decision.errors)
    for verdict, _ in decision.fired:
        tally = report.detectors[verdict.detector]
        tally.fired += 1
        tally.first_line = tally.first_line or number
        if isinstance(label, str):
            tally.by_label[label] += 1
    if decision.fired:
        if isinstance(label, str):
            report.alarmed_by_label[label] += 1
        if seen[1] is None:
            seen[1] = seen[0]
