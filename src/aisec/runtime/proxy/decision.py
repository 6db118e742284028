"""From detector verdicts to one action per request.

Each detector has the action its configuration gives it; when several fire, the most
severe wins (block > throttle > redact > tag > alert > log). Every fired verdict is kept
for the audit record, and every one whose action is alert or stronger is an alert: a
block that nobody hears about is a silent outage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aisec.runtime.config import ACTION_ORDER
from aisec.runtime.observation import Verdict

if TYPE_CHECKING:
    from aisec.runtime.detectors.base import Detector
    from aisec.runtime.observation import Observation

ALLOW = "allow"


@dataclass
class Decision:
    action: str = ALLOW
    verdicts: list[Verdict] = field(default_factory=list)  # every verdict given
    fired: list[tuple[Verdict, str]] = field(default_factory=list)  # (verdict, its action)
    errors: list[str] = field(default_factory=list)  # detectors that raised

    @property
    def alerts(self) -> list[tuple[Verdict, str]]:
        return [(v, a) for v, a in self.fired if ACTION_ORDER[a] >= ACTION_ORDER["alert"]]

    @property
    def tags(self) -> list[str]:
        return [v.detector for v, a in self.fired if ACTION_ORDER[a] >= ACTION_ORDER["tag"]]

    def add(self, verdict: Verdict, action: str) -> None:
        self.verdicts.append(verdict)
        if not verdict.fired:
            return
        self.fired.append((verdict, action))
        if self.action == ALLOW or ACTION_ORDER[action] > ACTION_ORDER[self.action]:
            self.action = action

    def scores(self) -> dict[str, float]:
        return {v.detector: round(float(v.score), 6) for v in self.verdicts}


def judge(
    detectors: Sequence[Detector],
    actions: Mapping[str, str],
    observation: Observation,
    decision: Decision,
    *,
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Run ``detectors`` on ``observation``, adding to ``decision``. A detector that raises
    is recorded in ``decision.errors`` (the caller applies the model's fail policy)."""
    for detector in detectors:
        try:
            verdict = detector.observe(observation)
        except Exception as exc:
            decision.errors.append(f"{detector.name}: {type(exc).__name__}: {exc}"[:300])
            if on_error is not None:
                on_error(detector.name)
            continue
        if verdict is not None:
            decision.add(verdict, actions.get(detector.name, "alert"))
