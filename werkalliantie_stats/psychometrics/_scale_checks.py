"""Checks shared by the reliability functions: an item matrix that can carry a scale.

Every check raises a ``ValueError``/``TypeError`` naming the calling function, the
argument, the offending column(s) and an example value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import exceptions
from .._validation import check_frame, numeric_frame

__all__ = ["item_matrix", "warn_negative_items"]


def item_matrix(data: object, func: str, arg: str = "data", min_items: int = 2) -> pd.DataFrame:
    """Return ``data`` as a float copy after checking it can be analysed as a scale.

    Rejects non-DataFrames, non-numeric values, fewer than ``min_items`` columns, fewer
    than two rows, all-missing columns and constant columns.
    """
    frame = numeric_frame(check_frame(data, func, arg), func, arg=arg)
    if frame.shape[1] < min_items:
        raise ValueError(f"{func}: `{arg}` needs at least {min_items} item columns, got "
                         f"{frame.shape[1]} ({list(map(str, frame.columns))})")
    if frame.shape[0] < 2:
        raise ValueError(f"{func}: `{arg}` needs at least 2 rows (respondents), got "
                         f"{frame.shape[0]}")
    empty = [str(c) for c in frame.columns if frame[c].notna().sum() == 0]
    if empty:
        raise ValueError(f"{func}: column(s) {empty} of `{arg}` are entirely missing; "
                         f"drop them before the analysis")
    sds = frame.std(ddof=1)
    constant = [str(c) for c in frame.columns if not sds[c] > 0]
    if constant:
        col = constant[0]
        value = frame[col].dropna().iloc[0]
        raise ValueError(f"{func}: column(s) {constant} of `{arg}` have no variance (e.g. "
                         f"{col!r} is always {value!r} where observed); an item without "
                         f"variance cannot measure anything: drop it")
    return frame


def warn_negative_items(corr: np.ndarray, names: list[str], func: str) -> None:
    """Warn (as psych does) when items load negatively on the first principal component."""
    _, vectors = np.linalg.eigh(corr)
    first = vectors[:, -1] * np.sign(vectors[:, -1].sum() or 1.0)
    negative = [names[i] for i in np.flatnonzero(first < 0)]
    if negative:
        warnings.warn(f"{func}: item(s) {negative} correlate negatively with the total scale "
                      f"and probably should be reversed; re-key them (e.g. 6 - x on a 1-5 "
                      f"scale) and run again", exceptions.ReverseKeyedItemWarning, stacklevel=3)
