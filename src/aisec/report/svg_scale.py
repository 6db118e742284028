"""Numbers to pixels for the SVG charts: finite-value filtering, axes, ticks, tick labels.

Everything here is deterministic and bounded: an axis is never empty, a tick loop never
runs away on a tiny step, and a value far off the plot is clamped just outside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real


def num(value: float) -> str:
    # Two decimals of a 640-unit canvas is finer than any screen; fixed for determinism.
    return f"{value:.2f}"


def finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def bounds(extent: tuple[float, float] | None) -> list[float]:
    values = [finite(v) for v in extent or ()]
    return [v for v in values if v is not None]


@dataclass(frozen=True)
class Axis:
    """A linear or log10 map from data to pixels, on a range that is never empty."""

    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``
    log: bool = False

    def _t(self, value: float) -> float:
        if self.log:
            value = math.log10(value)
        # Halves first, so that a span near the float maximum does not overflow.
        return (value / 2 - self.low / 2) / (self.high / 2 - self.low / 2)

    def __call__(self, value: float) -> float:
        t = min(max(self._t(value), -0.05), 1.05)  # clamp: nothing drawn far off the plot
        return self.start + t * (self.end - self.start)

    def contains(self, value: float) -> bool:
        return -1e-9 <= self._t(value) <= 1 + 1e-9


def make_axis(values: list[float], start: float, end: float, *, log: bool = False) -> Axis:
    data = [math.log10(v) for v in values if v > 0] if log else values
    if not data:
        return Axis(0.0, 1.0, start, end, log)
    low, high = min(data), max(data)
    if log:
        # In decades; half a decade of margin, inside what a float's power of ten can hold.
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        return Axis(low, high, start, end, log)
    # The halved span is what _t divides by: a subnormal range halves to zero.
    if high - low <= abs(high) * 1e-12 or high / 2 - low / 2 == 0.0:
        pad = max(abs(high) * 0.1, 0.5)
        low, high = low - pad, high + pad
        if not math.isfinite(high - low):
            low, high = -1e300, 1e300
    return Axis(low, high, start, end, log)


def ticks(axis: Axis, count: int = 5) -> list[float]:
    """Round-number ticks inside the axis (data units; powers of ten on a log axis)."""
    if axis.log:
        # Powers of ten a float can hold: 1e-323 (subnormal) to 1e308.
        first = max(math.ceil(axis.low - 1e-9), -323)
        last = min(math.floor(axis.high + 1e-9), 308)
        stride = max(1, math.ceil((last - first + 1) / 8))
        return [10.0**e for e in range(first, last + 1, stride)][:10]
    raw = (axis.high / 2 - axis.low / 2) * 2 / count
    if not math.isfinite(raw) or raw <= 0:
        return [axis.low, axis.high]
    magnitude = 10.0 ** math.floor(math.log10(raw))
    if magnitude == 0.0:  # a subnormal range: its power of ten underflows to zero
        return [axis.low, axis.high]
    step = next((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), raw)
    if not math.isfinite(axis.low / step):
        return [axis.low, axis.high]
    first = math.ceil(axis.low / step)
    out = []
    for k in range(first, first + count + 3):  # bounded: never loops on a tiny step
        value = k * step
        if value > axis.high + step * 1e-9:
            break
        out.append(0.0 if abs(value) < step * 1e-9 else value)
    return out or [axis.low, axis.high]


def tick_label(value: float) -> str:
    text = format(value, ".4g")
    return "0" if text in ("-0", "0") else text
