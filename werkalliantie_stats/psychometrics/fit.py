"""Fit statistics of an exploratory factor solution, as psych's ``fa.stats``.

Returns a Series with clearly named entries; the psych names are given in
:data:`PSYCH_NAMES` so that each value can be found in R output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import chndtr
from scipy.stats import chi2

from .correlation import smooth_correlation

__all__ = ["PSYCH_NAMES", "factor_dof", "factor_fit"]

PSYCH_NAMES = {
    "objective": "objective", "chisq": "STATISTIC", "df": "dof", "p_value": "PVAL",
    "null_objective": "null.model", "null_df": "null.dof", "null_chisq": "null.chisq",
    "tli": "TLI", "rmsea": "RMSEA[1]", "rmsea_ci_lower": "RMSEA[2]",
    "rmsea_ci_upper": "RMSEA[3]", "rmsea_ci_level": "RMSEA[4]", "bic": "BIC",
    "sabic": "SABIC", "chisq_empirical": "chi", "p_value_empirical": "EPVAL",
    "bic_empirical": "EBIC", "sabic_empirical": "ESABIC", "rmsr": "rms", "crmsr": "crms",
    "fit": "fit", "fit_off": "fit.off", "n_harmonic": "nh", "n_obs": "n.obs",
}


def factor_dof(p: int, nf: int) -> float:
    """Degrees of freedom of an EFA model: p(p-1)/2 - p m + m(m-1)/2."""
    return p * (p - 1) / 2 - p * nf + nf * (nf - 1) / 2


def _ncx2_cdf(q: float, df: float, ncp: float) -> float:
    return float(chi2.cdf(q, df)) if ncp <= 0 else float(chndtr(q, df, ncp))


def _rmsea(chisq: float, df: float, n: float, level: float) -> tuple[float, float, float]:
    """Point estimate and CI as psych: sqrt(max(chisq/(df n) - 1/(n-1), 0)), CI by inverting
    the noncentral chi-square at the observed statistic."""
    point = np.sqrt(max(chisq / (df * n) - 1 / (n - 1), 0.0))
    tail = (1 - level) / 2
    top = max(n, chisq) + 2 * n
    base = _ncx2_cdf(chisq, df, 0.0)

    def bound(prob):
        root = brentq(lambda x: _ncx2_cdf(chisq, df, x) - prob, 0.0, top, xtol=1e-12)
        return np.sqrt(root / (n - 1) / df)

    upper = bound(tail) if base > tail else 0.0
    lower = bound(1 - tail) if base > 1 - tail else 0.0
    upper = np.nan if upper < point else upper
    lower = np.nan if lower > point else lower
    return float(point), float(lower), float(upper)


def _empirical(residual: np.ndarray, r: np.ndarray, n_obs: float,
               pair_counts: np.ndarray | None, dof: float) -> dict:
    p = len(r)
    counts = np.full((p, p), n_obs) if pair_counts is None else pair_counts
    nh = len(counts.ravel()) / np.sum(1.0 / counts) if pair_counts is not None else n_obs
    off = residual.copy()
    np.fill_diagonal(off, 0.0)
    rstar_off = float((off ** 2 * counts).sum())
    out = {"chisq_empirical": rstar_off, "n_harmonic": nh,
           "rmsr": np.sqrt(rstar_off / (nh * p * (p - 1)))}
    if pair_counts is None:
        out["rmsr"] = np.sqrt((off ** 2).sum() / (p * (p - 1)))
    if dof > 0:
        out["p_value_empirical"] = float(chi2.sf(rstar_off, dof))
        out["crmsr"] = np.sqrt(rstar_off / (2 * nh * dof))
        out["bic_empirical"] = rstar_off - dof * np.log(nh)
        out["sabic_empirical"] = rstar_off - dof * np.log((nh + 2) / 24)
    return out


def _likelihood_fit(r, model, n_obs, nf, dof, level, smooth) -> dict:
    p = len(r)
    model = model.copy()
    np.fill_diagonal(model, np.diag(r))
    model, _ = smooth_correlation(model, "efa")
    if smooth:
        r, _ = smooth_correlation(r, "efa")
    m_inv_r = np.linalg.solve(model, r)
    objective = np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p
    null_objective = np.trace(r) - np.linalg.slogdet(r)[1] - p
    out = {"objective": objective, "df": dof, "null_objective": null_objective,
           "null_df": p * (p - 1) / 2, "n_obs": n_obs}
    if not np.isfinite(n_obs):
        return out
    multiplier = (n_obs - 1) - (2 * p + 5) / 6 - 2 * nf / 3
    chisq = max(objective * multiplier, 0.0)
    out["chisq"] = chisq
    out["null_chisq"] = null_objective * ((n_obs - 1) - (2 * p + 5) / 6)
    m0 = null_objective * 2 / (p * (p - 1))
    out["tli"] = (m0 - objective / dof) / (m0 - 1 / multiplier) if dof > 0 else np.nan
    if dof > 0:
        out["p_value"] = float(chi2.sf(chisq, dof))
        point, lower, upper = _rmsea(chisq, dof, n_obs, level)
        out.update(rmsea=point, rmsea_ci_lower=lower, rmsea_ci_upper=upper,
                   rmsea_ci_level=level, bic=chisq - dof * np.log(n_obs),
                   sabic=chisq - dof * np.log((n_obs + 2) / 24))
    return out


def factor_fit(r: np.ndarray, loadings: np.ndarray, phi: np.ndarray | None, n_obs: float,
               pair_counts: np.ndarray | None, level: float = 0.9,
               smooth: bool = True) -> pd.Series:
    """psych's fa.stats for loadings (and Phi) on correlation matrix ``r``."""
    p, nf = loadings.shape
    model = loadings @ (np.eye(nf) if phi is None else phi) @ loadings.T
    residual = r - model
    dof = factor_dof(p, nf)
    off_r2 = (r ** 2).sum() - np.trace(r)
    values = {"fit": 1 - (residual ** 2).sum() / (r ** 2).sum()}
    if np.isfinite(n_obs):
        values.update(_empirical(residual, r, n_obs, pair_counts, dof))
        counts = np.full((p, p), n_obs) if pair_counts is None else pair_counts
        off_resid = residual.copy()
        np.fill_diagonal(off_resid, 0.0)
        r2_counts = r ** 2 * counts
        values["fit_off"] = 1 - (off_resid ** 2 * counts).sum() / (r2_counts.sum()
                                                                    - np.trace(r2_counts))
    else:
        off_resid = residual.copy()
        np.fill_diagonal(off_resid, 0.0)
        values["rmsr"] = np.sqrt((off_resid ** 2).sum() / (p * (p - 1)))
        values["fit_off"] = 1 - (off_resid ** 2).sum() / off_r2
    values.update(_likelihood_fit(r, model, n_obs, nf, dof, level, smooth))
    order = [k for k in PSYCH_NAMES if k in values]
    return pd.Series({k: float(values[k]) for k in order}, name="fit")
