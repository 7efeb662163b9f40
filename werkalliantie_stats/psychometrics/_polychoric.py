"""Two-step polychoric estimation for many item pairs at once (internal).

Step 1 gives each item's thresholds from its marginal proportions; step 2 maximises the
bivariate-normal likelihood of each pair's contingency table over the correlation with
the thresholds held fixed. Every pair (and every batch member) is solved simultaneously:
cell probabilities come from one vectorised bivariate normal CDF call per iteration and
the correlation is updated by safeguarded Fisher scoring.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ._bivariate_normal import bvn_cdf, bvn_pdf

__all__ = ["compact_tables", "pair_tables", "solve_rho", "thresholds_from_codes"]

_RHO_LIMIT = 1.0 - 1e-9
_ONE_TOL = 1e-12  # a corrected cumulative margin this close to 1 counts as reaching 1


def thresholds_from_codes(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Thresholds ``qnorm(cumulative proportion)`` per item: shape (items, K-1).

    ``codes`` holds 0..K-1 with -1 for missing; an unused lowest category gives -inf
    and unused top categories give +inf, as in psych.
    """
    counts = np.stack([np.bincount(col[col >= 0], minlength=n_categories)
                       for col in codes.T])
    cum = np.cumsum(counts, axis=1) / counts.sum(axis=1, keepdims=True)
    return ndtri(np.clip(cum[:, :-1], 0.0, 1.0))


def pair_tables(codes: np.ndarray, pairs: np.ndarray, n_categories: int) -> np.ndarray:
    """Contingency tables (pairs, K, K) of pairwise-complete responses."""
    k = n_categories
    xi, xj = codes[:, pairs[:, 0]], codes[:, pairs[:, 1]]
    valid = (xi >= 0) & (xj >= 0)
    flat = (np.arange(len(pairs)) * k * k)[None, :] + xi * k + xj
    counts = np.bincount(flat[valid], minlength=len(pairs) * k * k)
    return counts.reshape(len(pairs), k, k).astype(float)


