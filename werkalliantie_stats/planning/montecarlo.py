"""Monte Carlo summaries with their standard errors (Morris, White & Crowther 2019).

With ``R`` successful replications, estimates ``t_r``, target ``theta``:

* rejection rate (power) ``p = mean(p_r < alpha)``, MC SE ``sqrt(p (1 - p) / R)``;
* bias ``mean(t) - theta``, MC SE ``sd(t) / sqrt(R)``;
* RMSE ``sqrt(mean((t - theta)^2))``, MC SE by the delta method
  ``sqrt(var((t - theta)^2) / R) / (2 RMSE)``;
* coverage ``c = mean(lower <= theta <= upper)``, MC SE ``sqrt(c (1 - c) / R)``;
* mean CI width ``w``, MC SE ``sd(width) / sqrt(R)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bias", "coverage", "mean_with_se", "proportion", "rmse"]


def proportion(hits: np.ndarray) -> tuple[float, float]:
    """Share of True values and its binomial MC SE."""
    hits = np.asarray(hits, dtype=bool)
    if hits.size == 0:
        return np.nan, np.nan
    p = float(hits.mean())
    return p, float(np.sqrt(p * (1 - p) / hits.size))


def mean_with_se(values: np.ndarray) -> tuple[float, float]:
    """Mean and its MC SE ``sd / sqrt(R)``."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return (float(values.mean()) if values.size else np.nan), np.nan
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def bias(estimates: np.ndarray, target: float) -> tuple[float, float]:
    """Mean error and its MC SE."""
    m, se = mean_with_se(estimates)
    return m - target, se


def rmse(estimates: np.ndarray, target: float) -> tuple[float, float]:
    """Root mean squared error and its delta-method MC SE."""
    sq = (np.asarray(estimates, dtype=float) - target) ** 2
    value = float(np.sqrt(sq.mean())) if sq.size else np.nan
    if sq.size < 2 or value == 0:
        return value, np.nan
    return value, float(np.sqrt(sq.var(ddof=1) / sq.size) / (2 * value))


def coverage(lower: np.ndarray, upper: np.ndarray, target: float) -> tuple[float, float]:
    """Share of intervals containing ``target`` and its MC SE."""
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    return proportion((lower <= target) & (target <= upper))
