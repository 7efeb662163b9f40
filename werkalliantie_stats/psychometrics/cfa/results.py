"""The result of :func:`cfa`: estimates, fit measures and the methods that read them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from werkalliantie_stats._results import ResultMixin

from .engine import FitState
from .standardize import r_squared, standardized_values

__all__ = ["CFAResult", "estimates_frame"]


def estimates_frame(state: FitState, ci_level: float = 0.95) -> pd.DataFrame:
    """Parameter estimates in lavaan's ``parameterEstimates(standardized=TRUE)`` shape."""
    table, model = state.table, state.model
    est = model.partable_values(state.x)
    free = table["free"].to_numpy()
    se_free = np.sqrt(np.clip(np.diag(state.vcov), 0, None))
    se = np.where(free > 0, se_free[np.maximum(free - 1, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(free > 0, est / se, np.nan)
    pvalue = 2 * stats.norm.sf(np.abs(z))
    crit = stats.norm.ppf(0.5 + ci_level / 2)
    std_lv, std_all = standardized_values(model, table, state.x)
    out = pd.DataFrame({"lhs": table["lhs"], "op": table["op"], "rhs": table["rhs"],
                        "group": table["group"], "label": table["label"], "est": est,
                        "se": se, "z": z, "pvalue": pvalue, "ci_lower": est - crit * se,
                        "ci_upper": est + crit * se, "std_lv": std_lv, "std_all": std_all})
    if model.ngroups == 1:
        out = out.drop(columns="group")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class CFAResult(ResultMixin):
    """A fitted confirmatory factor model.

    Attributes
    ----------
    estimates : DataFrame
        One row per parameter (lavaan's ``parameterEstimates`` shape).
    fit_measures : Series
        Fit measures with lavaan's names (``chisq, df, cfi, rmsea, srmr, ...``).
    r_squared : DataFrame
        R-squared of each indicator (one column per group).
    estimator, missing : str
        How the model was fitted.
    n_obs : tuple of int
        Cases used per group.
    group_labels : tuple
        Group values in model order (``(None,)`` for one group).
    converged : bool
        Whether the optimiser met its convergence criterion.
    ci_level : float
        Level of ``ci_lower``/``ci_upper``.
    dwls_fit : DWLSResult or None
        For ``estimator="WLSMV"``: the underlying DWLS fit (used by the scaled difference
        test of nested ordinal models, the modification indices, factor scores and
        composite reliability).
    bootstrap : CFABootstrapResult or None
        With ``se="bootstrap"``: the draws behind the ``se``/``z``/``pvalue``/CI columns
        (``fit.bootstrap.confidence_interval("bca.simple")`` for another interval type).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa import cfa
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> data = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(300, 4)),
    ...                     columns=["a", "b", "c", "d"])
    >>> res = cfa(data, "f =~ a + b + c + d")
    >>> res.modification_indices(sort=True).columns.tolist()  # In R: modindices(fit)
    ['lhs', 'op', 'rhs', 'mi', 'epc', 'sepc_lv', 'sepc_all']
    >>> round(float(res.composite_reliability().loc["f", 1]), 3)  # semTools::compRelSEM(fit)
    0.809
    >>> res.factor_scores().shape  # In R: lavPredict(fit)
    (300, 1)
    >>> codes = data.apply(lambda col: np.digitize(col, [-0.5, 0.5]) + 1)
    >>> ordinal = cfa(codes, "f =~ a + b + c + d", estimator="WLSMV")
    >>> # In R: fit <- cfa(model, codes, ordered = TRUE, estimator = "WLSMV")
    >>> ordinal.modification_indices()[["lhs", "op", "rhs"]].iloc[0].tolist()  # modindices
    ['a', '~~', 'b']
    >>> round(float(ordinal.composite_reliability().loc["f", 1]), 3)  # compRelSEM(fit)
    0.72
    >>> ordinal.factor_scores().shape  # lavPredict(fit): empirical Bayes modal scores
    (300, 1)
    """

    estimates: pd.DataFrame
    fit_measures: pd.Series
    r_squared: pd.DataFrame
    estimator: str
    missing: str
    n_obs: tuple[int, ...]
    group_labels: tuple
    converged: bool
    ci_level: float = 0.95
    state: FitState = field(repr=False, default=None)  # type: ignore[assignment]
    case_index: tuple = field(repr=False, default=())
    model_text: str = field(repr=False, default="")
    dwls_fit: object = field(repr=False, default=None, compare=False)
    bootstrap: object = field(repr=False, default=None, compare=False)
    _title = "Confirmatory factor analysis"

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates."""
        return self.estimates

    @property
    def ov_names(self) -> list[str]:
        """Indicator names in model order."""
        return list(self.state.model.ov_names)

    @property
    def lv_names(self) -> list[str]:
        """Factor names in model order."""
        return list(self.state.model.lv_names)

    def implied(self, group: int = 1) -> dict[str, pd.DataFrame | pd.Series]:
        """Model-implied covariance matrix ``cov`` and mean vector ``mean`` of a group."""
        sigma, mu = self.state.implied()[group - 1]
        names = self.ov_names
        return {"cov": pd.DataFrame(sigma, index=names, columns=names),
                "mean": pd.Series(mu, index=names)}

    def residuals(self, type: str = "cor", group: int = 1) -> pd.DataFrame:
        """Residual matrix: sample minus implied, ``type="raw"`` or ``"cor"`` (correlations).

        ``"cor"`` is lavaan's ``residuals(fit, type="cor")``: both matrices are turned
        into correlation matrices with their own standard deviations before subtracting.
        """
        if type not in ("raw", "cor"):
            raise ValueError(f"CFAResult.residuals: `type` must be 'raw' or 'cor', got {type!r}")
        s, _ = self.state.samples[group - 1]
        sigma, _ = self.state.implied()[group - 1]
        if type == "cor":
            s = s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
            sigma = sigma / np.sqrt(np.outer(np.diag(sigma), np.diag(sigma)))
        names = self.ov_names
        return pd.DataFrame(s - sigma, index=names, columns=names)

    def modification_indices(self, minimum_mi: float = 0.0, sort: bool = False) -> pd.DataFrame:
        """Modification indices with ``mi, epc, sepc_lv, sepc_all`` (lavaan ``modindices``).

        Rows with ``mi`` below ``minimum_mi`` are dropped; ``sort=True`` orders by
        decreasing ``mi``. ML/MLR fits: score tests from the ML expected information
        (:mod:`~werkalliantie_stats.psychometrics.cfa.modindices`); WLSMV fits: from the
        DWLS information (:mod:`~werkalliantie_stats.psychometrics.cfa.modindices_ordinal`).
        """
        if self.estimator == "WLSMV":
            from .modindices_ordinal import ordinal_modification_indices
            out = ordinal_modification_indices(self.state, self.dwls_fit)
        else:
            from .modindices import modification_indices
            out = modification_indices(self.state)
        out = out[~(out["mi"] < minimum_mi)]
        if sort:
            out = out.sort_values("mi", ascending=False)
        return out.reset_index(drop=True)

    def factor_scores(self) -> pd.DataFrame:
        """Factor scores of the cases used (lavaan ``lavPredict``).

        ML/MLR fits: regression (Thurstone) scores. WLSMV fits: empirical Bayes modal
        scores, lavaan's default for ordered items
        (:func:`~werkalliantie_stats.psychometrics.cfa.scores_ordinal.ebm_factor_scores`).
        Indexed like the input rows; with groups, a ``group`` column is added.
        """
        if self.estimator == "WLSMV":
            from .scores_ordinal import ordinal_factor_scores
            return ordinal_factor_scores(self)
        from .scores import factor_scores
        frames = []
        for g, (scores, index) in enumerate(zip(factor_scores(self.state), self.case_index,
                                                strict=True)):
            frame = pd.DataFrame(scores, index=index, columns=self.lv_names)
            if len(self.group_labels) > 1:
                frame.insert(0, "group", self.group_labels[g])
            frames.append(frame)
        return pd.concat(frames)

    def composite_reliability(self, observed: bool = True,
                              ord_scale: bool = True) -> pd.DataFrame:
        """Composite reliability (omega) per factor and group, as semTools ``compRelSEM``.

        ``observed=True`` uses the sample (co)variances of the indicators in the
        denominator (semTools' default ``obs.var=TRUE``); ``False`` the model-implied
        ones. For WLSMV fits ``ord_scale=True`` (semTools' ``ord.scale``) gives the
        reliability of the sum of the item codes (Green & Yang's categorical omega,
        :mod:`~werkalliantie_stats.psychometrics.cfa.composite_ordinal`) and
        ``ord_scale=False`` that of the sum of the latent responses; continuous
        indicators have no other scale, so there ``ord_scale`` changes nothing.
        """
        if self.estimator == "WLSMV":
            from .composite_ordinal import ordinal_composite_reliability
            return ordinal_composite_reliability(self, observed, ord_scale)
        from .scores import composite_reliability
        return composite_reliability(self.state, observed)

    def summary(self, digits: int = 3) -> str:
        """Text like lavaan's ``summary(fit, fit.measures=TRUE, standardized=TRUE)``."""
        from .printing import summary_text
        return summary_text(self, digits)


def r_squared_frame(state: FitState) -> pd.DataFrame:
    """R-squared per indicator and group."""
    return r_squared(state.model, state.x)

