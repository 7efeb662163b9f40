"""Sample statistics of ordered items for WLSMV: thresholds, polychorics and their Gamma.

The steps mirror lavaan's ``muthen1984()`` for ordered variables without covariates:

1. thresholds of each item from its marginal proportions (univariate probit);
2. polychoric correlations by pairwise maximum likelihood with the thresholds fixed
   (two-step, no continuity correction for empty cells);
3. the asymptotic covariance matrix Gamma (lavaan's NACOV) of the statistics vector
   ``[thresholds..., correlations...]``, built from the casewise scores of the univariate
   and bivariate likelihoods in the sandwich ``A^-1 B A^-T`` of Muthén (1984).

Everything is vectorised over persons and over item pairs. The model side of WLSMV
(the delta-parameterised simple-structure model below, and DWLS fitting in :mod:`.dwls`)
reads the statistics vector in the same order.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..._results import ResultMixin, format_table
from ..._validation import check_columns, check_frame, numeric_frame
from ...exceptions import (
    ConvergenceWarning,
    EmptyCategoryWarning,
    NonPositiveDefiniteWarning,
)
from .._bivariate_normal import bvn_cdf, bvn_pdf

__all__ = [
    "GroupedOrdinalSampleStats",
    "OrdinalSampleStats",
    "SimpleStructureModel",
    "compose_jacobian",
    "delta_implied",
    "delta_implied_derivatives",
    "ordinal_sample_statistics",
    "simple_structure_model",
]

_FUNC = "ordinal_sample_statistics"
_RHO_BOUND = 0.999  # lavaan's box for the polychoric optimiser
_PI_FLOOR = np.sqrt(np.finfo(float).eps)  # lavaan floors cell probabilities here
_BIG = 50.0  # stands in for an infinite threshold inside normal cdf arguments
_MISSING = ("listwise", "pairwise")


@dataclass(frozen=True)
class OrdinalSampleStats(ResultMixin):
    """Thresholds, polychoric correlations and their asymptotic covariance (one group).

    Attributes
    ----------
    items : tuple of str
        Item names, in the order of the statistics vector.
    nobs : int
        Number of persons used: complete on ``items`` (listwise) or with at least one
        answered item (pairwise).
    categories : dict
        Observed response codes of each item (sorted); category ``k`` of the model is the
        ``k``-th code.
    thresholds : pandas.Series
        Thresholds, indexed ``"<item>|t<k>"`` as lavaan names them.
    correlation : pandas.DataFrame
        Polychoric correlation matrix (unit diagonal).
    stat_names : tuple of str
        Names of the statistics vector: thresholds, then ``"<a>~~<b>"`` for each pair, the
        lower triangle taken column by column (lavaan's ``wls.obs`` order).
    vector : numpy.ndarray
        The statistics vector (lavaan ``lavInspect(fit, "wls.obs")``).
    gamma : numpy.ndarray
        Asymptotic covariance of ``sqrt(N) * vector`` (lavaan ``lavInspect(fit, "gamma")``).
    weights : numpy.ndarray
        DWLS weights ``1 / diag(gamma)`` (the diagonal of lavaan's ``wls.v``).
    n_thresholds : int
        Number of thresholds at the head of ``vector``.
    group : str or None
        Group label, or None for a single-group analysis.
    missing : str
        ``"listwise"`` or ``"pairwise"`` (lavaan's ``missing=`` for ordered data).
    """

    items: tuple[str, ...]
    nobs: int
    categories: dict
    thresholds: pd.Series
    correlation: pd.DataFrame
    stat_names: tuple[str, ...]
    vector: np.ndarray = field(repr=False)
    gamma: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    n_thresholds: int = 0
    group: str | None = None
    missing: str = "listwise"
    _title = "Ordinal sample statistics (thresholds, polychoric correlations)"

    @property
    def thresholds_per_item(self) -> dict[str, int]:
        """Number of thresholds of each item (categories minus one)."""
        return {item: len(codes) - 1 for item, codes in self.categories.items()}

    def to_frame(self) -> pd.DataFrame:
        """The statistics vector with its standard errors ``sqrt(diag(gamma) / N)``."""
        se = np.sqrt(np.diag(self.gamma) / self.nobs)
        return pd.DataFrame({"estimate": self.vector, "std_error": se, "weight": self.weights},
                            index=pd.Index(self.stat_names, name="statistic"))

    def summary(self, digits: int = 3) -> str:
        """Thresholds and the polychoric correlation matrix as text."""
        head = self._title + ("" if self.group is None else f", group {self.group}")
        th = self.thresholds.to_frame("threshold")
        return "\n".join([head, "=" * len(head), f"{'nobs':<24}{self.nobs}", "",
                          format_table(th, digits), "", format_table(self.correlation, digits)])


@dataclass(frozen=True)
class GroupedOrdinalSampleStats(ResultMixin):
    """Per-group :class:`OrdinalSampleStats` (``group=`` given), in order of appearance."""

    group_labels: tuple[str, ...]
    by_group: dict
    nobs: int
    _title = "Ordinal sample statistics by group"

    def __getitem__(self, label: str) -> OrdinalSampleStats:
        return self.by_group[label]

    def to_frame(self) -> pd.DataFrame:
        """All groups' statistics stacked, with a ``group`` index level."""
        frames = {g: self.by_group[g].to_frame() for g in self.group_labels}
        return pd.concat(frames, names=["group", "statistic"])

    def summary(self, digits: int = 3) -> str:
        """Each group's summary in turn."""
        return "\n\n".join(self.by_group[g].summary(digits) for g in self.group_labels)


# --------------------------------------------------------------------------- input


def _item_codes(frame: pd.DataFrame, group: str | None) -> tuple[np.ndarray, dict]:
    """Map each item's observed values to category indices 0..K-1 (lavaan's ordered());
    a missing answer gets index 0 (callers mask it out)."""
    codes = np.zeros(frame.shape, dtype=np.int64)
    categories = {}
    for j, col in enumerate(frame.columns):
        answered = frame[col].notna().to_numpy()
        values = frame[col].to_numpy(dtype=float)[answered]
        bad = values != np.round(values)
        if bad.any():
            raise ValueError(f"{_FUNC}: column {col!r} of `data` must hold integer response "
                             f"codes; found {int(bad.sum())} other value(s), e.g. "
                             f"{values[bad][0]!r}")
        levels = np.unique(values)
        if levels.size < 2:
            where = "" if group is None else f" in group {group!r}"
            found = f"a single response category ({levels[0]!r})" if levels.size else \
                "no answers"
            raise ValueError(f"{_FUNC}: column {col!r} of `data` has {found}{where}; drop "
                             "it from `items` — a constant item has no threshold structure")
        _warn_gaps(col, levels, group)
        codes[answered, j] = np.searchsorted(levels, values)
        categories[col] = tuple(float(v) for v in levels)
    return codes, categories


def _warn_gaps(col: str, levels: np.ndarray, group: str | None) -> None:
    expected = np.arange(levels[0], levels[-1] + 1)
    empty = np.setdiff1d(expected, levels)
    if empty.size:
        where = "" if group is None else f" in group {group!r}"
        one = empty.size == 1
        warnings.warn(f"{_FUNC}: response categor{'y' if one else 'ies'} "
                      f"{[float(v) for v in empty]} of item {col!r} {'is' if one else 'are'} "
                      f"empty{where}; the remaining codes {[float(v) for v in levels]} are "
                      "treated as consecutive categories (as lavaan does). Recode or merge "
                      "categories explicitly if that is not what you want.",
                      EmptyCategoryWarning, stacklevel=5)


def _ordered_as_codes(data: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Ordered categorical columns -> 1-based codes of their declared order (NaN if missing)."""
    ordered = [c for c in items if isinstance(data[c].dtype, pd.CategoricalDtype)
               and data[c].cat.ordered]
    if not ordered:
        return data
    data = data.copy()
    for col in ordered:
        codes = data[col].cat.codes.astype("float64") + 1.0
        data[col] = codes.where(codes > 0)
    return data


def _prepare(data: object, items, group: str | None,
             missing: str = "listwise") -> tuple[pd.DataFrame, list[str]]:
    check_frame(data, _FUNC)
    items = [c for c in data.columns if c != group] if items is None else list(items)
    if len(items) < 2:
        raise ValueError(f"{_FUNC}: need at least two items, got {items!r}")
    check_columns(data, items + ([group] if group is not None else []), _FUNC)
    if missing not in _MISSING:
        raise ValueError(f"{_FUNC}: `missing` must be one of {list(_MISSING)}, got "
                         f"{missing!r}")
    frame = numeric_frame(_ordered_as_codes(data, items), _FUNC, items)
    keep = _usable_rows(frame, missing)
    if group is not None:
        keep &= data[group].notna()
    if not keep.any():
        what = "complete on" if missing == "listwise" else "answered on any of"
        raise ValueError(f"{_FUNC}: no row of `data` is {what} the items {items[:5]}...")
    return frame.loc[keep], items


def _usable_rows(frame: pd.DataFrame, missing: str) -> pd.Series:
    """Rows an ordinal analysis uses: complete ones (listwise) or, as lavaan's
    ``missing="pairwise"``, every row with at least one answer (empty rows are ignored)."""
    answered = frame.notna()
    return answered.all(axis=1) if missing == "listwise" else answered.any(axis=1)


# --------------------------------------------------------------------------- step 1


def _padded_thresholds(codes: np.ndarray, n_cat: np.ndarray,
                       answered: np.ndarray) -> np.ndarray:
    """(p, kmax + 1) array [-inf, tau_1..tau_{K-1}, +inf, +inf...] per item, from each
    item's answered cases."""
    p = codes.shape[1]
    kmax = int(n_cat.max())
    counts = np.zeros((p, kmax))
    np.add.at(counts, (np.broadcast_to(np.arange(p), codes.shape), codes), answered * 1.0)
    cum = np.cumsum(counts, axis=1) / answered.sum(axis=0)[:, None]
    tau = np.full((p, kmax + 1), np.inf)
    tau[:, 0] = -np.inf
    inner = np.arange(1, kmax)[None, :] < n_cat[:, None]
    tau[:, 1:kmax][inner] = ndtri(cum[:, :-1][inner])
    return tau


def _univariate_scores(codes: np.ndarray, tau: np.ndarray, n_cat: np.ndarray,
                       answered: np.ndarray) -> np.ndarray:
    """Casewise scores of the univariate probit likelihoods w.r.t. every threshold
    (zero for a missing answer: lavaan's NA scores, summed with ``na.rm``)."""
    p = codes.shape[1]
    kmax = tau.shape[1] - 1
    dens = np.where(np.isfinite(tau), np.exp(-0.5 * np.where(np.isfinite(tau), tau, 0.0) ** 2)
                    / np.sqrt(2 * np.pi), 0.0)
    prob = ndtr(tau[:, 1:]) - ndtr(tau[:, :-1])  # (p, kmax)
    prob_obs = prob[np.arange(p)[None, :], codes]
    t_idx = np.arange(kmax - 1)
    upper = codes[:, :, None] == t_idx[None, None, :]
    lower = codes[:, :, None] == t_idx[None, None, :] + 1
    d_t = dens[:, 1:kmax][None, :, :]
    scores = (upper * d_t - lower * d_t) / prob_obs[:, :, None] * answered[:, :, None]
    valid = t_idx[None, :] < (n_cat - 1)[:, None]
    return scores[:, valid]


# --------------------------------------------------------------------------- step 2


def _pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row i and column j of the strict lower triangle, column by column (lavaan order)."""
    cols, rows = [], []
    for j in range(p - 1):
        rows.extend(range(j + 1, p))
        cols.extend([j] * (p - 1 - j))
    return np.array(rows), np.array(cols)


def _pair_tables(codes: np.ndarray, rows, cols, kmax: int, both: np.ndarray) -> np.ndarray:
    """Bivariate frequency tables of every pair over its jointly answered cases ``both``."""
    n_pairs = rows.size
    flat = (np.arange(n_pairs)[None, :] * kmax * kmax
            + codes[:, rows] * kmax + codes[:, cols])
    counts = np.bincount(flat.ravel(), weights=both.ravel() * 1.0,
                         minlength=n_pairs * kmax * kmax)
    return counts.reshape(n_pairs, kmax, kmax).astype(float)


def _corner_densities(t1: np.ndarray, t2: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """phi2 at all threshold corners, 0 where a threshold is infinite: (P, k+1, k+1)."""
    h = t1[:, :, None]
    k = t2[:, None, :]
    finite = np.isfinite(h) & np.isfinite(k)
    dens = bvn_pdf(np.where(finite, h, 0.0), np.where(finite, k, 0.0), rho[:, None, None])
    return np.where(finite, dens, 0.0)


def _cell_difference(corner: np.ndarray) -> np.ndarray:
    return corner[:, 1:, 1:] - corner[:, :-1, 1:] - corner[:, 1:, :-1] + corner[:, :-1, :-1]


def _cell_probs(t1, t2, rho):
    h = np.broadcast_to(t1[:, :, None], (t1.shape[0], t1.shape[1], t2.shape[1]))
    k = np.broadcast_to(t2[:, None, :], h.shape)
    corner = bvn_cdf(h, k, np.broadcast_to(rho[:, None, None], h.shape))
    return np.maximum(_cell_difference(corner), _PI_FLOOR)


def _rho_derivatives(t1, t2, rho):
    """Cell probabilities and their first and second derivatives with respect to rho."""
    prob = _cell_probs(t1, t2, rho)
    dens = _corner_densities(t1, t2, rho)
    h = np.where(np.isfinite(t1), t1, 0.0)[:, :, None]
    k = np.where(np.isfinite(t2), t2, 0.0)[:, None, :]
    r = rho[:, None, None]
    one_minus = 1.0 - r * r
    quad = h * h - 2 * r * h * k + k * k
    dlog = r / one_minus + h * k / one_minus - r * quad / one_minus ** 2
    return prob, _cell_difference(dens), _cell_difference(dens * dlog)


def _loglik(counts, t1, t2, rho):
    prob = _cell_probs(t1, t2, rho)
    return np.sum(counts * np.log(prob), axis=(1, 2))


def _adjust_two_by_two(counts: np.ndarray, n_cat: np.ndarray, rows, cols) -> np.ndarray:
    """lavaan's rule for 2 x 2 tables with one empty cell: move 0.5 into that cell while
    keeping the margins (larger tables get no correction)."""
    counts = counts.copy()
    binary = (n_cat[rows] == 2) & (n_cat[cols] == 2)
    table = counts[:, :2, :2]
    zeros = (table == 0).sum(axis=(1, 2))
    one_zero = binary & (zeros == 1)
    if not one_zero.any():
        return counts
    diagonal_zero = (table[:, 0, 0] == 0) | (table[:, 1, 1] == 0)
    sign = np.where(diagonal_zero, 0.5, -0.5)[one_zero]
    idx = np.flatnonzero(one_zero)
    counts[idx, 0, 0] += sign
    counts[idx, 1, 1] += sign
    counts[idx, 0, 1] -= sign
    counts[idx, 1, 0] -= sign
    return counts


def _fit_polychorics(counts, t1, t2, start) -> tuple[np.ndarray, np.ndarray]:
    """Newton–Raphson (Fisher scoring when not concave) with step halving, all pairs at once."""
    rho = np.clip(start, -0.9, 0.9)
    done = np.zeros(rho.shape, bool)
    for _ in range(100):
        prob, d1, d2 = _rho_derivatives(t1, t2, rho)
        grad = np.sum(counts * d1 / prob, axis=(1, 2))
        hess = np.sum(counts * (d2 / prob - (d1 / prob) ** 2), axis=(1, 2))
        info = counts.sum(axis=(1, 2)) * np.sum(d1 * d1 / prob, axis=(1, 2))
        step = np.where(hess < 0, -grad / np.where(hess < 0, hess, -1.0), grad / info)
        step = np.where(done, 0.0, step)
        old = _loglik(counts, t1, t2, rho)
        new_rho = np.clip(rho + step, -_RHO_BOUND, _RHO_BOUND)
        for _half in range(30):
            worse = _loglik(counts, t1, t2, new_rho) < old - 1e-12 * np.abs(old)
            if not worse.any():
                break
            new_rho = np.where(worse, 0.5 * (rho + new_rho), new_rho)
        done |= np.abs(new_rho - rho) < 1e-11
        rho = new_rho
        if done.all():
            break
    return rho, done


def _start_values(codes, rows, cols, both):
    """Pearson correlations of the codes over each pair's jointly answered cases."""
    x, y = codes[:, rows] * both, codes[:, cols] * both
    n = both.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (x * y).sum(axis=0) - x.sum(axis=0) * y.sum(axis=0) / n
        var_x = (x * x).sum(axis=0) - x.sum(axis=0) ** 2 / n
        var_y = (y * y).sum(axis=0) - y.sum(axis=0) ** 2 / n
        pearson = cov / np.sqrt(var_x * var_y)
    return np.where(np.isfinite(pearson), pearson, 0.0)


# --------------------------------------------------------------------------- step 3


def _threshold_cross_terms(tau_a, tau_b, rho, weighted):
    """sum_cells n S dPI/dtau_a / PI for each threshold of the first item of every pair.

    ``weighted[p, a, b] = n_ab * S_ab / PI_ab`` with the first item indexing ``a``.
    """
    r = rho[:, None, None]
    root = np.sqrt(1.0 - r * r)
    t = tau_a[:, 1:-1]  # finite-or-padded interior thresholds of item a
    finite_t = np.isfinite(t)
    t0 = np.where(finite_t, t, 0.0)[:, :, None]
    other = np.clip(tau_b, -_BIG, _BIG)[:, None, :]
    band = ndtr((other[:, :, 1:] - r * t0) / root) - ndtr((other[:, :, :-1] - r * t0) / root)
    g = np.exp(-0.5 * t0 ** 2) / np.sqrt(2 * np.pi) * band  # (P, kmax-1, kmax)
    diff = weighted[:, :-1, :] - weighted[:, 1:, :]
    out = np.sum(g * diff, axis=2)
    return np.where(finite_t, out, 0.0)


def _gamma(codes, answered, both, tau, n_cat, rows, cols, rho, prob, d1) -> np.ndarray:
    """``N A^-1 B A^-T``; a case's scores for statistics involving an unanswered item are
    zero, so every sum runs over the available (pairwise complete) cases."""
    n = codes.shape[0]
    sc_th = _univariate_scores(codes, tau, n_cat, answered)
    ratio = d1 / prob
    sc_cor = ratio[np.arange(rows.size)[None, :], codes[:, rows], codes[:, cols]] * both
    scores = np.hstack([sc_th, sc_cor])
    inner = scores.T @ scores
    nth = sc_th.shape[1]
    ends = np.cumsum(n_cat - 1)
    starts = ends - (n_cat - 1)
    a11_inv = np.zeros((nth, nth))
    for s, e in zip(starts, ends, strict=True):
        a11_inv[s:e, s:e] = np.linalg.inv(inner[s:e, s:e])
    a22_inv = 1.0 / np.einsum("ij,ij->j", sc_cor, sc_cor)
    a21 = _a21(tau, rows, cols, rho, prob, d1, codes, both, starts, n_cat)
    b_inv = np.zeros_like(inner)
    b_inv[:nth, :nth] = a11_inv
    b_inv[nth:, nth:] = np.diag(a22_inv)
    b_inv[nth:, :nth] = -(a22_inv[:, None] * a21) @ a11_inv
    return n * (b_inv @ inner @ b_inv.T)


def _a21(tau, rows, cols, rho, prob, d1, codes, both, starts, n_cat):
    kmax = tau.shape[1] - 1
    counts = _pair_tables(codes, rows, cols, kmax, both)
    weighted = counts * d1 / prob ** 2  # n_ab * (rho score of the cell) / pi_ab
    first = _threshold_cross_terms(tau[rows], tau[cols], rho, weighted)
    second = _threshold_cross_terms(tau[cols], tau[rows], rho,
                                    np.transpose(weighted, (0, 2, 1)))
    nth = int(np.sum(n_cat - 1))
    a21 = np.zeros((rows.size, nth))
    pair = np.arange(rows.size)
    for t in range(kmax - 1):
        ok_r = t < n_cat[rows] - 1
        ok_c = t < n_cat[cols] - 1
        a21[pair[ok_r], starts[rows[ok_r]] + t] = first[ok_r, t]
        a21[pair[ok_c], starts[cols[ok_c]] + t] = second[ok_c, t]
    return a21


# --------------------------------------------------------------------------- assembly


def _one_group(frame: pd.DataFrame, items: list[str], label: str | None,
               missing: str = "listwise") -> OrdinalSampleStats:
    codes, categories = _item_codes(frame[items], label)
    answered = frame[items].notna().to_numpy()
    n_cat = np.array([len(categories[c]) for c in items])
    tau = _padded_thresholds(codes, n_cat, answered)
    rows, cols = _pairs(len(items))
    both = answered[:, rows] & answered[:, cols]
    _check_coverage(both, items, rows, cols, label)
    kmax = int(n_cat.max())
    counts = _pair_tables(codes, rows, cols, kmax, both)
    rho, converged = _fit_polychorics(_adjust_two_by_two(counts, n_cat, rows, cols),
                                      tau[rows], tau[cols],
                                      _start_values(codes, rows, cols, both))
    _warn_convergence(converged, items, rows, cols)
    _warn_near_one(rho, items, rows, cols, label)
    prob, d1, _ = _rho_derivatives(tau[rows], tau[cols], rho)
    gamma = _gamma(codes, answered, both, tau, n_cat, rows, cols, rho, prob, d1)
    stats = _assemble(items, categories, n_cat, tau, rows, cols, rho, gamma, len(frame), label)
    return stats if missing == "listwise" else replace(stats, missing=missing)


def _check_coverage(both: np.ndarray, items, rows, cols, label) -> None:
    """Every pair needs jointly answered cases (only pairwise deletion can lack them)."""
    n_both = both.sum(axis=0)
    if (n_both < 2).any():
        k = int(np.flatnonzero(n_both < 2)[0])
        where = "" if label is None else f" in group {label!r}"
        raise ValueError(f"{_FUNC}: items {items[cols[k]]!r} and {items[rows[k]]!r} are "
                         f"answered together by {int(n_both[k])} case(s){where}; their "
                         "polychoric correlation cannot be estimated. Drop one of them or "
                         "collect cases that answer both.")


def _warn_convergence(converged, items, rows, cols):
    if not converged.all():
        bad = [f"{items[c]}~~{items[r]}" for r, c, ok in zip(rows, cols, converged, strict=True)
               if not ok]
        warnings.warn(f"{_FUNC}: the polychoric correlation did not converge for "
                      f"{len(bad)} pair(s), e.g. {bad[:3]}; check those items for near-empty "
                      "categories or (nearly) perfect association and merge sparse categories.",
                      ConvergenceWarning, stacklevel=4)


def _warn_near_one(rho, items, rows, cols, label):
    near = np.abs(rho) > 0.99
    if near.any():
        k = int(np.flatnonzero(near)[0])
        where = "" if label is None else f" in group {label!r}"
        warnings.warn(f"{_FUNC}: {int(near.sum())} polychoric correlation(s){where} are "
                      f"(nearly) +-1, e.g. {items[cols[k]]}~~{items[rows[k]]} = {rho[k]:.4f} "
                      "(bounded at +-0.999); the items are (almost) interchangeable. Drop or "
                      "merge one of them, or merge sparse categories.",
                      NonPositiveDefiniteWarning, stacklevel=4)


def _assemble(items, categories, n_cat, tau, rows, cols, rho, gamma, nobs, label):
    th_names = [f"{item}|t{k + 1}" for item, m in zip(items, n_cat, strict=True)
                for k in range(m - 1)]
    th_values = np.concatenate([tau[i, 1:m] for i, m in enumerate(n_cat)])
    corr = np.eye(len(items))
    corr[rows, cols] = corr[cols, rows] = rho
    _warn_not_pd(corr, label)
    names = th_names + [f"{items[c]}~~{items[r]}" for r, c in zip(rows, cols, strict=True)]
    vector = np.concatenate([th_values, rho])
    return OrdinalSampleStats(
        items=tuple(items), nobs=int(nobs), categories=categories,
        thresholds=pd.Series(th_values, index=th_names, name="threshold"),
        correlation=pd.DataFrame(corr, index=items, columns=items),
        stat_names=tuple(names), vector=vector, gamma=gamma,
        weights=1.0 / np.diag(gamma), n_thresholds=len(th_names), group=label)


def _warn_not_pd(corr: np.ndarray, label: str | None) -> None:
    smallest = float(np.linalg.eigvalsh(corr)[0])
    if smallest < np.sqrt(np.finfo(float).eps):
        where = "" if label is None else f" in group {label!r}"
        warnings.warn(f"{_FUNC}: the polychoric correlation matrix{where} is not positive "
                      f"definite (smallest eigenvalue {smallest:.3g}). DWLS estimates remain "
                      "available, but robust (catML) fit indices are not; look for item pairs "
                      "with (nearly) empty bivariate tables and merge sparse categories.",
                      NonPositiveDefiniteWarning, stacklevel=5)


def ordinal_sample_statistics(data: pd.DataFrame, items: list[str] | None = None,
                              group: str | None = None, missing: str = "listwise"
                              ) -> OrdinalSampleStats | GroupedOrdinalSampleStats:
    """Thresholds, polychoric correlations and their asymptotic covariance (WLSMV input).

    Rows with a missing ``group`` are dropped. With ``missing="listwise"`` (lavaan's
    default for ordered data) so is every row with a missing item; with
    ``missing="pairwise"`` only rows without any answer are. Each item's distinct
    codes, sorted, are its ordered categories.

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses as integer codes (e.g. Likert 1-5) or ordered categoricals (their
        declared order is used); NaN marks a missing answer.
    items : list of str, optional
        Items to use, in the order of the statistics vector; default all columns except
        ``group``.
    group : str, optional
        Column whose values define groups; statistics are computed per group.
    missing : {"listwise", "pairwise"}
        ``"pairwise"`` as lavaan's ``missing="pairwise"``: thresholds from each item's
        answered cases, polychorics from each pair's jointly answered cases, and Gamma
        from the casewise scores with a missing answer's scores set to zero.

    Returns
    -------
    OrdinalSampleStats or GroupedOrdinalSampleStats
        ``vector`` (thresholds then correlations, lavaan's ``wls.obs`` order), ``gamma``
        (lavaan's NACOV), ``weights`` (DWLS weights), ``thresholds``, ``correlation``.

    Notes
    -----
    Thresholds are :math:`\\tau_{ik} = \\Phi^{-1}(\\sum_{c \\le k} n_{ic} / N)`. The
    polychoric correlation of items *i, j* maximises
    :math:`\\sum_{a,b} n_{ab} \\log \\pi_{ab}(\\rho)` with the thresholds fixed, where
    :math:`\\pi_{ab} = \\Phi_2(\\tau_{ia}, \\tau_{jb}; \\rho) - \\Phi_2(\\tau_{i,a-1},
    \\tau_{jb}; \\rho) - \\Phi_2(\\tau_{ia}, \\tau_{j,b-1}; \\rho) +
    \\Phi_2(\\tau_{i,a-1}, \\tau_{j,b-1}; \\rho)`. No continuity correction is added to empty
    cells (lavaan's convention; ``psych::polychoric`` adds 0.5 by default, ``correct=0``
    reproduces ours). With pairwise deletion the counts :math:`n_{ic}` and :math:`N` of
    the threshold of item *i* are over its answered cases and :math:`n_{ab}` over the
    cases that answered both items.

    With casewise scores :math:`s_n` of all univariate likelihoods (thresholds) and
    bivariate likelihoods (correlations), :math:`B = \\sum_n s_n s_n'` and the block
    lower-triangular :math:`A` (threshold blocks of :math:`B` per item; :math:`A_{21}` the
    cross-products of correlation and bivariate threshold scores; :math:`A_{22}` the
    diagonal of the correlation block), the asymptotic covariance is
    :math:`\\Gamma = N A^{-1} B A^{-T}` (Muthén, 1984; Muthén & Satorra, 1995). The DWLS
    weights are :math:`1 / \\mathrm{diag}(\\Gamma)`. Pairwise: a case's score for a
    statistic involving an item it did not answer is 0 (lavaan sums the scores with
    ``na.rm = TRUE``), and :math:`N` counts the cases with at least one answer.

    References
    ----------
    1. Muthén, B. (1984). A general structural equation model with dichotomous, ordered
       categorical, and continuous latent variable indicators. Psychometrika, 49, 115-132.
    2. Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
       coefficient. Psychometrika, 44, 443-460.
    3. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
       Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> latent = rng.normal(size=(300, 1))
    >>> y = latent + rng.normal(size=(300, 3))
    >>> data = pd.DataFrame(np.digitize(y, [-1.0, 0.0, 1.0]) + 1, columns=["a", "b", "c"])
    >>> stats = ordinal_sample_statistics(data)
    >>> stats.stat_names[:3], stats.stat_names[-1]
    (('a|t1', 'a|t2', 'a|t3'), 'b~~c')
    >>> round(float(stats.correlation.loc["a", "b"]), 3)
    0.452
    >>> stats.gamma.shape
    (12, 12)
    >>> # In R: lavInspect(cfa(model, data, ordered = TRUE, estimator = "WLSMV"), "gamma")
    >>> holes = data.astype(float).mask(rng.random(data.shape) < 0.1)
    >>> listwise = ordinal_sample_statistics(holes)
    >>> pairwise = ordinal_sample_statistics(holes, missing="pairwise")
    >>> listwise.nobs, pairwise.nobs
    (220, 300)
    >>> # In R: lavInspect(cfa(..., missing = "pairwise"), "ntotal")
    """
    frame, items = _prepare(data, items, group, missing)
    if group is None:
        return _one_group(frame, items, None, missing)
    labels = pd.unique(data.loc[frame.index, group])
    by_group = {}
    for label in labels:
        rows = data.loc[frame.index, group] == label
        by_group[str(label)] = _one_group(frame.loc[rows], items, str(label), missing)
    _warn_group_categories(by_group, items)
    return GroupedOrdinalSampleStats(group_labels=tuple(by_group), by_group=by_group,
                                     nobs=len(frame))


def _warn_group_categories(by_group: dict, items: list[str]) -> None:
    for item in items:
        all_codes = sorted({c for s in by_group.values() for c in s.categories[item]})
        for label, stats in by_group.items():
            missing = sorted(set(all_codes) - set(stats.categories[item]))
            if missing:
                warnings.warn(f"{_FUNC}: item {item!r} has no responses in categor"
                              f"{'y' if len(missing) == 1 else 'ies'} {missing} in group "
                              f"{label!r} (other groups use them); its thresholds cannot be "
                              "equated across groups. Merge those categories in all groups "
                              "before invariance testing.", EmptyCategoryWarning, stacklevel=3)


# --------------------------------------------------------------------------- model


def delta_implied(lambda_: np.ndarray, psi: np.ndarray, tau: np.ndarray) -> np.ndarray:
    r"""Implied statistics ``[tau, offdiag(Lambda Psi Lambda')]`` (delta parameterisation).

    Parameters
    ----------
    lambda_ : numpy.ndarray
        Loadings, shape (p items, m factors).
    psi : numpy.ndarray
        Factor covariance matrix, shape (m, m).
    tau : numpy.ndarray
        Thresholds, item by item (the head of the statistics vector).

    Returns
    -------
    numpy.ndarray
        The implied statistics vector, in the order of
        :attr:`OrdinalSampleStats.vector`.

    Notes
    -----
    In lavaan's delta parameterisation the latent responses have unit variance, so
    :math:`\Theta_{ii} = 1 - (\Lambda \Psi \Lambda')_{ii}` and the implied polychoric
    correlations are the off-diagonal elements of :math:`\Lambda \Psi \Lambda'`, taken in the
    order of the statistics vector (strict lower triangle, column by column).

    References
    ----------
    1. Muthén, B., & Asparouhov, T. (2002). Latent variable analysis with categorical
       outcomes: Multiple-group and growth modeling in Mplus. Mplus Web Note 4.

    Examples
    --------
    >>> import numpy as np
    >>> delta_implied(np.array([[0.8], [0.6], [0.5]]), np.eye(1), np.array([-1.0, 0.0, 1.0]))
    array([-1.  ,  0.  ,  1.  ,  0.48,  0.4 ,  0.3 ])
    >>> # In R: lavInspect(fit, "implied") (off-diagonal of $cov, and $th)
    """
    rows, cols = _pairs(lambda_.shape[0])
    common = lambda_ @ psi @ lambda_.T
    return np.concatenate([tau, common[rows, cols]])


def delta_implied_derivatives(lambda_: np.ndarray, psi: np.ndarray,
                              n_tau: int) -> dict[str, np.ndarray]:
    """Derivatives of :func:`delta_implied` with respect to the matrix elements.

    Parameters
    ----------
    lambda_ : numpy.ndarray
        Loadings, shape (p, m).
    psi : numpy.ndarray
        Factor covariance matrix, shape (m, m).
    n_tau : int
        Number of thresholds at the head of the statistics vector.

    Returns
    -------
    dict
        ``"lambda"`` (n_stats, p*m; column ``i*m + f`` is d/d Lambda[i, f]), ``"psi"``
        (n_stats, m*m; column ``f*m + g`` is the derivative with respect to the symmetric
        pair Psi[f, g] = Psi[g, f], identical for (f, g) and (g, f)) and ``"tau"``
        (n_stats, n_tau; the identity on the threshold rows). Composing these with a
        free-parameter -> matrix-cell map gives the model Jacobian (lavaan's ``delta``).

    Notes
    -----
    With :math:`S = \\Lambda \\Psi \\Lambda'`:
    :math:`\\partial S_{ij} / \\partial \\Lambda_{kf} = \\delta_{ik} (\\Psi \\Lambda')_{fj} +
    \\delta_{jk} (\\Lambda \\Psi)_{if}`;
    :math:`\\partial S_{ij} / \\partial \\Psi_{fg} = \\Lambda_{if} \\Lambda_{jg} +
    \\Lambda_{ig} \\Lambda_{jf}` for :math:`f \\ne g` and :math:`\\Lambda_{if} \\Lambda_{jf}`
    for :math:`f = g`.

    References
    ----------
    1. Neudecker, H., & Satorra, A. (1991). Linear structural relations: Gradient and
       Hessian of the fitting function. Statistics & Probability Letters, 11, 57-61.

    Examples
    --------
    >>> import numpy as np
    >>> d = delta_implied_derivatives(np.array([[0.8], [0.6], [0.5]]), np.eye(1), 3)
    >>> d["lambda"][3:]  # rows: a~~b, a~~c, b~~c; columns: lambda_a, lambda_b, lambda_c
    array([[0.6, 0.8, 0. ],
           [0.5, 0. , 0.8],
           [0. , 0.5, 0.6]])
    >>> # In R: lavInspect(fit, "delta") holds these composed with the free parameters
    """
    p, m = lambda_.shape
    rows, cols = _pairs(p)
    n_pairs = rows.size
    lam_psi = lambda_ @ psi  # (p, m)
    d_lambda = np.zeros((n_pairs, p, m))
    pair = np.arange(n_pairs)
    d_lambda[pair, rows, :] += lam_psi[cols, :]
    d_lambda[pair, cols, :] += lam_psi[rows, :]
    outer = lambda_[rows][:, :, None] * lambda_[cols][:, None, :]  # (P, m, m)
    d_psi = outer + np.transpose(outer, (0, 2, 1))
    diag = np.arange(m)
    d_psi[:, diag, diag] = outer[:, diag, diag]
    n_stats = n_tau + n_pairs
    out_lambda = np.zeros((n_stats, p * m))
    out_lambda[n_tau:] = d_lambda.reshape(n_pairs, p * m)
    out_psi = np.zeros((n_stats, m * m))
    out_psi[n_tau:] = d_psi.reshape(n_pairs, m * m)
    out_tau = np.zeros((n_stats, n_tau))
    out_tau[:n_tau] = np.eye(n_tau)
    return {"lambda": out_lambda, "psi": out_psi, "tau": out_tau}


def compose_jacobian(parts: dict[str, np.ndarray],
                     free: list[list[tuple[str, int, int]]], n_factors: int) -> np.ndarray:
    r"""Model Jacobian from matrix-element derivatives and a parameter -> cells map.

    Parameters
    ----------
    parts : dict
        Output of :func:`delta_implied_derivatives`.
    free : list of list of (str, int, int)
        For each free parameter, the matrix cells ``(matrix, row, col)`` it fills, with
        matrix in ``{"lambda", "psi", "tau"}`` (``col`` ignored for tau). A parameter shared
        by several cells (an equality constraint) lists them all; a symmetric Psi element
        is listed once.
    n_factors : int
        Number of factors (columns of Lambda).

    Returns
    -------
    numpy.ndarray
        :math:`\partial \sigma / \partial \theta`, shape (n_stats, n_free).

    Notes
    -----
    Chain rule: :math:`\partial \sigma / \partial \theta_k = \sum_{c \in C_k}
    \partial \sigma / \partial M_c`, the sum over the cells :math:`C_k` that parameter
    :math:`k` fills. This is how a parameter table (the CFA engine's free-parameter map)
    is wired to the delta-parameterised implied statistics.

    References
    ----------
    1. Neudecker, H., & Satorra, A. (1991). Linear structural relations: Gradient and
       Hessian of the fitting function. Statistics & Probability Letters, 11, 57-61.

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([[1.0], [0.7], [0.7]])
    >>> parts = delta_implied_derivatives(lam, np.array([[0.5]]), 0)
    >>> # one loading shared by items 2 and 3 (an equality constraint), and the variance
    >>> compose_jacobian(parts, [[("lambda", 1, 0), ("lambda", 2, 0)], [("psi", 0, 0)]], 1)
    array([[0.5 , 0.7 ],
           [0.5 , 0.7 ],
           [0.7 , 0.49]])
    >>> # In R: lavInspect(fit, "delta") with a*x2 + a*x3 in the model
    """
    def column(cell):
        name, r, c = cell
        return parts["tau"][:, r] if name == "tau" else parts[name][:, r * n_factors + c]

    return np.column_stack([sum(column(cell) for cell in cells) for cells in free])


@dataclass(frozen=True)
class SimpleStructureModel:
    """A categorical CFA with simple structure in lavaan's delta parameterisation.

    Free parameters, in lavaan's order: the loadings (the first loading of each factor is
    fixed to 1 unless ``std_lv``), every threshold, then the factor variances (unless
    ``std_lv``, where they are fixed to 1) and the factor covariances. ``free`` maps each
    parameter to its matrix cell ``(matrix, row, col)`` with matrix in
    ``{"lambda", "psi", "tau"}``.
    """

    items: tuple[str, ...]
    factors: tuple[str, ...]
    item_factor: tuple[int, ...]
    n_thresholds: int
    std_lv: bool
    free: tuple[tuple[str, int, int], ...]
    param_names: tuple[str, ...]
    threshold_names: tuple[str, ...]

    @property
    def n_free(self) -> int:
        """Number of free parameters."""
        return len(self.free)

    @property
    def df(self) -> int:
        """Degrees of freedom: statistics minus free parameters."""
        p = len(self.items)
        return self.n_thresholds + p * (p - 1) // 2 - self.n_free

    def matrices(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(Lambda, Psi, tau) for a parameter vector ``theta``."""
        p, m = len(self.items), len(self.factors)
        lambda_ = np.zeros((p, m))
        psi = np.eye(m) if self.std_lv else np.zeros((m, m))
        tau = np.zeros(self.n_thresholds)
        if not self.std_lv:
            for f in range(m):
                lambda_[self.item_factor.index(f), f] = 1.0
        for value, (name, r, c) in zip(theta, self.free, strict=True):
            if name == "lambda":
                lambda_[r, c] = value
            elif name == "psi":
                psi[r, c] = psi[c, r] = value
            else:
                tau[r] = value
        return lambda_, psi, tau

    def implied(self, theta: np.ndarray) -> np.ndarray:
        """Implied statistics vector, in the order of the sample statistics."""
        return delta_implied(*self.matrices(theta))

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        """d implied / d theta, shape (n_stats, n_free) (lavaan's ``delta``)."""
        lambda_, psi, _ = self.matrices(theta)
        parts = delta_implied_derivatives(lambda_, psi, self.n_thresholds)
        return compose_jacobian(parts, [[cell] for cell in self.free], len(self.factors))

    def residual_variances(self, theta: np.ndarray) -> np.ndarray:
        """Theta_ii = 1 - diag(Lambda Psi Lambda') of each item."""
        lambda_, psi, _ = self.matrices(theta)
        return 1.0 - np.einsum("if,fg,ig->i", lambda_, psi, lambda_)

    def standardized_loadings(self, theta: np.ndarray) -> np.ndarray:
        """Loadings in the std.all metric: lambda_i * sqrt(psi_ff) (unit latent responses)."""
        lambda_, psi, _ = self.matrices(theta)
        return lambda_ * np.sqrt(np.diag(psi))[None, :]

    def start(self, stats: OrdinalSampleStats) -> np.ndarray:
        """Starting values: sample thresholds; loadings from each factor's first principal
        axis of the polychorics (first item positive); factor covariances 0."""
        corr = stats.correlation.to_numpy()
        factor_of = np.array(self.item_factor)
        axis = np.zeros(len(self.items))
        for f in range(len(self.factors)):
            idx = np.flatnonzero(factor_of == f)
            values, vectors = np.linalg.eigh(corr[np.ix_(idx, idx)])
            loading = vectors[:, -1] * np.sqrt(values[-1])
            axis[idx] = np.clip(loading * np.sign(loading[0] or 1.0), -0.95, 0.95)
        marker = {f: axis[self.item_factor.index(f)] for f in range(len(self.factors))}
        values = []
        for name, r, c in self.free:
            if name == "tau":
                values.append(stats.vector[r])
            elif name == "lambda":
                values.append(axis[r] if self.std_lv else axis[r] / marker[c])
            else:
                values.append(marker[r] ** 2 if r == c else 0.0)
        return np.array(values)

    def orient(self, theta: np.ndarray) -> np.ndarray:
        """With ``std_lv``, flip factors so that each factor's first loading is positive
        (the solution lavaan reports); a marker-identified model is returned unchanged."""
        if not self.std_lv:
            return theta
        lambda_, _, _ = self.matrices(theta)
        sign = np.ones(len(self.factors))
        for f in range(len(self.factors)):
            sign[f] = -1.0 if lambda_[self.item_factor.index(f), f] < 0 else 1.0
        out = np.array(theta, dtype=float)
        for k, (name, r, c) in enumerate(self.free):
            if name == "lambda":
                out[k] *= sign[c]
            elif name == "psi":
                out[k] *= sign[r] * sign[c]
        return out


def simple_structure_model(pattern: dict[str, list[str]],
                           items: OrdinalSampleStats | dict[str, int],
                           std_lv: bool = False) -> SimpleStructureModel:
    """Build a simple-structure categorical CFA (delta parameterisation) for DWLS.

    Parameters
    ----------
    pattern : dict of str to list of str
        Factor name -> its items, as ``F =~ a + b + c`` in lavaan syntax.
    items : OrdinalSampleStats or dict of str to int
        The sample statistics the model will be fitted to (their item order and threshold
        counts are used), or a mapping item -> number of thresholds in the order of the
        statistics vector.
    std_lv : bool, default False
        Identify the factors by unit variances (all loadings free) instead of marker
        loadings fixed to 1 (factor variances free).

    Returns
    -------
    SimpleStructureModel
        An object with ``implied(theta)``, ``jacobian(theta)``, ``start(stats)``,
        ``param_names`` and ``df`` that :func:`~werkalliantie_stats.psychometrics.cfa.dwls.fit_dwls`
        accepts.

    Notes
    -----
    The latent responses :math:`y^*` have unit variance (lavaan's default
    ``parameterization="delta"``): :math:`\\Sigma^* = \\Lambda \\Psi \\Lambda' + \\Theta` with
    :math:`\\Theta_{ii} = 1 - (\\Lambda \\Psi \\Lambda')_{ii}`, so the implied statistics are
    :math:`\\sigma(\\theta) = [\\tau, \\mathrm{offdiag}(\\Lambda \\Psi \\Lambda')]`. With
    :math:`S = \\Lambda \\Psi \\Lambda'`,
    :math:`\\partial S_{ij} / \\partial \\Lambda_{kf} = \\delta_{ik} (\\Psi \\Lambda')_{fj} +
    \\delta_{jk} (\\Lambda \\Psi)_{if}` and
    :math:`\\partial S_{ij} / \\partial \\Psi_{fg} = \\Lambda_{if} \\Lambda_{jg} +
    \\Lambda_{ig} \\Lambda_{jf}` (:math:`f \\ne g`; one term when :math:`f = g`).

    References
    ----------
    1. Muthén, B., & Asparouhov, T. (2002). Latent variable analysis with categorical
       outcomes: Multiple-group and growth modeling in Mplus. Mplus Web Note 4.
    2. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
       Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> model = simple_structure_model({"F": ["a", "b", "c"]}, {"a": 2, "b": 2, "c": 2})
    >>> model.param_names
    ('F=~b', 'F=~c', 'a|t1', 'a|t2', 'b|t1', 'b|t2', 'c|t1', 'c|t2', 'F~~F')
    >>> model.df
    0
    >>> # In R: cfa("F =~ a + b + c", data, ordered = TRUE, estimator = "WLSMV")
    """
    counts = items.thresholds_per_item if isinstance(items, OrdinalSampleStats) else dict(items)
    names = list(counts)
    _check_pattern(pattern, names)
    factors = tuple(pattern)
    item_factor = [0] * len(names)
    for f, fac in enumerate(factors):
        for item in pattern[fac]:
            item_factor[names.index(item)] = f
    free, labels = _free_loadings(pattern, factors, names, std_lv)
    th_names = []
    offset = 0
    for item in names:
        for k in range(counts[item]):
            free.append(("tau", offset + k, 0))
            th_names.append(f"{item}|t{k + 1}")
        offset += counts[item]
    labels += th_names
    psi_free, psi_labels = _free_psi(factors, std_lv)
    return SimpleStructureModel(
        items=tuple(names), factors=factors, item_factor=tuple(item_factor),
        n_thresholds=offset, std_lv=std_lv, free=tuple(free + psi_free),
        param_names=tuple(labels + psi_labels), threshold_names=tuple(th_names))


def _check_pattern(pattern: dict[str, list[str]], names: list[str]) -> None:
    func = "simple_structure_model"
    if not isinstance(pattern, dict) or not pattern:
        raise TypeError(f"{func}: `pattern` must be a non-empty dict factor -> items, "
                        f"got {pattern!r}")
    seen = [item for its in pattern.values() for item in its]
    unknown = [item for item in seen if item not in names]
    if unknown:
        raise ValueError(f"{func}: item(s) {unknown} in `pattern` are not among the items of "
                         f"`items` ({names[:10]})")
    twice = sorted({item for item in seen if seen.count(item) > 1})
    if twice:
        raise ValueError(f"{func}: item(s) {twice} load on more than one factor; a simple "
                         "structure has one factor per item")
    unused = [item for item in names if item not in seen]
    if unused:
        raise ValueError(f"{func}: item(s) {unused} of `items` are in no factor of `pattern`; "
                         "compute the statistics on the model's items only")
    small = [fac for fac, its in pattern.items() if len(its) < 2]
    if small:
        raise ValueError(f"{func}: factor(s) {small} have fewer than two items, e.g. "
                         f"{pattern[small[0]]!r}; such a factor is not identified here")


def _free_loadings(pattern, factors, names, std_lv):
    free, labels = [], []
    for f, fac in enumerate(factors):
        for k, item in enumerate(pattern[fac]):
            if k == 0 and not std_lv:
                continue
            free.append(("lambda", names.index(item), f))
            labels.append(f"{fac}=~{item}")
    return free, labels


def _free_psi(factors, std_lv):
    free, labels = [], []
    if not std_lv:
        for f, fac in enumerate(factors):
            free.append(("psi", f, f))
            labels.append(f"{fac}~~{fac}")
    for g in range(len(factors)):
        for f in range(g + 1, len(factors)):
            free.append(("psi", f, g))
            labels.append(f"{factors[g]}~~{factors[f]}")
    return free, labels
