"""Area under the ROC curve: DeLong variance and a vectorised weighted (bootstrap) AUC.

Placements (DeLong, DeLong & Clarke-Pearson 1988), computed from mid-ranks (Sun & Xu
2014): for case ``i`` the share of controls it outranks, ``V10_i``; for control ``j``
the share of cases that outrank it, ``V01_j`` (ties count one half). The AUC is the
mean of either; ``var = S10/m + S01/n`` with ``S10``, ``S01`` their sample variances.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["delong", "weighted_auc"]


def delong(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """AUC and its DeLong variance (higher scores indicate the event)."""
    cases, controls = score[y == 1], score[y == 0]
    m, n = len(cases), len(controls)
    ranks = rankdata(np.concatenate([cases, controls]))
    v10 = (ranks[:m] - rankdata(cases)) / n
    v01 = 1.0 - (ranks[m:] - rankdata(controls)) / m
    auc = float(v10.mean())
    variance = float(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n)
    return auc, variance


def weighted_auc(score: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AUC for each row of ``weights`` (draws x n), e.g. bootstrap counts, in one pass.

    Scores are grouped by distinct value; per draw the weighted count of controls below
    each value (plus half of those tied) is summed over the weighted cases.
    """
    order = np.argsort(score, kind="stable")
    ordered = score[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    w = weights[:, order]
    is_case = y[order] == 1
    case_mass = np.add.reduceat(w * is_case, starts, axis=1)
    control_mass = np.add.reduceat(w * ~is_case, starts, axis=1)
    below = np.cumsum(control_mass, axis=1) - control_mass
    pairs = np.sum(case_mass * (below + 0.5 * control_mass), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pairs / (case_mass.sum(axis=1) * control_mass.sum(axis=1))
