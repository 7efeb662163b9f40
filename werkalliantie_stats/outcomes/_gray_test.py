"""Gray's (1988) k-sample test for cumulative incidence functions, as ``cmprsk::cuminc``.

A vectorised transcription of the score and variance of Gray's test (the quantities of
``cmprsk``'s ``crst`` routine): all sums over the distinct times are cumulative sums or
einsums over a (times x groups x groups) array.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gray_score_variance", "gray_statistic"]


def _counts(time, mark, group_codes, n_groups):
    """Distinct times, at-risk counts and cause-1 / other-cause events per group."""
    times, pos = np.unique(time, return_inverse=True)
    T = times.size
    d1, d2, leave = (np.zeros((T, n_groups)) for _ in range(3))
    np.add.at(d1, (pos, group_codes), mark == 1)
    np.add.at(d2, (pos, group_codes), mark == 2)
    np.add.at(leave, (pos, group_codes), 1.0)
    rs = leave[::-1].cumsum(axis=0)[::-1]
    return rs, d1, d2


def gray_statistic(time: np.ndarray, mark: np.ndarray, group_codes: np.ndarray,
                   n_groups: int, strata: np.ndarray | None = None, rho: float = 0.0) -> float:
    """Gray's chi-square statistic (k - 1 df) for the cause with ``mark == 1``.

    ``mark`` is 0 censored, 1 the cause of interest, 2 any other cause. With ``strata`` the
    scores and variances of the strata are summed (``cuminc(..., strata =)``).
    """
    strata = np.zeros(time.size, np.int64) if strata is None else strata
    s = np.zeros(n_groups - 1)
    v = np.zeros((n_groups - 1, n_groups - 1))
    for k in np.unique(strata):
        rows = strata == k
        sk, vk = gray_score_variance(time[rows], mark[rows], group_codes[rows], n_groups, rho)
        s, v = s + sk, v + vk
    if np.linalg.matrix_rank(v) < n_groups - 1:
        return np.nan
    return float(s @ np.linalg.solve(v, s))


def gray_score_variance(time: np.ndarray, mark: np.ndarray, group_codes: np.ndarray,
                        n_groups: int, rho: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Score vector (first k - 1 groups) and its variance in one stratum."""
    rs, d1, d2 = _counts(time, mark, group_codes, n_groups)
    G = n_groups
    pos = rs > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        skm = np.cumprod(np.where(pos, (rs - d1 - d2) / rs, 1.0), axis=0)
        skmm = np.vstack([np.ones((1, G)), skm[:-1]])
        f1 = np.cumsum(np.where(pos, skmm * d1 / rs, 0.0), axis=0)
        f1m = np.vstack([np.zeros((1, G)), f1[:-1]])
        t1 = np.where(pos, rs / skmm, 0.0)
        tr = t1.sum(axis=1)
        tq = np.where(pos, rs * (1 - f1m) / skmm, 0.0).sum(axis=1)
        nd1 = d1.sum(axis=1)
        step = np.where(tr > 0, nd1 / tr, 0.0)
        f = np.cumsum(step)
        fm = f - step
        fb = (1 - fm) ** rho
        a = fb[:, None, None] * (np.einsum("tg,gh->tgh", t1, np.eye(G))
                                 - t1[:, :, None] * t1[:, None, :] / tr[:, None, None])
        c = np.cumsum(a * np.where(nd1 > 0, nd1 / (tr * (1 - fm)), 0.0)[:, None, None], axis=0)
        score = np.where(pos, fb[:, None] * (d1 - nd1[:, None] * rs * (1 - f1m)
                                             / (skmm * tq[:, None])), 0.0).sum(axis=0)
        # events from the cause of interest
        t4 = np.where(skm > 0, 1 - (1 - f)[:, None] / skm, 1.0)
        t5 = np.where(nd1[:, None] > 1, 1 - (nd1[:, None] - 1) / (tr[:, None] * skmm - 1), 1.0)
        t3 = np.where(pos & (nd1[:, None] > 0), t5 * skmm * nd1[:, None] / (tr[:, None] * rs),
                      0.0)
        # events from other causes
        other = (skm > 0) & (d2 > 0)
        t4b = np.where(other, (1 - f)[:, None] / skm, 0.0)
        t5b = np.where(d2 > 1, 1 - (d2 - 1) / (rs - 1), 1.0)
        t3b = np.where(other, t5b * skmm ** 2 * d2 / rs ** 2, 0.0)
    t1m = a - t4[:, None, :] * c                     # [t, i, k]
    t1b = t4b[:, None, :] * c
    v3 = (t4 ** 2 * t3).sum(axis=0) + (t4b ** 2 * t3b).sum(axis=0)
    v2 = (np.einsum("tik,tk->ik", t1m, t4 * t3) - np.einsum("tik,tk->ik", t1b, t4b * t3b))
    v = (np.einsum("tik,tjk,tk->ij", t1m, t1m, t3) + np.einsum("tik,tjk,tk->ij", t1b, t1b, t3b))
    cf = c[-1]
    v = v + np.einsum("ik,jk,k->ij", cf, cf, v3) + cf @ v2.T + v2 @ cf.T
    return score[:G - 1], v[:G - 1, :G - 1]
