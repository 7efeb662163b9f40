"""Split-half reliabilities and Guttman's six lower bounds (psych::splitHalf, psych::guttman)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._results import ResultMixin
from .._validation import as_rng
from ._moments import cov2cor, pairwise_cov, smc
from ._scale_checks import item_matrix, warn_negative_items

__all__ = ["GuttmanResult", "SplitHalfResult", "guttman", "split_half"]

_MAX_EXACT_ITEMS = 16


@dataclass(frozen=True)
class SplitHalfResult(ResultMixin):
    """Split-half reliabilities over many ways of halving a scale.

    Attributes
    ----------
    max_split, min_split, mean_split : float
        Largest (Guttman's lambda 4), smallest (Revelle's beta) and average split-half
        reliability over the splits evaluated.
    best_split, worst_split : tuple of str
        The items of one half of the best and of the worst split.
    alpha, lambda2, lambda6 : float
        Standardised alpha, Guttman's lambda 2 and lambda 6 of the same correlation matrix.
    average_r, median_r : float
        Mean and median inter-item correlation.
    splits : ndarray
        The split-half reliability of every split evaluated.
    n_splits : int
        Number of splits evaluated.
    method : str
        ``"all"`` (every distinct split), ``"psych"`` (psych's enumeration) or ``"sample"``.
    """

    max_split: float
    min_split: float
    mean_split: float
    best_split: tuple[str, ...]
    worst_split: tuple[str, ...]
    alpha: float
    lambda2: float
    lambda6: float
    average_r: float
    median_r: float
    splits: np.ndarray
    n_splits: int
    method: str

    _title = "Split-half reliabilities"

    def to_frame(self) -> pd.DataFrame:
        """The summary coefficients as a one-column table."""
        names = ["max_split", "min_split", "mean_split", "alpha", "lambda2", "lambda6",
                 "average_r", "median_r"]
        return pd.DataFrame({"estimate": [getattr(self, n) for n in names]},
                            index=pd.Index(names, name="coefficient"))

    def summary(self, digits: int = 3) -> str:
        """Coefficients, then the items of one half of the best and worst splits."""
        return "\n".join([
            super().summary(digits), f"splits evaluated: {self.n_splits} ({self.method})",
            f"best split, one half:  {', '.join(self.best_split)}",
            f"worst split, one half: {', '.join(self.worst_split)}"])


@dataclass(frozen=True)
class GuttmanResult(ResultMixin):
    """Guttman's (1945) lower bounds to reliability and Revelle's beta.

    Attributes
    ----------
    lambda1, lambda2, lambda3, lambda4, lambda5, lambda5p, lambda6 : float
        Guttman's bounds (``lambda3`` is standardised alpha, ``lambda4`` the best split,
        ``lambda5p`` psych's ``k/(k-1)`` adjusted lambda 5).
    beta : float
        The worst split-half reliability, floored at 0.
    """

    lambda1: float
    lambda2: float
    lambda3: float
    lambda4: float
    lambda5: float
    lambda5p: float
    lambda6: float
    beta: float

    _title = "Guttman's lower bounds of reliability"

    def to_frame(self) -> pd.DataFrame:
        """The coefficients as a one-column table."""
        names = ["lambda1", "lambda2", "lambda3", "lambda4", "lambda5", "lambda5p", "lambda6",
                 "beta"]
        return pd.DataFrame({"estimate": [getattr(self, n) for n in names]},
                            index=pd.Index(names, name="coefficient"))


def split_half(data: pd.DataFrame, splits: Literal["all", "psych"] = "all",
               n_sample: int = 10000,
               seed: int | np.random.Generator | None = None) -> SplitHalfResult:
    """Maximum, minimum and mean split-half reliability over all splits of a scale.

    Parameters
    ----------
    data : DataFrame
        Items (already re-keyed) in columns; NaN = missing (pairwise covariances).
    splits : {"all", "psych"}
        ``"all"`` evaluates every distinct split into halves of ``floor(k/2)`` and
        ``ceil(k/2)`` items. ``"psych"`` reproduces psych 2.2.9, which for an odd number
        of items evaluates only the first ``ceil(C(k, m)/2)`` subsets in lexicographic
        order and divides their sum by ``C(k, m)/2`` (identical to "all" for even ``k``).
    n_sample : int
        With more than 16 items, the number of random splits evaluated instead.
    seed : int, Generator or None
        Randomness for the sampled splits (more than 16 items only).

    Returns
    -------
    SplitHalfResult

    Notes
    -----
    ``R`` is ``cov2cor`` of the pairwise covariance matrix (as psych ``splitHalf``). For a
    split into halves with indicator vectors ``a`` and ``b`` the split-half reliability is
    Rulon's / Flanagan's coefficient

    .. math:: r_{sh} = \\frac{4\\, a'Rb}{1'R1},

    computed for all splits at once as one matrix product. Also reported:
    ``\\lambda_2 = (S_{off} + \\sqrt{k/(k-1)\\, \\sum_{i\\ne j} r_{ij}^2}) / 1'R1`` and
    ``\\lambda_6 = (S_{off} + \\sum smc_i) / 1'R1`` with ``S_{off}`` the sum of the
    off-diagonal correlations.

    References
    ----------
    1. Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika,
       10, 255-282.
    2. Revelle, W. (1979). Hierarchical cluster analysis and the internal structure of
       tests. Multivariate Behavioral Research, 14, 57-74.
    3. Revelle, W. (2022). psych (version 2.2.9), function ``splitHalf``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> items = pd.DataFrame(rng.normal(size=(150, 1)) + rng.normal(size=(150, 6)),
    ...                      columns=[f"ver{i}" for i in range(1, 7)])
    >>> res = split_half(items)   # In R: psych::splitHalf(items)
    >>> res.n_splits, round(res.max_split, 3), round(res.min_split, 3)
    (10, 0.869, 0.817)
    """
    func = "split_half"
    _check_splits(splits, func)
    frame = item_matrix(data, func)
    r = _correlation_from_cov(frame, func)
    return _split_half_of(r, [str(c) for c in frame.columns], splits, n_sample, seed)


def guttman(data: pd.DataFrame, splits: Literal["all", "psych"] = "all",
            seed: int | np.random.Generator | None = None) -> GuttmanResult:
    """Guttman's lambdas 1-6 and the worst split-half (beta), as ``psych::guttman``.

    Parameters
    ----------
    data : DataFrame
        At least three items (already re-keyed) in columns; NaN = missing.
    splits : {"all", "psych"}
        How lambda 4 and beta search the splits; see :func:`split_half`.
    seed : int, Generator or None
        Randomness for the 10,000 sampled splits used with more than 16 items.

    Returns
    -------
    GuttmanResult

    Notes
    -----
    ``R`` is the pairwise-complete correlation matrix (as psych ``guttman``; note that
    psych ``splitHalf`` uses ``cov2cor`` of pairwise covariances instead, which differs
    only with missing data). With ``V = 1'R1`` and ``c_j = \\sum_{i\\ne j} r_{ij}^2``:

    .. math::

        \\lambda_1 = 1 - \\frac{\\operatorname{tr} R}{V},\\;
        \\lambda_2 = \\lambda_1 + \\frac{\\sqrt{\\tfrac{k}{k-1}\\sum_{i\\ne j} r_{ij}^2}}{V},\\;
        \\lambda_3 = \\tfrac{k}{k-1}\\lambda_1,\\;
        \\lambda_5 = \\lambda_1 + \\frac{2\\sqrt{\\max_j c_j}}{V},\\;
        \\lambda_6 = 1 - \\frac{\\sum_i (1 - smc_i)}{V},

    ``\\lambda_{5}' = \\lambda_1 + \\tfrac{k}{k-1}\\, 2\\sqrt{\\max_j c_j}/V``, ``\\lambda_4``
    the best split-half and ``\\beta = \\max(0, \\text{worst split-half})``.
    Unlike psych, items that correlate negatively with the scale are not reversed
    automatically (psych's ``check.keys``): a warning asks you to re-key them.

    References
    ----------
    1. Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika,
       10, 255-282.
    2. Revelle, W., & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb.
       Psychometrika, 74, 145-154.
    3. Revelle, W. (2022). psych (version 2.2.9), function ``guttman``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> items = pd.DataFrame(rng.normal(size=(150, 1)) + rng.normal(size=(150, 4)),
    ...                      columns=["bin1", "bin2", "bin3", "bin5"])
    >>> res = guttman(items)   # In R: psych::guttman(items)
    >>> round(res.lambda3, 3), round(res.lambda4, 3), round(res.lambda6, 3)
    (0.815, 0.828, 0.77)
    """
    func = "guttman"
    _check_splits(splits, func)
    frame = item_matrix(data, func, min_items=3)
    r = frame.corr(min_periods=2).to_numpy()
    _check_finite(r, [str(c) for c in frame.columns], func)
    warn_negative_items(r, [str(c) for c in frame.columns], func)
    k = r.shape[0]
    total = r.sum()
    lambda1 = 1.0 - np.trace(r) / total
    off_sq = (r**2).sum() - np.trace(r**2)
    c_max = np.max((r**2).sum(axis=0) - np.diag(r) ** 2)
    split = _split_half_of(r, [str(c) for c in frame.columns], splits, 10000, seed)
    return GuttmanResult(
        lambda1=float(lambda1),
        lambda2=float(lambda1 + np.sqrt(off_sq * k / (k - 1)) / total),
        lambda3=float(k * lambda1 / (k - 1)),
        lambda4=split.max_split,
        lambda5=float(lambda1 + 2.0 * np.sqrt(c_max) / total),
        lambda5p=float(lambda1 + k / (k - 1) * 2.0 * np.sqrt(c_max) / total),
        lambda6=float((total + smc(r).sum() - np.trace(r)) / total),
        beta=max(split.min_split, 0.0))


def _check_splits(splits: str, func: str) -> None:
    if splits not in ("all", "psych"):
        raise ValueError(f"{func}: `splits` must be 'all' or 'psych', got {splits!r}")


def _correlation_from_cov(frame: pd.DataFrame, func: str) -> np.ndarray:
    r = cov2cor(pairwise_cov(frame.to_numpy()))
    _check_finite(r, [str(c) for c in frame.columns], func)
    warn_negative_items(r, [str(c) for c in frame.columns], func)
    return r


def _check_finite(r: np.ndarray, names: list[str], func: str) -> None:
    bad = np.argwhere(~np.isfinite(r))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"{func}: items {names[i]!r} and {names[j]!r} are observed together "
                         f"in fewer than 2 rows, so their correlation is undefined")


def _split_half_of(r: np.ndarray, names: list[str], splits: str, n_sample: int,
                   seed: int | np.random.Generator | None) -> SplitHalfResult:
    k = r.shape[0]
    halves, divisor, method = _halves(k, splits, n_sample, seed)
    coef = 4.0 * _between(halves, r) / r.sum()
    total = r.sum()
    off = total - np.trace(r)
    off_sq = (r**2).sum() - np.trace(r**2)
    lower = r[np.tril_indices(k, -1)]
    best, worst = int(np.argmax(coef)), int(np.argmin(coef))
    return SplitHalfResult(
        max_split=float(coef[best]), min_split=float(coef[worst]),
        mean_split=float(coef.sum() / divisor),
        best_split=tuple(n for n, a in zip(names, halves[best], strict=True) if a),
        worst_split=tuple(n for n, a in zip(names, halves[worst], strict=True) if a),
        alpha=float(off / total * k / (k - 1)),
        lambda2=float((off + np.sqrt(off_sq * k / (k - 1))) / total),
        lambda6=float((off + smc(r).sum()) / total),
        average_r=float(lower.mean()), median_r=float(np.median(lower)),
        splits=coef, n_splits=len(coef), method=method)


def _between(halves: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``a'R(1 - a)`` for every row ``a`` of ``halves``."""
    ar = halves @ r
    return ar.sum(axis=1) - (ar * halves).sum(axis=1)


def _halves(k: int, splits: str, n_sample: int,
            seed: int | np.random.Generator | None) -> tuple[np.ndarray, float, str]:
    """Indicator rows of one half of each split, the divisor of the mean, and the method."""
    m = k // 2
    if k > _MAX_EXACT_ITEMS:
        keys = as_rng(seed).random((n_sample, k))
        order = np.argsort(keys, axis=1)[:, :m]
        halves = np.zeros((n_sample, k))
        np.put_along_axis(halves, order, 1.0, axis=1)
        return halves, float(n_sample), "sample"
    if splits == "psych" or k % 2 == 0:
        count = math.comb(k, m) / 2
        subsets = itertools.islice(itertools.combinations(range(k), m), math.ceil(count))
        method = "psych" if (splits == "psych" and k % 2) else "all"
    else:
        subsets, count, method = itertools.combinations(range(k), m), math.comb(k, m), "all"
    chosen = np.array(list(subsets), dtype=int).reshape(-1, m)
    halves = np.zeros((chosen.shape[0], k))
    np.put_along_axis(halves, chosen, 1.0, axis=1)
    return halves, float(count), method
