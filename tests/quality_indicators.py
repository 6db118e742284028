"""Indicators built by hand, and the behaviour every ``data.quality.*`` check shares."""

from __future__ import annotations

from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.data.quality import INDICATOR_IDS, Indicator, Statistic
from aisec.data.subjects import DatasetIndicator

SECRET_VALUE = "cf-trigger-zeta"  # stands for a value from the data: never in a finding


def indicator(ind_id: str, *, fired: bool = True, severity: Severity = Severity.CRITICAL):
    return Indicator(
        id=ind_id,
        title=f"title of {ind_id}",
        severity=severity,
        fired=fired,
        count=7,
        total=140,
        rows=tuple(range(30)),
        statistic=Statistic("share", 0.05, p_value=0.0012, ci_low=0.02, ci_high=0.09),
        details={"groups": 3, "psi": 0.31, "phrases": [{"phrase": SECRET_VALUE, "label": "1"}]},
        notes=("sampled 100 rows",),
    )


def subject(ind: Indicator, path: str = "data/train.csv", other: str = "") -> DatasetIndicator:
    return DatasetIndicator(Location(path), ind, other)


def assert_check_contract(check_class) -> None:
    """Fired: one finding at the indicator's severity with numbers only; not fired, or
    another indicator: nothing."""
    own = check_class.indicator_id
    assert own in INDICATOR_IDS and check_class.id == f"data.quality.{own}"
    check = check_class()
    (finding,) = check.run(subject(indicator(own)))
    assert finding.check_id == check_class.id
    assert finding.severity is Severity.CRITICAL  # the indicator's, not the class default
    assert finding.refs == check_class.refs and "EU-AI-Act:Art.10(3)" in finding.refs
    assert "7 of 140" in finding.message and "share 0.05" in finding.message
    assert "p=0.0012" in finding.message and "0.02-0.09" in finding.message
    ev = finding.evidence
    assert ev["indicator"] == own and (ev["count"], ev["total"]) == (7, 140)
    assert ev["example_rows"] == list(range(20))
    assert ev["statistic"]["p_value"] == 0.0012
    assert ev["details"] == {"groups": 3, "psi": 0.31}
    assert SECRET_VALUE not in repr(ev) and SECRET_VALUE not in finding.message
    assert finding.location.path == "data/train.csv"
    # The fingerprint names the indicator and the dataset, not the numbers of this run.
    again = indicator(own, severity=Severity.LOW)
    (same,) = check.run(subject(again, "./data/train.csv"))
    (other,) = check.run(subject(again, "data/other.csv"))
    (compared,) = check.run(subject(again, other="data/test.csv"))
    assert same.fingerprint == finding.fingerprint
    assert len({finding.fingerprint, other.fingerprint, compared.fingerprint}) == 3
    assert compared.evidence["compared_with"] == "data/test.csv"
    assert list(check.run(subject(indicator(own, fired=False)))) == []
    assert list(check.run(DatasetIndicator(Location("d.csv")))) == []
    for foreign in INDICATOR_IDS:
        if foreign != own:
            assert list(check.run(subject(indicator(foreign)))) == []
