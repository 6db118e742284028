from aisec.data.checks.quality_feature_shift import FeatureShift
from quality_indicators import assert_check_contract


def test_a_fired_indicator_is_one_finding_and_nothing_else_is():
    assert_check_contract(FeatureShift)
