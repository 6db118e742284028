"""Gathering what a BOM lists: from the store for a system, from a discovery report for a
path. Both take plain records and repository protocols; neither writes anything."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from aisec.bom.content import BomContent, BomFinding, bom_ref
from aisec.store.component_records import ComponentRecord
from aisec.store.records import (
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    SystemAsset,
    VendorAsset,
)

if TYPE_CHECKING:
    from aisec.core.finding import Finding
    from aisec.discovery.items import DiscoveryReport
    from aisec.store.component_records import ComponentRepository
    from aisec.store.repositories import InventoryRepository
    from aisec.store.tracking import StoredFinding


def content_of_system(
    inventory: InventoryRepository,
    system: SystemAsset,
    open_findings: Iterable[StoredFinding] = (),
    components: ComponentRepository | None = None,
) -> BomContent:
    """The system, the models, datasets and endpoints it uses, the datasets its models
    were trained on, their vendors, the dependencies linked to it (when ``components``
    is given), and the open findings located at each model's files."""
    content = BomContent(root=system)
    for model_id in system.model_ids:
        model = inventory.get(ModelAsset, model_id)
        if model is not None:
            _add_model(inventory, content, model)
            content.uses.append(bom_ref(model))
    for dataset_id in system.dataset_ids:
        dataset = inventory.get(DatasetAsset, dataset_id)
        if dataset is not None:
            _add_dataset(content, dataset)
            content.uses.append(bom_ref(dataset))
    for endpoint_id in system.endpoint_ids:
        endpoint = inventory.get(EndpointAsset, endpoint_id)
        if endpoint is not None:
            content.endpoints.append(endpoint)
            content.uses.append(bom_ref(endpoint))
    if components is not None and system.id is not None:
        for library in components.related(system, category="dependency"):
            content.libraries.append(library)
            content.uses.append(bom_ref(library))
    stored = list(open_findings)
    for model in content.models:
        places = [p.path for p in model.discovered_at]
        found = [_stored(f) for f in stored if _located_at(f.path, places)]
        if found:
            content.findings[bom_ref(model)] = found
    return content


def _add_model(inventory: InventoryRepository, content: BomContent, model: ModelAsset) -> None:
    content.models.append(model)
    ref = bom_ref(model)
    for dataset_id in model.dataset_ids:
        dataset = inventory.get(DatasetAsset, dataset_id)
        if dataset is not None:
            _add_dataset(content, dataset)
            content.trained_on.setdefault(ref, []).append(bom_ref(dataset))
    if model.vendor_id is not None:
        vendor = inventory.get(VendorAsset, model.vendor_id)
        if vendor is not None:
            if content.vendor(vendor.name) is None:
                content.vendors.append(vendor)
            content.supplied_by[ref] = vendor.name


def _add_dataset(content: BomContent, dataset: DatasetAsset) -> None:
    if all(d.name != dataset.name for d in content.datasets):
        content.datasets.append(dataset)


def _located_at(path: str, places: list[str]) -> bool:
    """Whether a finding's path is one of a model's places. Places are relative to the
    walked root and findings' paths to the working directory, so a place matches as a
    whole-segment suffix (``repo/models/a.pkl`` is at ``models/a.pkl``)."""
    path = path.replace(os.sep, "/")
    return any(p and (path == p or path.endswith("/" + p)) for p in places)


def _stored(finding: StoredFinding) -> BomFinding:
    return BomFinding(
        fingerprint=finding.fingerprint,
        check_id=finding.check_id,
        severity=finding.severity,
        title=finding.title,
        message=finding.message,
        location=finding.location,
        remediation=finding.remediation,
        refs=tuple(finding.refs),
    )


def content_of_report(report: DiscoveryReport, name: str | None = None) -> BomContent:
    """The BOM of a walked path: its models, datasets and dependencies, with the open
    findings of the walk's model scan. The subject is a system named after the path
    (or ``name``) that uses every model and dataset found; nothing is stored."""
    root_name = name or os.path.basename(os.path.abspath(report.root)) or "root"
    content = BomContent(root=SystemAsset(name=root_name))
    for item in report.items:
        places = tuple(item.places)
        digests = _digests(item.details.get("sha256"))
        if item.kind == "model":
            model = ModelAsset(
                name=item.name,
                format=str(item.details.get("format", "")),
                framework=str(item.details.get("framework", "")),
                digests=digests,
                discovered_at=places,
            )
            content.models.append(model)
            content.uses.append(bom_ref(model))
        elif item.kind == "dataset":
            dataset = DatasetAsset(
                name=item.name,
                source=str(item.details.get("format", "")),
                digests=digests,
                discovered_at=places,
            )
            content.datasets.append(dataset)
            content.uses.append(bom_ref(dataset))
        elif item.kind == "dependency":
            library = ComponentRecord(
                category="dependency",
                ecosystem=item.ecosystem,
                name=item.name,
                version=item.version,
                discovered_at=places,
            )
            content.libraries.append(library)
            content.uses.append(bom_ref(library))
    for model in content.models:
        paths = [p.path for p in model.discovered_at]
        found = [
            _scanned(f) for f in report.run.open_findings if _located_at(f.location.path, paths)
        ]
        if found:
            content.findings[bom_ref(model)] = found
    return content


def _digests(sha256: object) -> dict[str, str]:
    return {"sha256": sha256} if isinstance(sha256, str) else {}


def _scanned(finding: Finding) -> BomFinding:
    return BomFinding(
        fingerprint=finding.fingerprint,
        check_id=finding.check_id,
        severity=finding.severity,
        title=finding.title,
        message=finding.message,
        location=finding.location.display(),
        remediation=finding.remediation,
        refs=tuple(finding.refs),
    )
