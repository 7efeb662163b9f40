"""Agreement between two raters of the same targets (e.g. client vs officer scores)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from .._validation import numeric_frame
from .icc import ICC_TYPES, IccResult, icc

__all__ = ["AgreementResult", "rater_agreement"]

_FUNC = "rater_agreement"


@dataclass(frozen=True)
class AgreementResult(ResultMixin):
    """Agreement of two raters per score.

    Attributes
    ----------
    table : DataFrame
        One row per score (index) with columns ``n, icc, icc_lower, icc_upper, r, r_lower,
        r_upper, r_p_value, mean_a, mean_b, mean_diff, diff_lower, diff_upper, t, df,
        t_p_value, sd_diff, loa_lower, loa_upper``; differences are ``a - b``.
    icc_type : str
        The Shrout–Fleiss form in ``icc`` (default ``ICC2``, absolute agreement).
    icc_results : dict of str to IccResult
        All six ICC forms per score.
    level : float
        Confidence level of every interval.
    """

    table: pd.DataFrame
    icc_type: str
    icc_results: dict[str, IccResult]
    level: float

    _title = "Rater agreement"

    def to_frame(self) -> pd.DataFrame:
        """One row per score."""
        return self.table

    def summary(self, digits: int = 3) -> str:
        """The agreement table with its settings."""
        return "\n".join([self._title, "=" * len(self._title),
                          f"{self.icc_type}, {100 * self.level:g}% intervals; "
                          f"differences are a - b", "", format_table(self.table, digits)])


def rater_agreement(a: pd.Series | pd.DataFrame | np.ndarray,
                    b: pd.Series | pd.DataFrame | np.ndarray,
                    level: float = 0.95, icc_type: str = "ICC2") -> AgreementResult:
    """ICC, Pearson correlation, mean difference and Bland–Altman limits of two raters.

    Parameters
    ----------
    a, b : Series, DataFrame or 1-D array
        Scores of the same targets by two raters (e.g. client and officer). Two
        DataFrames must have the same columns (one per score, e.g. subscale); pandas
        inputs are aligned on their index, which must hold the same targets. Pairs with
        a missing score are left out, per score.
    level : float
        Confidence level, in (0, 1).
    icc_type : str
        Which Shrout–Fleiss form goes into the table (``ICC1``, ``ICC2``, ``ICC3``,
        ``ICC1k``, ``ICC2k``, ``ICC3k``); all six are kept in ``icc_results``.

    Returns
    -------
    AgreementResult

    Notes
    -----
    With ``n`` complete pairs and differences ``d = a - b``: Pearson's ``r`` with the
    Fisher-z interval ``\\tanh(\\operatorname{atanh} r \\pm z_{1-p/2}/\\sqrt{n-3})`` and
    the t test of ``r = 0`` (R ``cor.test``); the paired mean difference
    ``\\bar d \\pm t_{1-p/2,\\,n-1}\\, s_d/\\sqrt n`` (R ``t.test(paired = TRUE)``); the
    Bland–Altman limits of agreement ``\\bar d \\pm z_{1-p/2}\\, s_d``; and the ICCs of
    the ``n x 2`` layout (see :func:`icc`). ``p = 1 - level``.

    References
    ----------
    1. Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement
       between two methods of clinical measurement. Lancet, 327, 307-310.
    2. Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
       rater reliability. Psychological Bulletin, 86, 420-428.
    3. Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation
       deduced from a small sample. Metron, 1, 3-32.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> alliance = rng.normal(3.5, 0.6, size=80)
    >>> client = pd.Series(alliance + rng.normal(0.2, 0.4, 80), name="binding")
    >>> officer = pd.Series(alliance + rng.normal(0.0, 0.4, 80), name="binding")
    >>> res = rater_agreement(client, officer)
    >>> # In R: cor.test(client, officer); t.test(client, officer, paired = TRUE)
    >>> res.table.loc["binding", ["n", "r", "mean_diff", "icc"]].round(2).tolist()
    [80.0, 0.77, 0.21, 0.75]
    """
    if not (isinstance(level, (float, int)) and 0 < level < 1):
        raise ValueError(f"{_FUNC}: `level` must be a number in (0, 1), got {level!r}")
    if icc_type not in ICC_TYPES:
        raise ValueError(f"{_FUNC}: `icc_type` must be one of {ICC_TYPES}, got {icc_type!r}")
    frame_a, frame_b = _aligned_frames(a, b)
    rows, iccs = {}, {}
    for col in frame_a.columns:
        pair = pd.DataFrame({"a": frame_a[col], "b": frame_b[col]}).dropna()
        _check_pair(pair, str(col))
        iccs[str(col)] = icc(pair, level=level)
        rows[str(col)] = _agreement_row(pair["a"].to_numpy(), pair["b"].to_numpy(), level,
                                        iccs[str(col)].table.loc[icc_type])
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "score"
    return AgreementResult(table=table, icc_type=icc_type, icc_results=iccs, level=float(level))


def _as_frame(x: object, arg: str) -> pd.DataFrame:
    if isinstance(x, pd.DataFrame):
        return numeric_frame(x, _FUNC, arg=arg)
    if isinstance(x, pd.Series):
        return numeric_frame(x.to_frame(x.name if x.name is not None else "score"), _FUNC,
                             arg=arg)
    array = np.asarray(x)
    if array.ndim != 1:
        raise TypeError(f"{_FUNC}: `{arg}` must be a Series, a DataFrame or a 1-D array, "
                        f"got an array of shape {array.shape}")
    return numeric_frame(pd.DataFrame({"score": array}), _FUNC, arg=arg)


def _aligned_frames(a: object, b: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame_a, frame_b = _as_frame(a, "a"), _as_frame(b, "b")
    both_frames = isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)
    if frame_a.shape[1] == 1 and frame_b.shape[1] == 1 and not both_frames:
        frame_b.columns = frame_a.columns                # two vectors: one score
    if set(frame_a.columns) != set(frame_b.columns):
        raise ValueError(f"{_FUNC}: `a` and `b` must have the same columns, got "
                         f"{list(map(str, frame_a.columns))} and {list(map(str, frame_b.columns))}")
    pandas_inputs = isinstance(a, (pd.Series, pd.DataFrame)) and isinstance(
        b, (pd.Series, pd.DataFrame))
    if pandas_inputs:
        only = frame_a.index.symmetric_difference(frame_b.index)
        if len(only) or not frame_a.index.is_unique:
            example = only[0] if len(only) else frame_a.index[frame_a.index.duplicated()][0]
            raise ValueError(f"{_FUNC}: `a` and `b` must index the same targets once each; "
                             f"e.g. target {example!r} is unmatched or repeated")
        return frame_a, frame_b.loc[frame_a.index, frame_a.columns]
    if frame_a.shape[0] != frame_b.shape[0]:
        raise ValueError(f"{_FUNC}: `a` has {frame_a.shape[0]} targets but `b` has "
                         f"{frame_b.shape[0]}")
    frame_b.index = frame_a.index
    return frame_a, frame_b[frame_a.columns]


def _check_pair(pair: pd.DataFrame, name: str) -> None:
    if pair.shape[0] < 4:
        raise ValueError(f"{_FUNC}: score {name!r} has {pair.shape[0]} complete pair(s); at "
                         f"least 4 are needed for a correlation interval")
    for side in ("a", "b"):
        if not pair[side].std() > 0:
            raise ValueError(f"{_FUNC}: score {name!r} of `{side}` is constant (always "
                             f"{pair[side].iloc[0]!r}); agreement is undefined")


def _agreement_row(a: np.ndarray, b: np.ndarray, level: float, icc_row: pd.Series) -> dict:
    n = a.size
    p = 1.0 - level
    z = stats.norm.ppf(1 - p / 2)
    r = np.corrcoef(a, b)[0, 1]
    half = z / np.sqrt(n - 3)
    with np.errstate(divide="ignore"):                  # |r| = 1 gives infinite t and z
        t_r = r * np.sqrt((n - 2) / (1 - r**2))
        z_r = np.arctanh(r)
    d = a - b
    sd = float(d.std(ddof=1))
    se = sd / np.sqrt(n)
    t_crit = stats.t.ppf(1 - p / 2, n - 1)
    t = d.mean() / se if se > 0 else np.nan
    return {
        "n": float(n), "icc": icc_row["icc"], "icc_lower": icc_row["ci_lower"],
        "icc_upper": icc_row["ci_upper"], "r": float(r),
        "r_lower": float(np.tanh(z_r - half)), "r_upper": float(np.tanh(z_r + half)),
        "r_p_value": float(2 * stats.t.sf(abs(t_r), n - 2)),
        "mean_a": float(a.mean()), "mean_b": float(b.mean()), "mean_diff": float(d.mean()),
        "diff_lower": float(d.mean() - t_crit * se), "diff_upper": float(d.mean() + t_crit * se),
        "t": float(t), "df": float(n - 1),
        "t_p_value": float(2 * stats.t.sf(abs(t), n - 1)) if se > 0 else np.nan,
        "sd_diff": sd, "loa_lower": float(d.mean() - z * sd), "loa_upper": float(d.mean() + z * sd),
    }
