"""Kaplan–Meier survival curves with pointwise CIs and medians, as R ``survfit``."""

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
from ._survival_data import plain, prepare_survival

__all__ = ["KaplanMeierResult", "kaplan_meier"]

CONF_TYPES = ("log", "log-log", "plain")


@dataclass(frozen=True)
class KaplanMeierResult(ResultMixin):
    """Result of :func:`kaplan_meier`.

    ``table``: one row per distinct time (events and censorings) per group, columns ``time,
    [group,] estimate, std_error, ci_lower, ci_upper, n_at_risk, n_event, n_censor``
    (``summary(survfit(...), censored = TRUE)``; ``std_error`` is the SE of the survival
    probability). ``median``: per group ``median, ci_lower, ci_upper, n, n_events`` as
    ``print(survfit)``. ``at_times``: survival and number at risk at the requested times.
    """

    table: pd.DataFrame
    median: pd.DataFrame
    at_times: pd.DataFrame | None
    conf_type: str
    level: float
    n_dropped: int
    _title = "Kaplan–Meier estimate"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        parts = [self._title, "=" * len(self._title),
                 f"pointwise CIs: {self.conf_type} transform, level {self.level}", "",
                 format_table(self.median.drop(columns="group", errors="ignore"), digits)]
        if self.at_times is not None:
            parts += ["", format_table(self.at_times, digits)]
        return "\n".join(parts)


def _confidence(surv: np.ndarray, sigma: np.ndarray, conf_type: str, z: float):
    """Pointwise limits of R's survfit for the given transform (sigma = SE of log S)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            lower, upper = surv * np.exp(-z * sigma), np.minimum(surv * np.exp(z * sigma), 1)
            bad = surv == 0
        elif conf_type == "log-log":
            xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
            a = np.exp(-np.exp(np.log(-np.log(xx)) + z * sigma / np.log(xx)))
            b = np.exp(-np.exp(np.log(-np.log(xx)) - z * sigma / np.log(xx)))
            lower, upper = np.minimum(a, b), np.maximum(a, b)
            bad = np.isnan(xx)
        else:
            lower = np.maximum(surv - z * sigma * surv, 0)
            upper = np.minimum(surv + z * sigma * surv, 1)
            bad = np.zeros(surv.shape, dtype=bool)
    lower, upper = np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)
    return lower, upper


def _find_quantile(x: np.ndarray, surv: np.ndarray, p: float, tol: float = 1.49e-8) -> float:
    """R's ``findq``: first time with 1 - S >= p, midpoint when S stays exactly at 1 - p."""
    xmax = x[-1]
    y = 1 - surv
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if y.size == 0 or y.max() < p:
        return np.nan
    _, first = np.unique(y, return_index=True)
    first = np.sort(first)
    x, y = x[first], y[first]
    i1 = np.flatnonzero(y + tol >= p)
    i2 = np.flatnonzero(y - tol >= p)
    if i1.size == 0:
        return np.nan
    if i2.size == 0:
        return float((x[i1[0]] + xmax) / 2) if abs(p - y[-1]) < tol else np.nan
    return float((x[i1[0]] + x[i2[0]]) / 2)