def _compact_axis(tab: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Move the non-empty rows (axis=1) or columns (axis=2) to the front, keep order."""
    empty = tab.sum(axis=3 - axis) == 0
    order = np.argsort(empty, axis=1, kind="stable")
    if axis == 1:
        tab = np.take_along_axis(tab, order[:, :, None], axis=1)
    else:
        tab = np.take_along_axis(tab, order[:, None, :], axis=2)
    return tab, (~empty).sum(axis=1)


def compact_tables(tables: np.ndarray, correct: float) -> tuple[np.ndarray, ...]:
    """psych's per-pair route (``global=FALSE``): drop empty rows/columns, then add
    ``correct`` counts to the empty cells that remain; thresholds from that table.

    Where that correction makes a cumulative margin reach 1 (beyond 1 psych fails with
    "lower>upper integration limits"; at 1 its result is rounding noise, see
    :func:`_margins_valid`), the pair is left uncorrected: thresholds from its
    own margins and the likelihood of the observed table, i.e. ``polycor::polychor``'s
    two-step estimate.

    Returns the proportions, row cuts, column cuts, whether each pair was corrected and
    whether it fell back to the uncorrected table. Padding rows/columns get +inf cuts
    and zero counts.
    """
    total = tables.sum(axis=(1, 2))
    props = tables / total[:, None, None]
    props, n_rows = _compact_axis(props, 1)
    props, n_cols = _compact_axis(props, 2)
    k = tables.shape[1]
    inside = ((np.arange(k)[None, :, None] < n_rows[:, None, None])
              & (np.arange(k)[None, None, :] < n_cols[:, None, None]))
    fix = inside & (props == 0)
    raw = props
    if correct > 0:
        props = np.where(fix, correct / total[:, None, None], props)
    n_fixed = fix.any(axis=(1, 2)).astype(int) if correct > 0 else np.zeros(len(total), int)
    undefined = ~(_margins_valid(props.sum(axis=2), n_rows)
                  & _margins_valid(props.sum(axis=1), n_cols))
    props = np.where(undefined[:, None, None], raw, props)
    n_fixed = np.where(undefined, 0, n_fixed)
    row_cuts = _cuts_from_margin(props.sum(axis=2), n_rows)
    col_cuts = _cuts_from_margin(props.sum(axis=1), n_cols)
    return props, row_cuts, col_cuts, n_fixed, undefined


def _margins_valid(margin: np.ndarray, n_used: np.ndarray) -> np.ndarray:
    """True where every used cumulative proportion but the last stays below 1.

    psych adds ``correct / n`` to empty cells without renormalising; when that pushes a
    cumulative margin beyond 1, ``qnorm`` gives NaN and psych stops with an error. At
    exactly 1 psych gets an infinite threshold and its last-row/column probabilities,
    found by subtraction, are rounding noise whose logarithm enters the likelihood; the
    estimate is then arbitrary, so a margin within 1e-12 of 1 counts as undefined too.
    """
    cum = np.cumsum(margin, axis=1)[:, :-1]
    used = np.arange(cum.shape[1])[None, :] < (n_used[:, None] - 1)
    return np.all(~used | (cum < 1.0 - _ONE_TOL), axis=1)


def _cuts_from_margin(margin: np.ndarray, n_used: np.ndarray) -> np.ndarray:
    cum = np.cumsum(margin, axis=1)[:, :-1]
    with np.errstate(invalid="ignore"):
        cuts = ndtri(cum)
    pad = np.arange(cum.shape[1])[None, :] >= (n_used[:, None] - 1)
    return np.where(pad, np.inf, cuts)


def _cell_probabilities(rho, row_cuts, col_cuts):
    """Cell probabilities and their derivative in rho: each (B, K, K)."""
    b = len(rho)
    inf = np.full((b, 1), np.inf)
    rows = np.concatenate([-inf, row_cuts, inf], axis=1)[:, :, None]
    cols = np.concatenate([-inf, col_cuts, inf], axis=1)[:, None, :]
    r = rho[:, None, None]
    cdf = bvn_cdf(rows, cols, r)
    pdf = bvn_pdf(rows, cols, r)

    def cells(grid):
        return grid[:, 1:, 1:] - grid[:, :-1, 1:] - grid[:, 1:, :-1] + grid[:, :-1, :-1]

    return cells(cdf), cells(pdf)


def _loglik(props, prob):
    use = (prob > 0) & (props > 0)
    return np.where(use, props * np.log(np.where(use, prob, 1.0)), 0.0).sum(axis=(1, 2))


def solve_rho(props: np.ndarray, row_cuts: np.ndarray, col_cuts: np.ndarray,
              start: np.ndarray, tol: float = 1e-10, max_iter: int = 200
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximum-likelihood correlations of a batch of tables with fixed thresholds.

    Fisher scoring with step halving; cells of zero model probability are left out of
    the likelihood as in psych. Returns (rho, log-likelihood, converged).
    """
    rho = np.clip(start, -0.99, 0.99).astype(float)
    prob, dprob = _cell_probabilities(rho, row_cuts, col_cuts)
    ll = _loglik(props, prob)
    converged = np.zeros(len(rho), dtype=bool)
    total = props.sum(axis=(1, 2))
    for _ in range(max_iter):
        use = prob > 0
        safe = np.where(use, prob, 1.0)
        score = np.where(use, props * dprob / safe, 0.0).sum(axis=(1, 2))
        info = total * np.where(use, dprob * dprob / safe, 0.0).sum(axis=(1, 2))
        step = np.where(converged | (info <= 0), 0.0, score / np.where(info > 0, info, 1.0))
        new_rho, new_prob, new_dprob, new_ll = _halve_until_better(
            rho, step, ll, props, row_cuts, col_cuts)
        converged |= np.abs(new_rho - rho) < tol
        rho, prob, dprob, ll = new_rho, new_prob, new_dprob, new_ll
        if converged.all():
            break
    return rho, ll, converged


def _halve_until_better(rho, step, ll, props, row_cuts, col_cuts):
    for _ in range(30):
        trial = np.clip(rho + step, -_RHO_LIMIT, _RHO_LIMIT)
        prob, dprob = _cell_probabilities(trial, row_cuts, col_cuts)
        new_ll = _loglik(props, prob)
        worse = new_ll < ll - 1e-13 * np.abs(ll)
        if not worse.any():
            break
        step = np.where(worse, step / 2.0, step)
    keep = new_ll >= ll - 1e-13 * np.abs(ll)
    trial = np.where(keep, trial, rho)
    if not keep.all():
        prob, dprob = _cell_probabilities(trial, row_cuts, col_cuts)
        new_ll = _loglik(props, prob)
    return trial, prob, dprob, new_ll
