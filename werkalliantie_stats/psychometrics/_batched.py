"""Batched building blocks for parallel analysis (internal): many correlation matrices
and many one-factor solutions at once, without a Python loop per data set."""

from __future__ import annotations

import numpy as np

__all__ = ["batched_correlation", "one_factor_minres_values", "one_factor_pa_values"]

_HEYWOOD_BOUND = 0.995  # psych's lower bound .005 on uniquenesses


def batched_correlation(x: np.ndarray) -> np.ndarray:
    """Pearson correlations of a stack of data sets (B, n, p); NaN = missing, pairwise."""
    if not np.isnan(x).any():
        centred = x - x.mean(axis=1, keepdims=True)
        cross = np.matmul(centred.transpose(0, 2, 1), centred)
        sd = np.sqrt(np.einsum("bii->bi", cross))
        return cross / sd[:, :, None] / sd[:, None, :]
    mask = (~np.isnan(x)).astype(float)
    xz = np.nan_to_num(x)
    mt = mask.transpose(0, 2, 1)
    n = np.matmul(mt, mask)
    sx = np.matmul(xz.transpose(0, 2, 1), mask)          # sum of x_i over rows with x_j
    sxx = np.matmul((xz ** 2).transpose(0, 2, 1), mask)
    sxy = np.matmul(xz.transpose(0, 2, 1), xz)
    cov = n * sxy - sx * sx.transpose(0, 2, 1)
    var_i = n * sxx - sx ** 2
    return cov / np.sqrt(var_i * var_i.transpose(0, 2, 1))


def _smc(r: np.ndarray) -> np.ndarray:
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
