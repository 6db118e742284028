"""Governance reports from the store: gather one AI system's records (inventory entry,
classification, measurements of its linked runs, risks, evidence, incidents, approvals)
into the plain inputs of :mod:`aisec.governance.reports` and build the document.

What the store does not hold stays empty, so the builders print their to-complete
markers instead of anything invented."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from aisec.core.errors import UsageError
from aisec.services.governance_risks import (
    classification_of,
    linked_measurements,
    open_findings,
    system_named,
)

if TYPE_CHECKING:
    from aisec.governance.reports import ReportDocument, SystemInfo
    from aisec.store.records import SystemAsset
    from aisec.store.store import Store

Record = dict[str, Any]
REPORT_KINDS = ("annex-iv", "fria", "dpia", "model-card", "soa", "posture")


class _Gathered:
    """The records every report draws on, read once."""

    def __init__(self, store: Store, system: SystemAsset, today: date) -> None:
        from aisec.governance.reports import SystemInfo

        self.store, self.system, self.today = store, system, today
        name = system.name
        stored, _ = classification_of(store, name)
        self.classification: Record | None = dict(stored.result) if stored else None
        self.measurements = [m.to_dict() for m in linked_measurements(store, name)]
        self.risks = [r.to_dict() for r in store.risks.list(name)]
        self.evidence = store.evidence.list(name)
        self.incidents = store.incidents.list(name)
        self.approvals = store.approvals.list(name)
        # The inventory does not name the provider or deployer: the owner is only that.
        self.info: SystemInfo = SystemInfo(
            name=name, owner=system.owner, intended_purpose=system.intended_purpose
        )

    def human_oversight(self) -> str:
        """Approval decisions (Art. 14) in words, latest first; "" when there are none."""
        lines = [
            f"{a.scope}: {a.decision} by {a.approver} on {a.decided_at.date().isoformat()}"
            + (f" until {a.expires_on.isoformat()}" if a.expires_on else "")
            + (f" ({a.justification})" if a.justification else "")
            for a in sorted(self.approvals, key=lambda a: a.decided_at, reverse=True)
        ]
        return "\n".join(lines)

    def components(self) -> list[Record]:
        from aisec.store.records import DatasetAsset, ModelAsset

        out: list[Record] = []
        for model_id in self.system.model_ids:
            model = self.store.inventory.get(ModelAsset, model_id)
            if model is not None:
                out.append(_model_record(model) | {"kind": "model"})
        for dataset_id in self.system.dataset_ids:
            data = self.store.inventory.get(DatasetAsset, dataset_id)
            if data is not None:
                out.append({"kind": "dataset", "name": data.name, "source": data.source,
                            "licence": data.licence, "digest": _digest(data.digests)})  # fmt: skip
        return out


def _digest(digests: Any) -> str:
    return ", ".join(f"{k}:{v}" for k, v in sorted(dict(digests).items()))


def _model_record(model: Any) -> Record:
    return {"name": model.name, "version": model.version, "format": model.format,
            "digest": _digest(model.digests), "licence": model.licence,
            "source": model.source_uri}  # fmt: skip


def _annex_iv(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import AnnexIVInput, annex_iv

    return annex_iv(AnnexIVInput(
        system=g.info, classification=g.classification, components=g.components(),
        measurements=g.measurements, risks=g.risks, human_oversight=g.human_oversight(),
    ))  # fmt: skip


def _fria(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import FriaInput, fria

    return fria(
        FriaInput(
            system=g.info,
            classification=g.classification,
            risks=g.risks,
            measurements=g.measurements,
            human_oversight=g.human_oversight(),
        )
    )


def _dpia(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import DpiaInput, dpia

    return dpia(DpiaInput(system=g.info, classification=g.classification, risks=g.risks,
                          measurements=g.measurements))  # fmt: skip


def _model_card(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import ModelCardInput, model_card

    models = [c for c in g.components() if c["kind"] == "model"]
    # No model in the inventory: the card names the system and leaves the rest to complete.
    model = {k: v for k, v in models[0].items() if k != "kind"} if models else {"name": g.info.name}
    data = [c for c in g.components() if c["kind"] == "dataset"]
    return model_card(ModelCardInput(model=model, intended_use=g.info.intended_purpose,
                                     training_data=data, measurements=g.measurements,
                                     risks=g.risks))  # fmt: skip


def _soa(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import statement_of_applicability

    # Current evidence citing an ISO/IEC 42001 control shows it applied; the rest of the
    # decisions are the organisation's to make, so they stay "not yet assessed".
    controls: dict[str, list[str]] = {}
    for e in g.evidence:
        if e.expired(g.today):
            continue
        for ref in e.refs:
            if ref.startswith("ISO42001:"):
                controls.setdefault(ref, []).append(e.title)
    entries = [{"control": ref, "applicable": True, "evidence": "; ".join(titles)}
               for ref, titles in controls.items()]  # fmt: skip
    # The decisions come from this system's evidence only: the subject says so.
    subject = f"AI system {g.info.name}" + (f" ({g.info.owner})" if g.info.owner else "")
    return statement_of_applicability(entries, organisation=subject)


def _posture(g: _Gathered) -> ReportDocument:
    from aisec.governance.reports import PostureInput, posture_summary
    from aisec.services.governance_coverage import posture_rows

    tiers = (g.classification or {}).get("tiers") or []
    counts = Counter(f.severity.label for f in open_findings(g.store, g.info.name))
    evidence = [{"name": e.title, "system": e.system_name, "expires": e.valid_until.isoformat()}
                for e in g.evidence if e.valid_until is not None]  # fmt: skip
    incidents = [{"id": i.id, "title": i.title, "system": i.system_name,
                  "due": i.deadline.isoformat(), "status": i.status}
                 for i in g.incidents if i.status != "closed"]  # fmt: skip
    return posture_summary(PostureInput(
        as_of=g.today.isoformat(), systems=[{"name": g.info.name, "tiers": list(tiers)}],
        findings_by_severity=dict(counts), risks=g.risks, evidence=evidence,
        incidents=incidents, coverage=posture_rows(g.store, g.info.name, g.today),
    ))  # fmt: skip


_BUILDERS: dict[str, Callable[[_Gathered], ReportDocument]] = {
    "annex-iv": _annex_iv, "fria": _fria, "dpia": _dpia, "model-card": _model_card,
    "soa": _soa, "posture": _posture,
}  # fmt: skip


def build_report(
    store: Store, kind: str, system: str, *, today: date | None = None
) -> ReportDocument:
    """The ``kind`` report (one of REPORT_KINDS) about ``system`` from the store."""
    if kind not in _BUILDERS:
        raise UsageError(f"report {kind!r}: one of {', '.join(REPORT_KINDS)}")
    gathered = _Gathered(store, system_named(store, system), today or date.today())
    return _BUILDERS[kind](gathered)


def render(doc: ReportDocument, fmt: str) -> bytes:
    """``doc`` as HTML or PDF bytes; PDF needs the ``pdf`` extra (a ConfigError says so)."""
    from aisec.governance.reports import to_html, to_pdf

    if fmt == "html":
        return to_html(doc).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(doc)
    raise UsageError(f"--format {fmt!r}: html or pdf")
