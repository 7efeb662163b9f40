"""Analytic log-likelihood, score and Hessian of the cumulative-logit model.

Parameters ``theta = (b, zeta)`` in polr's form ``logit P(Y <= k) = zeta_k - x'b``.
For a row in category ``k`` let ``u = zeta_k - x'b`` (``+inf`` for the top category)
and ``l = zeta_{k-1} - x'b`` (``-inf`` for the bottom one); ``p = F(u) - F(l)`` with
``F`` the logistic cdf, ``f = F(1-F)``, ``f' = f(1-2F)``. With ``du = dU/dtheta`` and
``dl`` likewise (``-x`` for ``b``, unit vectors for ``zeta``):
``g = (f(u) du - f(l) dl)/p`` and
``d2 log p = (f'(u) du du' - f'(l) dl dl')/p - g g'``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["cumulative_logit", "newton_polish"]


def _density(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cdf = expit(z)
    dens = cdf * (1.0 - cdf)
    return cdf, dens, dens * (1.0 - 2.0 * cdf)


def cumulative_logit(theta: np.ndarray, X: np.ndarray, codes: np.ndarray, n_categories: int
                     ) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, score vector and Hessian matrix at ``theta``."""
    n, k = X.shape
    beta, zeta = theta[:k], theta[k:]
    cuts = np.concatenate([[-np.inf], zeta, [np.inf]])
    eta = X @ beta
    upper, lower = cuts[codes + 1] - eta, cuts[codes] - eta
    F_u, f_u, fp_u = _density(upper)
    F_l, f_l, fp_l = _density(lower)
    prob = F_u - F_l
    du = np.zeros((n, k + n_categories - 1))
    dl = np.zeros_like(du)
    du[:, :k] = -X
    dl[:, :k] = -X
    top, bottom = codes == n_categories - 1, codes == 0
    du[~top, k + codes[~top]] = 1.0
    dl[~bottom, k + codes[~bottom] - 1] = 1.0
    grad = (f_u[:, None] * du - f_l[:, None] * dl) / prob[:, None]
    hess = (du * (fp_u / prob)[:, None]).T @ du - (dl * (fp_l / prob)[:, None]).T @ dl \
        - grad.T @ grad
    return float(np.sum(np.log(prob))), grad.sum(axis=0), hess


def newton_polish(theta: np.ndarray, X: np.ndarray, codes: np.ndarray, n_categories: int,
                  tol: float = 1e-11, max_iter: int = 20) -> tuple[np.ndarray, bool]:
    """Newton steps from a near-optimal ``theta`` until the step is below ``tol``."""
    for _ in range(max_iter):
        loglik, score, hess = cumulative_logit(theta, X, codes, n_categories)
        step = np.linalg.solve(-hess, score)
        trial = theta + step
        if not np.all(np.diff(trial[X.shape[1]:]) > 0) or \
                cumulative_logit(trial, X, codes, n_categories)[0] < loglik - 1e-9:
            return theta, False
        theta = trial
        if np.max(np.abs(step)) < tol:
            return theta, True
    return theta, False
