"""Newton–Raphson for the (Firth-penalised) binomial log-likelihood with a logit link.

One routine serves three purposes: Firth's penalised fit, the profile likelihood of
one coefficient (that coefficient held fixed, the others maximised), and small fits
with an offset (calibration). Step halving keeps every step uphill; steps are capped
at ``max_step`` in absolute value (as logistf's ``maxstep``).

Penalised log-likelihood (Firth 1993): ``l*(b) = l(b) + 0.5 log det I(b)`` with
``I(b) = X' W X``, ``W = diag(mu (1 - mu))``. Its gradient is the modified score
``U*(b) = X' (y - mu + h (1/2 - mu))`` with ``h`` the diagonal of the hat matrix
``W^1/2 X I^-1 X' W^1/2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

__all__ = ["LogitFit", "fit_logit", "loglik_logit"]


@dataclass(frozen=True)
class LogitFit:
    """Maximiser of the (penalised) log-likelihood."""

    coef: np.ndarray
    objective: float  # the maximised (penalised) log-likelihood
    loglik: float  # the ordinary log-likelihood at ``coef``
    information: np.ndarray  # X' W X at ``coef``
    converged: bool
    iterations: int


def loglik_logit(eta: np.ndarray, y: np.ndarray) -> float:
    """Binomial log-likelihood ``sum(y eta - log(1 + exp(eta)))``."""
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _pieces(X: np.ndarray, y: np.ndarray, coef: np.ndarray, offset: np.ndarray,
            penalised: bool) -> tuple[float, float, np.ndarray, np.ndarray]:
    eta = offset + X @ coef
    mu = expit(eta)
    w = mu * (1.0 - mu)
    info = (X * w[:, None]).T @ X
    loglik = loglik_logit(eta, y)
    resid = y - mu
    objective = loglik
    if penalised:
        sign, logdet = np.linalg.slogdet(info)
        objective = loglik + 0.5 * logdet if sign > 0 else -np.inf
        xs = X * np.sqrt(w)[:, None]
        h = np.einsum("ij,ij->i", xs @ np.linalg.pinv(info), xs)
        resid = resid + h * (0.5 - mu)
    return objective, loglik, X.T @ resid, info


def fit_logit(X: np.ndarray, y: np.ndarray, *, penalised: bool = False,
              offset: np.ndarray | None = None, start: np.ndarray | None = None,
              fixed: int | None = None, fixed_value: float = 0.0, tol: float = 1e-11,
              max_iter: int = 200, max_step: float = 5.0) -> LogitFit:
    """Maximise the (penalised) logit log-likelihood, optionally with one coefficient fixed."""
    offset = np.zeros(len(y)) if offset is None else offset
    coef = np.zeros(X.shape[1]) if start is None else np.array(start, dtype=float)
    free = np.ones(X.shape[1], dtype=bool)
    if fixed is not None:
        coef[fixed] = fixed_value
        free[fixed] = False
    objective, loglik, score, info = _pieces(X, y, coef, offset, penalised)
    for iteration in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(info[np.ix_(free, free)], score[free])
        except np.linalg.LinAlgError:  # weights underflowed: estimates running off (separation)
            return LogitFit(coef, objective, loglik, info, False, iteration)
        biggest = np.max(np.abs(step))
        if biggest > max_step:
            step *= max_step / biggest
        for _ in range(40):
            trial = coef.copy()
            trial[free] += step
            new = _pieces(X, y, trial, offset, penalised)
            if new[0] >= objective - 1e-12 * (1 + abs(objective)):
                break
            step /= 2
        coef, (objective, loglik, score, info) = trial, new
        if np.max(np.abs(step)) < tol:
            return LogitFit(coef, objective, loglik, info, True, iteration)
    return LogitFit(coef, objective, loglik, info, False, max_iter)
