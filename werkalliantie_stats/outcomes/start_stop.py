"""Building counting-process (start, stop] data for time-varying covariates (R's ``tmerge``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._validation import check_columns, check_frame, numeric_frame
from ._survival_data import as_name_list, plain

__all__ = ["start_stop_frame"]


def _check_ids(data: pd.DataFrame, changes: pd.DataFrame, id: str) -> None:
    func = "start_stop_frame"
    duplicated = data[id].duplicated()
    if duplicated.any():
        raise ValueError(f"{func}: `data` must have one row per subject, but {id!r} repeats, "
                         f"e.g. {plain(data.loc[duplicated, id].iloc[0])!r}")
    unknown = ~changes[id].isin(data[id])
    if unknown.any():
        raise ValueError(f"{func}: {int(unknown.sum())} row(s) of `changes` have an {id!r} that "
                         f"is not in `data`, e.g. {plain(changes.loc[unknown, id].iloc[0])!r}")


def _intervals(subjects: pd.DataFrame, inside: pd.DataFrame, id: str, duration: str,
               start: str, stop: str) -> pd.DataFrame:
    """One row per (subject, interval): cut at 0 and at every change time inside follow-up."""
    cuts = pd.concat([pd.DataFrame({id: subjects[id], start: 0.0}),
                      inside[[id, "_time"]].rename(columns={"_time": start})])
    cuts = cuts.drop_duplicates().sort_values([id, start], kind="stable", ignore_index=True)
    cuts = cuts.merge(subjects[[id, duration]], on=id, how="left")
    nxt = cuts.groupby(id, sort=False)[start].shift(-1)
    cuts[stop] = nxt.fillna(cuts[duration])
    cuts["_last"] = nxt.isna()
    return cuts.drop(columns=duration)


def start_stop_frame(data: pd.DataFrame, id: str, duration: str, event: str,
                     changes: pd.DataFrame, time: str,
                     covariates: str | Sequence[str] | None = None,
                     start: str = "start", stop: str = "stop") -> pd.DataFrame:
    """Split follow-up where covariates change, giving (start, stop] rows for :func:`cox`.

    Parameters
    ----------
    data : DataFrame
        One row per subject: ``id``, follow-up time ``duration`` (> 0), ``event`` and the
        baseline values of the covariates (e.g. the wave-1 alliance score).
    id : str
        Subject identifier, in both frames.
    duration, event : str
        End of follow-up and event indicator (or cause code) in ``data``.
    changes : DataFrame
        One row per change: ``id``, the ``time`` from which the new values hold, and the new
        values of the covariates (e.g. the wave-2 score and the day it was measured).
    time : str
        Column of ``changes`` holding the change time.
    covariates : str or list of str, optional
        Columns of ``changes`` that change; default every column but ``id`` and ``time``.
    start, stop : str
        Names of the interval columns in the result.

    Returns
    -------
    DataFrame
        The columns of ``data`` without ``duration``, one row per interval, with ``start``,
        ``stop`` and the covariates' current values; ``event`` is kept on each subject's last
        interval and 0 on the others. Fit with ``cox(frame, stop, event, ..., entry=start,
        cluster=id)``.

    Notes
    -----
    As R's ``tmerge(..., tdc(time, value))`` with the baseline values entered as changes at
    time 0 (see the example): a change at time :math:`u` with :math:`0 < u < T_i` cuts
    subject i's follow-up at u, and the new value holds on :math:`(u, \\text{next cut}]`. A
    change at :math:`u \\le 0` replaces the baseline value; changes at or after :math:`T_i`
    are ignored (the subject is no longer followed). A covariate that is not in ``data`` is
    missing before its first change.

    References
    ----------
    1. Therneau, T., Crowson, C. & Atkinson, E. (2023). Using time dependent covariates and
       time dependent coefficients in the Cox model. survival package vignette.
    2. Andersen, P. K. & Gill, R. D. (1982). Cox's regression model for counting processes:
       a large sample study. Annals of Statistics 10, 1100–1120.

    Examples
    --------
    >>> import pandas as pd
    >>> import werkalliantie_stats.outcomes as wo
    >>> clients = pd.DataFrame({"client": ["a", "b"], "day": [300, 150], "rearrest": [1, 0],
    ...                         "alliance": [3.2, 4.1]})
    >>> wave2 = pd.DataFrame({"client": ["a", "b"], "day2": [200, 200], "alliance": [2.5, 4.4]})
    >>> wo.start_stop_frame(clients, "client", "day", "rearrest", wave2, "day2")
      client  rearrest  alliance  start   stop
    0      a         0       3.2    0.0  200.0
    1      a         1       2.5  200.0  300.0
    2      b         0       4.1    0.0  150.0
    >>> # In R: the baseline enters tmerge as a change at time 0:
    >>> #   ch <- rbind(data.frame(client = clients$client, day2 = 0,
    >>> #                          alliance = clients$alliance), wave2)
    >>> #   x <- tmerge(clients[, c("client", "day")], clients, id = client,
    >>> #               rearrest = event(day, rearrest))
    >>> #   tmerge(x, ch, id = client, alliance = tdc(day2, alliance))
    """
    func = "start_stop_frame"
    check_frame(data, func, "data")
    check_frame(changes, func, "changes")
    check_columns(data, [id, duration, event], func, "data")
    check_columns(changes, [id, time], func, "changes")
    covariates = (as_name_list(covariates, func, "covariates") if covariates is not None
                  else [c for c in changes.columns if c not in (id, time)])
    check_columns(changes, covariates, func, "changes")
    _check_ids(data, changes, id)
    follow = numeric_frame(data, func, [duration], "data")[duration]
    if (follow <= 0).any() or follow.isna().any():
        bad = follow[(follow <= 0) | follow.isna()]
        raise ValueError(f"{func}: {duration!r} must be a positive follow-up time for every "
                         f"subject, e.g. {plain(bad.iloc[0])!r} in row {plain(bad.index[0])!r}")
    subjects = data.drop(columns=duration).assign(**{duration: follow})
    ch = changes[[id, *covariates]].assign(_time=numeric_frame(changes, func, [time],
                                                               "changes")[time])
    ch = ch.dropna(subset=["_time"]).merge(subjects[[id, duration]], on=id)
    ch = ch[ch["_time"] < ch[duration]].drop(columns=duration)
    ch["_time"] = ch["_time"].clip(lower=0.0)
    cuts = _intervals(subjects, ch[ch["_time"] > 0], id, duration, start, stop)
    current = pd.merge_asof(cuts.sort_values(start, kind="stable"),
                            ch.sort_values("_time", kind="stable").assign(_hit=True),
                            left_on=start, right_on="_time", by=id, direction="backward")
    current = current.sort_values([id, start], kind="stable", ignore_index=True)
    base = subjects.drop(columns=duration).set_index(id)
    out = base.loc[current[id]].reset_index()
    hit = current["_hit"].eq(True).to_numpy()
    for col in covariates:
        baseline = out[col] if col in out.columns else pd.Series(np.nan, index=out.index)
        out[col] = np.where(hit, current[col], baseline)
    out[event] = np.where(current["_last"], out[event], 0)
    out[start] = current[start].to_numpy()
    out[stop] = current[stop].to_numpy()
    return out
