"""Factor extraction as psych::fa does it: minimum residual, maximum likelihood and
iterated principal axis, on a correlation matrix.

Minres and ML minimise over the uniquenesses with L-BFGS-B under psych's settings
(start 1 - SMC, bounds [0.005, 1], parameter scale 0.01, psych's gradients), so that the
same optimum is found; principal axes iterate exactly as psych (SMC start, stop when the
summed communality changes by less than ``min_err``, at most ``max_iter`` iterations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

__all__ = ["Extraction", "extract", "smc"]

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class Extraction:
    """Unrotated loadings, eigenvalues of the reduced matrix, convergence."""

    loadings: np.ndarray
    values: np.ndarray
    converged: bool
    iterations: int


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^-1)`` (pseudo-inverse), clipped to [0, 1]."""
    inverse = np.linalg.pinv(r)
    return np.clip(1.0 - 1.0 / np.diag(inverse), 0.0, 1.0)


def _top_loadings(matrix: np.ndarray, nf: int, floor: float | None) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    values, vectors = values[::-1][:nf], vectors[:, ::-1][:, :nf]
    if floor is not None:
        values = np.where(values < _EPS, floor, values)
    return vectors * np.sqrt(np.maximum(values, 0.0))


def _minres_objective(psi, r, nf):
    s = r.copy()
    np.fill_diagonal(s, 1.0 - psi)
    lam = _top_loadings(s, nf, 100 * _EPS)
    resid = (s - lam @ lam.T)[np.tril_indices(len(psi), -1)]
    return float((resid ** 2).sum())


def _minres_gradient(psi, r, nf):
    lam = _top_loadings(r - np.diag(psi), nf, None)
    return (lam ** 2).sum(axis=1) + psi - np.diag(r)


def _ml_scaled(psi, r):
    sc = 1.0 / np.sqrt(psi)
    return r * np.outer(sc, sc)


def _ml_objective(psi, r, nf):
    e = np.linalg.eigvalsh(_ml_scaled(psi, r))[::-1][nf:]
    if np.any(e <= 0):  # R's objective is NaN here; tell the line search to back off
        return np.inf
    return float(-(np.sum(np.log(e) - e) - nf + len(psi)))


def _ml_loadings(psi, r, nf):
    values, vectors = np.linalg.eigh(_ml_scaled(psi, r))
    values, vectors = values[::-1][:nf], vectors[:, ::-1][:, :nf]
    return np.sqrt(psi)[:, None] * vectors * np.sqrt(np.maximum(values - 1.0, 0.0))


def _ml_gradient(psi, r, nf):
    lam = _ml_loadings(psi, r, nf)
    return ((lam ** 2).sum(axis=1) + psi - np.diag(r)) / psi ** 2


def _lbfgsb(objective, gradient, start, upper, r, nf):
    """R's optim(method="L-BFGS-B", parscale=0.01, factr=1e7, lmm=5, maxit=100)."""
    scale = 0.01
    res = minimize(lambda x: objective(x * scale, r, nf), start / scale,
                   jac=lambda x: gradient(x * scale, r, nf) * scale, method="L-BFGS-B",
                   bounds=[(0.005 / scale, upper / scale)] * len(start),
                   options={"ftol": 1e7 * _EPS, "gtol": 0.0, "maxcor": 5, "maxiter": 100,
                            "maxls": 20})
    return res.x * scale, bool(res.success), int(res.nit)


def _reduced_values(r, lam):
    reduced = r.copy()
    np.fill_diagonal(reduced, (lam ** 2).sum(axis=1))
    return np.linalg.eigvalsh(reduced)[::-1]


def _principal_axis(r, nf, min_err, max_iter):
    reduced = r.copy()
    np.fill_diagonal(reduced, smc(r))
    comm = np.trace(reduced)
    for iteration in range(1, max_iter + 1):
        values = np.linalg.eigvalsh(reduced)[::-1]
        lam = _top_loadings(reduced, nf, None)
        new = (lam ** 2).sum(axis=1)
        np.fill_diagonal(reduced, new)
        err = abs(comm - new.sum())
        comm = new.sum()
        if err <= min_err:
            return lam, values, True, iteration
    return lam, values, False, max_iter


def extract(r: np.ndarray, nf: int, method: str, min_err: float = 0.001,
            max_iter: int = 50) -> Extraction:
    """Unrotated loadings of ``nf`` factors of correlation matrix ``r`` by ``method``."""
    if method == "pa":
        lam, values, converged, iterations = _principal_axis(r, nf, min_err, max_iter)
        return Extraction(lam, values, converged, iterations)
    squared_multiple = smc(r)
    start = np.diag(r) - squared_multiple
    upper = max(squared_multiple.max(), 1.0)
    if method == "minres":
        psi, converged, iterations = _lbfgsb(_minres_objective, _minres_gradient, start,
                                             upper, r, nf)
        lam = _top_loadings(r - np.diag(psi), nf, None)
    elif method == "ml":
        psi, converged, iterations = _lbfgsb(_ml_objective, _ml_gradient, start, upper, r, nf)
        lam = _ml_loadings(psi, r, nf)
    else:
        raise ValueError(f"extract: unknown method {method!r}; use 'minres', 'ml' or 'pa'")
    return Extraction(lam, _reduced_values(r, lam), converged, iterations)
