"""Starting values and the optimiser (Fisher scoring with step halving, BFGS polish).

Starting values follow the spirit of lavaan's "simple" starts: loadings from a
one-factor principal axis of each factor's indicators, residual variances at half
the observed variance (at least), factor variances from the marker indicator,
covariances 0, intercepts at the sample means and factor means 0. The optimum does
not depend on them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from werkalliantie_stats.exceptions import ConvergenceWarning

from .matrices import MatrixModel, records
from .ml import (
    Patterns,
    expected_information,
    objective,
    objective_and_gradient,
    objective_gradient,
)

__all__ = ["optimise", "start_values"]


def _indicator_loadings(cov: np.ndarray, idx: list[int]) -> np.ndarray:
    """Unstandardised one-factor loadings of the indicators ``idx`` (first eigenvector)."""
    sub = cov[np.ix_(idx, idx)]
    sd = np.sqrt(np.diag(sub))
    corr = sub / np.outer(sd, sd)
    if len(idx) < 2:
        return sd * 0.7
    vals, vecs = np.linalg.eigh(corr)
    vec = vecs[:, -1] * math.sqrt(max(vals[-1], 1e-3))
    vec = np.clip(vec * np.sign(vec[0] or 1.0), -0.95, 0.95)
    return vec * sd


def _factor_scale(load: np.ndarray, loads: list[dict], var_row: dict | None
                  ) -> tuple[float, float]:
    """(factor variance, loading divisor) from a fixed variance or a fixed loading."""
    if var_row is not None and var_row["free"] == 0:
        psi = float(var_row["ustart"]) or 1.0
        return psi, math.sqrt(psi)
    for k, row in enumerate(loads):
        if row["free"] == 0 and row["ustart"]:
            scale = load[k] / row["ustart"]
            return scale**2, scale
    return 1.0, 1.0


def _group_starts(rows: list[dict], model: MatrixModel, cov: np.ndarray,
                  mean: np.ndarray) -> list[float]:
    """Start value of each row of one group's part of the parameter table."""
    ov = {v: i for i, v in enumerate(model.ov_names)}
    starts: dict[int, float] = {}
    lam_sq = np.zeros(len(ov))
    for f in model.lv_names:
        loads = [(k, r) for k, r in enumerate(rows) if r["op"] == "=~" and r["lhs"] == f]
        if not loads:
            continue
        load = _indicator_loadings(cov, [ov[r["rhs"]] for _, r in loads])
        var_pos = next((k for k, r in enumerate(rows) if r["op"] == "~~" and r["lhs"] == f
                        and r["rhs"] == f), None)
        psi, scale = _factor_scale(load, [r for _, r in loads],
                                   rows[var_pos] if var_pos is not None else None)
        for (k, row), a in zip(loads, load, strict=True):
            starts[k] = a / scale
            lam_sq[ov[row["rhs"]]] += (a / scale) ** 2 * psi
        if var_pos is not None:
            starts[var_pos] = psi
    out = []
    for k, row in enumerate(rows):
        if k in starts:
            out.append(starts[k])
        elif row["op"] == "~~" and row["lhs"] == row["rhs"] and row["lhs"] in ov:
            i = ov[row["lhs"]]
            out.append(max(cov[i, i] - lam_sq[i], 0.5 * cov[i, i]))
        elif row["op"] == "~1" and row["lhs"] in ov:
            out.append(mean[ov[row["lhs"]]])
        elif row["op"] == "~~" and row["lhs"] == row["rhs"]:
            out.append(0.05)
        else:
            out.append(0.0)
    return out


def start_values(table: pd.DataFrame, model: MatrixModel, covs: list[np.ndarray],
                 means: list[np.ndarray]) -> np.ndarray:
    """Starting parameter vector; a user's ``start(v)`` modifier wins."""
    rows = records(table, ["lhs", "op", "rhs", "group", "free", "ustart"])
    values = np.zeros(len(table))
    groups = table["group"].to_numpy()
    for g in range(model.ngroups):
        pos = np.flatnonzero(groups == g + 1)
        values[pos] = _group_starts([rows[i] for i in pos], model, covs[g], means[g])
    user = table["start"].to_numpy(dtype=float)
    values = np.where(np.isnan(user), values, user)
    return model.x_from_partable(values)


def _solve(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    try:
        return -np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        return -np.linalg.lstsq(hess, grad, rcond=None)[0]


def _bfgs_update(hess: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    sy = s @ y
    hs = hess @ s
    if sy <= 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
        return hess
    return hess - np.outer(hs, hs) / (s @ hs) + np.outer(y, y) / sy


def _line_search(model, x, step, fun, blocks, meanstructure, ntotal):
    """Halve the step until ``f`` does not increase (allowing rounding at the optimum);
    returns the step, ``f`` and the gradient there (``None`` step if none is found)."""
    slack = 1e-12 * max(1.0, abs(fun))
    for _ in range(30):
        new, grad = objective_and_gradient(model, x + step, blocks, meanstructure, ntotal)
        if np.isfinite(new) and new <= fun + slack:
            return step, new, grad
        step = step / 2.0
    return None, fun, None


def optimise(model: MatrixModel, x0: np.ndarray, blocks: list[Patterns], meanstructure: bool,
             nobs: list[int], max_iter: int = 500, tol: float = 1e-9,
             polish_iter: int = 2000, switch: float = 1e-3) -> tuple[np.ndarray, int, bool]:
    """Minimise ``f(x)`` from ``x0``; return ``(x, iterations, converged)``.

    Fisher scoring ``x <- x - H^-1 grad f`` with ``H = 2 I`` (``I`` the expected
    information per case) while the largest gradient exceeds ``switch``; then BFGS
    updates of ``H`` for superlinear convergence; step halving throughout. A scipy
    BFGS run takes over if this stalls.
    """
    ntotal = sum(nobs)
    x = np.asarray(x0, dtype=float).copy()
    fun = objective(model, x, blocks, meanstructure, ntotal)
    if not np.isfinite(fun):
        raise ValueError("cfa: the starting values give a non positive definite implied "
                         "covariance matrix; give start(...) values in the model")
    grad = objective_gradient(model, x, blocks, meanstructure, ntotal)
    hess = None
    for iteration in range(1, max_iter + 1):
        if np.max(np.abs(grad)) < tol:
            return x, iteration, True
        if hess is None or np.max(np.abs(grad)) > switch:
            hess = 2.0 * expected_information(model, x, nobs, meanstructure) / ntotal
        step, new, new_grad = _line_search(model, x, _solve(hess, grad), fun, blocks,
                                           meanstructure, ntotal)
        if step is None:
            break
        hess = _bfgs_update(hess, step, new_grad - grad)
        x, fun, grad = x + step, new, new_grad
    return _polish(model, x, blocks, meanstructure, ntotal, tol, polish_iter)


def _polish(model, x, blocks, meanstructure, ntotal, tol, max_iter):
    def fun(z):
        return objective(model, z, blocks, meanstructure, ntotal)

    def jac(z):
        return objective_gradient(model, z, blocks, meanstructure, ntotal)

    res = optimize.minimize(fun, x, jac=jac, method="BFGS",
                            options={"gtol": tol, "maxiter": max_iter})
    grad = jac(res.x)
    converged = bool(np.max(np.abs(grad)) < 1e-6)
    if not converged:
        warnings.warn(f"cfa: the optimiser did not converge (largest gradient "
                      f"{np.max(np.abs(grad)):.2e}); results are unreliable. Check the model "
                      "for misspecification or give better start(...) values.",
                      ConvergenceWarning, stacklevel=4)
    return res.x, int(res.nit), converged
