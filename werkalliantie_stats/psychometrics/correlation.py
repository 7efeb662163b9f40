"""Pearson and polychoric correlation matrices of item responses.

``correlation_matrix`` is the single entry point that every exploratory analysis in
this package (KMO, parallel analysis, EFA, omega, ordinal alpha) uses, so that
``correlation="pearson" | "polychoric"`` means the same thing everywhere.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from ..exceptions import ConvergenceWarning, EmptyCategoryWarning, NonPositiveDefiniteWarning
from ._items import is_correlation_frame, item_matrix
from ._polychoric import compact_tables, pair_tables, solve_rho, thresholds_from_codes

__all__ = [
    "CorrelationInput",
    "PearsonResult",
    "PolychoricResult",
    "correlation_matrix",
    "pearson",
    "polychoric",
    "smooth_correlation",
]


@dataclass(frozen=True)
class PearsonResult(ResultMixin):
    """Pearson correlations of items.

    Attributes
    ----------
    correlation : DataFrame
        Item x item correlation matrix.
    pair_counts : DataFrame
        Number of rows used for each pair.
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    n_obs : int
        Rows of the input.
    """

    correlation: pd.DataFrame
    pair_counts: pd.DataFrame
    missing: str
    n_obs: int
    _title = "Pearson correlations"

    def to_frame(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self.correlation

    def summary(self, digits: int = 2) -> str:
        """The matrix as psych's ``lowerCor`` prints it (full square here)."""
        head = f"{self._title} ({self.missing} deletion, n = {self.n_obs})"
        return "\n".join([head, "", format_table(self.correlation, digits)])


@dataclass(frozen=True)
class PolychoricResult(ResultMixin):
    """Polychoric correlations and thresholds (two-step estimates, as ``psych::polychoric``).

    Attributes
    ----------
    correlation : DataFrame
        Item x item polychoric correlation matrix (smoothed if it was not positive definite).
    thresholds : DataFrame
        Item x cut thresholds on the latent normal scale (``inf`` for unused top categories).
    n_obs : int
        Rows of the input.
    global_thresholds : bool
        True when every pair used the items' global thresholds (psych's default); False
        when the items have different numbers of categories and each pair was fitted with
        its own thresholds and the continuity correction.
    smoothed : bool
        True when the matrix was not positive definite and was smoothed.
    n_corrected_pairs : int
        Pairs whose empty cells got the continuity correction (only without global thresholds).
    converged : bool
        True when every pair's likelihood maximisation converged.
    """

    correlation: pd.DataFrame
    thresholds: pd.DataFrame
    n_obs: int
    global_thresholds: bool
    smoothed: bool
    n_corrected_pairs: int
    converged: bool
    _title = "Polychoric correlations"

    def to_frame(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self.correlation

    def summary(self, digits: int = 2) -> str:
        """Correlations and thresholds, as psych prints a ``poly`` object."""
        return "\n".join([
            f"{self._title} (n = {self.n_obs}; global thresholds: {self.global_thresholds};"
            f" smoothed: {self.smoothed})", "", format_table(self.correlation, digits), "",
            " with tau of", format_table(self.thresholds, digits)])


@dataclass(frozen=True)
class CorrelationInput:
    """What an analysis needs from its data: the matrix and the sample sizes behind it."""

    matrix: pd.DataFrame
    n_obs: float
    pair_counts: np.ndarray | None
    raw: pd.DataFrame | None


def pearson(data: pd.DataFrame, missing: str = "pairwise") -> PearsonResult:
    """Pearson correlations of items with pairwise or listwise deletion.

    Parameters
    ----------
    data : DataFrame
        Items in columns (numeric; NaN = missing).
    missing : {"pairwise", "listwise"}
        ``"pairwise"`` (R's ``use="pairwise"``, psych's default) uses every row observed on
        both items of a pair; ``"listwise"`` (``use="complete.obs"``) only complete rows.

    Returns
    -------
    PearsonResult

    Notes
    -----
    :math:`r_{jk} = \\sum_i (x_{ij}-\\bar x_j)(x_{ik}-\\bar x_k) /
    \\sqrt{\\sum_i (x_{ij}-\\bar x_j)^2 \\sum_i (x_{ik}-\\bar x_k)^2}` over the rows used for
    the pair; with pairwise deletion the means are those of the pair's rows, as in R.
    A pairwise matrix need not be positive definite.

    References
    ----------
    1. Pearson, K. (1896). Mathematical contributions to the theory of evolution III.
       Philosophical Transactions of the Royal Society A, 187, 253-318.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import pearson
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, np.nan], "b": [2, 1, 4, 3, 5],
    ...                       "c": [1, 3, 2, 5, 4]})
    >>> round(float(pearson(items).correlation.loc["a", "b"]), 3)  # In R: cor(items, "pairwise")
    0.6
    """
    func = "pearson"
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"{func}: `missing` must be 'pairwise' or 'listwise', got {missing!r}")
    frame = item_matrix(data, func)
    used = frame.dropna() if missing == "listwise" else frame
    if missing == "listwise" and len(used) < 3:
        raise ValueError(f"{func}: only {len(used)} complete rows for listwise deletion; "
                         f"use missing='pairwise'")
    mask = used.notna().to_numpy(dtype=float)
    counts = pd.DataFrame(mask.T @ mask, index=frame.columns, columns=frame.columns)
    return PearsonResult(correlation=used.corr(), pair_counts=counts, missing=missing,
                         n_obs=len(frame))


