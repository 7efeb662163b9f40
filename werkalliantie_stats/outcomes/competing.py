"""Competing risks: cumulative incidence (Aalen–Johansen) with Gray's test, as ``cmprsk::cuminc``.

Dropout ends supervision and so competes with rearrest: the probability of a rearrest by
day t is the cumulative incidence of that cause, not 1 - KM with dropouts censored. The
Fine–Gray and cause-specific Cox models (implemented in :mod:`.fine_gray`) are
re-exported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, format_table
from ..exceptions import FewEventsWarning
from ._gray_test import gray_statistic
from ._survival_data import as_name_list, cause_codes, plain, prepare_survival

__all__ = ["CumulativeIncidenceResult", "FineGrayResult", "cause_specific_cox",
           "cumulative_incidence", "fine_gray"]


@dataclass(frozen=True)
class CumulativeIncidenceResult(ResultMixin):
    """Result of :func:`cumulative_incidence`.

    ``table``: one row per time at which the cause's incidence jumps, per cause (and group):
    ``time, cause, [group,] estimate, std_error, ci_lower, ci_upper, n_at_risk``.
    ``gray_test`` (with a group): ``cause, statistic, df, p_value``. ``at_times``: the
    step functions read at the requested times (``cmprsk::timepoints``).
    """

    table: pd.DataFrame
    gray_test: pd.DataFrame | None
    at_times: pd.DataFrame | None
    level: float
    n_dropped: int
    _title = "Cumulative incidence (Aalen–Johansen)"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        parts = [self._title, "=" * len(self._title),
                 f"variance as cmprsk::cuminc; CIs on the log(-log) scale, level {self.level}"]
        if self.at_times is not None:
            parts += ["", format_table(self.at_times, digits)]
        else:
            last = self.table.groupby([c for c in ("cause", "group") if c in self.table],
                                      sort=False).tail(1)
            parts += ["", "At the last event time of each curve:", format_table(last, digits)]
        if self.gray_test is not None:
            parts += ["", "Gray's test", format_table(self.gray_test.drop(columns="cause"),
                                                      digits)]
        return "\n".join(parts)


def _cuminc_curve(time: np.ndarray, status: np.ndarray, cause) -> pd.DataFrame:
    """Cumulative incidence and its variance as cmprsk's ``cinc`` (one cause, one group)."""
    times, pos = np.unique(time, return_inverse=True)
    n_times = times.size
    nd1 = np.bincount(pos, weights=status == cause, minlength=n_times)
    nd = np.bincount(pos, weights=status != 0, minlength=n_times)
    nd2 = nd - nd1
    rs = np.bincount(pos, minlength=n_times)[::-1].cumsum()[::-1].astype(float)
    fkn = np.cumprod(1 - nd / rs)
    fk = np.concatenate([[1.0], fkn[:-1]])
    f = np.cumsum(fk * nd1 / rs)
    with np.errstate(divide="ignore", invalid="ignore"):
        other = (nd2 > 0) & (fkn > 0)
        t5 = np.where(nd2 > 1, 1 - (nd2 - 1) / (rs - 1), 1.0)
        t6 = np.where(other, fk ** 2 * t5 * nd2 / rs ** 2, 0.0)
        t3 = np.where(other, 1 / fkn, 0.0)
        t4 = np.where(other, f / fkn, 0.0)
        v1, v2, v3 = t4 ** 2 * t6, t3 * t4 * t6, t3 ** 2 * t6
        own = nd1 > 0
        t5 = np.where(nd1 > 1, 1 - (nd1 - 1) / (rs - 1), 1.0)
        t6 = np.where(own, fk ** 2 * t5 * nd1 / rs ** 2, 0.0)
        t3 = np.where(own & (fkn > 0), 1 / fkn, 0.0)
        t4 = 1 + t3 * f
    v1 = np.cumsum(v1 + t4 ** 2 * t6)
    v2 = np.cumsum(v2 + t3 * t4 * t6)
    v3 = np.cumsum(v3 + t3 ** 2 * t6)
    var = v1 + f ** 2 * v3 - 2 * f * v2
    return pd.DataFrame({"time": times[own], "estimate": f[own], "variance": var[own],
                         "n_at_risk": rs[own]})


