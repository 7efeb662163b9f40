"""Factor scores (regression method) and composite reliability of each factor.

Regression (Thurstone) factor scores, lavaan's ``lavPredict(method="regression")``:
``eta_hat = alpha + Psi Lambda_o' Sigma_oo^-1 (y_o - mu_o)`` over the observed part
``o`` of each case (``mu`` is the sample mean without a mean structure).

Composite reliability of the unit-weighted sum of a factor's indicators, semTools'
``compRelSEM()`` (default ``obs.var = TRUE``; Raykov 1997; Bentler 2009):

    omega_f = (sum_i lambda_if)^2 psi_ff / 1' S_f 1,

with ``S_f`` the sample (or, for FIML, EM-estimated) covariance matrix of the
indicators of ``f``; with ``observed=False`` the denominator is ``1' Sigma_f 1`` from
the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import FitState

__all__ = ["composite_reliability", "factor_scores"]


def factor_scores(state: FitState) -> list[np.ndarray]:
    """Regression factor scores, one array (cases x factors) per group."""
    out = []
    for g, y in enumerate(state.groups):
        mats = state.model.matrices(state.x, g)
        sigma = mats.implied_cov()
        mu = mats.implied_mean() if state.meanstructure else state.samples[g][1]
        alpha = mats.alpha if state.meanstructure else np.zeros(len(mats.alpha))
        scores = np.full((y.shape[0], len(alpha)), np.nan)
        observed = ~np.isnan(y)
        patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
        for k, pat in enumerate(patterns):
            rows = inverse.ravel() == k
            o = np.flatnonzero(pat)
            weights = mats.psi @ mats.lambda_[o].T @ np.linalg.inv(sigma[np.ix_(o, o)])
            scores[rows] = alpha + (y[rows][:, o] - mu[o]) @ weights.T
        out.append(scores)
    return out


def composite_reliability(state: FitState, observed: bool = True) -> pd.DataFrame:
    """Omega of each factor's unit-weighted composite (rows factors, columns groups)."""
    cols = {}
    for g in range(state.model.ngroups):
        mats = state.model.matrices(state.x, g)
        total = state.samples[g][0] if observed else mats.implied_cov()
        values = []
        for j in range(len(state.model.lv_names)):
            idx = np.flatnonzero(mats.lambda_[:, j])
            true = mats.lambda_[idx, j].sum() ** 2 * mats.psi[j, j]
            values.append(true / total[np.ix_(idx, idx)].sum())
        cols[g + 1] = values
    return pd.DataFrame(cols, index=pd.Index(state.model.lv_names, name="factor"))
