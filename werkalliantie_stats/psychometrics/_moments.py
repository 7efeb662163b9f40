"""Pairwise-complete moments, vectorised and batched, as R's ``cov(x, use="pairwise")``.

The batched forms take non-negative case weights ``w`` of shape ``(B, n)`` (bootstrap
counts), so that all draws are handled by a few matrix products instead of a loop.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cov2cor", "pairwise_cor", "pairwise_cov", "smc", "weighted_pairwise_cov"]


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Covariance matrix from pairwise-complete observations (R ``cov(use="pairwise")``)."""
    return weighted_pairwise_cov(x, np.ones((1, x.shape[0])))[0]


def weighted_pairwise_cov(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Pairwise-complete covariances for each row of case weights ``w`` (shape ``(B, n)``).

    For items i, j the rows used are those where both are observed; with counts ``w`` the
    result is exactly the covariance of the resampled data (means taken per pair, divisor
    ``n_ij - 1``). Returns an array of shape ``(B, k, k)``.
    """
    mask = ~np.isnan(x)
    m = mask.astype(float)
    x0 = np.where(mask, x, 0.0)
    n, k = x.shape
    # every pairwise sum is sum_n w[b, n] a[n, i] c[n, j]: one (B x n) @ (n x 3k^2) product
    products = np.concatenate([(a[:, :, None] * c[:, None, :]).reshape(n, k * k)
                               for a, c in ((m, m), (x0, m), (x0, x0))], axis=1)
    sums = (w @ products).reshape(-1, 3, k, k)
    n_ij, s_ij, cross = sums[:, 0], sums[:, 1], sums[:, 2]   # s_ij: sum of x_i where j observed
    with np.errstate(invalid="ignore", divide="ignore"):
        return (cross - s_ij * np.swapaxes(s_ij, 1, 2) / n_ij) / (n_ij - 1.0)


def pairwise_cor(x: np.ndarray) -> np.ndarray:
    """Correlations from pairwise-complete observations (R ``cor(use="pairwise")``).

    Unlike ``cov2cor(pairwise_cov(x))``, means and variances are taken over the rows
    where both items are observed.
    """
    mask = ~np.isnan(x)
    m = mask.astype(float)
    x0 = np.where(mask, x, 0.0)
    n_ij = m.T @ m
    s_ij = x0.T @ m                                      # sum of x_i where j is observed
    sq_ij = (x0**2).T @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = x0.T @ x0 - s_ij * s_ij.T / n_ij
        var = sq_ij - s_ij**2 / n_ij                     # of x_i over rows where j observed
        return cov / np.sqrt(var * var.T)


def cov2cor(c: np.ndarray) -> np.ndarray:
    """Scale covariance matrices (last two axes) to correlations, as R's ``cov2cor``."""
    d = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
    return c / (d[..., :, None] * d[..., None, :])


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^-1)``, clipped to [0, 1] (psych ``smc``).

    Works on stacks of matrices; a singular matrix falls back to the pseudo-inverse, as
    psych's ``Pinv``.
    """
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r, hermitian=True)
    with np.errstate(divide="ignore"):
        return np.clip(1.0 - 1.0 / np.diagonal(inv, axis1=-2, axis2=-1), 0.0, 1.0)