def _add_ci(frame: pd.DataFrame, z: float) -> pd.DataFrame:
    """SE and log(-log) CIs: F^exp(+-z se / (F log F))."""
    est = frame["estimate"].to_numpy()
    se = np.sqrt(np.maximum(frame.pop("variance").to_numpy(), 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * se / (est * np.log(est))
        lower, upper = est ** np.exp(-half), est ** np.exp(half)
    ok = (est > 0) & (est < 1)
    frame["std_error"] = se
    frame["ci_lower"] = np.where(ok, np.minimum(lower, upper), np.nan)
    frame["ci_upper"] = np.where(ok, np.maximum(lower, upper), np.nan)
    return frame[["time", "estimate", "std_error", "ci_lower", "ci_upper", "n_at_risk"]]


def _read_at(curve: pd.DataFrame, times: np.ndarray, last_time: float) -> pd.DataFrame:
    """Step function read at ``times`` (0 before the first jump), as cmprsk::timepoints."""
    k = np.searchsorted(curve["time"].to_numpy(), times, side="right") - 1
    pick = np.maximum(k, 0)
    est = np.where(k >= 0, curve["estimate"].to_numpy()[pick], 0.0)
    var = np.where(k >= 0, curve["variance"].to_numpy()[pick], 0.0)
    beyond = times > last_time
    est, var = np.where(beyond, np.nan, est), np.where(beyond, np.nan, var)
    return pd.DataFrame({"time": times, "estimate": est, "variance": var})


def _gray_table(sd, causes: list) -> pd.DataFrame:
    labels, codes = np.unique(sd.group, return_inverse=True)
    rows = []
    for code, cause in enumerate(causes, start=1):
        mark = np.where(sd.status == code, 1, np.where(sd.status != 0, 2, 0))
        stat = gray_statistic(sd.stop, mark, codes, labels.size, sd.strata)
        df = labels.size - 1
        rows.append({"cause": cause, "statistic": stat, "df": df,
                     "p_value": float(stats.chi2.sf(stat, df))})
    return pd.DataFrame(rows).set_index("cause", drop=False).rename_axis(None)


def _one_group(sd, label, causes: list, times, z: float):
    """Curves (and readings at ``times``) of every cause in one group (None: all rows)."""
    rows = np.ones(sd.stop.size, bool) if label is None else sd.group == label
    curves, at = [], []
    for code, cause in enumerate(causes, start=1):
        if not np.any(sd.status[rows] == code):
            warnings.warn(f"cumulative_incidence: no events of cause {plain(cause)!r}"
                          + (f" in group {plain(label)!r}" if label is not None else "")
                          + "; its incidence is 0 throughout", FewEventsWarning, stacklevel=4)
        curve = _cuminc_curve(sd.stop[rows], sd.status[rows], code)
        keys = {"cause": cause} | ({"group": label} if label is not None else {})
        if times is not None:
            read = _read_at(curve, np.asarray(times, float), sd.stop[rows].max())
            at.append(_add_ci(read.assign(n_at_risk=np.nan), z)
                      .drop(columns="n_at_risk").assign(**keys))
        curves.append(_add_ci(curve, z).assign(**keys))
    return curves, at


def cumulative_incidence(data: pd.DataFrame, duration: str, event: str,
                         group: str | None = None, causes: Sequence | None = None,
                         level: float = 0.95, times: Sequence[float] | None = None,
                         strata: str | Sequence[str] | None = None, censored: object = 0
                         ) -> CumulativeIncidenceResult:
    """Cumulative incidence of each cause (Aalen–Johansen) with Gray's test across groups.

    Parameters
    ----------
    data : DataFrame
    duration : str
        Time of the first event or of censoring (> 0).
    event : str
        The cause of the first event (numbers or labels, e.g. ``"rearrest"``,
        ``"dropout"``), or ``censored`` for no event.
    group : str, optional
        Estimate per group and test equality with Gray's test.
    causes : sequence, optional
        The allowed causes; a value in the data that is neither ``censored`` nor listed is
        an error. Default: every value present other than ``censored`` (sorted).
    level : float
        Confidence level of the pointwise intervals.
    times : sequence of float, optional
        Report the curves at these times (``cmprsk::timepoints``).
    strata : str or list of str, optional
        Stratify Gray's test (``cuminc(..., strata =)``); the curves are per group.
    censored : object
        The value of ``event`` that means censored (``cencode``; default 0, e.g. ``"none"``).

    Returns
    -------
    CumulativeIncidenceResult

    Notes
    -----
    With :math:`\\hat S(t-)` the all-cause Kaplan–Meier just before t, :math:`d_{1j}` the
    events of the cause and :math:`n_j` the number at risk,
    :math:`\\hat F_1(t) = \\sum_{t_j \\le t} \\hat S(t_j-) d_{1j} / n_j`; tied times are used
    as they are (deterministic, no jitter). The variance is the delta-method estimator of
    Gray's ``cmprsk::cuminc`` (a tie-corrected Aalen-type variance); R's multi-state
    ``survfit`` gives the same estimate with an infinitesimal-jackknife variance that differs
    slightly. Pointwise CIs use :math:`\\hat F^{\\exp(\\pm z\\, se / (\\hat F \\log \\hat F))}`
    (log(-log) transform, which keeps them in (0, 1)). Gray's test compares the
    subdistribution hazards of the groups with a weighted score statistic on k - 1 df.

    References
    ----------
    1. Aalen, O. O. & Johansen, S. (1978). An empirical transition matrix for
       non-homogeneous Markov chains based on censored observations. Scand. J. Statist. 5,
       141–150.
    2. Gray, R. J. (1988). A class of K-sample tests for comparing the cumulative incidence
       of a competing risk. Annals of Statistics 16, 1141–1154.
    3. Marubini, E. & Valsecchi, M. G. (1995). Analysing Survival Data from Clinical Trials
       and Observational Studies. Wiley (variance, section 10.2).

    Examples
    --------
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> df = pd.DataFrame({"day": [20, 35, 35, 60, 90, 120, 150, 200, 240, 300],
    ...                    "first_event": [1, 2, 1, 0, 1, 2, 0, 1, 0, 0]})
    >>> ci = wo.cumulative_incidence(df, "day", "first_event", times=[100, 365])
    >>> # In R: timepoints(cuminc(df$day, df$first_event), c(100, 365))
    >>> ci.at_times["estimate"].round(4).tolist()   # cause 1 at 100, 365; cause 2 at 100, 365
    [0.3167, nan, 0.1, nan]
    """
    func = "cumulative_incidence"
    if not 0 < level < 1:
        raise ValueError(f"{func}: `level` must be in (0, 1), got {level!r}")
    strata = as_name_list(strata, func, "strata")
    if strata and group is None:
        raise ValueError(f"{func}: `strata` only stratifies Gray's test, which needs `group`")
    coded, causes = cause_codes(data, func, event, censored, causes)
    if not causes:
        raise ValueError(f"{func}: no events: every row of {event!r} is censored "
                         f"({censored!r})")
    sd = prepare_survival(coded, func, duration, event, group=group, strata=strata,
                          causes=range(1, len(causes) + 1))
    z = stats.norm.ppf(0.5 + level / 2)
    labels = [None] if group is None else sorted(pd.unique(sd.group))
    parts = [_one_group(sd, label, causes, times, z) for label in labels]
    curves = [c for part in parts for c in part[0]]
    at = [a for part in parts for a in part[1]]
    order = ["time", "cause", *(["group"] if group is not None else [])]
    table = pd.concat(curves, ignore_index=True)
    table = table[order + [c for c in table.columns if c not in order]]
    at_times = None
    if times is not None:
        at_times = pd.concat(at, ignore_index=True)
        at_times = at_times[order[1:] + ["time"]
                            + [c for c in at_times.columns if c not in order]]
    gray = _gray_table(sd, causes) if group is not None else None
    return CumulativeIncidenceResult(table, gray, at_times, level, sd.n_dropped)


# The regression models for competing risks live in fine_gray.py (kept small); they are
# part of this module's public surface.
from .fine_gray import FineGrayResult, cause_specific_cox, fine_gray  # noqa: E402
