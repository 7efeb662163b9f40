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
import pandas as pd

from .matrices import MatrixModel
from .ml import masked_inverses

__all__ = ["casewise_scores", "saturated_model", "scaling_trace_h1"]


def _group_scores(y: np.ndarray, sigma: np.ndarray, mu: np.ndarray, d_sigma: np.ndarray,
                  d_mu: np.ndarray, meanstructure: bool) -> np.ndarray:
    """Scores of all rows of one group; rows with nothing observed score 0.

    Each row uses the inverse of its observed block, zero-padded to p x p, so that all
    rows are handled at once (missing entries of ``y - mu`` are set to 0).
    """
    observed = ~np.isnan(y)
    masks, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    invs, _ = masked_inverses(masks, sigma)
    e = np.where(observed, y - mu, 0.0)
    we = np.einsum("nij,nj->ni", invs[inverse], e)
    n, p = we.shape
    flat = d_sigma.reshape(p * p, -1)
    quad = 0.5 * (we[:, :, None] * we[:, None, :]).reshape(n, p * p) @ flat
    scores = quad - 0.5 * (invs.reshape(len(masks), p * p) @ flat)[inverse]
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
    return np.vstack([_group_scores(y, sigma, mu, d_sigma, d_mu, meanstructure)
                      for y, (sigma, mu), (d_sigma, d_mu)
                      in zip(groups, moments, jacobians, strict=True)])


def scaling_trace_h1(groups: list[np.ndarray], samples: list[tuple[np.ndarray, np.ndarray]],
                     meanstructure: bool) -> float:
    """``sum_g tr(A1_g^-1 B1_g)`` at the sample moments (complete data).

    At the sample moments ``A1`` is block diagonal with ``A1^-1`` known in closed form,
    so that with ``u_i = (y_i - ybar)' S^-1 (y_i - ybar)`` the trace reduces to
    ``mean_i [ (u_i^2 - 2 u_i + p) / 2 ] (+ mean_i u_i = p with a mean structure)``,
    the same value as forming ``A1`` (``1/2 D'(W x W)D`` and ``W``) and ``B1`` (mean
    outer product of the h1 scores) explicitly.
    """
    total = 0.0
    for y, (cov, mean) in zip(groups, samples, strict=True):
        p = y.shape[1]
        centred = y - mean
        u = np.einsum("ij,ij->i", centred @ np.linalg.inv(cov), centred)
        total += float(np.mean(0.5 * (u**2 - 2 * u + p)))
        if meanstructure:
            total += float(np.mean(u))
    return total


def saturated_model(p: int, cov: np.ndarray, mean: np.ndarray) -> tuple[MatrixModel, np.ndarray]:
    """The saturated model (free means and covariances) as a MatrixModel, at given moments."""
    names = [f"v{i}" for i in range(p)]
    rows, values = [], []
    for i in range(p):
        for j in range(i, p):
            rows.append((names[i], "~~", names[j]))
            values.append(cov[i, j])
    rows += [(v, "~1", "") for v in names]
    values += list(mean)
    table = pd.DataFrame(rows, columns=["lhs", "op", "rhs"])
    table["group"] = 1
    table["free"] = np.arange(1, len(table) + 1)
    table["ustart"] = np.nan
    return MatrixModel(table, names, []), np.asarray(values)
