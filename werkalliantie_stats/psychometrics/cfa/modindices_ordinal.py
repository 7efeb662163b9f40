"""Modification indices of ordinal (WLSMV) fits, as lavaan's ``modindices()`` for DWLS.

As lavaan, the test frees every fixed row of the parameter table (marker loadings, item
intercepts, factor means, scale factors ``~*~``, user-fixed covariances; not fixed
variances, see :mod:`~.modindices`) at its fixed value, and adds every omitted parameter
(cross-loadings, covariances between the latent responses of two items, factor
covariances; see :func:`~.modindices.candidate_rows`) at 0. Residual variances of
ordered items are not parameters in the delta parameterisation and are never tested.

With ``Delta`` the Jacobian of the implied thresholds and polychorics (the extended
model's, at the estimates), ``W_g`` the DWLS weights, ``s - sigma`` the residuals and
``f_g = N_g / N``, lavaan's DWLS gradient and expected information are

    g = -sum_g ((N_g - 1) / N) Delta_g' W_g (s_g - sigma_g),
    I = sum_g f_g Delta_g' W_g Delta_g,

partitioned into added (1) and model (2) parameters:

    V   = I_11 - I_12 I_22^-1 I_21,
    MI  = N g_1^2 / diag(V),
    EPC = -g_1 / diag(V).

Rows with ``diag(V) < eps^(1/3)`` (not identified when freed, e.g. a marker loading
or, without equal thresholds, an intercept) are dropped, as lavaan does. ``sepc_lv`` and
``sepc_all`` standardise the EPC with the fitted model's factor and latent-response
standard deviations (residual covariances by the residual standard deviations
``theta_ii = 1 / delta_i^2 - communality``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dwls import DWLSResult, _stack
from .engine import FitState
from .modindices import candidate_rows, lavaan_order, standardized_epc

__all__ = ["ordinal_modification_indices"]

_COLUMNS = ["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all"]
_FREEABLE = ("=~", "~~", "~1", "~*~")


def _tested_rows(fit: DWLSResult, state: FitState) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows lavaan frees (fixed rows of the table, then omitted parameters) and the
    boolean pick of the fixed ones in the fit's table. Fixed variances are left out:
    residual variances of ordered items are not parameters in the delta
    parameterisation, and a fixed factor variance is treated as in the ML path
    (:func:`~.modindices.modification_indices`)."""
    table = fit.model.table
    variance = (table["op"] == "~~") & (table["lhs"] == table["rhs"])
    fixed = ((table["free"] == 0) & table["op"].isin(_FREEABLE) & ~variance).to_numpy()
    omitted = lavaan_order(candidate_rows(state.table, state.model.ov_names,
                                           state.model.lv_names, state.model.ngroups),
                            fit.model.ov_names)
    rows = pd.concat([table.loc[fixed, ["lhs", "op", "rhs", "group"]], omitted],
                     ignore_index=True)
    return rows, fixed


def _extended_model(fit: DWLSResult, state: FitState):
    """The fitted model's class with the tested rows freed, and its parameter vector
    (estimates, then the fixed values, then zeros)."""
    rows, fixed = _tested_rows(fit, state)
    table = fit.model.table.copy()
    n_fixed = int(fixed.sum())
    start = fit.model.n_free + 1
    table.loc[fixed, "free"] = np.arange(start, start + n_fixed)
    omitted = rows.iloc[n_fixed:].assign(
        free=np.arange(start + n_fixed, start + len(rows)), ustart=0.0, label="", user=10,
        start=np.nan)
    full = pd.concat([table, omitted[[c for c in table.columns if c in omitted.columns]]],
                     ignore_index=True)
    full["id"] = np.arange(1, len(full) + 1)
    model = type(fit.model)(full, fit.model.ov_names, fit.model.lv_names)
    x = np.concatenate([fit.theta, fit.model.table.loc[fixed, "ustart"].to_numpy(float),
                        np.zeros(len(rows) - n_fixed)])
    return rows, model, x


def _score_test(fit: DWLSResult, model, x: np.ndarray, n_model: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of the added parameters and ``diag(V)`` (see the module docstring)."""
    stack = _stack(fit.stats)
    jac = model.jacobian(x)
    resid = stack.vector - model.implied(x)
    grad = -jac.T @ (stack.objective_weights * resid) / stack.nobs
    info = jac.T @ (stack.v[:, None] * jac)
    k = n_model
    v = info[k:, k:] - info[k:, :k] @ np.linalg.solve(info[:k, :k], info[:k, k:])
    v_diag = np.diag(v).copy()
    v_diag[v_diag < np.finfo(float).eps ** (1 / 3)] = np.nan
    return grad[k:], v_diag


def ordinal_modification_indices(state: FitState, fit: DWLSResult) -> pd.DataFrame:
    """Modification indices of a WLSMV fit (lavaan's ``modindices()`` for DWLS).

    Parameters
    ----------
    state : FitState
        The fit's state (``CFAResult.state``): parameter table, matrices, estimates.
    fit : DWLSResult
        The underlying DWLS fit (``CFAResult.dwls_fit``).

    Returns
    -------
    pandas.DataFrame
        ``lhs, op, rhs, [group,] mi, epc, sepc_lv, sepc_all``, one row per tested
        parameter that is identified when freed, in lavaan's order.

    Notes
    -----
    The score test of lavaan's ``modindices()`` for DWLS (module docstring):
    :math:`\\mathrm{MI} = N g_1^2 / V_{11}` with :math:`V = I_{11} - I_{12} I_{22}^{-1}
    I_{21}` from the expected DWLS information :math:`I = \\sum_g f_g \\Delta_g' W_g
    \\Delta_g` of the extended model and :math:`g = -\\sum_g ((N_g - 1)/N) \\Delta_g' W_g
    (s_g - \\sigma_g)`; :math:`\\mathrm{EPC} = -g_1 / V_{11}`.

    References
    ----------
    1. Sörbom, D. (1989). Model modification. Psychometrika, 54, 371-384.
    2. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       Journal of Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.api import cfa
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(600, 2))
    >>> y = np.repeat(f, 3, axis=1) * 0.7 + 0.7 * rng.normal(size=(600, 6))
    >>> y[:, 2] += 0.5 * f[:, 1]
    >>> data = pd.DataFrame(np.digitize(y, [-0.6, 0.6]) + 1,
    ...                     columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = cfa(data, "A =~ a1 + a2 + a3\\nB =~ b1 + b2 + b3", estimator="WLSMV")
    >>> top = ordinal_modification_indices(res.state, res.dwls_fit)
    >>> top.sort_values("mi").iloc[-1][["lhs", "op", "rhs"]].tolist()  # In R: modindices(fit)
    ['B', '=~', 'a3']
    """
    rows, model, x = _extended_model(fit, state)
    if rows.empty:
        return pd.DataFrame(columns=_COLUMNS)
    grad, v_diag = _score_test(fit, model, x, fit.model.n_free)
    n = _stack(fit.stats).nobs
    out = rows.copy()
    out["mi"] = n * grad**2 / v_diag
    out["epc"] = -grad / v_diag
    out = out[~np.isnan(out["mi"].to_numpy())].reset_index(drop=True)
    out["sepc_lv"], out["sepc_all"] = standardized_epc(out, out["epc"].to_numpy(), state)
    if state.model.ngroups == 1:
        out = out.drop(columns="group")
    return out
