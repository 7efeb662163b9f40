"""Intraclass correlations: the six Shrout–Fleiss forms with F tests and CIs (psych::ICC)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from .. import exceptions
from .._results import ResultMixin, format_table
from .._validation import check_frame, numeric_frame
from ._icc_reml import reml_variances

__all__ = ["IccResult", "icc"]

_FUNC = "icc"
ICC_TYPES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


@dataclass(frozen=True)
class IccResult(ResultMixin):
    """Intraclass correlations of ``n_targets`` targets rated by ``n_raters`` raters.

    Attributes
    ----------
    table : DataFrame
        One row per form (index ``ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k``) with columns
        ``type, icc, f, df1, df2, p_value, ci_lower, ci_upper``.
    ms_targets, ms_raters, ms_error, ms_within : float
        Mean squares of the two-way ANOVA (targets, raters, residual) and of the one-way
        ANOVA within targets.
    n_targets, n_raters, n_dropped : int
        Targets analysed, raters, and targets dropped for missing ratings.
    level : float
        Confidence level of the intervals.
    method : str
        ``"anova"`` or ``"reml"``.
    variances : dict or None
        REML variance components ``target, rater, residual`` (``method="reml"``).
    """

    table: pd.DataFrame
    ms_targets: float
    ms_raters: float
    ms_error: float
    ms_within: float
    n_targets: int
    n_raters: int
    n_dropped: int
    level: float
    method: str = "anova"
    variances: dict[str, float] | None = None

    _title = "Intraclass correlation coefficients"

    def to_frame(self) -> pd.DataFrame:
        """The six forms."""
        return self.table

    def confidence_interval(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """``ci_lower``/``ci_upper`` of the six forms at another level, without refitting."""
        if not (isinstance(confidence_level, (float, int)) and 0 < confidence_level < 1):
            raise ValueError(f"confidence_interval: `confidence_level` must be in (0, 1), "
                             f"got {confidence_level!r}")
        ms = {"msb": self.ms_targets, "msj": self.ms_raters, "mse": self.ms_error,
              "msw": self.ms_within}
        with np.errstate(divide="ignore", invalid="ignore"):
            table = _icc_table(ms, self.n_targets, self.n_raters, 1.0 - confidence_level)
        return table[["ci_lower", "ci_upper"]]

    def summary(self, digits: int = 3) -> str:
        """The table as psych prints it, with the design."""
        return "\n".join([
            self._title, "=" * len(self._title),
            f"targets = {self.n_targets}, raters = {self.n_raters}, dropped = "
            f"{self.n_dropped}, method = {self.method}, {100 * self.level:g}% confidence "
            f"intervals", "",
            format_table(self.table, digits)])


def icc(data: pd.DataFrame, level: float = 0.95,
        missing: Literal["listwise", "error"] = "listwise",
        method: Literal["anova", "reml"] = "anova") -> IccResult:
    """Shrout & Fleiss intraclass correlations ICC1, ICC2, ICC3 and their k-rater forms.

    Parameters
    ----------
    data : DataFrame
        Wide ratings: one row per target (e.g. a dyad), one column per rater.
    level : float
        Confidence level of the intervals, in (0, 1).
    missing : {"listwise", "error"}
        With ``method="anova"``: ``"listwise"`` drops targets with a missing rating (with a
        warning that says how many); ``"error"`` raises instead, as
        ``psych::ICC(lmer = FALSE)`` does. Ignored by ``method="reml"``, which uses every
        observed rating.
    method : {"anova", "reml"}
        ``"anova"``: Shrout & Fleiss's mean squares (``psych::ICC(lmer = FALSE)``).
        ``"reml"``: mean squares rebuilt from REML variance components of the crossed
        model, as psych's default ``psych::ICC(lmer = TRUE)``; allows missing ratings.

    Returns
    -------
    IccResult

    Notes
    -----
    From the two-way ANOVA of ``n`` targets by ``k`` raters, with mean squares for targets
    ``MSB``, raters ``MSJ``, residual ``MSE`` and within targets ``MSW``:

    .. math::

        ICC1 = \\frac{MSB - MSW}{MSB + (k-1) MSW},\\;
        ICC2 = \\frac{MSB - MSE}{MSB + (k-1) MSE + k (MSJ - MSE)/n},\\;
        ICC3 = \\frac{MSB - MSE}{MSB + (k-1) MSE},

    ``ICC1k = (MSB - MSW)/MSB``, ``ICC2k = (MSB - MSE)/(MSB + (MSJ - MSE)/n)``,
    ``ICC3k = (MSB - MSE)/MSB``. ICC1 forms are tested with ``F = MSB/MSW`` on
    ``(n - 1, n(k - 1))`` df, the others with ``F = MSB/MSE`` on ``(n - 1, (n - 1)(k - 1))``
    df. Confidence intervals are Shrout & Fleiss's (1979): exact F-based for ICC1 and ICC3,
    Satterthwaite's approximation for ICC2, and the Spearman–Brown step-up for the
    k-rater forms, exactly as psych computes them. psych 2.2.9 by default estimates the
    mean squares from ``lme4::lmer`` variance components; on complete data these equal the
    ANOVA mean squares unless the rater variance estimate is negative (then lmer sets it
    to zero). ``method="reml"`` reproduces that default: with REML variances
    ``\\sigma_t^2, \\sigma_r^2, \\sigma_e^2`` it sets ``MSB = k\\sigma_t^2 + \\sigma_e^2``,
    ``MSJ = n\\sigma_r^2 + \\sigma_e^2``, ``MSE = \\sigma_e^2``, ``MSW = \\sigma_e^2 +
    \\sigma_r^2`` and applies the formulas above.

    References
    ----------
    1. Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
       rater reliability. Psychological Bulletin, 86, 420-428.
    2. McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
       correlation coefficients. Psychological Methods, 1, 30-46.
    3. Revelle, W. (2022). psych (version 2.2.9), function ``ICC``.

    Examples
    --------
    >>> import pandas as pd
    >>> ratings = pd.DataFrame({"J1": [9, 6, 8, 7, 10, 6], "J2": [2, 1, 4, 1, 5, 2],
    ...                         "J3": [5, 3, 6, 2, 6, 4], "J4": [8, 2, 8, 6, 9, 7]})
    >>> res = icc(ratings)   # In R: psych::ICC(ratings, lmer = FALSE)
    >>> res.table["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    if not (isinstance(level, (float, int)) and 0 < level < 1):
        raise ValueError(f"{_FUNC}: `level` must be a number in (0, 1), got {level!r}")
    if missing not in ("listwise", "error"):
        raise ValueError(f"{_FUNC}: `missing` must be 'listwise' or 'error', got {missing!r}")
    if method not in ("anova", "reml"):
        raise ValueError(f"{_FUNC}: `method` must be 'anova' or 'reml', got {method!r}")
    variances = None
    if method == "anova":
        ratings, n_dropped = _complete_ratings(data, missing)
        ms = _anova_mean_squares(ratings.to_numpy())
    else:
        ratings, n_dropped = _rated_targets(data)
        variances = reml_variances(ratings.to_numpy())
        ms = _reml_mean_squares(variances, *ratings.shape)
    with np.errstate(divide="ignore", invalid="ignore"):   # perfect agreement: MSE = 0
        table = _icc_table(ms, ratings.shape[0], ratings.shape[1], 1.0 - level)
    return IccResult(table=table, ms_targets=ms["msb"], ms_raters=ms["msj"], ms_error=ms["mse"],
                     ms_within=ms["msw"], n_targets=ratings.shape[0], n_raters=ratings.shape[1],
                     n_dropped=n_dropped, level=float(level), method=method,
                     variances=variances)


def _anova_mean_squares(x: np.ndarray) -> dict[str, float]:
    """Mean squares of the complete two-way (targets x raters) layout ``x``."""
    n, k = x.shape
    grand = x.mean()
    ss_total = ((x - grand) ** 2).sum()
    ss_targets = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_error = ss_total - ss_targets - ss_raters
    return {"msb": ss_targets / (n - 1), "msj": ss_raters / (k - 1),
            "mse": ss_error / ((n - 1) * (k - 1)),
            "msw": (ss_raters + ss_error) / (n * (k - 1))}


def _reml_mean_squares(v: dict[str, float], n: int, k: int) -> dict[str, float]:
    """psych's mean squares from lmer variance components."""
    return {"msb": k * v["target"] + v["residual"], "msj": n * v["rater"] + v["residual"],
            "mse": v["residual"], "msw": v["residual"] + v["rater"]}


def _rating_frame(data: object) -> pd.DataFrame:
    frame = numeric_frame(check_frame(data, _FUNC), _FUNC)
    if frame.shape[1] < 2:
        raise ValueError(f"{_FUNC}: `data` needs at least 2 rater columns, got "
                         f"{list(map(str, frame.columns))}")
    return frame


def _rated_targets(data: object) -> tuple[pd.DataFrame, int]:
    """Targets with at least one rating (for REML); raters must have ratings too."""
    frame = _rating_frame(data)
    empty = frame.columns[frame.isna().all()].tolist()
    if empty:
        raise ValueError(f"{_FUNC}: rater column(s) {empty} have no ratings at all")
    rated = frame[frame.notna().any(axis=1)]
    n_dropped = frame.shape[0] - rated.shape[0]
    if n_dropped:
        row = frame.index[frame.isna().all(axis=1)].tolist()[0]
        warnings.warn(f"{_FUNC}: {n_dropped} target(s) without any rating (e.g. row {row!r}) "
                      f"were dropped (psych would still count them in n)",
                      exceptions.DroppedDataWarning, stacklevel=3)
    if rated.shape[0] < 2 or not np.nanstd(rated.to_numpy()) > 0:
        raise ValueError(f"{_FUNC}: `data` needs at least 2 rated targets with differing "
                         f"ratings, got {rated.shape[0]}")
    return rated, n_dropped


def _complete_ratings(data: object, missing: str) -> tuple[pd.DataFrame, int]:
    frame = _rating_frame(data)
    complete = frame.dropna()
    n_dropped = frame.shape[0] - complete.shape[0]
    if n_dropped:
        row = frame.index[frame.isna().any(axis=1)].tolist()[0]
        where = f"{n_dropped} target(s) have missing ratings (e.g. row {row!r})"
        if missing == "error":
            raise ValueError(f"{_FUNC}: {where}; drop them or use missing='listwise'")
        warnings.warn(f"{_FUNC}: {where} and were dropped; {complete.shape[0]} targets remain",
                      exceptions.DroppedDataWarning, stacklevel=3)
    if complete.shape[0] < 2:
        raise ValueError(f"{_FUNC}: `data` needs at least 2 targets with complete ratings, "
                         f"got {complete.shape[0]}")
    if not complete.to_numpy().std() > 0:
        raise ValueError(f"{_FUNC}: all ratings are equal (e.g. {complete.iloc[0, 0]!r}); "
                         f"intraclass correlations are undefined")
    return complete, n_dropped


def _icc_table(ms: dict[str, float], n: int, k: int, p: float) -> pd.DataFrame:
    msb, msj, mse, msw = ms["msb"], ms["msj"], ms["mse"], ms["msw"]
    f1, f3 = msb / msw, msb / mse
    df1 = (n - 1, n * (k - 1))
    df3 = (n - 1, (n - 1) * (k - 1))
    icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
    estimates = [(msb - msw) / (msb + (k - 1) * msw), icc2,
                 (msb - mse) / (msb + (k - 1) * mse), (msb - msw) / msb,
                 (msb - mse) / (msb + (msj - mse) / n), (msb - mse) / msb]
    f1_lo, f1_hi = f1 / _f_quantile(1 - p / 2, *df1), f1 * _f_quantile(1 - p / 2, *df1[::-1])
    f3_lo, f3_hi = f3 / _f_quantile(1 - p / 2, *df3), f3 * _f_quantile(1 - p / 2, *df3[::-1])
    icc2_lo, icc2_hi = _icc2_interval(ms, n, k, icc2, p)
    lower = [(f1_lo - 1) / (f1_lo + k - 1), icc2_lo, (f3_lo - 1) / (f3_lo + k - 1),
             1 - 1 / f1_lo, _step_up(icc2_lo, k), 1 - 1 / f3_lo]
    upper = [(f1_hi - 1) / (f1_hi + k - 1), icc2_hi, (f3_hi - 1) / (f3_hi + k - 1),
             1 - 1 / f1_hi, _step_up(icc2_hi, k), 1 - 1 / f3_hi]
    p1, p3 = special.fdtrc(*df1, f1), special.fdtrc(*df3, f3)
    return pd.DataFrame({
        "type": list(ICC_TYPES), "icc": estimates, "f": [f1, f3, f3, f1, f3, f3],
        "df1": [float(d) for d in (df1[0], df3[0], df3[0], df1[0], df3[0], df3[0])],
        "df2": [float(d) for d in (df1[1], df3[1], df3[1], df1[1], df3[1], df3[1])],
        "p_value": [p1, p3, p3, p1, p3, p3], "ci_lower": lower, "ci_upper": upper,
    }, index=pd.Index(ICC_TYPES))


def _icc2_interval(ms: dict[str, float], n: int, k: int, icc2: float,
                   p: float) -> tuple[float, float]:
    """Satterthwaite interval of ICC2 (Shrout & Fleiss 1979, eq. 8-9; as psych)."""
    msb, msj, mse = ms["msb"], ms["msj"], ms["mse"]
    fj = msj / mse
    a = n * (1 + (k - 1) * icc2) - k * icc2
    v = ((k - 1) * (n - 1) * (k * icc2 * fj + a) ** 2
         / ((n - 1) * k**2 * icc2**2 * fj**2 + a**2))
    f_hi = _f_quantile(1 - p / 2, n - 1, v)
    f_lo = _f_quantile(1 - p / 2, v, n - 1)
    base = k * msj + (k * n - k - n) * mse
    lower = n * (msb - f_hi * mse) / (f_hi * base + n * msb)
    upper = n * (f_lo * msb - mse) / (base + n * f_lo * msb)
    return float(lower), float(upper)


def _f_quantile(prob: float, df1: float, df2: float) -> float:
    """Quantile of the F distribution (``qf`` in R)."""
    return float(special.fdtri(df1, df2, prob))


def _step_up(value: float, k: int) -> float:
    """Spearman–Brown: reliability of the mean of ``k`` raters."""
    return value * k / (1 + value * (k - 1))
