"""One CycloneDX object per inventory record, built with cyclonedx-python-lib; plus the
model card and dataset details the library cannot model yet, as plain JSON.

Imported only by :mod:`aisec.bom.writer`, which is imported only to write a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.exception.model import InvalidUriException
from cyclonedx.model import HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.service import Service
from cyclonedx.model.vulnerability import (
    BomTarget,
    Vulnerability,
    VulnerabilityRating,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from packageurl import PackageURL

from aisec.bom import props
from aisec.bom.content import BomFinding, bom_ref
from aisec.core.severity import Severity
from aisec.store.component_records import ComponentRecord
from aisec.store.records import (
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    Place,
    SystemAsset,
    VendorAsset,
)

# The store's digest names (hashlib's) and CycloneDX's algorithms.
HASH_ALGORITHMS: dict[str, HashAlgorithm] = {
    "md5": HashAlgorithm.MD5,
    "sha1": HashAlgorithm.SHA_1,
    "sha256": HashAlgorithm.SHA_256,
    "sha384": HashAlgorithm.SHA_384,
    "sha512": HashAlgorithm.SHA_512,
    "sha3_256": HashAlgorithm.SHA3_256,
    "sha3_384": HashAlgorithm.SHA3_384,
    "sha3_512": HashAlgorithm.SHA3_512,
    "blake2b": HashAlgorithm.BLAKE2B_512,
}
# The lengths CycloneDX's hashContent pattern admits; anything else stays a property.
_HEX = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128}"
)
_PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+!_-]*")
_PURL_TYPES = {"pypi": "pypi", "conda": "conda"}
_SEVERITIES = {
    Severity.CRITICAL: VulnerabilitySeverity.CRITICAL,
    Severity.HIGH: VulnerabilitySeverity.HIGH,
    Severity.MEDIUM: VulnerabilitySeverity.MEDIUM,
    Severity.LOW: VulnerabilitySeverity.LOW,
    Severity.INFO: VulnerabilitySeverity.INFO,
}


def _properties(pairs: Iterable[tuple[str, str]]) -> list[Property]:
    return [Property(name=name, value=value) for name, value in pairs if value]


def _places(places: Iterable[Place]) -> list[tuple[str, str]]:
    return [
        (props.DISCOVERED_AT, p.path if p.line is None else f"{p.path}:{p.line}") for p in places
    ]


def _hashes(digests: Mapping[str, str]) -> tuple[list[HashType], list[tuple[str, str]]]:
    hashes, rest = [], []
    for name, value in sorted(digests.items()):
        algorithm = HASH_ALGORITHMS.get(name.lower().replace("-", ""))
        if algorithm is not None and _HEX.fullmatch(value):
            hashes.append(HashType(alg=algorithm, content=value.lower()))
        else:
            rest.append((props.DIGEST, f"{name}:{value}"))
    return hashes, rest


def _licences(licence: str) -> list[Any]:
    return [LicenseFactory().make_from_string(licence)] if licence.strip() else []


def _uri(text: str) -> XsUri | None:
    try:
        return XsUri(text) if text else None
    except InvalidUriException:
        return None


def tool_component(name: str, version: str) -> Component:
    return Component(type=ComponentType.APPLICATION, name=name, version=version)


def system_component(system: SystemAsset) -> Component:
    pairs = [(props.KIND, "system")]
    pairs += [(prop, str(getattr(system, name))) for name, prop in props.SYSTEM_FIELDS]
    pairs += [(props.GEOGRAPHY, g) for g in system.geography]
    pairs += _places(system.discovered_at)
    return Component(
        type=ComponentType.APPLICATION,
        name=system.name,
        bom_ref=bom_ref(system),
        description=system.intended_purpose or None,
        properties=_properties(pairs),
    )


def supplier(vendor: VendorAsset) -> OrganizationalEntity:
    url = _uri(vendor.website)
    contact = [OrganizationalContact(name=vendor.contact)] if vendor.contact else []
    return OrganizationalEntity(name=vendor.name, urls=[url] if url else [], contacts=contact)


def model_component(model: ModelAsset, vendor: VendorAsset | None) -> Component:
    hashes, rest = _hashes(model.digests)
    pairs = [(props.SOURCE_URI, model.source_uri), *rest, *_places(model.discovered_at)]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=model.name,
        version=model.version or None,
        bom_ref=bom_ref(model),
        supplier=supplier(vendor) if vendor is not None else None,
        hashes=hashes,
        licenses=_licences(model.licence),
        properties=_properties(pairs),
    )


def model_card(model: ModelAsset, dataset_refs: list[str]) -> dict[str, Any]:
    """CycloneDX's modelCard: the datasets it was trained on by reference, and framework
    and format (the schema's model parameters have no field for them) as properties."""
    card: dict[str, Any] = {}
    if dataset_refs:
        card["modelParameters"] = {"datasets": [{"ref": r} for r in dataset_refs]}
    pairs = [(props.FRAMEWORK, model.framework), (props.FORMAT, model.format)]
    card_properties = [{"name": n, "value": v} for n, v in pairs if v]
    if card_properties:
        card["properties"] = card_properties
    return card


def dataset_component(dataset: DatasetAsset) -> Component:
    hashes, rest = _hashes(dataset.digests)
    personal = dataset.contains_personal_data
    pairs = [
        (props.SOURCE, dataset.source),
        (props.PERSONAL_DATA, "" if personal is None else str(personal).lower()),
        *rest,
        *_places(dataset.discovered_at),
    ]
    return Component(
        type=ComponentType.DATA,
        name=dataset.name,
        bom_ref=bom_ref(dataset),
        hashes=hashes,
        licenses=_licences(dataset.licence),
        properties=_properties(pairs),
    )


def dataset_data(dataset: DatasetAsset) -> dict[str, Any]:
    """The component's ``data`` entry: a dataset, its classification (the sensitivity) and
    whether it holds personal data."""
    data: dict[str, Any] = {"type": "dataset", "name": dataset.name}
    if dataset.sensitivity:
        data["classification"] = dataset.sensitivity
    if dataset.contains_personal_data:
        data["sensitiveData"] = ["personal data"]
    return data


def library_component(library: ComponentRecord) -> Component:
    pinned = bool(_PINNED.fullmatch(library.version))
    purl_type = _PURL_TYPES.get(library.ecosystem)
    purl = None
    if purl_type is not None:
        purl = PackageURL(type=purl_type, name=library.name, version=library.version or None)
        if not pinned:
            purl = PackageURL(type=purl_type, name=library.name)
    pairs = [(props.ECOSYSTEM, library.ecosystem)]
    if library.version and not pinned:
        pairs.append((props.VERSION_SPEC, library.version))
    return Component(
        type=ComponentType.LIBRARY,
        name=library.name,
        version=library.version if pinned else None,
        bom_ref=bom_ref(library),
        purl=purl,
        properties=_properties([*pairs, *_places(library.discovered_at)]),
    )


def endpoint_service(endpoint: EndpointAsset) -> Service:
    url = _uri(endpoint.url)
    pairs = [(props.URL, endpoint.url), (props.AUTHENTICATION, endpoint.authentication)]
    authenticated = None
    if endpoint.authentication:
        authenticated = endpoint.authentication != "none"
    return Service(
        name=endpoint.name or endpoint.url,
        bom_ref=bom_ref(endpoint),
        endpoints=[url] if url else [],
        authenticated=authenticated,
        properties=_properties([*pairs, *_places(endpoint.discovered_at)]),
    )


def vulnerability(finding: BomFinding, affected: list[str]) -> Vulnerability:
    source = VulnerabilitySource(name="aisec")
    key = finding.fingerprint or f"{finding.check_id}@{finding.location}"
    pairs = [(props.FINGERPRINT, finding.fingerprint), (props.LOCATION, finding.location)]
    pairs += [(props.REF, r) for r in finding.refs]
    return Vulnerability(
        bom_ref=f"finding-{key}",
        id=finding.check_id,
        source=source,
        ratings=[VulnerabilityRating(source=source, severity=_SEVERITIES[finding.severity])],
        description=finding.title or None,
        detail=finding.message or None,
        recommendation=finding.remediation or None,
        affects=[BomTarget(ref=r) for r in affected],
        properties=_properties(pairs),
    )