def _curve(start, stop, status, conf_type: str, z: float) -> pd.DataFrame:
    times = np.unique(stop)
    n_risk = RiskSets(start, stop, times).sum(np.ones(stop.size))
    pos = np.searchsorted(times, stop)
    n_event = np.bincount(pos, weights=status == 1, minlength=times.size)
    n_censor = np.bincount(pos, weights=status == 0, minlength=times.size)
    surv = np.cumprod(1 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(np.cumsum(np.where(n_event > 0,
                                           n_event / (n_risk * (n_risk - n_event)), 0)))
        se = surv * sigma
    lower, upper = _confidence(surv, sigma, conf_type, z)
    return pd.DataFrame({"time": times, "estimate": surv, "std_error": se,
                         "ci_lower": lower, "ci_upper": upper, "n_at_risk": n_risk,
                         "n_event": n_event, "n_censor": n_censor, "_sigma": sigma})


def _median_row(curve: pd.DataFrame, first_time: float) -> dict:
    x = np.concatenate([[first_time], curve["time"]])
    def q(s):
        return _find_quantile(x, np.concatenate([[1.0], s]), 0.5)
    return {"median": q(curve["estimate"].to_numpy()),
            "ci_lower": q(curve["ci_lower"].to_numpy()),
            "ci_upper": q(curve["ci_upper"].to_numpy())}


def _at_times(curve: pd.DataFrame, start, stop, times: np.ndarray, conf_type: str,
              z: float) -> pd.DataFrame:
    times = np.asarray(times, float)
    times = np.unique(times[times <= curve["time"].max()])
    k = np.searchsorted(curve["time"].to_numpy(), times, side="right") - 1
    surv = np.where(k >= 0, curve["estimate"].to_numpy()[np.maximum(k, 0)], 1.0)
    sigma = np.where(k >= 0, curve["_sigma"].to_numpy()[np.maximum(k, 0)], 0.0)
    lower, upper = _confidence(surv, sigma, conf_type, z)
    n_risk = RiskSets(start, stop, times).sum(np.ones(stop.size))
    return pd.DataFrame({"time": times, "estimate": surv, "std_error": surv * sigma,
                         "ci_lower": lower, "ci_upper": upper, "n_at_risk": n_risk})


def _one_group(sd, label, group: str | None, conf_type: str, z: float, times,
               has_entry: bool) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    """Curve, median row and at-times table of one group (``label`` None: all rows)."""
    rows = np.ones(sd.stop.size, bool) if label is None else sd.group == label
    start, stop, status = sd.start[rows], sd.stop[rows], sd.status[rows]
    if not np.any(status == 1):
        warnings.warn(f"kaplan_meier: group {plain(label)!r} of {group!r} has no events; its "
                      f"curve stays at 1 and its median is undefined", FewEventsWarning,
                      stacklevel=4)
    curve = _curve(start, stop, status, conf_type, z)
    first = float(min(0.0, start.min())) if has_entry else 0.0
    med = {"n": int(rows.sum()), "n_events": int(np.sum(status == 1)),
           **_median_row(curve, first)}
    at = None if times is None else _at_times(curve, start, stop, times, conf_type, z)
    if label is not None:
        for frame in (curve, at):
            if frame is not None:
                frame.insert(1, "group", label)
        med = {"group": label, **med}
    return curve, med, at


def kaplan_meier(data: pd.DataFrame, duration: str, event: str, group: str | None = None,
                 conf_type: str = "log", level: float = 0.95,
                 times: Sequence[float] | None = None,
                 entry: str | None = None) -> KaplanMeierResult:
    """Kaplan–Meier survival curves with pointwise CIs, medians and numbers at risk.

    Parameters
    ----------
    data : DataFrame
    duration, event : str
        Follow-up time (> 0) and event indicator (0/1).
    group : str, optional
        One curve per level of this column (``survfit(Surv(t, e) ~ group)``).
    conf_type : {"log", "log-log", "plain"}
        Transform of the pointwise CIs, as R's ``conf.type``; R's default is ``"log"``
        (lifelines' default is log-log).
    level : float
        Confidence level.
    times : sequence of float, optional
        Times at which to report survival and the number at risk (``summary(fit, times=)``).
    entry : str, optional
        Entry time for left-truncated data (at risk on ``(entry, duration]``).

    Returns
    -------
    KaplanMeierResult

    Notes
    -----
    :math:`\\hat S(t) = \\prod_{t_j \\le t} (1 - d_j / n_j)`, Greenwood
    :math:`\\sigma^2(t) = \\sum_{t_j\\le t} d_j / \\{n_j (n_j - d_j)\\}` (variance of
    :math:`\\log \\hat S`), ``std_error`` :math:`= \\hat S \\sigma`. CIs: log
    :math:`\\hat S e^{\\pm z\\sigma}` (upper capped at 1); log-log
    :math:`\\exp\\{-\\exp(\\log(-\\log \\hat S) \\pm z\\sigma/\\log \\hat S)\\}`; plain
    :math:`\\hat S(1 \\pm z\\sigma)` clipped to [0, 1]. The median is the first time with
    :math:`\\hat S \\le 0.5` (the midpoint to the next time when :math:`\\hat S` equals 0.5
    exactly); its CI limits are the same quantity for the lower and upper curves
    (Brookmeyer & Crowley), as ``print(survfit)``.

    References
    ----------
    1. Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. JASA 53, 457–481.
    2. Greenwood, M. (1926). The natural duration of cancer. Reports on Public Health and
       Medical Subjects 33, 1–26.
    3. Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median survival
       time. Biometrics 38, 29–41.

    Examples
    --------
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> df = pd.DataFrame({"days": [5, 8, 8, 12, 15, 20, 22, 30],
    ...                    "rearrest": [1, 1, 0, 1, 0, 1, 0, 0]})
    >>> km = wo.kaplan_meier(df, "days", "rearrest", times=[10, 25])
    >>> # In R: summary(survfit(Surv(days, rearrest) ~ 1, df), times = c(10, 25))
    >>> km.at_times[["time", "estimate", "n_at_risk"]].round(3).to_string(index=False)
    ' time  estimate  n_at_risk\\n 10.0      0.75        5.0\\n 25.0      0.40        1.0'
    >>> float(km.median["median"].iloc[0])
    20.0
    """
    func = "kaplan_meier"
    if conf_type not in CONF_TYPES:
        raise ValueError(f"{func}: `conf_type` must be one of {CONF_TYPES}, got {conf_type!r}")
    if not 0 < level < 1:
        raise ValueError(f"{func}: `level` must be in (0, 1), got {level!r}")
    sd = prepare_survival(data, func, duration, event, entry=entry, group=group)
    z = stats.norm.ppf(0.5 + level / 2)
    labels = [None] if group is None else sorted(pd.unique(sd.group))
    parts = [_one_group(sd, label, group, conf_type, z, times, entry is not None)
             for label in labels]
    table = pd.concat([p[0] for p in parts], ignore_index=True).drop(columns="_sigma")
    median = pd.DataFrame([p[1] for p in parts])
    if group is not None:
        median = median.set_index("group", drop=False).rename_axis(None)
    at = pd.concat([p[2] for p in parts], ignore_index=True) if times is not None else None
    return KaplanMeierResult(table, median, at, conf_type, level, sd.n_dropped)
