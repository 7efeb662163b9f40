"""The alpha statistics of covariance/correlation pairs (psych's internal ``alpha.1``).

Every function accepts a single ``(k, k)`` matrix or a stack ``(..., k, k)``, so that the
drop-one-item statistics of all items are computed in one vectorised call.
"""

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


def alpha_statistics(c: np.ndarray, r: np.ndarray) -> dict[str, np.ndarray]:
    """Raw and standardised alpha, G6, mean/median r, S/N and Duhachek's Q.

    Scalars (0-d arrays) for single matrices, arrays over the leading axes for stacks.
    """
    k = c.shape[-1]
    sum_r = r.sum(axis=(-2, -1))
    average_r = (sum_r - k) / (k * (k - 1.0))
    total = c.sum(axis=(-2, -1))
    trace = np.trace(c, axis1=-2, axis2=-1)
    cc = c @ c
    q = (2.0 * k**2 / ((k - 1.0) ** 2 * total**3)
         * (total * (np.trace(cc, axis1=-2, axis2=-1) + trace**2)
            - 2.0 * trace * cc.sum(axis=(-2, -1))))
    lower = np.tril_indices(k, -1)
    return {
        "raw_alpha": raw_alpha(c),
        "std_alpha": (1.0 - k / sum_r) * k / (k - 1.0),
        "g6": 1.0 - (k - smc(r).sum(axis=-1)) / sum_r,
        "average_r": average_r,
        "median_r": np.median(r[..., lower[0], lower[1]], axis=-1),
        "signal_noise": k * average_r / (1.0 - average_r),
        "q": q,
    }


def drop_one_statistics(c: np.ndarray, r: np.ndarray, n_obs: int) -> dict[str, np.ndarray]:
    """Alpha statistics with each item left out in turn (NaN when only one item would remain)."""
    k = c.shape[0]
    keys = ("raw_alpha", "std_alpha", "g6", "average_r", "signal_noise", "alpha_se")
    if k < 3:
        return {key: np.full(k, np.nan) for key in keys}
    keep = np.array([np.delete(np.arange(k), i) for i in range(k)])     # (k, k-1)
    rows, cols = keep[:, :, None], keep[:, None, :]
    stats = alpha_statistics(c[rows, cols], r[rows, cols])
    stats["alpha_se"] = np.sqrt(stats["q"] / n_obs)
    return {key: np.asarray(stats[key], dtype=float) for key in keys}


def rest_correlations(c: np.ndarray) -> np.ndarray:
    """Corrected item-total (item-rest) correlations from a covariance matrix."""
    total = c.sum()
    col = c.sum(axis=0)
    diag = np.diag(c)
    rest_var = total - 2.0 * col + diag                  # variance of the sum without item i
    return (col - diag) / np.sqrt(diag * rest_var)
