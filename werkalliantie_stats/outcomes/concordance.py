"""Harrell's concordance for a Cox model with its infinitesimal-jackknife SE (R ``concordance``).

A pair is comparable when one row has an event at ``t`` while the other is at risk at
``t`` without an event at ``t`` (a row censored at ``t`` counts as at risk, as in R). It is
concordant when the row with the event has the higher linear predictor, discordant when
lower, tied in x when equal. With case weights a pair counts ``w_i w_j``::

    C = (concordant + tied_x / 2) / (concordant + discordant + tied_x)

The SE is R's infinitesimal jackknife: with ``N`` the number of comparable pairs and
Somers' ``d = (conc - disc)/N``, each row's influence is
``w_i [(c_i - d_i)/N - d (c_i + d_i + t_i)/N]`` (``c_i, d_i, t_i`` the weighted pairs the
row takes part in); Var(d) is the sum of squared influences (summed first within clusters)
and Var(C) = Var(d)/4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Concordance", "harrell_concordance"]


@dataclass(frozen=True)
class Concordance:
    concordance: float
    std_error: float
    concordant: float
    discordant: float
    tied_x: float
    tied_y: float


def _dominance(pkey, px, pw, qkey, qx) -> np.ndarray:
    """For each query q: sums of ``pw`` over points with ``pkey > qkey[q]``, split into
    ``px < qx[q]``, ``px == qx[q]`` and ``px > qx[q]`` (columns 0, 1, 2).

    Merge-sort tree: the points, sorted by key and padded to N = 2^m, are cut at every level
    L into nodes of 2^L consecutive points, each node sorted by x with cumulative weights.
    The suffix of points with key above a query's is the union of at most one node per
    level (the set bits of its start position), so each level is one vectorised
    ``searchsorted`` over all queries. O(n log^2 n) time and O(n log n) memory.
    """
    order = np.argsort(pkey, kind="stable")
    pkey, px, pw = pkey[order], px[order], pw[order]
    n, q = pkey.size, qkey.size
    out = np.zeros((q, 3))
    if n == 0 or q == 0:
        return out
    values, inverse = np.unique(np.concatenate([px, qx]), return_inverse=True)
    n_values = values.size + 1
    m = int(np.ceil(np.log2(n))) if n > 1 else 0
    size = 1 << m
    prank = np.concatenate([inverse[:n], np.zeros(size - n, np.int64)])
    weight = np.concatenate([pw, np.zeros(size - n)])
    qrank = inverse[n:]
    first = np.searchsorted(pkey, qkey, side="right").astype(np.int64)
    position = np.arange(size)
    below, upto, total = np.zeros(q), np.zeros(q), np.zeros(q)
    for level in range(m + 1):
        take = (first == 0) if level == m else ((first >> level) & 1).astype(bool)
        if not take.any():
            continue
        node = position >> level
        by_node = np.lexsort((prank, node))
        composite = node[by_node] * n_values + prank[by_node]
        cum = np.concatenate([[0.0], np.cumsum(weight[by_node])])
        qnode = first[take] >> level
        base = qnode << level
        key = qnode * n_values + qrank[take]
        below[take] += cum[np.searchsorted(composite, key, side="left")] - cum[base]
        upto[take] += cum[np.searchsorted(composite, key, side="right")] - cum[base]
        total[take] += cum[base + (1 << level)] - cum[base]
        first[take] += 1 << level
    out[:, 0], out[:, 1], out[:, 2] = below, upto - below, total - upto
    return out


def _stratum_counts(start, stop, event, lp, w):
    """Pair counts and per-row influence counts (n x 3: conc, disc, tied_x) in one stratum."""
    ev = np.flatnonzero(event == 1)
    t, xe, we = stop[ev], lp[ev], w[ev]
    up = np.nextafter(stop, np.inf)            # a row censored at t is at risk at t
    exit_key = np.where(event == 1, stop, up)
    entry_key = np.nextafter(start, np.inf)    # start >= t  <=>  nextafter(start) > t
    # as the row with the event: partners at risk, not tied events (split lp <, ==, >)
    as_event = _dominance(exit_key, lp, w, t, xe) - _dominance(entry_key, lp, w, t, xe)
    # as the partner at risk: events before its exit and after its entry
    as_partner = (_dominance(-t, xe, we, -exit_key, lp)
                  - _dominance(-t, xe, we, np.nextafter(-start, -np.inf), lp))
    infl = np.zeros((stop.size, 3))
    infl[:, 0] = as_partner[:, 2]              # concordant: the event has the higher lp
    infl[:, 1] = as_partner[:, 0]
    infl[:, 2] = as_partner[:, 1]
    infl[ev] += as_event[:, [0, 2, 1]]
    counts = we @ as_event[:, [0, 2, 1]]
    _, pos = np.unique(t, return_inverse=True)
    sums = np.bincount(pos, weights=we)
    tied_y = float((sums ** 2 - np.bincount(pos, weights=we ** 2)).sum() / 2)
    return counts, infl, tied_y


def harrell_concordance(start: np.ndarray, stop: np.ndarray, event: np.ndarray,
                        lp: np.ndarray, weights: np.ndarray, strata: np.ndarray,
                        cluster: np.ndarray | None) -> Concordance:
    """Concordance of ``lp`` with survival, summed over strata, with its IJ standard error."""
    counts = np.zeros(3)
    infl = np.zeros((stop.size, 3))
    tied_y = 0.0
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        c, i, ty = _stratum_counts(start[rows], stop[rows], event[rows], lp[rows], weights[rows])
        counts += c
        infl[rows] = i
        tied_y += ty
    npair = counts.sum()
    somers = (counts[0] - counts[1]) / npair
    dfbeta = weights * ((infl[:, 0] - infl[:, 1]) / npair - somers / npair * infl.sum(axis=1))
    if cluster is not None:
        dfbeta = np.bincount(cluster, weights=dfbeta)
    se = float(np.sqrt(np.sum(dfbeta ** 2) / 4))
    return Concordance(float((somers + 1) / 2), se, float(counts[0]), float(counts[1]),
                       float(counts[2]), tied_y)
