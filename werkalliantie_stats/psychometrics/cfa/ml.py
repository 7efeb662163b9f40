"""Normal-theory ML discrepancy, its gradient and information; FIML by pattern.

The data of every group are summarised as *blocks*: for complete data one block per
group (all variables, sample mean and biased covariance), for incomplete data one
block per missing-data pattern (its observed variables only). With ``n_b`` cases in
block ``b`` and ``N`` cases in all, the function minimised is

    f(x) = sum_b (n_b / N) [ log|Sigma_b| + tr(S_b Sigma_b^-1)
                             + (ybar_b - mu_b)' Sigma_b^-1 (ybar_b - mu_b) ],

so that ``logL = -N/2 [f + (sum_b n_b p_b / N) log(2 pi)]``. For complete data this is
lavaan's ML discrepancy ``F_ML`` plus the constant ``sum_g (n_g/N)(log|S_g| + p)``;
for incomplete data it is the FIML (casewise) likelihood, as lavaan's ``missing="ml"``.
Without a mean structure the mean term is dropped (means saturated at ybar).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .matrices import MatrixModel

__all__ = ["Block", "complete_blocks", "em_saturated", "expected_information",
           "objective", "objective_gradient", "pattern_blocks", "pattern_expected_information"]

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class Block:
    """Cases of one group sharing one pattern of observed variables."""

    group: int
    observed: np.ndarray
    n: int
    mean: np.ndarray
    cov: np.ndarray


def complete_blocks(groups: list[np.ndarray]) -> list[Block]:
    """One block per group of complete data (biased covariance, divisor n)."""
    out = []
    for g, y in enumerate(groups):
        n, p = y.shape
        mean = y.mean(axis=0)
        centred = y - mean
        out.append(Block(g, np.arange(p), n, mean, centred.T @ centred / n))
    return out


def pattern_blocks(groups: list[np.ndarray]) -> list[Block]:
    """One block per (group, missing-data pattern); rows with nothing observed dropped."""
    out = []
    for g, y in enumerate(groups):
        observed = ~np.isnan(y)
        patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
        for k, pattern in enumerate(patterns):
            if not pattern.any():
                continue
            rows = y[inverse.ravel() == k][:, pattern]
            mean = rows.mean(axis=0)
            centred = rows - mean
            out.append(Block(g, np.flatnonzero(pattern), rows.shape[0], mean,
                             centred.T @ centred / rows.shape[0]))
    return out


def _moments(model: MatrixModel, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    mats = [model.matrices(x, g) for g in range(model.ngroups)]
    return [(m.implied_cov(), m.implied_mean()) for m in mats]


def _block_terms(block: Block, sigma: np.ndarray, mu: np.ndarray, meanstructure: bool):
    obs = block.observed
    s_oo = sigma[np.ix_(obs, obs)]
    chol = np.linalg.cholesky(s_oo)
    inv = np.linalg.inv(s_oo)
    logdet = 2.0 * np.log(np.diag(chol)).sum()
    diff = block.mean - mu[obs] if meanstructure else np.zeros(len(obs))
    return inv, logdet, diff


def objective(model: MatrixModel, x: np.ndarray, blocks: list[Block], meanstructure: bool,
              ntotal: int) -> float:
    """The discrepancy ``f(x)`` (``inf`` where an implied covariance is not PD)."""
    moments = _moments(model, x)
    total = 0.0
    for b in blocks:
        sigma, mu = moments[b.group]
        try:
            inv, logdet, diff = _block_terms(b, sigma, mu, meanstructure)
        except np.linalg.LinAlgError:
            return np.inf
        total += b.n / ntotal * (logdet + np.sum(b.cov * inv) + diff @ inv @ diff)
    return float(total)


def objective_gradient(model: MatrixModel, x: np.ndarray, blocks: list[Block],
                       meanstructure: bool, ntotal: int) -> np.ndarray:
    """Analytic gradient of ``f(x)``: chain rule through Sigma and mu."""
    moments = _moments(model, x)
    p = len(model.ov_names)
    g_sigma = [np.zeros((p, p)) for _ in range(model.ngroups)]
    g_mu = [np.zeros(p) for _ in range(model.ngroups)]
    for b in blocks:
        sigma, mu = moments[b.group]
        inv, _, diff = _block_terms(b, sigma, mu, meanstructure)
        w = b.n / ntotal
        inner = b.cov + np.outer(diff, diff)
        obs = b.observed
        g_sigma[b.group][np.ix_(obs, obs)] += w * (inv - inv @ inner @ inv)
        g_mu[b.group][obs] += -2.0 * w * (inv @ diff)
    grad = np.zeros(model.npar)
    for g in range(model.ngroups):
        d_sigma, d_mu = model.jacobian(x, g)
        grad += np.tensordot(g_sigma[g], d_sigma, axes=([0, 1], [0, 1]))
        if meanstructure:
            grad += g_mu[g] @ d_mu
    return grad


def expected_information(model: MatrixModel, x: np.ndarray, nobs: list[int],
                         meanstructure: bool) -> np.ndarray:
    """Expected (Fisher) information of all N cases, complete data.

    ``I = sum_g n_g [ 1/2 tr(W dSigma_k W dSigma_l) + dmu_k' W dmu_l ]`` with
    ``W = Sigma_g^-1``.
    """
    info = np.zeros((model.npar, model.npar))
    for g, (sigma, _) in enumerate(_moments(model, x)):
        inv = np.linalg.inv(sigma)
        d_sigma, d_mu = model.jacobian(x, g)
        wd = np.einsum("ij,jkn->ikn", inv, d_sigma)
        block = 0.5 * np.einsum("ijk,jil->kl", wd, wd)
        if meanstructure:
            block += d_mu.T @ inv @ d_mu
        info += nobs[g] * block
    return info


def pattern_expected_information(model: MatrixModel, x: np.ndarray, blocks: list[Block],
                                 meanstructure: bool) -> np.ndarray:
    """Expected information of all cases summed over missing-data patterns.

    Each block contributes ``n_b [1/2 tr(W dSigma_oo,k W dSigma_oo,l) + dmu_o,k' W
    dmu_o,l]`` with ``W = Sigma_oo^-1`` (lavaan's "expected" information for
    ``missing="ml"``); for complete data this equals :func:`expected_information`.
    """
    info = np.zeros((model.npar, model.npar))
    moments = _moments(model, x)
    jacobians = [model.jacobian(x, g) for g in range(model.ngroups)]
    for b in blocks:
        o = b.observed
        sigma, _ = moments[b.group]
        d_sigma, d_mu = jacobians[b.group]
        inv = np.linalg.inv(sigma[np.ix_(o, o)])
        wd = np.einsum("ij,jkn->ikn", inv, d_sigma[np.ix_(o, o)])
        block = 0.5 * np.einsum("ijk,jil->kl", wd, wd)
        if meanstructure:
            block += d_mu[o].T @ inv @ d_mu[o]
        info += b.n * block
    return info


def em_saturated(y: np.ndarray, tol: float = 1e-10, max_iter: int = 5000
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """ML mean and covariance of incomplete multivariate-normal data by EM.

    Returns ``(mean, cov, iterations)``. Starts from pairwise-available moments.
    """
    observed = ~np.isnan(y)
    _n, p = y.shape
    mean = np.nanmean(y, axis=0)
    cov = np.diag(np.nanvar(y, axis=0))
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    for it in range(1, max_iter + 1):
        sum_y = np.zeros(p)
        sum_yy = np.zeros((p, p))
        for k, pat in enumerate(patterns):
            rows = y[inverse == k]
            if not pat.any():
                continue
            o, m = np.flatnonzero(pat), np.flatnonzero(~pat)
            filled = np.empty((rows.shape[0], p))
            filled[:, o] = rows[:, o]
            extra = np.zeros((p, p))
            if len(m):
                coef = np.linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)])
                filled[:, m] = mean[m] + (rows[:, o] - mean[o]) @ coef
                extra[np.ix_(m, m)] = (cov[np.ix_(m, m)] - cov[np.ix_(m, o)] @ coef) * len(rows)
            sum_y += filled.sum(axis=0)
            sum_yy += filled.T @ filled + extra
        count = int(observed.any(axis=1).sum())
        new_mean = sum_y / count
        new_cov = sum_yy / count - np.outer(new_mean, new_mean)
        change = max(np.abs(new_mean - mean).max(), np.abs(new_cov - cov).max())
        mean, cov = new_mean, new_cov
        if change < tol:
            return mean, cov, it
    return mean, cov, max_iter
