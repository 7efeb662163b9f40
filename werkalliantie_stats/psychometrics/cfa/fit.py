"""Fit measures with lavaan's definitions and names (underscores for dots).

With the ML chi-square ``X2`` on ``df`` degrees of freedom, the baseline
(independence) model's ``X2_b`` on ``df_b``, ``N`` cases in ``G`` groups and, for
MLR, scaling factors ``c`` (model) and ``c_b`` (baseline):

* CFI = 1 - max(X2 - df, 0) / max(X2 - df, X2_b - df_b, 0)
* TLI = 1 - (X2 - df) df_b / ((X2_b - df_b) df)
* RMSEA = sqrt(max(X2 / (N df) - 1/N, 0)) sqrt(G); 90% CI by inverting the
  noncentral chi-square; p-close = P(chi2_df(ncp = N df 0.05^2 / G) > X2)
* robust CFI/TLI (Brosseau-Liard & Savalei 2014) replace ``df`` by ``c df``;
  robust RMSEA (Brosseau-Liard, Savalei & Li 2012) is
  sqrt(max(X2/(N df) - c/N, 0)) sqrt(G), its CI from the scaled statistic.
  Under FIML (ML and MLR) ``X2``, ``c`` and their baseline twins are lavaan's
  FIML-corrected ``T3`` and ``c3`` (Savalei 2021; :mod:`.fiml_corrected`).
* SRMR (Bentler): root mean square of ``(s_ij - sigma_ij)/sqrt(s_ii s_jj)`` over
  i <= j and of ``(ybar_i - mu_i)/sqrt(s_ii)`` when there is a mean structure,
  averaged over groups with weights ``n_g / N``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

__all__ = ["TestStatistic", "fit_measures", "rmsea_ci", "srmr"]


@dataclass(frozen=True)
class TestStatistic:
    """A chi-square test: ``chisq`` on ``df``; ``scaling`` > 0 for a scaled (MLR) test."""

    chisq: float
    df: int
    scaling: float = math.nan

    @property
    def scaled(self) -> float:
        """The scaled statistic ``chisq / scaling`` (NaN without scaling)."""
        return self.chisq / self.scaling


def _pchisq_upper(x: float, df: float, ncp: float = 0.0) -> float:
    if ncp <= 0:
        return float(stats.chi2.sf(x, df))
    return 1.0 - float(special.chndtr(x, df, ncp))


def _cdf(x, df, ncp):
    return float(special.chdtr(df, x)) if ncp <= 0 else float(special.chndtr(x, df, ncp))


def rmsea_ci(chisq: float, df: float, n: int, groups: int = 1, c_hat: float = 1.0,
             level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA by inverting the noncentral chi-square."""
    if df < 1 or not np.isfinite(chisq):
        return math.nan, math.nan
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def scale(lam: float) -> float:
        return math.sqrt(c_hat * lam / (n * df)) * math.sqrt(groups)

    lower = 0.0
    if _cdf(chisq, df, 0) - upper_p >= 0:
        lower = scale(optimize.brentq(lambda lam: _cdf(chisq, df, lam) - upper_p, 0, chisq,
                                      xtol=1e-12))
    limit = max(n, chisq * 4)
    upper = 0.0
    if _cdf(chisq, df, limit) - lower_p <= 0 <= _cdf(chisq, df, 0) - lower_p:
        upper = scale(optimize.brentq(lambda lam: _cdf(chisq, df, lam) - lower_p, 0, limit,
                                      xtol=1e-12))
    return lower, upper


def _rmsea(chisq, df, n, groups, c_hat=1.0):
    if df <= 0:
        return 0.0
    return math.sqrt(max(chisq / n / df - c_hat / n, 0.0)) * math.sqrt(groups)


def _close_fit(chisq, df, n, groups, c_hat=1.0, h0=0.05):
    if df <= 0:
        return math.nan
    return _pchisq_upper(chisq, df, n * df / c_hat * h0**2 / groups)


def _cfi(x2, df, x2b, dfb, c=1.0, cb=1.0):
    t1 = max(x2 - c * df, 0.0)
    t2 = max(x2 - c * df, x2b - cb * dfb, 0.0)
    return 1.0 if t1 == 0 and t2 == 0 else 1.0 - t1 / t2


def _tli(x2, df, x2b, dfb, c=1.0, cb=1.0):
    t1 = (x2 - c * df) * dfb
    t2 = (x2b - cb * dfb) * df
    return 1.0 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def srmr(samples: list[tuple[np.ndarray, np.ndarray]],
         implied: list[tuple[np.ndarray, np.ndarray]], nobs: list[int],
         meanstructure: bool) -> float:
    """Bentler's SRMR; ``samples``/``implied`` are per-group ``(cov, mean)`` pairs."""
    total, ntotal = 0.0, sum(nobs)
    for (s, ybar), (sigma, mu), n in zip(samples, implied, nobs, strict=False):
        sd = np.sqrt(np.diag(s))
        resid = (s - sigma) / np.outer(sd, sd)
        lower = resid[np.tril_indices_from(resid)]
        squares = list(lower**2)
        if meanstructure:
            squares += list(((ybar - mu) / sd) ** 2)
        total += n / ntotal * math.sqrt(np.mean(squares))
    return total


