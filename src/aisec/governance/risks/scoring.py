"""Scores and levels of the risk register.

Likelihood and impact are each rated 1 to 5:

=====  ==================  =========================================================
score  likelihood          impact
=====  ==================  =========================================================
1      rare                negligible: no effect on people, data or service
2      unlikely            minor: contained, quickly reversed
3      possible            moderate: a service, a data set or a group of users hurt
4      likely              major: serious harm, a legal breach, a regulator involved
5      almost certain      severe: harm to health, safety or fundamental rights,
                           or a practice the law forbids
=====  ==================  =========================================================

The inherent (and residual) score is likelihood x impact, 1 to 25, and its level is:

* low: 1-4
* medium: 5-9
* high: 10-14
* critical: 15-25

so a certain-but-negligible risk (5 x 1) stays low, a possible-and-severe one (3 x 5) is
critical, and anything rated 4 on both axes (16) is critical too.
"""

from __future__ import annotations

from aisec.core.errors import ConfigError

SCALE = range(1, 6)
BANDS: tuple[tuple[str, int, int], ...] = (
    ("low", 1, 4),
    ("medium", 5, 9),
    ("high", 10, 14),
    ("critical", 15, 25),
)
LEVELS = tuple(name for name, _, _ in BANDS)


def check_score(name: str, value: object) -> int:
    """``value`` when it is an int from 1 to 5, else a ConfigError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ConfigError(
            f"{name} must be a whole number from 1 to 5, not {value!r}",
            hint="1 rare/negligible ... 5 almost certain/severe",
        )
    return value


def level(score: int) -> str:
    """The level of a likelihood x impact product (1-25)."""
    for name, low, high in BANDS:
        if low <= score <= high:
            return name
    raise ConfigError(f"a risk score must be from 1 to 25, not {score!r}")


def clamp(value: int) -> int:
    return max(1, min(5, value))
