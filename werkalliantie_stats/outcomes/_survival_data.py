"""Checking and unpacking survival data (shared by KM, log-rank, Cox and competing risks).

Every public survival function passes its DataFrame through :func:`prepare_survival`,
which validates the columns, drops incomplete rows (counting them) and returns plain
NumPy arrays. The input frame is never modified.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_columns, check_frame, numeric_frame
from ..exceptions import ClusterWarning, DroppedDataWarning

__all__ = ["SurvivalData", "as_name_list", "cause_codes", "plain", "prepare_survival",
           "warn_singleton_clusters"]


def plain(value: object) -> object:
    """A NumPy scalar as the Python value (so that messages show ``5``, not ``np.int64(5)``)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class SurvivalData:
    """Complete-case survival data as arrays (rows in the order of the input)."""

    start: np.ndarray        # entry time; -inf when there is no left truncation
    stop: np.ndarray         # exit time (event or censoring)
    status: np.ndarray       # 0 censored, else the event/cause code (int)
    X: np.ndarray            # predictors, n x p (p may be 0)
    weights: np.ndarray      # case weights (1 when not given)
    strata: np.ndarray       # stratum codes 0..k-1
    strata_labels: list
    cluster: np.ndarray | None   # cluster codes 0..m-1, or None
    group: np.ndarray | None     # raw group labels, or None
    index: pd.Index          # index labels of the rows used
    n_dropped: int           # rows dropped because of missing values
    predictors: list[str]
    has_entry: bool


