"""From a DataFrame to the arrays of a regression: outcome, design matrix, clusters.

Shared by :func:`logistic`, :func:`linear` and :func:`ordinal_logistic`. Rows with a
missing outcome, predictor or cluster label are dropped (and counted) or rejected;
categorical predictors are expanded as R's treatment contrasts (first level is the
reference), with terms named ``column[level]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_columns, check_frame, numeric_frame

__all__ = ["Design", "as_predictor_list", "build_design"]

INTERCEPT = "Intercept"


@dataclass(frozen=True)
class Design:
    """Arrays of one regression after listwise deletion."""

    y: np.ndarray
    X: np.ndarray
    terms: list[str]
    rows: pd.Index
    n_dropped: int
    groups: np.ndarray | None  # integer cluster codes 0..G-1, or None
    n_clusters: int | None


def as_predictor_list(predictors: str | list[str] | tuple[str, ...], func: str) -> list[str]:
    """Accept one column name or a sequence of them."""
    if isinstance(predictors, str):
        return [predictors]
    if not isinstance(predictors, (list, tuple)) or not predictors:
        raise TypeError(f"{func}: `predictors` must be a column name or a non-empty list of "
                        f"column names, got {predictors!r}")
    return list(predictors)


def _complete_rows(data: pd.DataFrame, columns: list[str], func: str, missing: str) -> pd.Series:
    if missing not in ("drop", "raise"):
        raise ValueError(f"{func}: `missing` must be 'drop' or 'raise', got {missing!r}")
    absent = data[columns].isna()
    if missing == "raise" and absent.any().any():
        counts = absent.sum()
        counts = counts[counts > 0]
        first = absent.any(axis=1).idxmax()
        raise ValueError(f"{func}: missing values in column(s) "
                         f"{', '.join(f'{c!r} ({n} rows)' for c, n in counts.items())}, "
                         f"e.g. row {first!r}; drop them first or pass missing='drop'")
    return ~absent.any(axis=1)


def _is_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object \
        or pd.api.types.is_string_dtype(series.dtype)


def _mostly_numbers(series: pd.Series) -> bool:
    """Text that is mostly (not all) numbers is a numeric column with typos.

    A text column of numbers only (e.g. diet codes "1".."4") was stored as text on
    purpose and is categorical.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return False
    share = pd.to_numeric(series, errors="coerce").notna().mean()
    return bool(0.5 <= share < 1)


def _treatment_columns(series: pd.Series, name: str, func: str) -> tuple[np.ndarray, list[str]]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        levels = [lev for lev in series.cat.categories if (series == lev).any()]
    else:
        levels = sorted(series.astype(str).unique())
        series = series.astype(str)
    if len(levels) > max(20, len(series) // 2):
        raise ValueError(f"{func}: predictor {name!r} has {len(levels)} distinct text values "
                         f"(e.g. {levels[0]!r}) in {len(series)} rows; a categorical predictor "
                         f"needs few categories: recode it or convert it to numbers")
    if len(levels) < 2:
        raise ValueError(f"{func}: predictor {name!r} has a single category ({levels[0]!r}) in "
                         f"the {len(series)} rows used; drop it from `predictors`")
    columns = np.column_stack([(series == lev).to_numpy(dtype=float) for lev in levels[1:]])
    return columns, [f"{name}[{lev}]" for lev in levels[1:]]


def _numeric_column(series: pd.Series, name: str, func: str) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float)  # fast path; text goes through the checks
    else:
        values = numeric_frame(series.to_frame(), func, arg="data")[name].to_numpy()
    if np.ptp(values) == 0:
        raise ValueError(f"{func}: predictor {name!r} is constant (every value is "
                         f"{float(values[0])!r}) in the {len(values)} rows used; drop it from "
                         f"`predictors`")
    return values


