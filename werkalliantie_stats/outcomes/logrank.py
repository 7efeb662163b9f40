"""Log-rank test for k groups, optionally stratified, as R ``survdiff``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from ..exceptions import FewEventsWarning
from ._risk_sets import RiskSets
from ._survival_data import as_name_list, plain, prepare_survival

__all__ = ["LogrankResult", "logrank_test"]


@dataclass(frozen=True)
class LogrankResult(ResultMixin):
    """Result of :func:`logrank_test`: ``chisq, df, p_value`` and the ``table`` of
    ``group, n, observed, expected`` (events, summed over strata)."""

    chisq: float
    df: int
    p_value: float
    table: pd.DataFrame
    n_dropped: int
    _title = "Log-rank test (survdiff)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        return "\n".join([self._title, "=" * len(self._title),
                          format_table(self.table.drop(columns="group"), digits), "",
                          f"Chisq = {self.chisq:.{digits}f} on {self.df} df, "
                          f"p = {self.p_value:.4g}"])


def _stratum_parts(start, stop, status, codes, k):
    """Observed, expected and variance matrix of one stratum (rho = 0)."""
    ev = status == 1
    times = np.unique(stop[ev])
    if times.size == 0:
        return np.zeros(k), np.zeros(k), np.zeros((k, k))
    rs = RiskSets(start, stop, times)
    n_g = rs.sum(np.eye(k)[codes])                      # at risk per time and group
    pos = np.searchsorted(times, stop[ev])
    d_g = np.zeros((times.size, k))
    np.add.at(d_g, (pos, codes[ev]), 1.0)
    n, d = n_g.sum(axis=1), d_g.sum(axis=1)
    expected = (n_g * (d / n)[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(n > 1, d * (n - d) / (n * n * (n - 1)), 0.0)
    var = (np.einsum("t,ti,ij->ij", factor * n, n_g, np.eye(k))
           - np.einsum("t,ti,tj->ij", factor, n_g, n_g))
    return d_g.sum(axis=0), expected, var


def logrank_test(data: pd.DataFrame, duration: str, event: str, group: str,
                 strata: str | Sequence[str] | None = None) -> LogrankResult:
    """Log-rank test that k survival curves are equal, as R's ``survdiff``.

    Parameters
    ----------
    data : DataFrame
    duration, event : str
        Follow-up time (> 0) and event indicator (0/1).
    group : str
        Groups to compare (two or more levels).
    strata : str or list of str, optional
        Stratify: observed, expected and variances are summed over strata
        (``survdiff(Surv(t, e) ~ group + strata(s))``).

    Returns
    -------
    LogrankResult

    Notes
    -----
    At each event time, group g has :math:`n_g` at risk out of :math:`n` and :math:`d`
    events in total; :math:`E_g = \\sum n_g d/n` and
    :math:`V_{gh} = \\sum d (n-d)/(n-1) \\cdot (n_g/n)(\\delta_{gh} - n_h/n)`.
    The statistic :math:`(O-E)' V^{-1} (O-E)` uses all groups but the first (the groups
    with :math:`E_g > 0`) and has k - 1 degrees of freedom.

    References
    ----------
    1. Mantel, N. (1966). Evaluation of survival data and two new rank order statistics
       arising in its consideration. Cancer Chemotherapy Reports 50, 163–170.
    2. Peto, R. & Peto, J. (1972). Asymptotically efficient rank invariant test procedures.
       JRSS A 135, 185–207.

    Examples
    --------
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> df = pd.DataFrame({"days": [5, 8, 9, 12, 15, 20, 22, 30, 31, 40],
    ...                    "rearrest": [1, 1, 0, 1, 1, 1, 0, 1, 0, 0],
    ...                    "good_alliance": [0, 0, 0, 0, 1, 0, 1, 1, 1, 1]})
    >>> res = wo.logrank_test(df, "days", "rearrest", "good_alliance")
    >>> # In R: survdiff(Surv(days, rearrest) ~ good_alliance, data = df)
    >>> round(res.chisq, 3), res.df
    (5.776, 1)
    """
    func = "logrank_test"
    strata = as_name_list(strata, func, "strata")
    if not isinstance(group, str):
        raise TypeError(f"{func}: `group` must be a column name, got {group!r}")
    sd = prepare_survival(data, func, duration, event, strata=strata, group=group)
    labels, codes = np.unique(sd.group, return_inverse=True)
    k = labels.size
    if k < 2:
        raise ValueError(f"{func}: column {group!r} has a single group ({labels[0]!r}); "
                         f"the log-rank test needs at least two")
    obs, exp, var = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for s in np.unique(sd.strata):
        r = sd.strata == s
        o, e, v = _stratum_parts(sd.start[r], sd.stop[r], sd.status[r], codes[r], k)
        obs, exp, var = obs + o, exp + e, var + v
    for label, o in zip(labels, obs, strict=True):
        if o == 0:
            warnings.warn(f"{func}: group {plain(label)!r} of {group!r} has no events; the test "
                          f"still runs but compares against an empty group",
                          FewEventsWarning, stacklevel=2)
    keep = np.flatnonzero(exp > 0)[1:]
    diff = (obs - exp)[keep]
    chisq = float(diff @ np.linalg.solve(var[np.ix_(keep, keep)], diff))
    df = int(keep.size)
    table = pd.DataFrame({"group": labels, "n": np.bincount(codes, minlength=k),
                          "observed": obs, "expected": exp,
                          "o_minus_e_sq_over_e": (obs - exp) ** 2 / exp}, index=labels)
    return LogrankResult(chisq, df, float(stats.chi2.sf(chisq, df)), table, sd.n_dropped)
