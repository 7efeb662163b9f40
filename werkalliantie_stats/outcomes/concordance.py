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


def _stratum_counts(start, stop, event, lp, w):
    """Pair counts and per-row influence counts (n x 3: conc, disc, tied_x) in one stratum."""
    ev = np.flatnonzero(event == 1)
    t = stop[ev]
    at_risk = (start[None, :] < t[:, None]) & (stop[None, :] >= t[:, None])
    tied_event = (stop[None, :] == t[:, None]) & (event[None, :] == 1)
    pair = at_risk & ~tied_event
    sign = np.sign(lp[ev][:, None] - lp[None, :])
    infl = np.zeros((stop.size, 3))
    counts = np.zeros(3)
    for j, mask in enumerate((pair & (sign > 0), pair & (sign < 0), pair & (sign == 0))):
        m = mask.astype(float)
        counts[j] = w[ev] @ m @ w
        infl[:, j] += m.T @ w[ev]          # as the partner at risk
        infl[ev, j] += m @ w               # as the row with the event
    tied_y = float(w[ev] @ (at_risk & tied_event).astype(float) @ w - np.sum(w[ev] ** 2)) / 2
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