def polychoric(data: pd.DataFrame, correct: float = 0.5, smooth: bool = True,
               max_categories: int = 8) -> PolychoricResult:
    """Polychoric correlations of ordinal items, as ``psych::polychoric``.

    Parameters
    ----------
    data : DataFrame
        Integer-coded ordinal items (e.g. 1-5) in columns, NaN = missing.
    correct : float
        Continuity correction added (as a count) to empty cells when the items have
        different numbers of categories (psych's ``correct``); 0 turns it off.
    smooth : bool
        Smooth a non-positive-definite result as ``psych::cor.smooth`` (with a warning).
    max_categories : int
        Refuse items with more categories than this (psych's ``max.cat``).

    Returns
    -------
    PolychoricResult

    Notes
    -----
    Two-step estimator (Olsson, 1979). Step 1: thresholds of item *j* are
    :math:`\\tau_{jc} = \\Phi^{-1}(\\sum_{m \\le c} n_{jm} / n_j)` from all of its observed
    responses (psych's ``global=TRUE``). Step 2: for each pair, with thresholds fixed,
    :math:`\\hat\\rho = \\arg\\max_\\rho \\sum_{a,b} n_{ab}\\log \\pi_{ab}(\\rho)`, with
    :math:`\\pi_{ab}(\\rho) = \\Phi_2(\\tau_a,\\tau_b;\\rho) - \\Phi_2(\\tau_{a-1},\\tau_b;\\rho)
    - \\Phi_2(\\tau_a,\\tau_{b-1};\\rho) + \\Phi_2(\\tau_{a-1},\\tau_{b-1};\\rho)` over the
    pairwise-complete table. When items have different maximum codes psych switches to
    per-pair thresholds: empty rows/columns are dropped, empty cells get ``correct``
    counts and the thresholds come from that table's margins; this is done here too.
    A matrix with an eigenvalue below machine epsilon is smoothed: eigenvalues below
    1e-12 are set to 1e-10, rescaled to sum to *p*, and the result is rescaled to unit
    diagonal. psych maximises with ``optimize`` (tolerance about 1e-4); we iterate to
    1e-10, so estimates agree to about 1e-5.

    References
    ----------
    1. Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
       coefficient. Psychometrika, 44, 443-460.
    2. Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and
       Personality Research (version 2.2.9). Northwestern University.
    3. Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate
       normal and t probabilities. Statistics and Computing, 14, 251-260.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics import polychoric
    >>> rng = np.random.default_rng(1)
    >>> latent = rng.multivariate_normal([0, 0, 0], [[1, .6, .5], [.6, 1, .4], [.5, .4, 1]], 500)
    >>> items = pd.DataFrame(np.digitize(latent, [-1, 0, 1]) + 1, columns=["a", "b", "c"])
    >>> res = polychoric(items)  # In R: psych::polychoric(items)
    >>> res.correlation.round(2).loc["a"].tolist()
    [1.0, 0.56, 0.52]
    >>> res.thresholds.shape
    (3, 3)
    """
    func = "polychoric"
    frame = item_matrix(data, func)
    codes, n_categories, tau, global_thr = _ordinal_codes(frame, func, max_categories)
    p = frame.shape[1]
    pairs = np.array(np.triu_indices(p, 1)).T
    tables = pair_tables(codes, pairs, n_categories)
    rho, n_fixed, converged = _solve_pairs(tables, tau, pairs, global_thr, correct, frame, func)
    if not converged:
        warnings.warn(f"{func}: the likelihood maximisation did not converge for every item "
                      f"pair; inspect sparse tables (merge rare categories)",
                      ConvergenceWarning, stacklevel=2)
    if n_fixed > 0:
        warnings.warn(f"{func}: {n_fixed} item pair(s) had empty cells that were given the "
                      f"continuity correction ({correct}); examine sparse categories (consider "
                      f"merging rare categories)", EmptyCategoryWarning, stacklevel=2)
    matrix = np.eye(p)
    matrix[pairs[:, 0], pairs[:, 1]] = rho
    matrix[pairs[:, 1], pairs[:, 0]] = rho
    smoothed = False
    if smooth:
        matrix, smoothed = smooth_correlation(matrix, func)
    names = list(frame.columns)
    return PolychoricResult(
        correlation=pd.DataFrame(matrix, index=names, columns=names),
        thresholds=pd.DataFrame(tau, index=names, columns=range(1, n_categories)),
        n_obs=len(frame), global_thresholds=global_thr, smoothed=smoothed,
        n_corrected_pairs=int(n_fixed), converged=bool(converged))


