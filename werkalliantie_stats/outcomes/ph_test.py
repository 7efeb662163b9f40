"""Test of proportional hazards, as R's ``cox.zph`` (survival >= 3.0)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from ._efron import CoxProblem, all_pieces
from ._risk_sets import RiskSets
from .cox import CoxResult, cox

__all__ = ["PHTestResult", "ph_test"]

TRANSFORMS = ("km", "rank", "identity", "log")


@dataclass(frozen=True)
class PHTestResult(ResultMixin):
    """Result of :func:`ph_test`: ``table`` with ``term, chisq, df, p_value`` (last row GLOBAL)."""

    table: pd.DataFrame
    transform: str
    _title = "Test of proportional hazards (cox.zph)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        return "\n".join([self._title, "=" * len(self._title), f"transform = {self.transform}",
                          "", format_table(self.table.drop(columns="term"), digits)])


def _km_left(problem: CoxProblem, times: np.ndarray) -> np.ndarray:
    """Unweighted Kaplan–Meier of all rows (ignoring strata), left limit S(t-) at ``times``."""
    ev = problem.event == 1
    etimes = np.unique(problem.stop[ev])
    rs = RiskSets(problem.start, problem.stop, etimes)
    n_risk = rs.sum(np.ones(problem.stop.size))
    d = np.bincount(np.searchsorted(etimes, problem.stop[ev]), minlength=etimes.size)
    surv = np.cumprod(1 - d / n_risk)
    k = np.searchsorted(etimes, times, side="left")   # event times strictly before t
    return np.concatenate([[1.0], surv])[k]


def _time_transform(problem: CoxProblem, transform: str) -> np.ndarray:
    """g(t) for every row's stop time, centred at its mean over the events."""
    t = problem.stop
    if transform == "identity":
        g = t.copy()
    elif transform == "log":
        g = np.log(t)
    elif transform == "rank":
        g = stats.rankdata(t)
    else:
        g = 1 - _km_left(problem, t)
    return g - g[problem.event == 1].mean()


def _score_and_information(problem: CoxProblem, beta: np.ndarray, g: np.ndarray):
    """Score of the g(t) x interaction terms and the 2p x 2p information, at (beta, 0)."""
    p = beta.size
    u = np.zeros(p)
    info = np.zeros((2 * p, 2 * p))
    for pc in all_pieces(problem, beta):
        rows = pc.rows
        ev = problem.event[rows] == 1
        g_t = np.zeros(pc.times.size)
        g_t[np.searchsorted(pc.times, problem.stop[rows][ev])] = g[rows][ev]
        g_step = g_t[pc.step_time]
        wx = problem.weights[rows][ev, None] * problem.X[rows][ev]
        u += (g[rows][ev, None] * wx).sum(axis=0)
        u -= (g_step[:, None] * pc.wbar[:, None] * pc.xbar).sum(axis=0)
        wv = pc.wbar[:, None, None] * pc.var
        i11 = wv.sum(axis=0)
        i12 = (g_step[:, None, None] * wv).sum(axis=0)
        i22 = (g_step[:, None, None] ** 2 * wv).sum(axis=0)
        info += np.block([[i11, i12], [i12, i22]])
    return u, info


def ph_test(fit: CoxResult | pd.DataFrame, transform: str = "km", **cox_args) -> PHTestResult:
    """Score test of proportional hazards per term and globally, as R's ``cox.zph``.

    Parameters
    ----------
    fit : CoxResult or DataFrame
        A fitted :func:`cox` model, or a DataFrame together with the arguments of
        :func:`cox` (``duration``, ``event``, ``predictors``, ...) in ``cox_args``.
    transform : {"km", "rank", "identity", "log"}
        Function of time g(t) tested: ``"km"`` is 1 - KM(t-) of all rows (R's default).

    Returns
    -------
    PHTestResult
        ``table`` with columns ``term, chisq, df, p_value``; the last row is ``GLOBAL``.

    Notes
    -----
    Each coefficient is allowed to vary as :math:`\\beta_j + \\gamma_j g(t)` with g centred at
    its mean over the events. The test is the score test of :math:`\\gamma = 0` at
    :math:`(\\hat\\beta, 0)` using the full 2p x 2p information,
    :math:`T = (0, U_\\gamma)' \\mathcal{I}^{-1} (0, U_\\gamma)` with
    :math:`U_\\gamma = \\sum_t g(t) \\sum_k \\{x_{(k)} - \\bar x_k(t)\\}` (Efron sub-steps), on
    1 df per term and p df globally. This is the test of survival 3.x; the older test of
    Grambsch & Therneau (1994) (and lifelines') used an approximate information and gives
    different numbers.

    References
    ----------
    1. Grambsch, P. M. & Therneau, T. M. (1994). Proportional hazards tests and diagnostics
       based on weighted residuals. Biometrika 81, 515–526.
    2. Therneau, T. M. (2023). survival: cox.zph, version 3.5. CRAN.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> rng = np.random.default_rng(2)
    >>> x = rng.binomial(1, 0.5, 300)
    >>> t = rng.weibull(np.where(x == 1, 0.6, 1.6))   # hazards cross: not proportional
    >>> df = pd.DataFrame({"time": t, "event": 1, "x": x})
    >>> res = wo.ph_test(wo.cox(df, "time", "event", ["x"]))
    >>> # In R: cox.zph(coxph(Surv(time, event) ~ x, data = df))
    >>> bool(res.table.at["GLOBAL", "p_value"] < 0.001)
    True
    """
    if isinstance(fit, pd.DataFrame):
        fit = cox(fit, **cox_args)
    elif cox_args:
        raise TypeError(f"ph_test: extra arguments {sorted(cox_args)} are only used with a "
                        f"DataFrame as `fit`")
    if not isinstance(fit, CoxResult):
        raise TypeError(f"ph_test: `fit` must be a CoxResult (from cox()) or a DataFrame, got "
                        f"{type(fit).__name__}")
    if transform not in TRANSFORMS:
        raise ValueError(f"ph_test: `transform` must be one of {TRANSFORMS}, got {transform!r}")
    problem, beta = fit.problem, fit.table["estimate"].to_numpy()
    if problem.tv is not None:
        raise ValueError("ph_test: the test is defined for cox() fits, not Fine–Gray models")
    u2, info = _score_and_information(problem, beta, _time_transform(problem, transform))
    p = beta.size
    terms = list(fit.table.index)
    rows = []
    for j in range(p):
        keep = [*range(p), p + j]
        u = np.concatenate([np.zeros(p), u2[[j]]])
        rows.append((terms[j], float(u @ np.linalg.solve(info[np.ix_(keep, keep)], u)), 1))
    u = np.concatenate([np.zeros(p), u2])
    rows.append(("GLOBAL", float(u @ np.linalg.solve(info, u)), p))
    table = pd.DataFrame(rows, columns=["term", "chisq", "df"])
    table["p_value"] = stats.chi2.sf(table["chisq"], table["df"])
    return PHTestResult(table.set_index("term", drop=False).rename_axis(None), transform)
