"""Cox proportional-hazards regression (Efron ties) with cluster-robust SEs, as R ``coxph``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from ..exceptions import FewEventsWarning
from ._efron import CoxProblem, fit_cox, score_residuals
from ._survival_data import as_name_list, prepare_survival, warn_singleton_clusters
from .concordance import harrell_concordance

__all__ = ["CoxResult", "cox"]


@dataclass(frozen=True)
class CoxResult(ResultMixin):
    """Result of :func:`cox`.

    ``table`` columns: ``term, estimate, std_error, robust_se, statistic, p_value, ci_lower,
    ci_upper, hazard_ratio, hr_ci_lower, hr_ci_upper``. ``std_error`` is the model-based
    SE (R's ``se(coef)``); when ``robust`` is true, ``robust_se`` is R's ``robust se`` and the
    z statistic, p-value and CIs use it (as ``summary(coxph)`` does); otherwise ``robust_se``
    is NaN. ``tests`` has rows ``likelihood_ratio, wald, score, robust_score`` (columns
    ``statistic, df, p_value``); the Wald test uses the robust variance when ``robust``.
    """

    table: pd.DataFrame
    tests: pd.DataFrame
    vcov: pd.DataFrame
    naive_vcov: pd.DataFrame
    loglik: float
    loglik_null: float
    concordance: float
    concordance_se: float
    n: int
    n_events: int
    n_dropped: int
    level: float
    robust: bool
    ties: str
    converged: bool
    problem: CoxProblem = field(repr=False, compare=False)
    _title = "Cox proportional-hazards model"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        t = self.tests
        lines = [self._title, "=" * len(self._title),
                 f"n = {self.n}, events = {self.n_events}"
                 + (f" ({self.n_dropped} incomplete rows dropped)" if self.n_dropped else ""),
                 f"ties = {self.ties}; CI level = {self.level}"
                 + ("; robust (cluster) SEs" if self.robust else ""), "",
                 format_table(self.table.drop(columns="term"), digits), ""]
        if np.isfinite(self.concordance):
            lines.append(f"Concordance = {self.concordance:.{digits}f} "
                         f"(se = {self.concordance_se:.{digits}f})")
        labels = (("likelihood_ratio", "Likelihood ratio test"), ("wald", "Wald test"),
                  ("score", "Score (logrank) test"), ("robust_score", "Robust score test"))
        for name, label in labels:
            if np.isfinite(t.at[name, "statistic"]):
                lines.append(f"{label:<24}= {t.at[name, 'statistic']:.{digits}f} on "
                             f"{int(t.at[name, 'df'])} df, p = {t.at[name, 'p_value']:.4g}")
        return "\n".join(lines)


def _chi2_row(stat: float, df: int) -> dict:
    return {"statistic": stat, "df": df, "p_value": float(stats.chi2.sf(stat, df))}


def _quad(vcov: np.ndarray, u: np.ndarray) -> float:
    return float(u @ np.linalg.solve(vcov, u))


def _collapse(values: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    out = np.zeros((cluster.max() + 1, values.shape[1]))
    np.add.at(out, cluster, values)
    return out


def coef_table(terms: list[str], beta: np.ndarray, naive: np.ndarray,
               robust: np.ndarray | None, level: float) -> pd.DataFrame:
    """Regression table with hazard ratios; inference uses the robust SE when given."""
    se = np.sqrt(np.diag(naive))
    rse = np.sqrt(np.diag(robust)) if robust is not None else np.full(beta.size, np.nan)
    use = rse if robust is not None else se
    z = stats.norm.ppf(0.5 + level / 2)
    table = pd.DataFrame({"term": terms, "estimate": beta, "std_error": se, "robust_se": rse,
                          "statistic": beta / use,
                          "p_value": 2 * stats.norm.sf(np.abs(beta / use)),
                          "ci_lower": beta - z * use, "ci_upper": beta + z * use}, index=terms)
    with np.errstate(over="ignore"):     # an infinite coefficient gives an infinite HR
        table["hazard_ratio"] = np.exp(beta)
        table["hr_ci_lower"] = np.exp(table["ci_lower"])
        table["hr_ci_upper"] = np.exp(table["ci_upper"])
    return table


def _robust_parts(problem: CoxProblem, beta: np.ndarray, naive: np.ndarray,
                  cluster: np.ndarray):
    """Robust variance (grouped dfbeta sandwich) and the robust score test at beta = 0."""
    dfbeta = _collapse(score_residuals(problem, beta) @ naive, cluster)
    robust = dfbeta.T @ dfbeta
    res0 = _collapse(score_residuals(problem, np.zeros_like(beta)), cluster)
    u = res0.sum(axis=0)
    return robust, _quad(res0.T @ res0, u)


def cox(data: pd.DataFrame, duration: str, event: str, predictors: str | Sequence[str],
        cluster: str | None = None, strata: str | Sequence[str] | None = None,
        entry: str | None = None, weights: str | None = None, level: float = 0.95,
        robust: bool | None = None, ties: str = "efron", missing: str = "drop") -> CoxResult:
    """Cox proportional-hazards regression with Efron ties, as R's ``coxph``.

    Parameters
    ----------
    data : DataFrame
        One row per subject, or per (start, stop] interval in counting-process form.
    duration : str
        Time of the event or censoring (the ``stop`` column in start–stop form).
    event : str
        Event indicator coded 0/1.
    predictors : str or list of str
        Numeric predictor columns (code factors as 0/1 dummies first).
    cluster : str, optional
        Cluster column (e.g. officer id, or the subject id in start–stop data): robust
        SEs are the grouped dfbeta sandwich of ``coxph(..., cluster=)``.
    strata : str or list of str, optional
        Stratify the baseline hazard (``strata()`` in R).
    entry : str, optional
        Entry time (left truncation), or the ``start`` column of start–stop data. Rows
        are at risk on ``(entry, duration]``.
    weights : str, optional
        Case weights. Non-integer weights make the SEs robust by default, as in R.
    level : float
        Confidence level of the intervals.
    robust : bool, optional
        Force robust SEs on/off; default as R (on with a cluster or non-integer weights).
    ties : {"efron", "breslow"}
        Tie handling.
    missing : {"drop", "raise"}
        Rows with a missing value in a used column are dropped (their number is
        ``n_dropped`` and is printed by ``summary()``), or make an error.

    Returns
    -------
    CoxResult

    Notes
    -----
    The Efron log partial likelihood at an event time with ``d`` tied events is
    :math:`\\sum_{i\\in D} w_i x_i'\\beta - \\bar w \\sum_{k=0}^{d-1}
    \\log\\{S_0(t) - \\tfrac{k}{d} D_0(t)\\}` with :math:`S_0` the weighted sum of
    :math:`e^{x'\\beta}` over the risk set, :math:`D_0` the same over the tied events and
    :math:`\\bar w` their mean weight; it is maximised by Newton–Raphson from 0. The robust
    variance is :math:`V_r = \\sum_g (\\sum_{i\\in g} L_i V)' (\\sum_{i\\in g} L_i V)` with
    :math:`L_i` the weighted score residuals and :math:`V` the inverse information. Tests as
    ``summary(coxph)``: likelihood ratio :math:`2(\\ell(\\hat\\beta)-\\ell(0))`, Wald
    :math:`\\hat\\beta' V_r^{-1} \\hat\\beta`, score :math:`U(0)'I(0)^{-1}U(0)` and, when
    robust, the robust score test :math:`u' (R_0'R_0)^{-1} u` with :math:`R_0` the
    cluster-summed score residuals at 0.

    Time-varying covariates (alliance measured at wave 1 and wave 2) use start–stop rows:
    a client whose wave-2 score is measured on day 200 and who is rearrested on day 350
    has rows ``(0, 200]`` with the wave-1 score and ``event = 0`` and ``(200, 350]`` with
    the wave-2 score and ``event = 1``; :func:`start_stop_frame` builds these rows. Pass
    ``entry="start", duration="stop"`` and ``cluster="client_id"`` (or the officer id) so
    that SEs account for the repeated rows.

    References
    ----------
    1. Cox, D. R. (1972). Regression models and life-tables. JRSS B 34, 187–220.
    2. Efron, B. (1977). The efficiency of Cox's likelihood function for censored data.
       JASA 72, 557–565.
    3. Lin, D. Y. & Wei, L. J. (1989). The robust inference for the Cox proportional
       hazards model. JASA 84, 1074–1078.
    4. Therneau, T. M. & Grambsch, P. M. (2000). Modeling Survival Data. Springer.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=200)
    >>> t = rng.exponential(1 / np.exp(0.7 * x))
    >>> df = pd.DataFrame({"time": np.minimum(t, 1.5), "event": (t < 1.5).astype(int),
    ...                    "x": x, "officer": np.arange(200) // 2})
    >>> fit = wo.cox(df, "time", "event", ["x"], cluster="officer")
    >>> # In R: coxph(Surv(time, event) ~ x, data = df, cluster = officer)
    >>> round(float(fit.table.at["x", "hazard_ratio"]), 2)
    1.94
    """
    func = "cox"
    if ties not in ("efron", "breslow"):
        raise ValueError(f"{func}: `ties` must be 'efron' or 'breslow', got {ties!r}")
    if not 0 < level < 1:
        raise ValueError(f"{func}: `level` must be in (0, 1), got {level!r}")
    predictors = as_name_list(predictors, func, "predictors")
    if not predictors:
        raise ValueError(f"{func}: `predictors` must name at least one column")
    sd = prepare_survival(data, func, duration, event, predictors, entry=entry,
                          strata=as_name_list(strata, func, "strata"), cluster=cluster,
                          weights=weights, missing=missing)
    return _fit(sd, level, robust, ties, cluster, func=func)


def _check_events(n_events: int, p: int, func: str) -> None:
    if n_events == 0:
        raise ValueError(f"{func}: there are no events (all rows censored); a Cox model needs "
                         f"at least one event")
    if n_events < 10 * p:
        warnings.warn(f"{func}: {n_events} events for {p} predictor(s) (fewer than 10 per "
                      f"predictor); estimates and SEs may be unstable: use fewer predictors",
                      FewEventsWarning, stacklevel=4)


def _tests_table(fit, vcov: np.ndarray, robust_score: float | None) -> pd.DataFrame:
    """Likelihood-ratio, Wald, score and robust score tests as ``summary(coxph)``."""
    p = fit.beta.size
    missing = {"statistic": np.nan, "df": p, "p_value": np.nan}
    return pd.DataFrame({
        "likelihood_ratio": _chi2_row(2 * (fit.loglik - fit.loglik_null), p),
        "wald": _chi2_row(_quad(vcov, fit.beta), p),
        "score": _chi2_row(_quad(fit.info_null, fit.score_null), p),
        "robust_score": missing if robust_score is None else _chi2_row(robust_score, p),
    }).T.astype(float)


def _fit(sd, level: float, robust: bool | None, ties: str, cluster: str | None,
         problem: CoxProblem | None = None, cluster_codes: np.ndarray | None = None,
         with_concordance: bool = True, func: str = "cox") -> CoxResult:
    """Fit, variances, tests and concordance for prepared data (also used by Fine–Gray)."""
    if problem is None:
        problem = CoxProblem(sd.start, sd.stop, (sd.status == 1).astype(int),
                             sd.X - sd.X.mean(axis=0), sd.weights, sd.strata, ties)
    n_events = int(np.sum(problem.event))
    _check_events(n_events, problem.X.shape[1], func)
    fit = fit_cox(problem, func=func)
    naive = np.linalg.inv(fit.info)
    if cluster_codes is None:
        cluster_codes = sd.cluster
    if robust is None:
        robust = cluster_codes is not None or bool(np.any(sd.weights != np.round(sd.weights)))
    if sd.cluster is not None and cluster is not None:
        warn_singleton_clusters(sd.cluster, func, cluster)
    if robust and cluster_codes is None:
        cluster_codes = np.arange(problem.stop.size)
    rvar, rscore = (_robust_parts(problem, fit.beta, naive, cluster_codes) if robust
                    else (None, None))
    terms = sd.predictors
    vcov = rvar if robust else naive
    conc = (harrell_concordance(problem.start, problem.stop, problem.event,
                                problem.X @ fit.beta, problem.weights, problem.strata,
                                cluster_codes if robust else None)
            if with_concordance else None)
    return CoxResult(
        table=coef_table(terms, fit.beta, naive, rvar, level),
        tests=_tests_table(fit, vcov, rscore),
        vcov=pd.DataFrame(vcov, index=terms, columns=terms),
        naive_vcov=pd.DataFrame(naive, index=terms, columns=terms),
        loglik=fit.loglik, loglik_null=fit.loglik_null,
        concordance=conc.concordance if conc else np.nan,
        concordance_se=conc.std_error if conc else np.nan,
        n=int(sd.stop.size), n_events=n_events, n_dropped=sd.n_dropped, level=level,
        robust=bool(robust), ties=ties, converged=fit.converged,
        problem=problem)
