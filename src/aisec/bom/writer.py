"""Writing a :class:`BomContent` as a CycloneDX 1.6 JSON document with cyclonedx-python-lib.

The library models components, services, suppliers, hashes, licences, dependencies and
vulnerabilities, but not yet a component's ``modelCard`` or ``data`` (1.5+), so those two
are added to the library's JSON output by bom-ref, and the finished document is validated
as a whole (docs/adr/0013). Every step is deterministic: the same content gives the same
bytes, and the serial number is a UUIDv5 of the document itself.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from aisec import __version__
from aisec.bom import cdx_parts as parts
from aisec.bom.content import NAMESPACE, BomContent, BomFinding, bom_ref
from aisec.bom.validate import check_document

SPEC_VERSION = "1.6"
_PLACEHOLDER = uuid.UUID(int=0)


def write_bom(
    content: BomContent, *, timestamp: datetime | None = None, validate: bool = True
) -> str:
    """The CycloneDX 1.6 JSON of ``content``. Without ``timestamp`` the document has none,
    which keeps it reproducible. With ``validate`` the document is checked against the 1.6
    schema when the validator is installed (InvalidBom if it fails: a bug in aisec)."""
    document = _library_document(content, timestamp)
    _add_model_cards(document, content)
    _add_dataset_details(document, content)
    if timestamp is None:
        document.get("metadata", {}).pop("timestamp", None)
    document["serialNumber"] = f"urn:uuid:{_serial(document)}"
    text = _dumps(_ordered(document))
    if validate:
        check_document(text, SPEC_VERSION)
    return text


def _library_document(content: BomContent, timestamp: datetime | None) -> dict[str, Any]:
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.tool import ToolRepository
    from cyclonedx.output.json import JsonV1Dot6

    root = parts.system_component(content.root)
    tool = parts.tool_component("aisec", __version__)
    metadata = BomMetaData(
        component=root,
        tools=ToolRepository(components=[tool]),
        timestamp=timestamp,
    )
    bom = Bom(serial_number=_PLACEHOLDER, metadata=metadata)
    components: dict[str, Any] = {}
    for model in content.models:
        ref = bom_ref(model)
        vendor_name = content.supplied_by.get(ref)
        vendor = content.vendor(vendor_name) if vendor_name else None
        components[ref] = parts.model_component(model, vendor)
    for dataset in content.datasets:
        components[bom_ref(dataset)] = parts.dataset_component(dataset)
    for library in content.libraries:
        components[bom_ref(library)] = parts.library_component(library)
    services = {bom_ref(e): parts.endpoint_service(e) for e in content.endpoints}
    bom.components.update(components.values())
    bom.services.update(services.values())
    known = {**components, **services}
    bom.register_dependency(root, [known[r] for r in content.uses if r in known])
    for model_ref, dataset_refs in content.trained_on.items():
        if model_ref in components:
            trained = [components[r] for r in dataset_refs if r in components]
            bom.register_dependency(components[model_ref], trained)
    bom.vulnerabilities.update(_vulnerabilities(content, set(components)))
    output = JsonV1Dot6(bom).output_as_string()
    document: dict[str, Any] = json.loads(output)
    return document


def _vulnerabilities(content: BomContent, refs: set[str]) -> list[Any]:
    # One entry per finding, affecting every model it was found at.
    by_fingerprint: dict[str, tuple[BomFinding, list[str]]] = {}
    for model_ref, findings in content.findings.items():
        if model_ref not in refs:
            continue
        for finding in findings:
            key = finding.fingerprint or f"{finding.check_id}@{finding.location}"
            by_fingerprint.setdefault(key, (finding, []))[1].append(model_ref)
    return [parts.vulnerability(f, affected) for f, affected in by_fingerprint.values()]


def _by_ref(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for component in document.get("components", []):
        if isinstance(component, dict) and isinstance(component.get("bom-ref"), str):
            out[component["bom-ref"]] = component
    return out


def _add_model_cards(document: dict[str, Any], content: BomContent) -> None:
    components = _by_ref(document)
    for model in content.models:
        ref = bom_ref(model)
        if ref in components:
            components[ref]["modelCard"] = parts.model_card(model, content.trained_on.get(ref, []))


def _add_dataset_details(document: dict[str, Any], content: BomContent) -> None:
    components = _by_ref(document)
    for dataset in content.datasets:
        ref = bom_ref(dataset)
        if ref in components:
            components[ref]["data"] = [parts.dataset_data(dataset)]


def _dumps(document: dict[str, Any]) -> str:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a file name that is not UTF-8) cannot be written as UTF-8;
        # JSON's \u escapes can hold it.
        return json.dumps(document, indent=2) + "\n"
    return text


_HEAD = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    # The header first, as people read a BOM; the library writes it last.
    head = {k: document[k] for k in _HEAD if k in document}
    return {**head, **{k: v for k, v in document.items() if k not in head}}


def _serial(document: dict[str, Any]) -> uuid.UUID:
    # Over the document without its serial number and timestamp: two exports of the same
    # inventory are the same BOM, whatever store they came from and whenever.
    body = {k: v for k, v in document.items() if k != "serialNumber"}
    metadata = {k: v for k, v in body.get("metadata", {}).items() if k != "timestamp"}
    body["metadata"] = metadata
    return uuid.uuid5(NAMESPACE, json.dumps(body, sort_keys=True))  # ASCII: no surrogates
