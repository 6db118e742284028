"""Reading a CycloneDX JSON document (1.5 or 1.6) into a :class:`BomContent`.

The document is untrusted: it is parsed within bounds, checked against its schema with the
library's validator when that is installed, and then read field by field with every type
checked again (the validator may be absent), so that anything unexpected is an
:class:`InvalidBom` naming where, never a crash. aisec's own findings
(``vulnerabilities`` whose source is aisec, about a model the document lists) are read
back as the open findings of those models; the import records them as a run
(docs/adr/0013). Other tools' vulnerabilities are not aisec's findings and are skipped.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from aisec.bom import bounds, props
from aisec.bom.content import NAMESPACE, BomContent, BomFinding, bom_ref
from aisec.bom.fields import (
    as_list,
    as_object,
    as_text,
    fit,
    places,
    properties,
    record,
    values,
)
from aisec.bom.validate import InvalidBom, schema_errors, validator_available
from aisec.core.severity import Severity
from aisec.store.component_records import ComponentRecord
from aisec.store.records import DatasetAsset, EndpointAsset, ModelAsset, SystemAsset, VendorAsset

SUPPORTED = ("1.5", "1.6")
# The store's column widths where they are not 200 (deployment context is free text).
_LIMITS = {"deployment_context": bounds.MAX_BYTES}
_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "SHA3-256": "sha3_256",
    "SHA3-384": "sha3_384",
    "SHA3-512": "sha3_512",
    "BLAKE2b-512": "blake2b",
}
_SEVERITIES = {s.label: s for s in Severity}
# What aisec writes as a check id and a fingerprint (within the store's 200 and 64).
_CHECK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}")
_FINGERPRINT = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def read_bom(data: bytes | str, *, what: str = "the document") -> BomContent:
    """The content of a CycloneDX JSON document; InvalidBom (exit 2) for anything that
    is not one, or not a version aisec reads."""
    document = as_object(bounds.parse(data, what), what)
    if document.get("bomFormat") != "CycloneDX":
        raise InvalidBom(f"{what} is not a CycloneDX BOM (no bomFormat CycloneDX)")
    version = document.get("specVersion")
    if version not in SUPPORTED:
        raise InvalidBom(
            f"{what} is CycloneDX {str(version)[:20]!r}, which aisec does not read",
            hint="aisec reads CycloneDX 1.5 and 1.6 JSON",
        )
    _validate(document, str(version), what)
    return _Reader(document).content()


def _validate(document: dict[str, Any], version: str, what: str) -> None:
    if not validator_available():
        return
    # The parsed document again as ASCII JSON: the bytes given may be UTF-16 or UTF-32
    # (json reads those) or hold escaped lone surrogates, which the validator need not.
    text = json.dumps(document)
    try:
        error = schema_errors(text, version)
    except Exception as exc:  # the validator on hostile input: whatever it raises is "invalid"
        raise InvalidBom(f"{what} could not be validated: {type(exc).__name__}") from None
    if error is not None:
        raise InvalidBom(
            f"{what} is not valid CycloneDX {version}: {error[:300]}",
            hint="check it with the CycloneDX tools, or export it again",
        )


class _Reader:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.refs: dict[str, str] = {}  # the document's bom-refs -> ours
        self.kinds: dict[str, str] = {}  # our refs -> kind of asset

    def content(self) -> BomContent:
        metadata = as_object(self.document.get("metadata") or {}, "metadata")
        root = self._system(metadata.get("component"))
        content = BomContent(root=root)
        for i, raw in enumerate(as_list(self.document.get("components"), "components")):
            self._component(content, as_object(raw, f"components[{i}]"), f"components[{i}]")
        for i, raw in enumerate(as_list(self.document.get("services"), "services")):
            self._service(content, as_object(raw, f"services[{i}]"), f"services[{i}]")
        self._relations(content, metadata.get("component"))
        self._vulnerabilities(content)
        # Its identity: the same document imported twice is one import (one run).
        identity = json.dumps(self.document, sort_keys=True)  # ASCII: no surrogates
        content.document_id = str(uuid.uuid5(NAMESPACE, "bom-import\x1f" + identity))
        content.timestamp = _timestamp(metadata.get("timestamp"))
        return content

    def _vulnerabilities(self, content: BomContent) -> None:
        models = {bom_ref(m): m for m in content.models}
        entries = as_list(self.document.get("vulnerabilities"), "vulnerabilities")
        for i, raw in enumerate(entries):
            where = f"vulnerabilities[{i}]"
            entry = as_object(raw, where)
            source = as_object(entry.get("source") or {}, f"{where}.source")
            if source.get("name") != "aisec":
                continue  # another tool's: not a finding of aisec's checks
            affected = []
            for j, target in enumerate(as_list(entry.get("affects"), f"{where}.affects")):
                ref = self.refs.get(str(as_object(target, f"{where}.affects[{j}]").get("ref")))
                if ref in models and ref not in affected:
                    affected.append(ref)
            severity = self._severity(entry, where)
            if not affected or severity is None:
                continue  # about nothing the inventory keeps, or not saying how bad
            check_id = as_text(entry.get("id"), f"{where}.id")
            if not _CHECK_ID.fullmatch(check_id):
                raise InvalidBom(f"{where}.id: {check_id[:40]!r} is not an aisec check id")
            found = properties(entry, where)
            fingerprint = _first(found, props.FINGERPRINT)
            if fingerprint and not _FINGERPRINT.fullmatch(fingerprint):
                raise InvalidBom(f"{where}: {fingerprint[:40]!r} is not a finding's fingerprint")
            location = _first(found, props.LOCATION)
            if not location:  # a hand-written entry: the model's file stands for it
                first = models[affected[0]].discovered_at
                location = first[0].path if first else models[affected[0]].name
            finding = BomFinding(
                fingerprint=fingerprint,
                check_id=check_id,
                severity=severity,
                title=as_text(entry.get("description"), f"{where}.description"),
                message=as_text(entry.get("detail"), f"{where}.detail"),
                location=location,
                remediation=as_text(entry.get("recommendation"), f"{where}.recommendation"),
                refs=tuple(values(found, props.REF)),
            )
            for ref in affected:
                content.findings.setdefault(ref, []).append(finding)

    def _severity(self, entry: dict[str, Any], where: str) -> Severity | None:
        for j, raw in enumerate(as_list(entry.get("ratings"), f"{where}.ratings")):
            rating = as_object(raw, f"{where}.ratings[{j}]")
            severity = _SEVERITIES.get(as_text(rating.get("severity"), f"{where}.ratings[{j}]"))
            if severity is not None:
                return severity
        return None

    def _system(self, raw: Any) -> SystemAsset:
        if raw is None:
            raise InvalidBom(
                "the document names no subject (metadata.component)",
                hint="aisec imports the BOM of one system",
            )
        component = as_object(raw, "metadata.component")
        found = properties(component, "metadata.component")
        fields = {name: values(found, prop)[:1] for name, prop in props.SYSTEM_FIELDS}
        system = record(
            SystemAsset,
            "metadata.component",
            name=fit(as_text(component.get("name"), "metadata.component.name"), 200),
            intended_purpose=as_text(component.get("description"), "metadata.component"),
            geography=tuple(values(found, props.GEOGRAPHY)),
            discovered_at=places(values(found, props.DISCOVERED_AT)),
            **{name: fit(v[0], _LIMITS.get(name, 200)) if v else "" for name, v in fields.items()},
        )
        self._remember(component, system)
        return system

    def _remember(self, component: dict[str, Any], asset: Any) -> None:
        theirs = component.get("bom-ref")
        ours = bom_ref(asset)
        if isinstance(theirs, str):
            self.refs[theirs] = ours
        self.kinds[ours] = asset.kind

    def _component(self, content: BomContent, component: dict[str, Any], where: str) -> None:
        kind = component.get("type")
        if kind == "machine-learning-model":
            model = self._model(component, where)
            content.models.append(model)
            self._supplier(content, component, bom_ref(model), where)
        elif kind == "data":
            content.datasets.append(self._dataset(component, where))
        elif kind == "library":
            library = self._library(component, where)
            if library is not None:
                content.libraries.append(library)
        # Other kinds (applications, files, firmware ...) have no place in the inventory.

    def _name(self, component: dict[str, Any], where: str) -> str:
        name = as_text(component.get("name"), f"{where}.name")
        group = as_text(component.get("group"), f"{where}.group")
        return fit(f"{group}/{name}" if group else name, 200, f"{where}.name")

    def _model(self, component: dict[str, Any], where: str) -> ModelAsset:
        found = properties(component, where)
        card = as_object(component.get("modelCard") or {}, f"{where}.modelCard")
        card_found = properties(card, f"{where}.modelCard")
        model = record(
            ModelAsset,
            where,
            name=self._name(component, where),
            version=fit(as_text(component.get("version"), f"{where}.version"), 100),
            framework=fit(_first(card_found, props.FRAMEWORK), 100),
            format=fit(_first(card_found, props.FORMAT), 100),
            digests=self._digests(component, found, where),
            licence=fit(_licence(component, where), 200),
            source_uri=_first(found, props.SOURCE_URI),
            discovered_at=places(values(found, props.DISCOVERED_AT)),
        )
        self._remember(component, model)
        return model

    def _dataset(self, component: dict[str, Any], where: str) -> DatasetAsset:
        found = properties(component, where)
        data = [as_object(d, f"{where}.data") for d in as_list(component.get("data"), where)]
        sensitivity = next((d.get("classification") for d in data if d.get("classification")), "")
        personal = _first(found, props.PERSONAL_DATA)
        if not personal and any(d.get("sensitiveData") for d in data):
            personal = "true"
        dataset = record(
            DatasetAsset,
            where,
            name=self._name(component, where),
            source=_first(found, props.SOURCE),
            licence=fit(_licence(component, where), 200),
            sensitivity=fit(as_text(sensitivity, f"{where}.data.classification"), 40),
            contains_personal_data={"true": True, "false": False}.get(personal),
            digests=self._digests(component, found, where),
            discovered_at=places(values(found, props.DISCOVERED_AT)),
        )
        self._remember(component, dataset)
        return dataset

    def _library(self, component: dict[str, Any], where: str) -> ComponentRecord | None:
        found = properties(component, where)
        purl = as_text(component.get("purl"), f"{where}.purl")
        ecosystem = _first(found, props.ECOSYSTEM)
        if not ecosystem and purl.startswith("pkg:") and "/" in purl:
            ecosystem = purl[4:].split("/", 1)[0].lower()
        version = _first(found, props.VERSION_SPEC) or as_text(component.get("version"), where)
        library = record(
            ComponentRecord,
            where,
            category="dependency",
            ecosystem=fit(ecosystem, 40),
            name=fit(self._name(component, where), 500),
            version=fit(version, 200),
            discovered_at=places(values(found, props.DISCOVERED_AT)),
        )
        self._remember(component, library)
        return library

    def _digests(
        self, component: dict[str, Any], found: list[tuple[str, str]], where: str
    ) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, raw in enumerate(as_list(component.get("hashes"), f"{where}.hashes")):
            entry = as_object(raw, f"{where}.hashes[{i}]")
            name = _ALGORITHMS.get(as_text(entry.get("alg"), f"{where}.hashes[{i}].alg"))
            if name is not None:
                out[name] = as_text(entry.get("content"), f"{where}.hashes[{i}]").lower()
        for value in values(found, props.DIGEST):
            name, _, digest = value.partition(":")
            if name and digest:
                out.setdefault(name, digest)
        return out

    def _supplier(
        self, content: BomContent, component: dict[str, Any], ref: str, where: str
    ) -> None:
        if component.get("supplier") is None:
            return
        supplier = as_object(component["supplier"], f"{where}.supplier")
        name = fit(as_text(supplier.get("name"), f"{where}.supplier.name"), 200)
        if not name.strip():
            return
        urls = [as_text(u, f"{where}.supplier.url") for u in as_list(supplier.get("url"), where)]
        contacts = [
            as_object(c, f"{where}.supplier.contact")
            for c in as_list(supplier.get("contact"), where)
        ]
        contact = ""
        if contacts:
            first = contacts[0]
            contact = as_text(first.get("name") or first.get("email"), f"{where}.supplier.contact")
        if content.vendor(name) is None:
            content.vendors.append(
                record(
                    VendorAsset,
                    f"{where}.supplier",
                    name=name,
                    website=fit(urls[0] if urls else "", 2000),
                    contact=fit(contact, 200),
                )
            )
        content.supplied_by[ref] = name

    def _service(self, content: BomContent, service: dict[str, Any], where: str) -> None:
        found = properties(service, where)
        endpoints = [
            as_text(e, f"{where}.endpoints") for e in as_list(service.get("endpoints"), where)
        ]
        url = _first(found, props.URL) or (endpoints[0] if endpoints else "")
        if not url:
            return  # a service without an address is not an endpoint aisec can keep
        name = as_text(service.get("name"), f"{where}.name")
        endpoint = record(
            EndpointAsset,
            where,
            url=fit(url, 2000, f"{where}.url"),
            name=fit("" if name == url else name, 200),
            authentication=fit(_first(found, props.AUTHENTICATION), 40),
            discovered_at=places(values(found, props.DISCOVERED_AT)),
        )
        self._remember(service, endpoint)
        content.endpoints.append(endpoint)

    def _relations(self, content: BomContent, root: Any) -> None:
        root_ref = root.get("bom-ref") if isinstance(root, dict) else None
        for i, raw in enumerate(as_list(self.document.get("dependencies"), "dependencies")):
            entry = as_object(raw, f"dependencies[{i}]")
            source = entry.get("ref")
            targets = [self.refs.get(t) for t in as_list(entry.get("dependsOn"), "dependsOn")]
            ours = [t for t in targets if t is not None]
            if source == root_ref and isinstance(source, str):
                content.uses += [t for t in ours if t not in content.uses and self._usable(t)]
            elif isinstance(source, str) and self.kinds.get(self.refs.get(source, "")) == "model":
                trained = content.trained_on.setdefault(self.refs[source], [])
                trained += [t for t in ours if self.kinds[t] == "dataset" and t not in trained]
        for i, raw in enumerate(as_list(self.document.get("components"), "components")):
            component = as_object(raw, f"components[{i}]")
            model_ref = self.refs.get(str(component.get("bom-ref")))
            if model_ref is None or self.kinds.get(model_ref) != "model":
                continue
            card = as_object(component.get("modelCard") or {}, "modelCard")
            parameters = as_object(card.get("modelParameters") or {}, "modelParameters")
            trained = content.trained_on.setdefault(model_ref, [])
            for data in as_list(parameters.get("datasets"), "modelParameters.datasets"):
                ref = self.refs.get(str(as_object(data, "datasets").get("ref")))
                if ref is not None and self.kinds[ref] == "dataset" and ref not in trained:
                    trained.append(ref)
        content.trained_on = {k: v for k, v in content.trained_on.items() if v}

    def _usable(self, ref: str) -> bool:
        return self.kinds.get(ref) in ("model", "dataset", "endpoint", "component")


def _timestamp(value: Any) -> datetime | None:
    """``metadata.timestamp`` as an aware datetime; None when absent or not a date-time
    (the schema says date-time, but the validator may be absent)."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved to UTC
        return None


def _first(found: list[tuple[str, str]], name: str) -> str:
    picked = values(found, name)
    return picked[0] if picked else ""


def _licence(component: dict[str, Any], where: str) -> str:
    for i, raw in enumerate(as_list(component.get("licenses"), f"{where}.licenses")):
        entry = as_object(raw, f"{where}.licenses[{i}]")
        if isinstance(entry.get("expression"), str):
            return str(entry["expression"])
        licence = as_object(entry.get("license") or {}, f"{where}.licenses[{i}].license")
        text = licence.get("id") or licence.get("name")
        if isinstance(text, str):
            return text
    return ""