def _standard(h0: TestStatistic, base: TestStatistic, n: int, groups: int) -> dict:
    lower, upper = rmsea_ci(h0.chisq, h0.df, n, groups)
    x2, df, x2b, dfb = h0.chisq, h0.df, base.chisq, base.df
    return {
        "chisq": x2, "df": df, "pvalue": _pchisq_upper(x2, df) if df > 0 else math.nan,
        "baseline_chisq": x2b, "baseline_df": dfb, "baseline_pvalue": _pchisq_upper(x2b, dfb),
        "cfi": _cfi(x2, df, x2b, dfb), "tli": _tli(x2, df, x2b, dfb),
        "nfi": (x2b - x2) / x2b, "rni": 1 - (x2 - df) / (x2b - dfb) if x2b != dfb else math.nan,
        "rmsea": _rmsea(x2, df, n, groups), "rmsea_ci_lower": lower, "rmsea_ci_upper": upper,
        "rmsea_pvalue": _close_fit(x2, df, n, groups),
    }


def _scaled(h0: TestStatistic, base: TestStatistic, n: int, groups: int) -> dict:
    x2s, df, x2bs, dfb, c, cb = h0.scaled, h0.df, base.scaled, base.df, h0.scaling, base.scaling
    x2 = h0.chisq
    lower_s, upper_s = rmsea_ci(x2, c * df, n, groups)
    return {
        "chisq_scaled": x2s, "df_scaled": df,
        "pvalue_scaled": _pchisq_upper(x2s, df) if df > 0 else math.nan,
        "chisq_scaling_factor": c,
        "baseline_chisq_scaled": x2bs, "baseline_df_scaled": dfb,
        "baseline_pvalue_scaled": _pchisq_upper(x2bs, dfb),
        "baseline_chisq_scaling_factor": cb,
        "cfi_scaled": _cfi(x2s, df, x2bs, dfb), "tli_scaled": _tli(x2s, df, x2bs, dfb),
        "rmsea_scaled": _rmsea(x2, c * df, n, groups),
        "rmsea_ci_lower_scaled": lower_s, "rmsea_ci_upper_scaled": upper_s,
        "rmsea_pvalue_scaled": _close_fit(x2, c * df, n, groups),
    }


def _robust(x2: float, df: int, c: float, x2b: float, dfb: int, cb: float, n: int,
            groups: int) -> dict:
    """Robust CFI/TLI/RMSEA from a statistic ``x2`` with scaling ``c`` (and the baseline's)."""
    if not (np.isfinite(c) and np.isfinite(cb)):
        return {}
    lower, upper = rmsea_ci(x2 / c, df, n, groups, c_hat=c)
    return {
        "cfi_robust": _cfi(x2, df, x2b, dfb, c, cb), "tli_robust": _tli(x2, df, x2b, dfb, c, cb),
        "rmsea_robust": _rmsea(x2, df, n, groups, c),
        "rmsea_ci_lower_robust": lower, "rmsea_ci_upper_robust": upper,
        "rmsea_pvalue_robust": _close_fit(x2 / c, df, n, groups, c),
    }


def fit_measures(h0: TestStatistic, baseline: TestStatistic, *, ntotal: int, ngroups: int,
                 npar: int, logl: float, unrestricted_logl: float, srmr_value: float,
                 corrected=None) -> pd.Series:
    """All fit measures as a Series with lavaan's names (dots become underscores).

    The ``*_robust`` indices come from the scaled test (complete-data MLR) or, under
    FIML, from ``corrected`` (a :class:`~.fiml_corrected.CorrectedTest`: lavaan's
    FIML-corrected statistic and scaling factors, given for ML and MLR alike).
    """
    out = {"npar": float(npar), "fmin": h0.chisq / (2 * ntotal)}
    out.update(_standard(h0, baseline, ntotal, ngroups))
    if np.isfinite(h0.scaling):
        out.update(_scaled(h0, baseline, ntotal, ngroups))
    if corrected is not None:
        out.update(_robust(corrected.chisq, corrected.df, corrected.scaling,
                           corrected.chisq_null, corrected.df_null, corrected.scaling_null,
                           ntotal, ngroups))
    elif np.isfinite(h0.scaling):
        out.update(_robust(h0.chisq, h0.df, h0.scaling, baseline.chisq, baseline.df,
                           baseline.scaling, ntotal, ngroups))
    n_star = (ntotal + 2) / 24
    out.update({"logl": logl, "unrestricted_logl": unrestricted_logl,
                "aic": -2 * logl + 2 * npar, "bic": -2 * logl + npar * math.log(ntotal),
                "bic2": -2 * logl + npar * math.log(n_star), "ntotal": float(ntotal),
                "srmr": srmr_value})
    return pd.Series(out, dtype=float)
