"""Factor rotations reproducing R: stats::varimax, psych's Promax with Kaiser
normalisation, and GPArotation's gradient-projection oblique rotations.

Each rotation takes an unrotated loading matrix (items x factors) and returns a
:class:`Rotation` with the rotated pattern, the factor correlations (``None`` for
orthogonal rotations) and whether the iterations converged. The algorithms, starting
values and stopping rules are those of the R functions psych calls, so that the same
unrotated loadings give the same rotated ones.

References
----------
1. Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
   Psychometrika, 23, 187-200.
2. Hendrickson, A. E., & White, P. O. (1964). Promax: a quick method for rotation to
   oblique simple structure. British Journal of Statistical Psychology, 17, 65-70.
3. Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika,
   67, 7-19.
4. Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software
   for arbitrary rotation criteria in factor analysis. Educational and Psychological
   Measurement, 65, 676-696.
5. Yates, A. (1987). Multivariate exploratory data analysis. SUNY Press (geomin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ROTATIONS", "Rotation", "rotate"]

ROTATIONS = ("oblimin", "quartimin", "geomin", "promax", "varimax", None)


@dataclass(frozen=True)
class Rotation:
    """A rotated solution: pattern loadings, factor correlations, convergence."""

    loadings: np.ndarray
    phi: np.ndarray | None
    converged: bool


def varimax(loadings: np.ndarray, normalize: bool = True, eps: float = 1e-5) -> tuple:
    """``stats::varimax``: Kaiser-normalised SVD iterations; returns (loadings, T, converged)."""
    x = loadings.copy()
    scale = np.sqrt((x ** 2).sum(axis=1)) if normalize else np.ones(len(x))
    x = x / scale[:, None]
    p, m = x.shape
    rot = np.eye(m)
    d = 0.0
    converged = False
    for _ in range(1000):
        z = x @ rot
        b = x.T @ (z ** 3 - z * (z ** 2).sum(axis=0) / p)
        u, s, vt = np.linalg.svd(b)
        rot = u @ vt
        d_past, d = d, s.sum()
        if d < d_past * (1 + eps):
            converged = True
            break
    return (x @ rot) * scale[:, None], rot, converged


def promax(loadings: np.ndarray, power: int = 4) -> Rotation:
    """psych's ``promax``: Kaiser row-normalisation, ``Promax`` (varimax then the
    least-squares fit to the powered target), rows rescaled back."""
    h = np.sqrt((loadings ** 2).sum(axis=1))
    weighted = loadings / h[:, None]
    x, rot_varimax, converged = varimax(weighted)
    target = x * np.abs(x) ** (power - 1)
    u = np.linalg.lstsq(x, target, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)[None, :]
    rotated = x @ u
    full = rot_varimax @ u
    inv = np.linalg.inv(full)
    return Rotation(rotated * h[:, None], inv @ inv.T, converged)


def _oblimin_criterion(gamma: float) -> Callable:
    def criterion(lam):
        sq = lam ** 2
        x = sq.sum(axis=1, keepdims=True) - sq  # L^2 (11' - I): row sums without own column
        if gamma != 0:
            p = lam.shape[0]
            x = (np.eye(p) - gamma / p) @ x
        return (lam ** 2 * x).sum() / 4, lam * x
    return criterion


def _geomin_criterion(delta: float) -> Callable:
    def criterion(lam):
        m = lam.shape[1]
        l2 = lam ** 2 + delta
        pro = np.exp(np.log(l2).sum(axis=1) / m)
        return pro.sum(), (2 / m) * (lam / l2) * pro[:, None]
    return criterion


def gpa_oblique(loadings: np.ndarray, criterion: Callable, eps: float = 1e-5,
                max_iter: int = 1000) -> Rotation:
    """GPArotation's ``GPFoblq`` (gradient projection, oblique), started at the identity.

    Same steps as the R code; the inverse of each trial rotation is computed once and
    used for both the loadings and the gradient (R solves twice).
    """
    a = loadings
    t = np.eye(a.shape[1])
    t_inv = t
    lam = a @ t_inv.T
    f, gq = criterion(lam)
    g = -(lam.T @ gq @ t_inv).T
    alpha = 1.0
    converged = False
    for _ in range(max_iter + 1):
        gp = g - t * (t * g).sum(axis=0)[None, :]
        s = np.sqrt((gp ** 2).sum())
        if s < eps:
            converged = True
            break
        alpha *= 2
        for _ in range(11):
            x = t - alpha * gp
            t_new = x / np.sqrt((x ** 2).sum(axis=0))[None, :]
            t_inv = np.linalg.inv(t_new)
            lam = a @ t_inv.T
            f_new, gq_new = criterion(lam)
            if f - f_new > 0.5 * s ** 2 * alpha:
                break
            alpha /= 2
        t, f = t_new, f_new
        g = -(lam.T @ gq_new @ t_inv).T
    return Rotation(lam, t.T @ t, converged)


def rotate(loadings: np.ndarray, method: str | None) -> Rotation:
    """Rotate ``loadings`` by ``method`` (one of :data:`ROTATIONS`), as psych::fa does."""
    if method is None or loadings.shape[1] < 2:
        return Rotation(loadings.copy(), None, True)
    if method == "varimax":
        rotated, _, converged = varimax(loadings)
        return Rotation(rotated, None, converged)
    if method == "promax":
        return promax(loadings)
    if method in ("oblimin", "quartimin"):
        return gpa_oblique(loadings, _oblimin_criterion(0.0))
    if method == "geomin":
        return gpa_oblique(loadings, _geomin_criterion(0.01))
    raise ValueError(f"rotate: unknown rotation {method!r}; choose one of {list(ROTATIONS)}")
