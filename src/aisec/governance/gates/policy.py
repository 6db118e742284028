"""A gate policy as data: which conditions a system must meet, read from YAML.

Policies are YAML (schema ``aisec.policy/1``) read safely (size-capped, no aliases);
every mistake is a ``PolicyError`` (a ConfigError, exit 2) naming the place in the
policy, before anything is evaluated. The format is in docs/adr/0020-policy-gates.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError

SCHEMA = "aisec.policy/1"
SEVERITIES = ("blocking", "warning")
# The tiers a classification yields (aisec.governance.classify): a typo is an error,
# never a filter that silently matches nothing.
TIERS = ("prohibited", "high-risk", "transparency", "minimal", "gpai", "gpai-systemic-risk")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_COMMON = {"id", "type", "description", "severity", "when_tier", "refs"}


class PolicyError(ConfigError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(
            f"policy, {where}: {message}",
            hint="see docs/adr/0020-policy-gates.md for the policy format",
        )


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    type: str
    description: str
    severity: str = "blocking"  # or "warning": reported, never fails the gate
    when_tier: tuple[str, ...] = ()  # empty: every tier
    refs: tuple[str, ...] = ()  # framework refs the condition evidences
    params: Mapping[str, Any] = field(default_factory=dict)  # checked and normalised

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    conditions: tuple[Condition, ...]
    applies_to: tuple[str, ...] = ()  # tiers; empty: every system
    description: str = ""
    source: str = "<mapping>"


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PolicyError(where, f"must be a mapping, got {type(value).__name__}")
    if not all(isinstance(k, str) for k in value):
        raise PolicyError(where, "keys must be strings")
    return value


def text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(where, f"must be a non-empty string, got {value!r}")
    return value.strip()


def texts(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings; a single string is a list of one."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise PolicyError(where, f"must be a list of strings, got {type(value).__name__}")
    return tuple(text(v, f"{where}[{i}]") for i, v in enumerate(value))


def tiers(value: Any, where: str) -> tuple[str, ...]:
    out = texts(value, where)
    for i, tier in enumerate(out):
        if tier not in TIERS:
            raise PolicyError(f"{where}[{i}]", f"{tier!r} is not one of {', '.join(TIERS)}")
    return out


def _condition(raw: Any, where: str) -> Condition:
    from aisec.governance.gates.params import PARSERS

    spec = mapping(raw, where)
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in PARSERS:
        raise PolicyError(f"{where}.type", f"{kind!r} is not one of {', '.join(sorted(PARSERS))}")
    keys, parse = PARSERS[kind]
    unknown = set(spec) - _COMMON - keys
    if unknown:
        raise PolicyError(where, f"unknown keys {sorted(unknown)} for a {kind} condition")
    ident = spec.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise PolicyError(f"{where}.id", "needs an id of letters, digits, '.', '_' or '-'")
    severity = spec.get("severity", "blocking")
    if severity not in SEVERITIES:
        raise PolicyError(f"{where}.severity", f"must be one of {', '.join(SEVERITIES)}")
    params = parse({k: v for k, v in spec.items() if k in keys}, where)
    description = spec.get("description")
    if description is None:
        description = params.pop("_describe")
    else:
        params.pop("_describe", None)
        description = text(description, f"{where}.description")
    when = tiers(spec["when_tier"], f"{where}.when_tier") if "when_tier" in spec else ()
    refs = texts(spec.get("refs", []), f"{where}.refs")
    return Condition(ident, kind, str(description), str(severity), when, refs, params)


def policy_from_mapping(raw: Any, *, source: str = "<mapping>") -> Policy:
    spec = mapping(raw, "top level")
    unknown = set(spec) - {"schema", "name", "description", "applies_to", "conditions"}
    if unknown:
        raise PolicyError("top level", f"unknown keys {sorted(unknown)}")
    if spec.get("schema") != SCHEMA:
        raise PolicyError("schema", f"must be {SCHEMA!r}, got {spec.get('schema')!r}")
    name = text(spec.get("name"), "name")
    description = (
        "" if spec.get("description") is None else text(spec["description"], "description")
    )
    applies: tuple[str, ...] = ()
    if spec.get("applies_to") is not None:
        scope = mapping(spec["applies_to"], "applies_to")
        if set(scope) - {"tiers"}:
            raise PolicyError("applies_to", f"unknown keys {sorted(set(scope) - {'tiers'})}")
        applies = tiers(scope.get("tiers", []), "applies_to.tiers")
    raw_conditions = spec.get("conditions")
    if not isinstance(raw_conditions, list) or not raw_conditions:
        raise PolicyError("conditions", "must be a non-empty list")
    conditions = tuple(_condition(c, f"conditions[{i}]") for i, c in enumerate(raw_conditions))
    ids = [c.id for c in conditions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PolicyError("conditions", f"condition ids must be unique: {duplicates}")
    return Policy(name, conditions, applies, description, source)


def load_policy(path: str | Path) -> Policy:
    from aisec.assurance.plans.yaml_file import read_yaml

    file = Path(path)
    try:
        raw = read_yaml(file, "policy")
    except ConfigError as exc:
        raise PolicyError(str(file), exc.message) from None
    return policy_from_mapping(raw, source=str(file))