def design_matrix(frame: pd.DataFrame, predictors: list[str], func: str,
                  intercept: bool = True) -> tuple[np.ndarray, list[str]]:
    """Numeric design matrix (with treatment-coded categoricals) and its term names."""
    blocks = [np.ones((len(frame), 1))] if intercept else []
    terms = [INTERCEPT] if intercept else []
    for name in predictors:
        series = frame[name]
        if _is_categorical(series) and not _mostly_numbers(series):
            cols, names = _treatment_columns(series, name, func)
        else:
            cols, names = _numeric_column(series, name, func)[:, None], [name]
        blocks.append(cols)
        terms += names
    X = np.column_stack(blocks)
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        raise ValueError(f"{func}: the predictors {predictors} are linearly dependent (the design "
                         f"matrix has rank {rank} < {X.shape[1]} terms {terms}); drop a "
                         f"redundant predictor")
    return X, terms


def cluster_codes(labels: pd.Series, func: str) -> tuple[np.ndarray, int]:
    """Integer codes of the cluster labels, rejecting designs without real clusters."""
    _, codes, sizes = np.unique(labels.astype(str).to_numpy(), return_inverse=True,
                                return_counts=True)
    if len(sizes) < 2:
        raise ValueError(f"{func}: `cluster` column {labels.name!r} has a single cluster "
                         f"({labels.iloc[0]!r}); cluster-robust SEs need several clusters")
    if sizes.max() == 1:
        raise ValueError(f"{func}: every cluster in `cluster` column {labels.name!r} holds one "
                         f"row (e.g. {labels.iloc[0]!r}), so there is no clustering; pass the "
                         f"grouping column (e.g. the officer id) or cluster=None")
    return codes, len(sizes)


def build_design(data: pd.DataFrame, outcome: str, predictors: list[str], func: str,
                 cluster: str | None = None, missing: str = "drop",
                 intercept: bool = True) -> Design:
    """Validate, drop incomplete rows, and build outcome vector and design matrix.

    The outcome is returned as given (converted to float only when numeric); callers
    check its coding.
    """
    check_frame(data, func)
    if not isinstance(outcome, str):
        raise TypeError(f"{func}: `outcome` must be a column name, got {outcome!r}")
    if outcome in predictors:
        raise ValueError(f"{func}: outcome {outcome!r} is also listed in `predictors`")
    columns = [outcome, *predictors] + ([cluster] if cluster is not None else [])
    check_columns(data, columns, func)
    keep = _complete_rows(data, columns, func, missing)
    frame = data.loc[keep, columns]
    if len(frame) == 0:
        raise ValueError(f"{func}: no row is complete in columns {columns}")
    X, terms = design_matrix(frame, predictors, func, intercept)
    groups, n_clusters = (None, None) if cluster is None else cluster_codes(frame[cluster], func)
    y = frame[outcome]
    y_out = y.to_numpy(dtype=float) if pd.api.types.is_numeric_dtype(y) else y.to_numpy()
    return Design(y=y_out, X=X, terms=terms, rows=frame.index,
                  n_dropped=int((~keep).sum()), groups=groups, n_clusters=n_clusters)


def binary_outcome(y: np.ndarray, outcome: str, func: str) -> np.ndarray:
    """Check that ``y`` is coded 0/1 (bool allowed) and return it as float."""
    if y.dtype.kind in "biuf" and np.isin(y, (0, 1)).all():  # the usual case, fast
        result = y.astype(float)
        if result.min() < result.max():
            return result
    values = pd.Series(y)
    if values.dtype == bool:
        return values.to_numpy(dtype=float)
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() | ~numeric.isin([0, 1])
    if bad.any():
        raise ValueError(f"{func}: outcome {outcome!r} must be coded 0/1, found "
                         f"{int(bad.sum())} other value(s), e.g. {values[bad].tolist()[0]!r}")
    result = numeric.to_numpy(dtype=float)
    if result.min() == result.max():
        raise ValueError(f"{func}: outcome {outcome!r} is {int(result[0])} in every one of the "
                         f"{len(result)} rows used; a binary model needs both 0s and 1s")
    return result
