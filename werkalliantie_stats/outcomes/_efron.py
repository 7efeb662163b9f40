"""Weighted Cox partial likelihood with Efron (or Breslow) ties, in counting-process form.

For one stratum, at an event time ``t`` with ``d`` tied events, case weights ``w`` and
risk ``r_i = w_i exp(x_i'b)`` (for Fine–Gray rows ``w_i`` is time varying), Efron's
approximation uses ``d`` sub-steps ``k = 0..d-1`` with

    S0_k = S0(t) - (k/d) D0(t),   S1_k = S1(t) - (k/d) D1(t),   S2_k likewise,

where ``S`` sums over the risk set and ``D`` over the tied events, and the mean event
weight ``wbar = sum(w over events)/d``. Then

    logL = sum_events w_i x_i'b - sum_t sum_k wbar log S0_k
    U    = sum_events w_i x_i   - sum_t sum_k wbar S1_k/S0_k
    I    = sum_t sum_k wbar (S2_k/S0_k - xbar_k xbar_k'),   xbar_k = S1_k/S0_k.

This is the computation of R's ``survival`` (``coxfit6``/``agfit4``); Breslow ties keep
``k = 0`` for all sub-steps. Weighted score residuals (``residuals(fit, "score",
weighted=TRUE)``) give the robust (grouped dfbeta) variance.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..exceptions import ConvergenceWarning
from ._risk_sets import RiskSets

__all__ = ["CoxFit", "CoxProblem", "fit_cox", "score_residuals", "stratum_pieces"]


@dataclass
class CoxProblem:
    """Data of a Cox fit: rows, their stratum, and optional Fine–Gray time multipliers."""

    start: np.ndarray
    stop: np.ndarray
    event: np.ndarray          # 0/1
    X: np.ndarray              # centred predictors
    weights: np.ndarray
    strata: np.ndarray
    ties: str = "efron"
    tv: np.ndarray | None = None         # rows with a time-varying multiplier
    scale: np.ndarray | None = None      # 1/G(T_i-) for those rows
    multiplier: object = None            # callable: event times -> G(t-) (per stratum)

    def risk_sets(self, rows: np.ndarray, times: np.ndarray) -> RiskSets:
        tv = None if self.tv is None else self.tv[rows]
        scale = None if self.scale is None else self.scale[rows]
        mult = None if self.multiplier is None else self.multiplier(times)
        return RiskSets(self.start[rows], self.stop[rows], times, tv, scale, mult)


@dataclass
class StratumPieces:
    """Per sub-step quantities of one stratum (used by the fit, residuals and cox.zph)."""

    rows: np.ndarray
    times: np.ndarray          # unique event times
    step_time: np.ndarray      # index into times for each sub-step
    frac: np.ndarray           # k/d of each sub-step
    wbar: np.ndarray           # mean event weight of each sub-step
    s0: np.ndarray
    xbar: np.ndarray           # sub-step means (steps x p)
    var: np.ndarray            # S2_k/S0_k - xbar xbar' (steps x p x p)
    loglik: float
    score: np.ndarray
    risk_sets: RiskSets


def _event_sums(values: np.ndarray, idx: np.ndarray, n_times: int) -> np.ndarray:
    out = np.zeros((n_times, *values.shape[1:]))
    np.add.at(out, idx, values)
    return out


def stratum_pieces(problem: CoxProblem, rows: np.ndarray, beta: np.ndarray,
                   need_var: bool = True) -> StratumPieces | None:
    """Efron sums for the rows of one stratum at coefficients ``beta``."""
    ev = problem.event[rows] == 1
    if not ev.any():
        return None
    X, w = problem.X[rows], problem.weights[rows]
    eta = X @ beta
    r = w * np.exp(eta)
    times = np.unique(problem.stop[rows][ev])
    rs = problem.risk_sets(rows, times)
    t_idx = np.searchsorted(times, problem.stop[rows][ev])
    nt = times.size
    d = np.bincount(t_idx, minlength=nt).astype(float)
    wsum = _event_sums(w[ev], t_idx, nt)
    step_time = np.repeat(np.arange(nt), d.astype(int))
    first = np.concatenate([[0], np.cumsum(d)[:-1]]).astype(int)
    k = np.arange(step_time.size) - first[step_time]
    frac = k / d[step_time] if problem.ties == "efron" else np.zeros(step_time.size)
    wbar = (wsum / d)[step_time]
    s0 = rs.sum(r)[step_time] - frac * _event_sums(r[ev], t_idx, nt)[step_time]
    rx = r[:, None] * X
    s1 = rs.sum(rx)[step_time] - frac[:, None] * _event_sums(rx[ev], t_idx, nt)[step_time]
    xbar = s1 / s0[:, None]
    loglik = float(np.sum(w[ev] * eta[ev]) - np.sum(wbar * np.log(s0)))
    score = (w[ev, None] * X[ev]).sum(axis=0) - (wbar[:, None] * xbar).sum(axis=0)
    var = None
    if need_var:
        rxx = rx[:, :, None] * X[:, None, :]
        s2 = (rs.sum(rxx)[step_time]
              - frac[:, None, None] * _event_sums(rxx[ev], t_idx, nt)[step_time])
        var = s2 / s0[:, None, None] - xbar[:, :, None] * xbar[:, None, :]
    return StratumPieces(rows, times, step_time, frac, wbar, s0, xbar, var, loglik, score, rs)


def all_pieces(problem: CoxProblem, beta: np.ndarray, need_var: bool = True
               ) -> list[StratumPieces]:
    """Pieces of every stratum that has events."""
    out = []
    for s in np.unique(problem.strata):
        piece = stratum_pieces(problem, np.flatnonzero(problem.strata == s), beta, need_var)
        if piece is not None:
            out.append(piece)
    return out


def loglik_score_info(problem: CoxProblem, beta: np.ndarray):
    """Log partial likelihood, score vector and information matrix at ``beta``."""
    pieces = all_pieces(problem, beta)
    p = problem.X.shape[1]
    ll = sum(pc.loglik for pc in pieces)
    score = sum((pc.score for pc in pieces), np.zeros(p))
    info = sum(((pc.wbar[:, None, None] * pc.var).sum(axis=0) for pc in pieces),
               np.zeros((p, p)))
    return ll, score, info


@dataclass
class CoxFit:
    beta: np.ndarray
    loglik: float
    loglik_null: float
    info: np.ndarray
    score_null: np.ndarray
    info_null: np.ndarray
    iterations: int
    converged: bool


def fit_cox(problem: CoxProblem, max_iter: int = 50, tol: float = 1e-12,
            func: str = "cox") -> CoxFit:
    """Newton–Raphson from ``beta = 0`` with step halving, converged on the log-likelihood
    (as R's coxph, with a tighter tolerance); warns when a coefficient may be infinite."""
    p = problem.X.shape[1]
    beta = np.zeros(p)
    ll0, u0, i0 = loglik_score_info(problem, beta)
    ll, u, info = ll0, u0, i0
    converged, iterations = False, 0
    while iterations < max_iter and not converged:
        iterations += 1
        new = beta + np.linalg.solve(info, u)
        with np.errstate(over="ignore", invalid="ignore"):
            ll_new, u_new, info_new = loglik_score_info(problem, new)
            halvings = 0
            while (not np.isfinite(ll_new) or ll_new < ll - tol * abs(ll)) and halvings < 30:
                new = (beta + new) / 2
                ll_new, u_new, info_new = loglik_score_info(problem, new)
                halvings += 1
        converged = abs(ll_new - ll) <= tol * abs(ll)
        beta, ll, u, info = new, ll_new, u_new, info_new
    next_step = np.abs(np.linalg.solve(info, u))
    infinite = np.flatnonzero(next_step > np.sqrt(1e-9) * (1 + np.abs(beta)))
    if not converged or infinite.size:
        reason = (f"did not converge in {max_iter} iterations" if not converged else
                  "converged in the log-likelihood before coefficient(s) "
                  f"{(infinite + 1).tolist()}")
        warnings.warn(f"{func}: Newton-Raphson {reason}; a coefficient may be infinite (monotone "
                      f"likelihood, e.g. a predictor that separates events from non-events): "
                      f"drop or recode that predictor", ConvergenceWarning, stacklevel=4)
    return CoxFit(beta, ll, ll0, info, u0, i0, iterations, converged)


def score_residuals(problem: CoxProblem, beta: np.ndarray) -> np.ndarray:
    """Weighted score residuals (rows x p), as ``residuals(fit, "score", weighted=TRUE)``.

    For row i with risk ``e_i = exp(x_i'b)`` and weight ``w_i(t)``::

        L_i = w_i d_i (x_i - mean_k xbar_k(t_i))
              - sum_t sum_k c_ik w_i(t) e_i (x_i - xbar_k) wbar_k / S0_k,

    with ``c_ik = 1 - k/d`` for the row's own event time and 1 otherwise.
    """
    n, p = problem.X.shape
    out = np.zeros((n, p))
    for pc in all_pieces(problem, beta, need_var=False):
        rows = pc.rows
        X, w = problem.X[rows], problem.weights[rows]
        e = np.exp(X @ beta)
        h0 = pc.wbar / pc.s0
        nt = pc.times.size
        h0_t = _event_sums(h0, pc.step_time, nt)
        h1_t = _event_sums(h0[:, None] * pc.xbar, pc.step_time, nt)
        a0 = pc.risk_sets.accumulate(h0_t)
        a1 = pc.risk_sets.accumulate(h1_t)
        res = -(w * e)[:, None] * (X * a0[:, None] - a1)
        ev = problem.event[rows] == 1
        t_idx = np.searchsorted(pc.times, problem.stop[rows][ev])
        d = np.bincount(pc.step_time, minlength=nt).astype(float)
        mean_xbar = _event_sums(pc.xbar, pc.step_time, nt) / d[:, None]
        e0_t = _event_sums(pc.frac * h0, pc.step_time, nt)
        e1_t = _event_sums((pc.frac * h0)[:, None] * pc.xbar, pc.step_time, nt)
        we = (w * e)[ev]
        res[ev] += (w[ev, None] * (X[ev] - mean_xbar[t_idx])
                    + we[:, None] * (X[ev] * e0_t[t_idx][:, None] - e1_t[t_idx]))
        out[rows] = res
    return out
