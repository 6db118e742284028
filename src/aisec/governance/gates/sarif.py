"""A gate's result as SARIF 2.1.0, for code-scanning dashboards.

Every condition is a rule ``gate.<condition id>`` (so a viewer shows what was checked);
every failed condition is a result, level ``error`` when blocking and ``warning``
otherwise, located logically at the system, with the refs and evidence as properties.
"""

from __future__ import annotations

import json
from typing import Any

from aisec.governance.gates.result import ConditionResult, ConditionStatus, GateResult
from aisec.report import safe_text
from aisec.report.sarif import SARIF_VERSION, SCHEMA_URI, rule_name, semantic_version


def rule_id(condition_id: str) -> str:
    return f"gate.{condition_id}"


def _rule(r: ConditionResult) -> dict[str, Any]:
    return {
        "id": safe_text(rule_id(r.id)),
        "name": rule_name(rule_id(r.id)),
        "shortDescription": {"text": safe_text(r.description)},
        "fullDescription": {"text": safe_text(f"{r.type}: {r.description}")},
        "defaultConfiguration": {"level": "error" if r.blocking else "warning"},
        "properties": {"tags": list(dict.fromkeys(["governance", *map(safe_text, r.refs)]))},
    }


def _result(result: GateResult, r: ConditionResult, index: int) -> dict[str, Any]:
    return {
        "ruleId": safe_text(rule_id(r.id)),
        "ruleIndex": index,
        "level": "error" if r.blocking else "warning",
        "message": {"text": safe_text(r.reason or r.description)},
        "locations": [{"logicalLocations": [{"name": safe_text(result.system), "kind": "module"}]}],
        "properties": {
            "conditionType": r.type,
            "severity": r.severity,
            "refs": [safe_text(x) for x in r.refs],
            "evidence": [safe_text(x) for x in r.evidence],
        },
    }


def sarif_log(result: GateResult, *, tool_version: str | None = None) -> dict[str, Any]:
    if tool_version is None:
        from aisec import __version__

        tool_version = __version__
    version: str = tool_version
    driver: dict[str, Any] = {"name": "aisec", "version": safe_text(version)}
    semver = semantic_version(version)
    if semver:
        driver["semanticVersion"] = semver
    driver["rules"] = [_rule(r) for r in result.results]
    results = [
        _result(result, r, i)
        for i, r in enumerate(result.results)
        if r.status is ConditionStatus.FAILED
    ]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True, "exitCode": result.exit_code}],
        "results": results,
        "properties": {
            "policy": safe_text(result.policy),
            "system": safe_text(result.system),
            "tiers": None if result.tiers is None else [safe_text(t) for t in result.tiers],
            "today": result.today.isoformat(),
            "passed": result.passed,
        },
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: GateResult, *, tool_version: str | None = None) -> str:
    log = sarif_log(result, tool_version=tool_version)
    return json.dumps(log, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
