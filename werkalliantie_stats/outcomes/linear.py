"""Linear (ANCOVA-style) regression of a continuous outcome with cluster-robust SEs.

For rising risk: model the follow-up score adjusted for the baseline score
(``risk_followup ~ risk_baseline + alliance``), not the raw change score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from .._results import ResultMixin, format_table
from ._design import as_predictor_list, build_design
from ._sandwich import check_cluster_type, cluster_label, cluster_vcov
from ._table import check_level, coefficient_table, wald_limits

__all__ = ["LinearResult", "linear"]

FUNC = "linear"


@dataclass(frozen=True, eq=False)
class LinearResult(ResultMixin):
    """Result of :func:`linear`; ``table`` has the fixed columns of DESIGN.md §5."""

    table: pd.DataFrame
    level: float
    cov_type: str
    n_obs: int
    n_dropped: int
    n_clusters: int | None
    df_residual: int
    sigma: float
    r_squared: float
    adj_r_squared: float
    cov: pd.DataFrame = field(repr=False)
    fitted: pd.Series = field(repr=False)
    _title = "Linear regression"

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table."""
        return self.table

    def summary(self, digits: int = 3) -> str:
        """Text summary: model facts, then the coefficient table."""
        lines = [self._title, "=" * len(self._title),
                 f"n = {self.n_obs} ({self.n_dropped} rows dropped); SEs: {self.cov_type}",
                 f"residual SE {self.sigma:.4f} on {self.df_residual} df; R-squared "
                 f"{self.r_squared:.4f} (adjusted {self.adj_r_squared:.4f})", "",
                 format_table(self.table.drop(columns="term"), digits)]
        return "\n".join(lines)

    def confidence_interval(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """Wald-t CIs (residual df) at ``confidence_level`` with the fit's covariance."""
        level = check_level(confidence_level, "LinearResult.confidence_interval")
        lower, upper = wald_limits(self.table["estimate"].to_numpy(),
                                   self.table["std_error"].to_numpy(), level, self.df_residual)
        return pd.DataFrame({"ci_lower": lower, "ci_upper": upper}, index=self.table.index)


def linear(data: pd.DataFrame, outcome: str, predictors: str | list[str],
           cluster: str | None = None, level: float = 0.95, missing: str = "drop",
           cluster_type: str = "HC1", cadjust: bool = True) -> LinearResult:
    """Least-squares regression with model-based or cluster-robust SEs.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Continuous outcome column (e.g. ``"risk_followup"``).
    predictors : str or list of str
        Columns; include the baseline score for an ANCOVA. Text/categorical columns are
        treatment coded (terms ``column[level]``), as in :func:`logistic`.
    cluster : str, optional
        Cluster labels (e.g. ``"officer_id"``) for cluster-robust SEs.
    level : float, default 0.95
        Confidence level.
    missing : {"drop", "raise"}
        Listwise deletion (counted in ``n_dropped``) or an error.
    cluster_type : {"HC1", "HC0"}
        ``"HC1"`` (with ``cadjust``) is R's default ``sandwich::vcovCL`` for an ``lm``:
        factor ``G/(G-1) (n-1)/(n-k)`` (also statsmodels' and Stata's). ``"HC0"`` drops
        ``(n-1)/(n-k)``.
    cadjust : bool, default True
        Apply ``G/(G-1)``.

    Returns
    -------
    LinearResult
        ``table`` (term, estimate, std_error, statistic, p_value, ci_lower, ci_upper),
        ``sigma``, ``r_squared``, ``adj_r_squared``, ``df_residual``, ``cov_type``.

    Notes
    -----
    ``b = (X'X)^-1 X'y``; model covariance ``s^2 (X'X)^-1`` with ``s^2 = e'e/(n-k)``.
    Cluster-robust: ``V = c (X'X)^-1 (sum_g X_g' e_g e_g' X_g) (X'X)^-1`` [1]_ [2]_.
    Tests and CIs use the t distribution with ``n - k`` df, as
    ``lmtest::coeftest(fit, vcov = vcovCL)`` and ``coefci`` do (statsmodels would use
    ``G - 1`` df with clusters). Checked against R ``lm`` + ``sandwich::vcovCL`` +
    ``lmtest`` on ``ChickWeight`` (estimates 1e-10, SEs 1e-8).

    References
    ----------
    .. [1] Liang KY, Zeger SL (1986). Longitudinal data analysis using generalized linear
       models. Biometrika 73(1), 13-22.
    .. [2] Zeileis A, Köll S, Graham N (2020). Various versatile variances: an
       object-oriented implementation of clustered covariances in R. Journal of
       Statistical Software 95(1), 1-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.outcomes import linear
    >>> rng = np.random.default_rng(2)
    >>> officer = np.repeat(np.arange(50), 4)
    >>> base = rng.normal(20, 5, 200)
    >>> alliance = rng.normal(size=200)
    >>> follow = 5 + 0.7 * base - 1.0 * alliance + rng.normal(0, 3, 50)[officer] \\
    ...     + rng.normal(0, 3, 200)
    >>> df = pd.DataFrame({"risk_followup": follow, "risk_baseline": base,
    ...                    "alliance": alliance, "officer": officer})
    >>> res = linear(df, "risk_followup", ["risk_baseline", "alliance"], cluster="officer")
    >>> # In R: sandwich::vcovCL(lm(risk_followup ~ risk_baseline + alliance, df), ~officer)
    >>> res.table[["estimate", "std_error"]].round(3).loc["alliance"].tolist()
    [-0.905, 0.248]
    """
    level = check_level(level, FUNC)
    cluster_type = check_cluster_type(cluster_type, FUNC)
    design = build_design(data, outcome, as_predictor_list(predictors, FUNC), FUNC, cluster,
                          missing)
    if design.y.dtype == object:
        raise ValueError(f"{FUNC}: outcome {outcome!r} must be numeric, got e.g. "
                         f"{design.y[0]!r}")
    X, y = design.X, design.y
    fit = OLS(y, X).fit()
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    if design.groups is None:
        cov, cov_type = np.asarray(fit.cov_params()), "model"
    else:
        cov = cluster_vcov(X * np.asarray(fit.resid)[:, None], bread, design.groups,
                           cluster_type, cadjust)
        cov_type = cluster_label(cluster, design.n_clusters, cluster_type, cadjust)
    table = coefficient_table(design.terms, np.asarray(fit.params), cov, level, df=n - k)
    return LinearResult(
        table=table, level=level, cov_type=cov_type, n_obs=n, n_dropped=design.n_dropped,
        n_clusters=design.n_clusters, df_residual=n - k, sigma=float(np.sqrt(fit.scale)),
        r_squared=float(fit.rsquared), adj_r_squared=float(fit.rsquared_adj),
        cov=pd.DataFrame(cov, index=design.terms, columns=design.terms),
        fitted=pd.Series(np.asarray(fit.fittedvalues), index=design.rows, name="fitted"))
