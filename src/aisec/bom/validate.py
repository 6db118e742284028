"""Checking a document against the CycloneDX JSON schema with the library's own strict
validator, which needs ``cyclonedx-python-lib[json-validation]`` (jsonschema)."""

from __future__ import annotations

from aisec.core.errors import InputError


class InvalidBom(InputError):
    """A document that is not CycloneDX this version of aisec can read or write."""


def validator_available() -> bool:
    # find_spec, not import: asking must not cost jsonschema's import time.
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("jsonschema", "referencing"))


def schema_errors(text: str, spec_version: str) -> str | None:
    """The first schema error of ``text`` (a JSON document), None when it is valid.
    Raises ImportError when the validator's dependencies are missing."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    version = SchemaVersion.from_version(spec_version)
    error = JsonStrictValidator(version).validate_str(text)
    return None if error is None else str(error)


def check_document(text: str, spec_version: str) -> bool:
    """Validate a document aisec wrote; False when no validator is installed."""
    if not validator_available():
        return False
    error = schema_errors(text, spec_version)
    if error is not None:
        raise InvalidBom(
            f"the CycloneDX {spec_version} document does not validate: {error[:500]}",
            hint="this is a bug in aisec; please report it",
        )
    return True
