"""Checks of item matrices shared by the exploratory psychometric functions.

Each check raises a ``ValueError`` naming the function, the argument, the offending
column(s) and an example value, so that the user sees what to fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import check_frame, numeric_frame

__all__ = ["is_correlation_frame", "item_matrix"]


def item_matrix(data: object, func: str, min_items: int = 2,
                need_rows_over_items: bool = False) -> pd.DataFrame:
    """Return the items of ``data`` as a float DataFrame (NaN = missing), checked.

    Rejects non-DataFrames, non-numeric codes, all-missing columns, constant columns,
    fewer than ``min_items`` columns and (optionally) fewer complete rows than items.
    """
    check_frame(data, func)
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
           for t in data.dtypes):
        frame = pd.DataFrame(data.to_numpy(dtype=float, na_value=np.nan), index=data.index,
                             columns=data.columns)
    else:  # the shared converter names the offending column and value
        frame = numeric_frame(data, func)
    if frame.shape[1] < min_items:
        raise ValueError(f"{func}: `data` needs at least {min_items} item columns, got "
                         f"{frame.shape[1]} ({list(frame.columns)})")
    values = frame.to_numpy()
    observed = ~np.isnan(values)
    empty = [c for c, seen in zip(frame.columns, observed.any(axis=0), strict=True) if not seen]
    if empty:
        raise ValueError(f"{func}: column(s) {empty} of `data` are entirely missing; drop them "
                         f"(e.g. data.drop(columns={empty!r}))")
    spread = np.nanmax(values, axis=0) - np.nanmin(values, axis=0)
    constant = [c for c, width in zip(frame.columns, spread, strict=True) if width == 0]
    if constant:
        first = constant[0]
        value = float(frame[first].dropna().iloc[0])
        raise ValueError(f"{func}: column(s) {constant} of `data` have a single observed value "
                         f"(e.g. {first!r} is always {value:g}); a constant item has no "
                         f"correlation with anything - drop it")
    if need_rows_over_items:
        n_rows = int(observed.any(axis=1).sum())
        if n_rows <= frame.shape[1]:
            raise ValueError(f"{func}: `data` has {n_rows} rows with responses but "
                             f"{frame.shape[1]} items; the correlation matrix of fewer rows "
                             f"than items is singular - collect more rows or use fewer items")
    return frame


def is_correlation_frame(data: object) -> bool:
    """True when ``data`` is a square DataFrame with matching labels, unit diagonal, symmetric."""
    if not isinstance(data, pd.DataFrame) or data.shape[0] != data.shape[1]:
        return False
    if list(data.index) != list(data.columns):
        return False
    values = data.to_numpy(dtype=float, na_value=np.nan)
    return bool(np.allclose(np.diag(values), 1.0) and np.allclose(values, values.T,
                                                                  equal_nan=True))