def _ordinal_codes(frame: pd.DataFrame, func: str, max_categories: int):
    values = frame.to_numpy()
    observed = values[~np.isnan(values)]
    if np.any(observed != np.round(observed)):
        col = next(c for c in frame.columns
                   if np.any(frame[c].dropna() != np.round(frame[c].dropna())))
        example = frame[col][frame[col] != np.round(frame[col])].dropna().iloc[0]
        raise ValueError(f"{func}: column {col!r} of `data` has non-integer codes, e.g. "
                         f"{float(example):g}; polychoric needs ordinal (integer) categories")
    low, high = observed.min(), observed.max()
    n_categories = int(high - low + 1)
    if n_categories > max_categories:
        raise ValueError(f"{func}: `data` spans {n_categories} categories ({low:g} to "
                         f"{high:g}), more than max_categories={max_categories}; polychoric "
                         f"is meant for ordinal items - use pearson() instead")
    codes = np.where(np.isnan(values), -1, values - low).astype(int)
    tau = thresholds_from_codes(codes, n_categories)
    global_thr = bool(np.unique(np.nanmax(values, axis=0)).size == 1)
    return codes, n_categories, tau, global_thr


def _solve_pairs(tables, tau, pairs, global_thr, correct, frame, func):
    totals = tables.sum(axis=(1, 2))
    if np.any(totals == 0):
        i, j = pairs[np.argmax(totals == 0)]
        raise ValueError(f"{func}: items {frame.columns[i]!r} and {frame.columns[j]!r} of "
                         f"`data` are never observed together; no correlation can be estimated")
    start = frame.corr().to_numpy()[pairs[:, 0], pairs[:, 1]]
    start = np.nan_to_num(start)
    if global_thr:
        props = tables / totals[:, None, None]
        rho, _, conv = solve_rho(props, tau[pairs[:, 0]], tau[pairs[:, 1]], start)
        return rho, 0, conv.all()
    props, row_cuts, col_cuts, fixed, undefined = compact_tables(tables, correct)
    if undefined.any():
        i, j = pairs[np.argmax(undefined)]
        warnings.warn(f"{func}: for {int(undefined.sum())} item pair(s), e.g. "
                      f"{frame.columns[i]!r} and {frame.columns[j]!r}, the continuity "
                      f"correction ({correct}) of empty cells pushes a cumulative margin to 1 "
                      f"(psych fails or returns noise there); those pairs use their "
                      f"uncorrected table, as polycor::polychor does - consider merging rare "
                      f"categories",
                      EmptyCategoryWarning, stacklevel=3)
    rho, _, conv = solve_rho(props, row_cuts, col_cuts, start)
    return rho, int(fixed.sum()), conv.all()


def smooth_correlation(matrix: np.ndarray, func: str = "smooth_correlation",
                       eig_tol: float = 1e-12) -> tuple[np.ndarray, bool]:
    """Make a correlation matrix positive definite as ``psych::cor.smooth`` does.

    Parameters
    ----------
    matrix : ndarray
        Symmetric matrix with unit diagonal.
    func : str
        Name of the calling function, used in the warning.
    eig_tol : float
        Eigenvalues below this are replaced (psych's ``eig.tol``).

    Returns
    -------
    tuple of (ndarray, bool)
        The (possibly) smoothed matrix and whether smoothing was needed; when it was, a
        :class:`~werkalliantie_stats.exceptions.NonPositiveDefiniteWarning` is issued.

    Notes
    -----
    Only when the smallest eigenvalue is below machine epsilon: with
    :math:`R = V\\Lambda V'`, eigenvalues below ``eig_tol`` become ``100 * eig_tol``, all
    are rescaled to sum to *p*, and :math:`V\\Lambda V'` is rescaled to unit diagonal.

    References
    ----------
    1. Revelle, W. (2022). psych (version 2.2.9), ``cor.smooth``.
    2. Wothke, W. (1993). Nonpositive definite matrices in structural modeling. In
       K. A. Bollen & J. S. Long (Eds.), Testing structural equation models. Sage.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from werkalliantie_stats.psychometrics.correlation import smooth_correlation
    >>> bad = np.array([[1, .9, .9], [.9, 1, -.2], [.9, -.2, 1]])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fixed, done = smooth_correlation(bad)  # In R: psych::cor.smooth(bad)
    >>> done, bool(np.linalg.eigvalsh(fixed).min() > 0), np.diag(fixed).round(12).tolist()
    (True, True, [1.0, 1.0, 1.0])
    """
    values, vectors = np.linalg.eigh(matrix)
    if values.min() >= np.finfo(float).eps:
        return matrix, False
    warnings.warn(f"{func}: the correlation matrix was not positive definite (smallest "
                  f"eigenvalue {values.min():.3g}) and was smoothed as psych::cor.smooth does; "
                  f"results from it are approximate - check for redundant or sparse items",
                  NonPositiveDefiniteWarning, stacklevel=3)
    values = np.where(values < eig_tol, 100 * eig_tol, values)
    values = values * len(values) / values.sum()
    smoothed = (vectors * values) @ vectors.T
    scale = 1.0 / np.sqrt(np.diag(smoothed))
    return smoothed * np.outer(scale, scale), True


