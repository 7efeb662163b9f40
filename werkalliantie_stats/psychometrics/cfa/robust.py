"""MLR: Huber-White sandwich standard errors and the Yuan-Bentler (Mplus) scaled test.

As lavaan's ``estimator="MLR"`` (``se="robust.huber.white"``,
``test="yuan.bentler.mplus"``, ``information="observed"``,
``h1.information="structured"``):

* ``A`` = observed information of the model per case (Hessian of ``-logL / N``),
  ``B`` = mean outer product of the casewise scores ``d logL_i / dx``; the robust
  covariance of the estimates is ``A^-1 B A^-1 / N``.
* ``A1`` and ``B1`` are the same two matrices for the saturated (h1) model in its own
  parameters ``(mu, vech Sigma)``, evaluated at the sample moments (lavaan switches
  to ``h1.information="unstructured"`` for this test). The
  scaling factor is ``c = [tr(A1^-1 B1) - tr(A^-1 B)] / df`` and the scaled statistic
  ``X2 / c`` (Yuan & Bentler 2000; Muthen & Muthen, Mplus).

Casewise scores of ``logL_i = -1/2 [log|Sigma_o| + e' W e]`` with ``e = y_o - mu_o``
and ``W = Sigma_o^-1`` (observed part ``o`` of case i) are
``1/2 vec(W e e' W - W)' dvec(Sigma_o)/dx + e' W dmu_o/dx``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["casewise_scores", "h1_information", "h1_jacobian", "scaling_trace_h1"]


def _pattern_scores(y: np.ndarray, sigma: np.ndarray, mu: np.ndarray, d_sigma: np.ndarray,
                    d_mu: np.ndarray, meanstructure: bool) -> np.ndarray:
    """Scores of the rows of ``y`` (all with the same observed variables)."""
    inv = np.linalg.inv(sigma)
    we = (y - mu) @ inv
    quad = 0.5 * np.einsum("ni,nj,ijk->nk", we, we, d_sigma, optimize=True)
    const = 0.5 * np.einsum("ij,ijk->k", inv, d_sigma)
    scores = quad - const
    if meanstructure:
        scores = scores + we @ d_mu
    return scores


def casewise_scores(groups: list[np.ndarray], moments: list[tuple[np.ndarray, np.ndarray]],
                    jacobians: list[tuple[np.ndarray, np.ndarray]], meanstructure: bool
                    ) -> np.ndarray:
    """Scores ``d logL_i / dx`` of every case (rows stacked group by group).

    ``groups`` hold raw data (NaN for missing); ``moments`` the implied ``(Sigma, mu)``
    and ``jacobians`` their derivatives ``(dSigma, dmu)`` per group. Without a mean
    structure ``mu`` must be the sample mean (saturated means).
    """
    out = []
    for y, (sigma, mu), (d_sigma, d_mu) in zip(groups, moments, jacobians, strict=False):
        scores = np.zeros((y.shape[0], d_sigma.shape[2]))
        observed = ~np.isnan(y)
        patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
        for k, pat in enumerate(patterns):
            rows = inverse.ravel() == k
            o = np.flatnonzero(pat)
            if not len(o):
                continue
            scores[rows] = _pattern_scores(y[rows][:, o], sigma[np.ix_(o, o)], mu[o],
                                           d_sigma[np.ix_(o, o)], d_mu[o], meanstructure)
        out.append(scores)
    return np.vstack(out)


def h1_jacobian(p: int, meanstructure: bool) -> tuple[np.ndarray, np.ndarray]:
    """Derivatives of (Sigma, mu) with respect to the saturated parameters (mu, vech)."""
    rows, cols = np.tril_indices(p)
    nmean = p if meanstructure else 0
    k = nmean + len(rows)
    d_sigma = np.zeros((p, p, k))
    d_mu = np.zeros((p, k))
    d_mu[np.arange(nmean), np.arange(nmean)] = 1.0
    idx = nmean + np.arange(len(rows))
    d_sigma[rows, cols, idx] = 1.0
    d_sigma[cols, rows, idx] = 1.0
    return d_sigma, d_mu


def h1_information(cov: np.ndarray, mean: np.ndarray, sigma: np.ndarray, mu: np.ndarray,
                   meanstructure: bool) -> np.ndarray:
    """Observed information per case of the saturated model at ``(sigma, mu)``.

    Blocks: ``W`` (means), ``W E_a W d`` (mean-covariance), and
    ``-1/2 tr(W E_a W E_b) + tr(W S* W E_a W E_b)`` (covariances), with
    ``d = ybar - mu`` and ``S* = S + d d'``.
    """
    p = len(mean)
    d_sigma, _ = h1_jacobian(p, False)
    inv = np.linalg.inv(sigma)
    d = mean - mu if meanstructure else np.zeros(p)
    s_star = cov + np.outer(d, d)
    we = np.einsum("ij,jkn->ikn", inv, d_sigma)
    wsw = inv @ s_star @ inv
    wswe = np.einsum("ij,jkn->ikn", wsw, d_sigma)
    h_ss = -0.5 * np.einsum("ijk,jil->kl", we, we) + np.einsum("ijk,jil->kl", wswe, we)
    if not meanstructure:
        return h_ss
    h_ms = np.einsum("ijn,j->in", we, inv @ d)
    top = np.hstack([inv, h_ms])
    bottom = np.hstack([h_ms.T, h_ss])
    return np.vstack([top, bottom])


def scaling_trace_h1(groups: list[np.ndarray], samples: list[tuple[np.ndarray, np.ndarray]],
                     meanstructure: bool) -> float:
    """``sum_g tr(A1_g^-1 B1_g)`` at the sample moments (complete data)."""
    total = 0.0
    for y, (cov, mean) in zip(groups, samples, strict=False):
        p = y.shape[1]
        a1 = h1_information(cov, mean, cov, mean, meanstructure)
        jac = h1_jacobian(p, meanstructure)
        scores = casewise_scores([y], [(cov, mean)], [jac], meanstructure)
        b1 = scores.T @ scores / y.shape[0]
        total += float(np.trace(np.linalg.solve(a1, b1)))
    return total