def as_name_list(value: str | Sequence[str] | None, func: str, arg: str) -> list[str]:
    """A column name or a list of names as a list; reject other types."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{func}: `{arg}` must be a column name or a list of column names, "
                    f"got {value!r}")


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    codes, labels = pd.factorize(series, sort=True)
    return codes.astype(np.int64), list(labels)


def _check_status(status: pd.Series, func: str, event: str, causes: Sequence | None) -> None:
    fractional = status != np.round(status)
    if fractional.any():
        raise ValueError(f"{func}: column {event!r} must hold integer codes; "
                         f"{int(fractional.sum())} row(s) do not, e.g. "
                         f"{plain(status[fractional].iloc[0])!r} in row "
                         f"{plain(status[fractional].index[0])!r}")
    allowed = {0.0, 1.0} if causes is None else {0.0, *map(float, causes)}
    bad = ~status.isin(allowed)
    if bad.any():
        what = "0/1" if causes is None else f"0 (censored) or one of the causes {list(causes)}"
        raise ValueError(f"{func}: column {event!r} must be coded {what}; "
                         f"{int(bad.sum())} row(s) are not, e.g. {plain(status[bad].iloc[0])!r} "
                         f"in row {plain(status[bad].index[0])!r}")


def _check_times(frame: pd.DataFrame, func: str, duration: str, entry: str | None) -> None:
    stop = frame[duration]
    bad = stop <= 0
    if bad.any():
        raise ValueError(f"{func}: column {duration!r} must hold positive durations; "
                         f"{int(bad.sum())} row(s) are <= 0, e.g. "
                         f"{plain(stop[bad].iloc[0])!r} in row {plain(stop[bad].index[0])!r}")
    if entry is not None:
        late = frame[entry] >= stop
        if late.any():
            i = late[late].index[0]
            raise ValueError(f"{func}: entry column {entry!r} must be earlier than {duration!r} "
                             f"(the event or censoring time); {int(late.sum())} row(s) enter at "
                             f"or after their end of follow-up, e.g. row {plain(i)!r}: "
                             f"{entry}={plain(frame.at[i, entry])!r}, "
                             f"{duration}={plain(stop[i])!r}")
        negative = frame[entry] < 0
        if negative.any():
            raise ValueError(f"{func}: entry column {entry!r} must be >= 0; e.g. "
                             f"{plain(frame[entry][negative].iloc[0])!r} in row "
                             f"{plain(frame[entry][negative].index[0])!r}")


def _check_constant(X: pd.DataFrame, func: str) -> None:
    for col in X.columns:
        values = X[col].to_numpy()
        if values.size and np.all(values == values[0]):
            raise ValueError(f"{func}: predictor {col!r} is constant in the sample (every "
                             f"complete row has the value {plain(values[0])!r}); drop it from "
                             f"`predictors`")


def prepare_survival(data: pd.DataFrame, func: str, duration: str, event: str,
                     predictors: Sequence[str] = (), *, entry: str | None = None,
                     strata: Sequence[str] = (), cluster: str | None = None,
                     weights: str | None = None, group: str | None = None,
                     causes: Sequence | None = None, missing: str = "drop") -> SurvivalData:
    """Validate the columns, drop incomplete rows and return arrays.

    ``causes`` is None for a 0/1 event column; otherwise the allowed non-zero cause codes.
    ``missing="drop"`` drops incomplete rows (counted in ``n_dropped``); ``"raise"`` makes
    them an error.
    """
    if missing not in ("drop", "raise"):
        raise ValueError(f"{func}: `missing` must be 'drop' or 'raise', got {missing!r}")
    check_frame(data, func)
    for arg, name in (("duration", duration), ("event", event)):
        if not isinstance(name, str):
            raise TypeError(f"{func}: `{arg}` must be a column name, got {name!r}")
    names = [duration, event, *predictors, *strata]
    names += [c for c in (entry, cluster, weights, group) if c is not None]
    check_columns(data, names, func)
    num_cols = [duration, event, *predictors] + [c for c in (entry, weights) if c is not None]
    numeric = numeric_frame(data, func, list(dict.fromkeys(num_cols)))
    keys = [c for c in (*strata, cluster, group) if c is not None]
    complete = numeric.notna().all(axis=1) & data[keys].notna().all(axis=1)
    n_dropped = int((~complete).sum())
    if n_dropped and missing == "raise":
        used = list(dict.fromkeys(num_cols + keys))
        holes = data.loc[~complete, used].isna().sum()
        raise ValueError(f"{func}: {n_dropped} row(s) have missing values (e.g. row "
                         f"{plain(data.index[~complete][0])!r}); missing per column: "
                         f"{holes[holes > 0].to_dict()}; pass missing='drop' to analyse the "
                         f"complete rows")
    if not complete.any():
        raise ValueError(f"{func}: no row is complete in columns {list(dict.fromkeys(names))}")
    if n_dropped:
        used = list(dict.fromkeys(num_cols + keys))
        holes = data.loc[~complete, used].isna().sum()
        warnings.warn(f"{func}: {n_dropped} row(s) with missing values were dropped "
                      f"(listwise; missing per column: {holes[holes > 0].to_dict()}); "
                      f"{int(complete.sum())} rows are analysed. Pass missing='raise' to make "
                      f"this an error", DroppedDataWarning, stacklevel=3)
    num = numeric.loc[complete]
    _check_times(num, func, duration, entry)
    _check_status(num[event], func, event, causes)
    if weights is not None and (num[weights] <= 0).any():
        bad = num[weights][num[weights] <= 0]
        raise ValueError(f"{func}: weights in {weights!r} must be positive, e.g. "
                         f"{plain(bad.iloc[0])!r} in row {plain(bad.index[0])!r}")
    X = num[list(predictors)]
    _check_constant(X, func)
    rows = data.loc[complete]
    if strata:
        strata_key = rows[list(strata)].astype(str).agg(", ".join, axis=1)
        strata_codes, strata_labels = _codes(strata_key)
    else:
        strata_codes, strata_labels = np.zeros(len(rows), dtype=np.int64), ["all"]
    return SurvivalData(
        start=(num[entry].to_numpy(float) if entry is not None
               else np.full(len(num), -np.inf)),
        stop=num[duration].to_numpy(float),
        status=num[event].to_numpy().astype(np.int64),
        X=X.to_numpy(float).reshape(len(num), len(predictors)),
        weights=num[weights].to_numpy(float) if weights is not None else np.ones(len(num)),
        strata=strata_codes, strata_labels=strata_labels,
        cluster=_codes(rows[cluster])[0] if cluster is not None else None,
        group=rows[group].to_numpy() if group is not None else None,
        index=rows.index, n_dropped=n_dropped, predictors=list(predictors),
        has_entry=entry is not None,
    )


def warn_singleton_clusters(cluster: np.ndarray, func: str, name: str) -> None:
    """Warn when every cluster holds a single row (robust SEs then ignore nothing)."""
    if np.bincount(cluster).max() == 1:
        warnings.warn(f"{func}: every cluster in {name!r} has a single row, so the cluster-robust "
                      f"SEs are the ordinary (independent-rows) sandwich; check that {name!r} "
                      f"identifies the clusters (e.g. the officer id)",
                      ClusterWarning, stacklevel=4)



def cause_codes(data: pd.DataFrame, func: str, event: str, censored: object = 0,
                causes: Sequence | None = None) -> tuple[pd.DataFrame, list]:
    """Recode an event column of cause labels (numbers or strings) to 0 (``censored``) and
    1..K, in a copy of ``data``; return the copy and the K cause labels in code order.

    With ``causes`` given, a label that is neither ``censored`` nor listed is an error;
    otherwise every label present other than ``censored`` is a cause (sorted).
    """
    check_frame(data, func)
    if not isinstance(event, str):
        raise TypeError(f"{func}: `event` must be a column name, got {event!r}")
    check_columns(data, [event], func)
    raw = data[event]
    present = raw[raw.notna()]
    is_cause = present != censored
    if censored is not None and is_cause.all() and not pd.api.types.is_numeric_dtype(raw):
        raise ValueError(f"{func}: no row of {event!r} equals censored={censored!r}; pass the "
                         f"value that means 'no event', e.g. censored="
                         f"{plain(sorted(map(str, pd.unique(present)))[0])!r} (values: "
                         f"{sorted(map(str, pd.unique(present)))[:10]}), or censored=None "
                         f"if no row is censored")
    if causes is not None:
        labels = list(causes)
        unknown = is_cause & ~present.isin(labels)
        if unknown.any():
            raise ValueError(f"{func}: column {event!r} must hold {censored!r} (censored) or "
                             f"one of the causes {[plain(c) for c in labels]}; "
                             f"{int(unknown.sum())} row(s) do not, e.g. "
                             f"{plain(present[unknown].iloc[0])!r} in row "
                             f"{plain(present[unknown].index[0])!r}")
    else:
        labels = sorted(pd.unique(present[is_cause]), key=lambda v: (str(type(v)), v))
    codes = raw.map({label: k + 1 for k, label in enumerate(labels)})
    codes = codes.where(raw != censored, 0).where(raw.notna())
    return data.assign(**{event: codes.astype(float)}), [plain(c) for c in labels]
