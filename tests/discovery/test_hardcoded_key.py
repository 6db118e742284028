"""discovery.hardcoded-key: keys found in text become findings that never hold the key."""

from __future__ import annotations

import json

from aisec.core.finding import Location
from aisec.discovery.checks.hardcoded_key import HardcodedKey
from aisec.discovery.keys import find_keys
from aisec.discovery.subjects import KeyCandidate

KEY = "sk-ant-api03-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA"


def findings(text: str):
    for match in find_keys(text):
        subject = KeyCandidate(
            Location("cfg.py", row=match.line), match.provider, match.redacted, match.strong
        )
        yield from HardcodedKey().run(subject)


def test_prefixed_key_is_critical_and_redacted():
    (finding,) = findings(f'ANTHROPIC = "{KEY}"\n')
    assert finding.severity.label == "critical"
    assert finding.evidence == {"provider": "anthropic", "key": "sk-ant-…CbA"[:-3] + "dCbA"}
    assert KEY not in json.dumps(finding.to_dict())
    assert KEY[7:] not in json.dumps(finding.to_dict())


def test_key_known_only_by_its_variable_is_high():
    (finding,) = findings("COHERE_API_KEY = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0'\n")
    assert finding.severity.label == "high"
    assert finding.evidence["provider"] == "cohere"


def test_fingerprint_is_stable_and_line_bound():
    first = next(findings(f"x = '{KEY}'\n"))
    again = next(findings(f"x = '{KEY}'\n"))
    moved = next(findings(f"\nx = '{KEY}'\n"))
    assert first.fingerprint == again.fingerprint != moved.fingerprint
