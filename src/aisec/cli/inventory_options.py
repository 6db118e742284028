"""The typed options of ``aisec inventory add`` and ``edit``, and turning the options
given into record fields (None: not given; repeatable options split on commas)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from aisec.store.vocabulary import AUTHENTICATIONS, EU_AI_ACT_ROLES, LIFECYCLE_STAGES, SENSITIVITIES


def _opt(name: str, help_text: str) -> Any:
    return typer.Option(name, help=help_text)


def _choices(values: Sequence[str]) -> str:
    return ", ".join(values)


Ref = Annotated[str, typer.Argument(metavar="NAME-OR-ID", help="The asset's name or id.")]
Name = Annotated[str | None, _opt("--name", "Name (unique within the kind).")]
Purpose = Annotated[str | None, _opt("--intended-purpose", "What the system is for.")]
Owner = Annotated[str | None, _opt("--owner", "Who is accountable for it.")]
Unit = Annotated[str | None, _opt("--business-unit", "The business unit running it.")]
Stage = Annotated[
    str | None, _opt("--lifecycle-stage", "Life-cycle stage: " + _choices(LIFECYCLE_STAGES) + ".")
]
Context = Annotated[str | None, _opt("--deployment-context", "Where and how it is deployed.")]
Role = Annotated[
    str | None, _opt("--eu-ai-act-role", "EU AI Act role: " + _choices(EU_AI_ACT_ROLES) + ".")
]
Geography = Annotated[
    list[str] | None,
    _opt("--geography", "Where it is placed on the market or used (repeat, or comma-separated)."),
]
Version = Annotated[str | None, _opt("--version", "The model's version.")]
Framework = Annotated[str | None, _opt("--framework", "e.g. pytorch, scikit-learn, onnx.")]
FileFormat = Annotated[str | None, _opt("--format", "The model's file format, e.g. safetensors.")]
Licence = Annotated[str | None, _opt("--licence", "Licence (an SPDX id where there is one).")]
ModelSource = Annotated[
    str | None, _opt("--source", "Where it comes from: hf://org/name, s3://..., a registry URL.")
]
DataSource = Annotated[str | None, _opt("--source", "Where the data comes from.")]
Digest = Annotated[
    list[str] | None, _opt("--digest", "ALGORITHM:HEX, e.g. sha256:ab12... (repeatable).")
]
Sensitivity = Annotated[
    str | None, _opt("--sensitivity", "Sensitivity: " + _choices(SENSITIVITIES) + ".")
]
Personal = Annotated[
    bool | None,
    _opt("--personal-data/--no-personal-data", "Whether it contains personal data."),
]
Url = Annotated[str | None, _opt("--url", "The endpoint's URL (unique).")]
EndpointName = Annotated[str | None, _opt("--name", "A name for the endpoint.")]
Auth = Annotated[
    str | None, _opt("--authentication", "Authentication: " + _choices(AUTHENTICATIONS) + ".")
]
Website = Annotated[str | None, _opt("--website", "The vendor's website.")]
Contact = Annotated[str | None, _opt("--contact", "Who to contact there.")]


def values_of(**given: Any) -> dict[str, Any]:
    """The options given, as record fields; None means "not given"."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name == "geography":
            out[name] = tuple(p.strip() for v in value for p in v.split(",") if p.strip())
        elif name == "digests":
            out[name] = digests_of(value)
        else:
            out[name] = value
    return out


def digests_of(values: list[str]) -> dict[str, str]:
    from aisec.core.errors import UsageError

    out: dict[str, str] = {}
    for value in values:
        algorithm, sep, digest = value.partition(":")
        if not sep or not algorithm.strip() or not digest.strip():
            raise UsageError(f"--digest {value!r}: expected ALGORITHM:HEX", hint="sha256:ab12...")
        out[algorithm.strip().lower()] = digest.strip().lower()
    return out
