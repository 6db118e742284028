"""Policy gates and governance reports: check a gate policy, judge a system against one
(``aisec gate``, evaluated and returned, never recorded: it changes nothing), and render
a system's governance report (``aisec govern report``) as HTML.

The policy comes in the request, as YAML text or as the same mapping in JSON; YAML goes
through the reader ``aisec gate --policy`` uses (size-capped, no aliases, depth-limited)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from aisec.core.errors import ConfigError
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.governance_systems import BAD, utc_today
from aisec.server.api.models_common import ERRORS, NOT_FOUND
from aisec.server.api.models_governance import (
    GateIn,
    GateResultOut,
    PolicyConditionOut,
    PolicyIn,
    PolicyOut,
)

if TYPE_CHECKING:
    from aisec.governance.gates.policy import Policy

router = APIRouter(tags=["gates"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
SOURCE = "<request>"
# An HTML route documents the bodies of its responses as HTML, errors included, unless
# their content is given: the errors stay the JSON envelope.
_ENVELOPE: dict[str, object] = {
    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
}
HTML: dict[int | str, dict[str, object]] = {
    code: {"description": answer["description"], "content": _ENVELOPE}
    for code, answer in (ERRORS | NOT_FOUND).items()
} | {200: {"content": {"text/html": {}}, "description": "the report, a whole HTML document"}}
ReportKind = Literal["annex-iv", "fria", "dpia", "model-card", "soa", "posture"]


def parse_policy(raw: str | dict[str, Any]) -> Policy:
    """The policy of a request body; a PolicyError (400) names what is wrong in it."""
    from aisec.assurance.plans.yaml_file import read_yaml
    from aisec.governance.gates.policy import PolicyError, policy_from_mapping

    if isinstance(raw, dict):
        return policy_from_mapping(raw, source=SOURCE)
    # The gate's reader takes a file: the text goes through it as one, so that a policy
    # sent here is held to exactly the limits of one read by `aisec gate --policy`.
    with tempfile.TemporaryDirectory(prefix="aisec-policy-") as folder:
        path = Path(folder) / "policy.yaml"
        path.write_text(raw, encoding="utf-8", errors="surrogatepass")
        try:
            data = read_yaml(path, "policy")
        except ConfigError as exc:  # without the temporary path, which is no one's business
            raise PolicyError(SOURCE, exc.message.replace(f" {path}", "")) from None
    return policy_from_mapping(data, source=SOURCE)


@router.post("/gates/policy/check", response_model=PolicyOut, responses=BAD)
def check_policy(body: PolicyIn, _: Reader) -> PolicyOut:
    """Read a gate policy and return it as aisec understands it (conditions with their
    parameters normalised); a mistake is a 400 naming its place. Changes nothing."""
    policy = parse_policy(body.policy)
    conditions = [
        PolicyConditionOut(id=c.id, type=c.type, description=c.description, severity=c.severity,
                           when_tier=list(c.when_tier), refs=list(c.refs), params=dict(c.params))
        for c in policy.conditions
    ]  # fmt: skip
    return PolicyOut(name=policy.name, description=policy.description,
                     applies_to=list(policy.applies_to), conditions=conditions)  # fmt: skip


@router.post("/systems/{ref}/gate", response_model=GateResultOut, responses=NOT_FOUND | BAD)
def gate(ref: str, body: GateIn, request: Request, _: Reader) -> GateResultOut:
    """Judge the system against the policy on what the store holds, as ``aisec gate``:
    each condition passed, failed or not applicable, and the verdict (``passed``,
    ``exit_code`` as the command's). Evaluated only: nothing is recorded."""
    from aisec.services.gating import run_gate
    from aisec.services.governance_risks import system_named

    policy = parse_policy(body.policy)  # a bad policy is reported before the store is read
    store = store_of(request)
    system = system_named(store, ref)
    # An instant by default (a deadline an hour past has passed), else the end of the day.
    moment = body.today if body.today is not None else datetime.now(UTC)
    result = run_gate(store, policy, system.name, moment)
    return GateResultOut.model_validate(result.to_dict())


@router.get(
    "/systems/{ref}/reports/{kind}",
    response_class=HTMLResponse,
    responses=HTML,
)
def report(ref: str, kind: ReportKind, request: Request, _: Reader) -> HTMLResponse:
    """A governance report of the system from what the store holds (Annex IV technical
    documentation, FRIA, DPIA, model card, ISO/IEC 42001 statement of applicability or
    posture summary), as ``aisec govern report``; what the store lacks is marked to
    complete, never invented."""
    from aisec.services.governance_reports import build_report, render

    doc = build_report(store_of(request), kind, ref, today=utc_today())
    return HTMLResponse(render(doc, "html").decode("utf-8"))
