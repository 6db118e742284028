"""Words for the numbers of a test plan's report, shared by the JUnit, HTML and console views.

One place decides how a value, an interval and a measurement's params read, so the three
views of one outcome say the same thing. Undefined values (NaN, from a metric with an
empty denominator) read "undefined", never "nan" or "0".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

from aisec.core.run import Measurement
from aisec.report import printable

UNDEFINED = "undefined"
NO_VALUE = "–"


def finite(value: object) -> float | None:
    """``value`` as a float when it is a finite real number, else None."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def format_number(value: object, digits: int = 4) -> str:
    """A number for reading: ``0.7123``, ``1.2e+06``, ``undefined`` for NaN, ``∞``."""
    if value is None:
        return NO_VALUE
    if isinstance(value, bool) or not isinstance(value, Real):
        return printable(str(value))
    number = float(value)
    if math.isnan(number):
        return UNDEFINED
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if isinstance(value, Integral):
        return str(int(value))
    return format(number, f".{digits}g")


def format_interval(low: object, high: object) -> str:
    """``[0.61, 0.72]``, or ``–`` when the interval is unknown at both ends."""
    if low is None and high is None:
        return NO_VALUE
    return f"[{format_number(low)}, {format_number(high)}]"


def format_params(params: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> str:
    """``epsilon=0.1, attack=pgd``: the params in their given order, one line."""
    parts = [
        f"{printable(str(k))}={_param_value(v)}" for k, v in params.items() if str(k) not in skip
    ]
    return ", ".join(parts)


# Never worth a column: "test" names the test the whole table is about, and "note" is shown
# beside an undefined value already.
NEVER_DISTINGUISHING = frozenset({"test", "note"})


def _compare_key(value: object) -> str:
    # Params may hold unhashable values (lists) and numpy numbers: compare them as text,
    # and 0.1 as 0.1 whether it came as a float, a numpy float or an int-valued float.
    if isinstance(value, Real) and not isinstance(value, bool):
        return repr(float(value))
    return repr(value)


def distinguishing_params(measurements: Sequence[Measurement]) -> dict[str, list[str]]:
    """Per measurement name, the params whose values differ among that name's measurements.

    A param some of them lack differs too (``n_shadow`` on the shadow attack's only): it
    tells that row apart. What all share (``members=500``) says nothing about one row.
    """
    groups: dict[str, list[Measurement]] = {}
    for m in measurements:
        groups.setdefault(m.name, []).append(m)
    out: dict[str, list[str]] = {}
    for name, group in groups.items():
        keys: list[str] = []
        for m in group:
            keys.extend(str(k) for k in m.params if str(k) not in keys)
        differing = [
            key
            for key in keys
            if key not in NEVER_DISTINGUISHING
            and len({_compare_key(m.params[key]) if key in m.params else "" for m in group}) > 1
        ]
        # What every row has (attack, fpr) reads first; a param on some rows only after it.
        out[name] = sorted(differing, key=lambda k: not all(k in m.params for m in group))
    return out


def _param_value(value: object) -> str:
    if isinstance(value, Real) and not isinstance(value, bool):
        return format_number(value, 6)
    if isinstance(value, list | tuple) and len(value) <= 8:
        return "[" + ", ".join(_param_value(v) for v in value) + "]"
    return printable(str(value))


def measurement_value(measurement: Measurement) -> str:
    """The point value, with the ``note`` param when the value is undefined."""
    text = format_number(measurement.value)
    note = measurement.params.get("note")
    if text == UNDEFINED and note:
        text += f" ({printable(str(note))})"
    return text


def describe_measurement(measurement: Measurement) -> str:
    """``0.42 [0.38, 0.46], n=200``: value, interval and size in one phrase."""
    text = measurement_value(measurement)
    interval = format_interval(measurement.ci_low, measurement.ci_high)
    if interval != NO_VALUE:
        text += f" {interval}"
    text += f", n={measurement.n}"
    if measurement.unit:
        text += f" {printable(measurement.unit)}"
    return text
