"""Classical item analysis: descriptives, item-total statistics and response frequencies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from ._alpha_core import drop_one_statistics, rest_correlations
from ._moments import cov2cor, pairwise_cov
from ._scale_checks import item_matrix, warn_negative_items

__all__ = ["ItemAnalysisResult", "item_analysis"]

_FUNC = "item_analysis"
_MAX_CATEGORIES = 10


@dataclass(frozen=True)
class ItemAnalysisResult(ResultMixin):
    """Per-item statistics of a scale.

    Attributes
    ----------
    table : DataFrame
        Per item: ``n, missing, mean, sd, median, trimmed, mad, min, max, range, skew,
        kurtosis, se`` (as ``psych::describe``), ``r_total`` (item with the mean of the
        observed items), ``r_rest`` (item with the sum of the other items) and
        ``alpha_if_deleted``.
    frequencies : DataFrame or None
        Proportion of each response category among the non-missing answers, plus
        ``miss``, the proportion missing (as psych's ``response.freq``); None when an item
        has more than 10 distinct values.
    counts : DataFrame or None
        The same as counts, with ``miss`` the number of missing answers.
    """

    table: pd.DataFrame
    frequencies: pd.DataFrame | None
    counts: pd.DataFrame | None

    _title = "Item analysis"

    def to_frame(self) -> pd.DataFrame:
        """The per-item table."""
        return self.table

    def summary(self, digits: int = 3) -> str:
        """Item table, then response frequencies."""
        parts = [self._title, "=" * len(self._title), format_table(self.table, digits)]
        if self.frequencies is not None:
            parts += ["", "Response frequencies (proportion of non-missing; miss = missing)",
                      format_table(self.frequencies, digits)]
        return "\n".join(parts)


def item_analysis(data: pd.DataFrame) -> ItemAnalysisResult:
    """Descriptives, item-total correlations, alpha if deleted and response frequencies.

    Parameters
    ----------
    data : DataFrame
        One column per item (already re-keyed), one row per respondent; NaN = missing.

    Returns
    -------
    ItemAnalysisResult

    Notes
    -----
    Descriptives follow ``psych::describe`` (type 3 skew and kurtosis):
    ``skew = \\sum (x - \\bar x)^3 / (n s^3)``, ``kurtosis = \\sum (x - \\bar x)^4 /
    (n s^4) - 3``, ``se = s/\\sqrt n``, ``mad = 1.4826 \\operatorname{median}|x -
    \\operatorname{median}(x)|``, ``trimmed`` the 10% trimmed mean. The item-rest
    correlation uses pairwise-complete covariances ``C``:

    .. math:: r_{i,rest} = \\frac{\\sum_{j \\ne i} C_{ij}}{\\sqrt{C_{ii}\\, 1'C_{-i}1}},

    and ``alpha_if_deleted`` is raw alpha of ``C`` without item ``i`` (see
    :func:`cronbach_alpha`). Frequencies are computed per item among its non-missing
    answers; ``miss`` is the proportion of rows without an answer.

    References
    ----------
    1. Nunnally, J. C., & Bernstein, I. H. (1994). Psychometric theory (3rd ed.).
       McGraw-Hill, ch. 8.
    2. Joanes, D. N., & Gill, C. A. (1998). Comparing measures of sample skewness and
       kurtosis. The Statistician, 47, 183-189.
    3. Revelle, W. (2022). psych (version 2.2.9), functions ``describe`` and ``alpha``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> items = pd.DataFrame({"str1": [1, 2, 2, 3, 4, 5, np.nan, 3],
    ...                       "str2": [2, 2, 3, 3, 5, 4, 4, 3],
    ...                       "str3": [1, 1, 2, 4, 4, 5, 5, np.nan]})
    >>> res = item_analysis(items)   # In R: psych::describe(items); psych::alpha(items)
    >>> res.table.loc["str1", ["n", "mean", "r_rest"]].round(3).tolist()
    [7.0, 2.857, 0.969]
    >>> res.frequencies.loc["str3"].round(3).tolist()
    [0.286, 0.143, 0.0, 0.286, 0.286, 0.125]
    """
    frame = item_matrix(data, _FUNC)
    c = pairwise_cov(frame.to_numpy())
    r = cov2cor(c)
    names = [str(col) for col in frame.columns]
    if np.isfinite(r).all():
        warn_negative_items(r, names, _FUNC)
    table = _describe(frame)
    table["r_total"] = frame.corrwith(frame.mean(axis=1, skipna=True)).to_numpy()
    table["r_rest"] = rest_correlations(c)
    table["alpha_if_deleted"] = drop_one_statistics(c, r, frame.shape[0])["raw_alpha"]
    counts = _counts(frame)
    return ItemAnalysisResult(table=table, frequencies=_proportions(counts, frame.shape[0]),
                              counts=counts)


def _describe(frame: pd.DataFrame) -> pd.DataFrame:
    n = frame.notna().sum()
    mean = frame.mean()
    sd = frame.std(ddof=1)
    centred = frame - mean
    return pd.DataFrame({
        "n": n, "missing": frame.shape[0] - n, "mean": mean, "sd": sd,
        "median": frame.median(),
        "trimmed": [stats.trim_mean(frame[c].dropna(), 0.1) for c in frame.columns],
        "mad": [1.4826 * np.median(np.abs(v - np.median(v)))
                for v in (frame[c].dropna().to_numpy() for c in frame.columns)],
        "min": frame.min(), "max": frame.max(), "range": frame.max() - frame.min(),
        "skew": (centred**3).sum() / (n * sd**3),
        "kurtosis": (centred**4).sum() / (n * sd**4) - 3.0,
        "se": sd / np.sqrt(n),
    }, index=pd.Index(frame.columns, name="item")).astype(float)


def _counts(frame: pd.DataFrame) -> pd.DataFrame | None:
    values = np.unique(frame.stack().to_numpy())
    if values.size > _MAX_CATEGORIES:
        return None
    counts = pd.DataFrame({v: (frame == v).sum() for v in values}, index=frame.columns)
    counts.columns = [_label(v) for v in values]
    counts["miss"] = frame.isna().sum()
    counts.index.name = "item"
    return counts


def _proportions(counts: pd.DataFrame | None, n_rows: int) -> pd.DataFrame | None:
    if counts is None:
        return None
    answered = counts.drop(columns="miss")
    out = answered.div(answered.sum(axis=1), axis=0)
    out["miss"] = counts["miss"] / n_rows
    return out


def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
