"""The plan's JSON report: strict JSON, NaN and infinities as null, numpy as numbers."""

from __future__ import annotations

import json
import math
from collections import OrderedDict

import numpy as np
import pytest

from aisec.report.plan_json import SCHEMA, plain, render_plan_json

from .plan_sample import FAILED_NAME, HOSTILE, build_report


def _strict(text: str) -> object:
    def reject(token: str) -> object:
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=reject)


def test_parses_as_strict_json_with_schema():
    text = render_plan_json(build_report())
    data = _strict(text)
    assert data["schema"] == SCHEMA
    assert data["summary"] == {"passed": 2, "failed": 1, "error": 2, "skipped": 1}
    assert "NaN" not in text
    assert "Infinity" not in text
    text.encode("utf-8")  # lone surrogates were escaped


def test_nan_and_inf_become_null_everywhere():
    data = _strict(render_plan_json(build_report()))
    evasion = next(t for t in data["tests"] if t["name"] == FAILED_NAME)
    undefined = [m for m in evasion["measurements"] if m["params"]["epsilon"] == 0.2]
    assert undefined
    assert all(m["value"] is None and m["ci_low"] is None for m in undefined)
    assert evasion["details"]["per_sample"] == [0.1, None, None]
    assert evasion["details"]["score"] is None
    assert evasion["details"]["count"] == 3
    assert evasion["details"]["roc"]["loss"]["tpr"] == [0.0, 0.5, None, 1.0]
    assert data["run"]["config"] == {"inf": None, "nan": None, "np": 1.5}
    assert data["findings"][0]["evidence"] == {"value": None}


def test_keys_are_sorted_and_output_is_stable():
    report = build_report()
    text = render_plan_json(report)
    assert text == render_plan_json(report)
    assert text.endswith("}\n")
    data = json.loads(text, object_pairs_hook=OrderedDict)
    assert list(data) == sorted(data)
    assert text.startswith('{\n  "data"')


def test_hostile_text_survives_as_data():
    data = _strict(render_plan_json(build_report()))
    names = [t["name"] for t in data["tests"]]
    expected = HOSTILE.replace("\ud800", "\\ud800")
    assert expected in names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (float("nan"), None),
        (-math.inf, None),
        (np.float32(0.5), 0.5),
        (np.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]]),
        (np.bool_(True), True),
        ((1, {2}), [1, [2]]),
        ({1: "a", None: "b"}, {"1": "a", "null": "b"}),
        (b"\x00\xff", "\x00\\xff"),
        ("lone\udcff", "lone\\xff"),
    ],
)
def test_plain(value, expected):
    assert plain(value) == expected


def test_plain_survives_self_reference_and_odd_objects():
    loop: list[object] = []
    loop.append(loop)
    out = plain({"loop": loop, "obj": object()})
    json.dumps(out, allow_nan=False)
    assert out["obj"].startswith("<object object")
