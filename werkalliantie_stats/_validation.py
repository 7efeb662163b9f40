"""Input checks shared by every public function.

Each check raises a ``TypeError``/``ValueError`` whose message names the calling
function, the argument, the offending columns and an example value, so that a user
sees at once what to fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "as_rng",
    "check_columns",
    "check_frame",
    "numeric_frame",
]


def check_frame(data: object, func: str, arg: str = "data") -> pd.DataFrame:
    """Return ``data`` if it is a non-empty DataFrame, else raise a clear error."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}: `{arg}` must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise ValueError(f"{func}: `{arg}` has no rows")
    return data


def check_columns(data: pd.DataFrame, columns: Iterable[str], func: str,
                  arg: str = "data") -> list[str]:
    """Check that every name in ``columns`` is a column of ``data``; suggest near misses."""
    columns = list(columns)
    available = [str(c) for c in data.columns]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        hints = []
        for name in missing:
            close = difflib.get_close_matches(str(name), available, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ValueError(f"{func}: column(s) {', '.join(hints)} not found in `{arg}`; "
                         f"available columns: {available[:30]}")
    return columns


def numeric_frame(data: pd.DataFrame, func: str, columns: Sequence[str] | None = None,
                  arg: str = "data") -> pd.DataFrame:
    """Return the chosen columns as float64, rejecting non-numeric values by name.

    Missing values (NaN/None) are kept as NaN; any other value that is not a number is
    an error naming the column, the number of offending rows and an example.
    """
    check_frame(data, func, arg)
    cols = list(data.columns) if columns is None else check_columns(data, columns, func, arg)
    out = {}
    for col in cols:
        series = data[col]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            out[col] = series.astype("float64")
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            example = series[bad].iloc[0]
            raise ValueError(f"{func}: column {col!r} of `{arg}` has {int(bad.sum())} non-numeric "
                             f"value(s), e.g. {example!r} in row {series[bad].index[0]!r}")
        out[col] = converted.astype("float64")
    return pd.DataFrame(out, index=data.index)


def as_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A NumPy Generator from an int seed, an existing Generator, or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (int, np.integer)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
