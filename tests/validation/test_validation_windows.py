"""A detector followed over time windows: threshold from the first window, degradation
found when it is there and not when it is not."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import fisher_exact

from aisec.validation.windows import over_time


def _stream(seed: int, shift_last: float = 0.0, windows: int = 4, per_window: int = 5000):
    """Time-ordered rows, one window per day; malicious scores drop by ``shift_last`` in
    the last window (the attackers adapted)."""
    rng = np.random.default_rng(seed)
    scores, labels, times = [], [], []
    for w in range(windows):
        y = rng.random(per_window) < 0.05
        s = rng.normal(size=per_window) + 2.5 * y
        if w == windows - 1:
            s[y] -= shift_last
        scores.append(s)
        labels.append(y)
        times.append(w * 86_400 + np.sort(rng.uniform(0, 86_399, per_window)))
    return np.concatenate(scores), np.concatenate(labels), np.concatenate(times)


def test_a_stable_detector_is_rarely_called_degraded():
    """Over 80 streams where nothing changes, the share called degraded stays near the
    5% the tests allow (0.15 is more than three standard errors above it)."""
    calls = sum(over_time(*_stream(seed), fpr=0.01, windows=4).degraded for seed in range(80))
    assert calls / 80 <= 0.15


def test_windows_by_length():
    s, y, t = _stream(1)
    found = over_time(s, y, t, fpr=0.01, window_seconds=86_400)
    assert len(found.windows) == 4
    first = found.windows[0]
    assert first.false_positive_rate.value <= 0.01
    assert all(w.rows == 5000 for w in found.windows)
    # Alerts per day: the flagged rows of a one-day window.
    flagged = ((s >= found.threshold) & (t < 86_400)).sum()
    assert first.alerts_per_day == pytest.approx(flagged * 86_400 / (first.end - first.start))


def test_an_adapted_attack_is_found_in_its_window():
    found_in = [over_time(*_stream(seed, shift_last=1.5), windows=4).degraded
                for seed in range(100, 120)]  # fmt: skip
    assert sum(found_in) >= 18
    s, y, t = _stream(2, shift_last=1.5)
    found = over_time(s, y, t, fpr=0.01, windows=4)
    assert found.degraded
    significant = [c for c in found.comparisons if c.significant]
    assert {(c.window, c.metric) for c in significant} == {(3, "detection_rate")}
    last = found.windows[3]
    assert last.detection_rate.value < found.windows[0].detection_rate.value
    comparison = significant[0]
    first_window = t < 86_400
    hit0 = int((s[first_window & y] >= found.threshold).sum())
    hit1 = int((s[(t >= 3 * 86_400) & y] >= found.threshold).sum())
    n0, n1 = int((first_window & y).sum()), int(((t >= 3 * 86_400) & y).sum())
    expected = fisher_exact([[hit1, n1 - hit1], [hit0, n0 - hit0]], alternative="less").pvalue
    assert comparison.p_value == pytest.approx(expected)
    assert comparison.adjusted >= comparison.p_value


def test_equal_count_windows_cover_every_row():
    s, y, t = _stream(3, windows=2, per_window=3001)
    found = over_time(s, y, t, windows=3)
    assert sum(w.rows for w in found.windows) == s.size
    assert [w.index for w in found.windows] == [0, 1, 2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"windows": 1}, "at least two"),
        ({"windows": 2, "window_seconds": 10}, "not both"),
        ({}, "not both"),
        ({"window_seconds": 10**9}, "at least two time windows"),
        ({"window_seconds": 0.001}, "is the time column in seconds"),
    ],
)
def test_bad_window_settings_are_refused(kwargs, message):
    s, y, t = _stream(4, windows=2, per_window=500)
    with pytest.raises(ValueError, match=message):
        over_time(s, y, t, **kwargs)


def test_a_first_window_with_one_class_is_refused():
    s = np.arange(10.0)
    y = np.array([0] * 5 + [1] * 5, bool)
    with pytest.raises(ValueError, match="both malicious and benign"):
        over_time(s, y, np.arange(10.0), windows=2)