def _pairwise_pearson(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Pearson correlations with pairwise deletion (pair-specific means), by matrix products."""
    if not np.isnan(values).any():
        centred = values - values.mean(axis=0)
        cross = centred.T @ centred
        sd = np.sqrt(np.diag(cross))
        out = cross / np.outer(sd, sd)
    else:
        mask = (~np.isnan(values)).astype(float)
        x = np.nan_to_num(values)
        sums = x.T @ mask                      # sum of x_i over rows where x_j is observed
        means = sums / counts
        sq = (x ** 2).T @ mask - sums * means  # centred sum of squares of x_i, pair rows
        cross = x.T @ x - sums * means.T       # centred cross products, pair rows
        out = cross / np.sqrt(sq * sq.T)
    np.fill_diagonal(out, 1.0)
    return out


def correlation_matrix(data: pd.DataFrame, correlation: str = "pearson", func: str = "analysis",
                       n_obs: float | None = None, correct: float = 0.5) -> CorrelationInput:
    """The correlation matrix an analysis works on, with the sample sizes behind it.

    Parameters
    ----------
    data : DataFrame
        Items (rows = respondents; NaN = missing), or an already computed correlation
        matrix (square, index equal to columns, unit diagonal).
    correlation : {"pearson", "polychoric"}
        Pearson with pairwise deletion (psych's default ``use="pairwise"``) or
        :func:`polychoric`.
    func : str
        Name of the calling function, used in error messages.
    n_obs : float, optional
        Sample size; defaults to the number of rows of item data (NaN for a matrix).
    correct : float
        Continuity correction passed to :func:`polychoric`.

    Returns
    -------
    CorrelationInput
        ``matrix`` (DataFrame), ``n_obs``, ``pair_counts`` (rows observed per pair, None
        for a matrix) and ``raw`` (the checked items, None for a matrix).

    Notes
    -----
    Every exploratory analysis (KMO, Bartlett, parallel analysis, MAP, EFA, omega) and
    ordinal alpha go through this function, so that ``correlation=`` means the same
    thing everywhere; see :func:`pearson` and :func:`polychoric` for the formulas.

    References
    ----------
    1. Revelle, W. (2022). psych (version 2.2.9): ``cor(x, use = "pairwise")`` and
       ``polychoric`` as used by ``fa(cor = "cor" | "poly")``.

    Examples
    --------
    >>> import pandas as pd
    >>> from werkalliantie_stats.psychometrics.correlation import correlation_matrix
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5],
    ...                       "c": [1, 3, 2, 5, 4]})
    >>> src = correlation_matrix(items, "pearson")  # In R: cor(items, use = "pairwise")
    >>> src.n_obs, src.matrix.shape, int(src.pair_counts[0, 1])
    (5.0, (3, 3), 5)
    """
    if correlation not in ("pearson", "polychoric"):
        raise ValueError(f"{func}: `correlation` must be 'pearson' or 'polychoric', got "
                         f"{correlation!r}")
    if is_correlation_frame(data):
        matrix = data.astype(float)
        if matrix.isna().to_numpy().any():
            raise ValueError(f"{func}: the correlation matrix `data` has missing entries")
        return CorrelationInput(matrix, np.nan if n_obs is None else float(n_obs), None, None)
    frame = item_matrix(data, func, need_rows_over_items=True)
    observed = frame.notna().to_numpy(dtype=float)
    counts = observed.T @ observed
    if np.any(counts < 3):
        i, j = np.argwhere(counts < 3)[0]
        raise ValueError(f"{func}: items {frame.columns[i]!r} and {frame.columns[j]!r} are "
                         f"observed together in only {int(counts[i, j])} rows")
    if correlation == "pearson":
        matrix = pd.DataFrame(_pairwise_pearson(frame.to_numpy(), counts), index=frame.columns,
                              columns=frame.columns)
    else:
        matrix = polychoric(frame, correct=correct).correlation
    size = float(len(frame)) if n_obs is None else float(n_obs)
    return CorrelationInput(matrix, size, counts, frame)
