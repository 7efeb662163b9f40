"""Batched building blocks for parallel analysis (internal): many correlation matrices
and many one-factor solutions at once, without a Python loop per data set."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ._polychoric import compact_tables, solve_rho

__all__ = [
    "batched_correlation",
    "batched_polychoric",
    "one_factor_minres_values",
    "one_factor_pa_values",
]

_HEYWOOD_BOUND = 0.995  # psych's lower bound .005 on uniquenesses


def batched_correlation(x: np.ndarray, observed: np.ndarray | None = None) -> np.ndarray:
    """Pearson correlations of a stack of data sets (B, n, p), pairwise deletion.

    Missing values are NaN in ``x``, or (faster) ``x`` holds zeros there and ``observed``
    is the boolean mask of observed cells.
    """
    if observed is None:
        nan = np.isnan(x)
        if not nan.any():
            centred = x - x.mean(axis=1, keepdims=True)
            cross = np.matmul(centred.transpose(0, 2, 1), centred)
            sd = np.sqrt(np.einsum("bii->bi", cross))
            return cross / sd[:, :, None] / sd[:, None, :]
        observed = ~nan
        x = np.where(observed, x, 0.0)
    mask = observed.astype(float)
    xt = x.transpose(0, 2, 1)
    n = np.matmul(mask.transpose(0, 2, 1), mask)
    sx = np.matmul(xt, mask)               # sum of x_i over the rows where x_j is observed
    sxx = np.matmul((x * x).transpose(0, 2, 1), mask)
    sxy = np.matmul(xt, x)
    cov = n * sxy - sx * sx.transpose(0, 2, 1)
    var_i = n * sxx - sx ** 2
    return cov / np.sqrt(var_i * var_i.transpose(0, 2, 1))


def _smc(r: np.ndarray) -> np.ndarray:
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:  # psych uses a pseudo-inverse; only needed when singular
        inv = np.linalg.pinv(r, hermitian=True)
    return np.clip(1.0 - 1.0 / np.einsum("bii->bi", inv), 0.0, 1.0)


def _reduced_values(r: np.ndarray, communality: np.ndarray) -> np.ndarray:
    reduced = r.copy()
    idx = np.arange(r.shape[1])
    reduced[:, idx, idx] = communality
    return np.linalg.eigvalsh(reduced)[:, ::-1]


def _off_diagonal_loss(off: np.ndarray, lam: np.ndarray) -> np.ndarray:
    resid = off - lam[:, :, None] * lam[:, None, :]
    idx = np.arange(off.shape[1])
    resid[:, idx, idx] = 0.0
    return (resid ** 2).sum(axis=(1, 2))


def one_factor_minres_values(r: np.ndarray, max_iter: int = 200) -> np.ndarray:
    """Reduced-matrix eigenvalues of one-factor minres solutions of a stack (B, p, p).

    Minimises the off-diagonal least-squares loss over the loadings by damped Newton
    (Levenberg-Marquardt) steps for all matrices at once, from psych's start (leading
    eigenpair of R with SMCs on the diagonal), stopping as R's L-BFGS-B does (relative
    reduction below 1e7 * machine epsilon). Communalities are capped at .995, psych's bound.
    """
    b, p, _ = r.shape
    idx = np.arange(p)
    start = r.copy()
    start[:, idx, idx] = _smc(r)
    values, vectors = np.linalg.eigh(start)
    lam = vectors[:, :, -1] * np.sqrt(np.maximum(values[:, -1], 0.0))[:, None]
    off = r.copy()
    off[:, idx, idx] = 0.0
    loss = _off_diagonal_loss(off, lam)
    damping = np.full(b, 1e-3)
    active = np.ones(b, dtype=bool)
    for _ in range(max_iter):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        lam[a], loss[a], damping[a], done = _lm_step(off[a], lam[a], loss[a], damping[a])
        active[a[done]] = False
    return _reduced_values(r, np.minimum(lam ** 2, _HEYWOOD_BOUND))


def _lm_step(off, lam, loss, damping):
    p = off.shape[1]
    idx = np.arange(p)
    resid = off - lam[:, :, None] * lam[:, None, :]
    resid[:, idx, idx] = 0.0
    grad = -4.0 * np.einsum("bij,bj->bi", resid, lam)
    hess = -4.0 * off + 8.0 * lam[:, :, None] * lam[:, None, :]
    hess[:, idx, idx] = 4.0 * ((lam ** 2).sum(axis=1)[:, None] - lam ** 2)
    scale = np.abs(hess[:, idx, idx]).mean(axis=1) * damping
    step = np.linalg.solve(hess + scale[:, None, None] * np.eye(p), grad[:, :, None])[:, :, 0]
    trial = lam - step
    trial_loss = _off_diagonal_loss(off, trial)
    better = trial_loss < loss
    relative = (loss - trial_loss) / np.maximum(np.abs(loss), 1.0)
    done = (np.abs(grad).max(axis=1) < 1e-10) | (better & (relative < 1e7 * np.finfo(float).eps))
    lam = np.where(better[:, None], trial, lam)
    loss = np.where(better, trial_loss, loss)
    damping = np.where(better, np.maximum(damping / 5.0, 1e-12), damping * 5.0)
    return lam, loss, damping, done


def one_factor_pa_values(r: np.ndarray, min_err: float = 0.001, max_iter: int = 50) -> np.ndarray:
    """Eigenvalues psych's fa(fm="pa", SMC=FALSE) reports for a stack of matrices: principal
    axes started from unit communalities, iterated until the summed communality changes by
    at most ``min_err`` (each matrix stops on its own), eigenvalues of the last iterate."""
    b, p, _ = r.shape
    idx = np.arange(p)
    reduced = r.copy()
    comm = np.einsum("bii->b", reduced)
    out = np.zeros((b, p))
    active = np.ones(b, dtype=bool)
    for _ in range(max_iter):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        values, vectors = np.linalg.eigh(reduced[a])
        out[a] = values[:, ::-1]
        new = vectors[:, :, -1] ** 2 * values[:, -1:]
        sub = reduced[a]
        sub[:, idx, idx] = new
        reduced[a] = sub
        done = np.abs(comm[a] - new.sum(axis=1)) <= min_err
        comm[a] = new.sum(axis=1)
        active[a[done]] = False
    return out


def batched_polychoric(codes: np.ndarray, n_categories: int, correct: float = 0.5
                       ) -> np.ndarray:
    """Polychoric matrices of a stack of ordinal data sets (B, n, p) coded 0..K-1, -1 missing.

    Same estimator as :func:`werkalliantie_stats.psychometrics.polychoric` (global
    thresholds when every item of a data set reaches the same top category, per-pair
    thresholds with the continuity correction otherwise; smoothing of non-positive-
    definite results), with every table of every data set solved together.
    """
    b, _, p = codes.shape
    k = n_categories
    pairs = np.array(np.triu_indices(p, 1)).T
    tau = _batched_thresholds(codes, k)
    tables = _batched_pair_tables(codes, pairs, k)            # (B, P, K, K)
    npairs = len(pairs)
    flat = tables.reshape(b * npairs, k, k)
    tops = np.where(codes >= 0, codes, -1).max(axis=1)         # (B, p)
    is_global = np.repeat((tops == tops[:, :1]).all(axis=1), npairs)
    rho = np.zeros(b * npairs)
    if is_global.any():
        sel = flat[is_global]
        props = sel / sel.sum(axis=(1, 2))[:, None, None]
        rows = tau[:, pairs[:, 0]].reshape(b * npairs, k - 1)[is_global]
        cols = tau[:, pairs[:, 1]].reshape(b * npairs, k - 1)[is_global]
        rho[is_global] = solve_rho(props, rows, cols, np.zeros(len(sel)))[0]
    if (~is_global).any():
        props, rows, cols, _, _ = compact_tables(flat[~is_global], correct)
        rho[~is_global] = solve_rho(props, rows, cols, np.zeros(len(props)))[0]
    matrices = np.repeat(np.eye(p)[None], b, axis=0)
    rho = rho.reshape(b, npairs)
    matrices[:, pairs[:, 0], pairs[:, 1]] = rho
    matrices[:, pairs[:, 1], pairs[:, 0]] = rho
    return _batched_smooth(matrices)


def _batched_thresholds(codes: np.ndarray, k: int) -> np.ndarray:
    b, _, p = codes.shape
    offsets = (np.arange(b)[:, None, None] * p + np.arange(p)[None, None, :]) * k
    valid = codes >= 0
    counts = np.bincount((offsets + codes)[valid], minlength=b * p * k).reshape(b, p, k)
    cum = np.cumsum(counts, axis=2) / counts.sum(axis=2, keepdims=True)
    return ndtri(np.clip(cum[:, :, :-1], 0.0, 1.0))


def _batched_pair_tables(codes: np.ndarray, pairs: np.ndarray, k: int) -> np.ndarray:
    b = codes.shape[0]
    npairs = len(pairs)
    xi, xj = codes[:, :, pairs[:, 0]], codes[:, :, pairs[:, 1]]   # (B, n, P)
    valid = (xi >= 0) & (xj >= 0)
    base = (np.arange(b)[:, None, None] * npairs + np.arange(npairs)[None, None, :]) * k * k
    flat = base + xi * k + xj
    counts = np.bincount(flat[valid], minlength=b * npairs * k * k)
    return counts.reshape(b, npairs, k, k).astype(float)


def _batched_smooth(matrices: np.ndarray, eig_tol: float = 1e-12) -> np.ndarray:
    """psych::cor.smooth for every matrix whose smallest eigenvalue is below epsilon."""
    values, vectors = np.linalg.eigh(matrices)
    bad = values.min(axis=1) < np.finfo(float).eps
    if not bad.any():
        return matrices
    vals = np.where(values[bad] < eig_tol, 100 * eig_tol, values[bad])
    vals = vals * vals.shape[1] / vals.sum(axis=1, keepdims=True)
    fixed = np.matmul(vectors[bad] * vals[:, None, :], vectors[bad].transpose(0, 2, 1))
    scale = 1.0 / np.sqrt(np.einsum("bii->bi", fixed))
    matrices = matrices.copy()
    matrices[bad] = fixed * scale[:, :, None] * scale[:, None, :]
    return matrices
