"""The alpha statistics of one covariance/correlation pair (psych's internal ``alpha.1``)."""

from __future__ import annotations

import numpy as np

from ._moments import smc

__all__ = ["alpha_statistics", "drop_one_statistics", "raw_alpha", "rest_correlations"]


def raw_alpha(c: np.ndarray) -> np.ndarray:
    """Cronbach's alpha ``k/(k-1) (1 - tr C / 1'C1)`` for one or a stack of covariances."""
    k = c.shape[-1]
    trace = np.trace(c, axis1=-2, axis2=-1)
    total = c.sum(axis=(-2, -1))
    return (1.0 - trace / total) * k / (k - 1.0)


def alpha_statistics(c: np.ndarray, r: np.ndarray) -> dict[str, float]:
    """Raw and standardised alpha, G6, mean/median r, S/N and Duhachek's Q."""
    k = c.shape[0]
    sum_r = r.sum()
    average_r = (sum_r - k) / (k * (k - 1.0))
    total = c.sum()
    trace = np.trace(c)
    cc = c @ c
    q = (2.0 * k**2 / ((k - 1.0) ** 2 * total**3)
         * (total * (np.trace(cc) + trace**2) - 2.0 * trace * cc.sum()))
    return {
        "raw_alpha": float(raw_alpha(c)),
        "std_alpha": float((1.0 - k / sum_r) * k / (k - 1.0)),
        "g6": float(1.0 - (k - smc(r).sum()) / sum_r),
        "average_r": float(average_r),
        "median_r": float(np.median(r[np.tril_indices(k, -1)])),
        "signal_noise": float(k * average_r / (1.0 - average_r)),
        "q": float(q),
    }


def drop_one_statistics(c: np.ndarray, r: np.ndarray, n_obs: int) -> dict[str, np.ndarray]:
    """Alpha statistics with each item left out in turn (NaN when only one item would remain)."""
    k = c.shape[0]
    keys = ("raw_alpha", "std_alpha", "g6", "average_r", "signal_noise", "alpha_se")
    out = {key: np.full(k, np.nan) for key in keys}
    if k < 3:
        return out
    for i in range(k):
        keep = np.arange(k) != i
        stats = alpha_statistics(c[np.ix_(keep, keep)], r[np.ix_(keep, keep)])
        stats["alpha_se"] = np.sqrt(stats["q"] / n_obs)
        for key in keys:
            out[key][i] = stats[key]
    return out


def rest_correlations(c: np.ndarray) -> np.ndarray:
    """Corrected item-total (item-rest) correlations from a covariance matrix."""
    total = c.sum()
    col = c.sum(axis=0)
    diag = np.diag(c)
    rest_var = total - 2.0 * col + diag                  # variance of the sum without item i
    return (col - diag) / np.sqrt(diag * rest_var)
