"""Proportional-odds (ordinal logistic) regression, as R's ``MASS::polr``.

For rising risk categorised (e.g. lower / same / higher risk band at follow-up).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.miscmodels.ordinal_model import OrderedModel

from .._results import ResultMixin, format_table
from ..exceptions import ConvergenceWarning, EmptyCategoryWarning
from ._cumulative_logit import cumulative_logit, newton_polish
from ._design import as_predictor_list, build_design
from ._table import check_level, coefficient_table

__all__ = ["OrdinalResult", "ordinal_logistic"]

FUNC = "ordinal_logistic"


@dataclass(frozen=True, eq=False)
class OrdinalResult(ResultMixin):
    """Result of :func:`ordinal_logistic`.

    ``table``: one row per predictor term (fixed columns plus odds_ratio, or_ci_lower,
    or_ci_upper). ``thresholds``: one row per cut point ``"a|b"`` (estimate, std_error,
    statistic, p_value, ci_lower, ci_upper), named like polr's ``zeta``.
    """

    table: pd.DataFrame
    thresholds: pd.DataFrame
    categories: tuple
    level: float
    n_obs: int
    n_dropped: int
    loglik: float
    deviance: float
    aic: float
    converged: bool
    cov: pd.DataFrame
    _title = "Ordinal logistic regression (proportional odds)"

    def to_frame(self) -> pd.DataFrame:
        """Predictor rows, then threshold rows, in one table."""
        return pd.concat([self.table, self.thresholds])

    def summary(self, digits: int = 3) -> str:
        """Text summary: model facts, coefficients, thresholds."""
        return "\n".join([
            self._title, "=" * len(self._title),
            f"n = {self.n_obs} ({self.n_dropped} rows dropped); categories "
            f"{' < '.join(map(str, self.categories))}",
            f"log-likelihood {self.loglik:.4f}, deviance {self.deviance:.4f}, AIC {self.aic:.4f}",
            "", format_table(self.table.drop(columns="term"), digits), "", "Thresholds",
            format_table(self.thresholds.drop(columns="term"), digits)])


def _ordered_codes(values: pd.Series, categories: list | None, outcome: str
                   ) -> tuple[np.ndarray, list]:
    if categories is None:
        if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered:
            categories = list(values.cat.categories)
        elif pd.api.types.is_numeric_dtype(values):
            categories = sorted(values.unique().tolist())
        else:
            raise ValueError(f"{FUNC}: outcome {outcome!r} holds text (e.g. "
                             f"{values.iloc[0]!r}); give the order with categories=[low, ..., "
                             f"high] or pass an ordered Categorical")
    lookup = {value: code for code, value in enumerate(categories)}
    unknown = ~values.isin(categories)
    if unknown.any():
        raise ValueError(f"{FUNC}: outcome {outcome!r} has {int(unknown.sum())} value(s) not in "
                         f"`categories` {categories}, e.g. {values[unknown].iloc[0]!r}")
    codes = values.map(lookup).to_numpy(dtype=int)
    used = np.bincount(codes, minlength=len(categories)) > 0
    if not used.all():
        empty = [c for c, u in zip(categories, used, strict=True) if not u]
        warnings.warn(f"{FUNC}: outcome category/ies {empty} of {outcome!r} are empty in the "
                      f"rows used and were dropped (their thresholds are not identified); "
                      f"merge them with a neighbour if that was not intended",
                      EmptyCategoryWarning, stacklevel=3)
        categories = [c for c, u in zip(categories, used, strict=True) if u]
        codes = values.map({value: code for code, value in enumerate(categories)}).to_numpy(int)
    if len(categories) < 3:
        raise ValueError(f"{FUNC}: outcome {outcome!r} has {len(categories)} used categories "
                         f"{categories}; an ordinal model needs 3 or more (use logistic())")
    return codes, categories


def _fit(codes: np.ndarray, X: np.ndarray):
    model = OrderedModel(codes, X, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
    return model, res


def ordinal_logistic(data: pd.DataFrame, outcome: str, predictors: str | list[str],
                     categories: list | None = None, level: float = 0.95,
                     missing: str = "drop") -> OrdinalResult:
    """Proportional-odds logistic regression of an ordered outcome.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Ordered outcome: numeric codes (ordered by value), an ordered pandas
        Categorical, or text with ``categories`` giving the order.
    predictors : str or list of str
        Columns (text/categorical ones treatment coded, as in :func:`logistic`); no
        intercept (the thresholds take its place).
    categories : list, optional
        Outcome categories from lowest to highest.
    level : float, default 0.95
        Level of the Wald CIs.
    missing : {"drop", "raise"}
        Listwise deletion or an error.

    Returns
    -------
    OrdinalResult
        ``table`` (predictors, with odds ratios), ``thresholds`` (``"a|b"``), ``loglik``,
        ``deviance``, ``aic``, ``categories``.

    Notes
    -----
    Model (McCullagh 1980) with polr's sign convention:
    ``logit P(Y <= k | x) = zeta_k - x' b``, ``zeta_1 < ... < zeta_{K-1}``; so a positive
    ``b`` shifts people to higher categories and ``exp(b)`` is the odds ratio of being
    above any cut point. statsmodels' ``OrderedModel`` (same sign; BFGS) gives starting
    values, which Newton steps with the analytic score and Hessian polish to 1e-11; SEs
    come from the analytic observed information in ``(b, zeta)``. polr's SEs come from
    optim's finite-difference Hessian and differ from the analytic ones by up to about
    1e-4 relative (more for predictors on a large scale). Empty categories are dropped
    with an :class:`EmptyCategoryWarning`. Checked against ``MASS::polr`` 7.3-58.2
    (estimates 1e-6) and an analytic Hessian written out in R (SEs 1e-8).

    References
    ----------
    .. [1] McCullagh P (1980). Regression models for ordinal data. Journal of the Royal
       Statistical Society B 42(2), 109-142.
    .. [2] Venables WN, Ripley BD (2002). Modern Applied Statistics with S, 4th ed.
       Springer, section 7.3.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.outcomes import ordinal_logistic
    >>> rng = np.random.default_rng(4)
    >>> alliance = rng.normal(size=300)
    >>> latent = -0.8 * alliance + rng.logistic(size=300)
    >>> change = np.digitize(latent, [-1.0, 1.0])  # 0 lower, 1 same, 2 higher risk
    >>> df = pd.DataFrame({"risk_change": change, "alliance": alliance})
    >>> res = ordinal_logistic(df, "risk_change", "alliance")
    >>> # In R: MASS::polr(factor(risk_change) ~ alliance, df, Hess = TRUE)
    >>> res.table[["estimate", "std_error"]].round(3).loc["alliance"].tolist()
    [-0.699, 0.119]
    >>> res.thresholds.index.tolist()
    ['0|1', '1|2']
    """
    level = check_level(level, FUNC)
    design = build_design(data, outcome, as_predictor_list(predictors, FUNC), FUNC, None,
                          missing, intercept=False)
    codes, used = _ordered_codes(pd.Series(data.loc[design.rows, outcome]), categories, outcome)
    X = design.X
    n_terms = X.shape[1]
    model, res = _fit(codes, X)
    start = np.asarray(res.params, dtype=float)
    start = np.concatenate([start[:n_terms],
                            np.asarray(model.transform_threshold_params(start)[1:-1])])
    estimate, converged = newton_polish(start, X, codes, len(used))
    loglik, _, hess = cumulative_logit(estimate, X, codes, len(used))
    if not converged:
        warnings.warn(f"{FUNC}: the maximum-likelihood iterations did not converge; rescale "
                      f"predictors or merge sparse categories", ConvergenceWarning,
                      stacklevel=2)
    cov = np.linalg.inv(-hess)
    names = [f"{a}|{b}" for a, b in itertools.pairwise(used)]
    full = coefficient_table(design.terms + names, estimate, cov, level)
    table = full.iloc[:n_terms].copy()
    table["odds_ratio"] = np.exp(table["estimate"])
    table["or_ci_lower"] = np.exp(table["ci_lower"])
    table["or_ci_upper"] = np.exp(table["ci_upper"])
    return OrdinalResult(
        table=table, thresholds=full.iloc[n_terms:].copy(), categories=tuple(used),
        level=level, n_obs=len(codes), n_dropped=design.n_dropped, loglik=loglik,
        deviance=-2 * loglik, aic=-2 * loglik + 2 * len(estimate),
        converged=converged,
        cov=pd.DataFrame(cov, index=design.terms + names, columns=design.terms + names))
