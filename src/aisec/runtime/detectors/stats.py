"""Small, vectorised statistics the reference builder and the detectors share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aisec.runtime.observation import FloatArray

# Bins with no reference (or no current) mass would make PSI infinite; this floor is the
# usual convention (Evidently, NannyML use 1e-4 .. 1e-3) and caps one bin's term near 0.9.
PSI_FLOOR = 1e-4


def shrunk_covariance(z: FloatArray) -> tuple[FloatArray, float]:
    """Ledoit–Wolf shrinkage of the covariance of ``z`` toward a scaled identity.

    The reference may have fewer rows than features squared (30 features, 400 rows), where
    the sample covariance is noisy or singular; shrinkage keeps the inverse stable.
    """
    n, d = z.shape
    xc = z - z.mean(axis=0)
    s = xc.T @ xc / n
    m = float(np.trace(s)) / d
    if m <= 0.0:  # every feature constant: nothing to learn, use the identity
        return np.eye(d), 1.0
    target = m * np.eye(d)
    d2 = float(np.sum((s - target) ** 2))
    if d2 <= 0.0:
        return target, 1.0
    norms4 = float(np.sum(np.sum(xc**2, axis=1) ** 2))
    b_bar2 = max(0.0, (norms4 / n - float(np.sum(s**2))) / n)
    shrinkage = min(1.0, b_bar2 / d2)
    return shrinkage * target + (1.0 - shrinkage) * s, shrinkage


def precision_of(cov: FloatArray) -> FloatArray:
    """Inverse through the eigen-decomposition, tiny eigenvalues floored, so a rank-deficient
    covariance still yields a symmetric positive-definite precision."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2.0)
    floor = max(float(values.max()), 1e-12) * 1e-9
    inverse: FloatArray = (vectors / np.maximum(values, floor)) @ vectors.T
    return (inverse + inverse.T) / 2.0


def mahalanobis(z: FloatArray, precision: FloatArray) -> FloatArray:
    """Row-wise Mahalanobis distance of already standardised rows."""
    d2 = np.einsum("ij,ij->i", z @ precision, z)
    result: FloatArray = np.sqrt(np.maximum(d2, 0.0))
    return result


def psi(expected: FloatArray, observed_counts: FloatArray) -> float:
    """Population stability index of observed counts against reference proportions."""
    total = float(observed_counts.sum())
    if total <= 0.0:
        return 0.0
    actual = np.maximum(observed_counts / total, PSI_FLOOR)
    ref = np.maximum(expected, PSI_FLOOR)
    return float(np.sum((actual - ref) * np.log(actual / ref)))


def benjamini_hochberg(
    p_values: FloatArray, alpha: float
) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    """Which hypotheses the Benjamini–Hochberg step-up procedure rejects at FDR ``alpha``:
    testing 30 features at once must not raise 30 times the false drift alarms."""
    m = len(p_values)
    rejected = np.zeros(m, dtype=bool)
    if m == 0:
        return rejected
    order = np.argsort(p_values)
    below = p_values[order] <= alpha * np.arange(1, m + 1) / m
    if below.any():
        last = int(np.nonzero(below)[0].max())
        rejected[order[: last + 1]] = True
    return rejected


def upper_tail(sorted_sample: FloatArray, values: FloatArray) -> FloatArray:
    """(count of sample >= value + 1) / (n + 1): an empirical p-value that is never zero."""
    n = len(sorted_sample)
    at_least = n - np.searchsorted(sorted_sample, values, side="left")
    return np.asarray((at_least + 1.0) / (n + 1.0), dtype=np.float64)


def lower_tail(sorted_sample: FloatArray, values: FloatArray) -> FloatArray:
    """(count of sample <= value + 1) / (n + 1)."""
    n = len(sorted_sample)
    at_most = np.searchsorted(sorted_sample, values, side="right")
    return np.asarray((at_most + 1.0) / (n + 1.0), dtype=np.float64)
