"""Monte Carlo summaries with their standard errors (Morris, White & Crowther 2019).

With ``R`` successful replications, estimates ``t_r``, target ``theta``:

* rejection rate (power) ``p = mean(p_r < alpha)``, MC SE ``sqrt(p (1 - p) / R)``;
* bias ``mean(t) - theta``, MC SE ``sd(t) / sqrt(R)``;
* RMSE ``sqrt(mean((t - theta)^2))``, MC SE by the delta method
  ``sqrt(var((t - theta)^2) / R) / (2 RMSE)``;
* coverage ``c = mean(lower <= theta <= upper)``, MC SE ``sqrt(c (1 - c) / R)``;
* mean CI width ``w``, MC SE ``sd(width) / sqrt(R)``;
* exact (Clopper–Pearson) interval of a rejection rate with ``x`` rejections:
  ``[B(a/2; x, R - x + 1), B(1 - a/2; x + 1, R - x)]`` with ``B`` the beta quantile
  (R's ``binom.test``).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import beta

__all__ = ["bias", "coverage", "exact_interval", "mean_with_se", "proportion", "rmse"]


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


def exact_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson interval of a binomial proportion (as R's ``binom.test``)."""
    if trials == 0:
        return np.nan, np.nan
    a = 1 - level
    lower = 0.0 if successes == 0 else float(beta.ppf(a / 2, successes, trials - successes + 1))
    upper = 1.0 if successes == trials else float(
        beta.ppf(1 - a / 2, successes + 1, trials - successes))
    return lower, upper
