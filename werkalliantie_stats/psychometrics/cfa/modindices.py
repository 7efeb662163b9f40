"""Modification indices and expected parameter changes (score tests), as lavaan.

As lavaan's ``modindices()``: the fixed rows of the parameter table (marker loadings,
fixed covariances, intercepts and means; not fixed variances) are freed at their fixed
values and every omitted parameter (cross-loadings ``f =~ x``, residual covariances
``x ~~ y``, factor covariances) is added at value 0; rows that are not identified when
freed (``diag(V) < eps^(1/3)``, e.g. a marker loading of a single-group model) are
dropped. Rows in lavaan's order: freed fixed rows, then the omitted ones.
With ``g`` the gradient of the ML function ``f`` (``f = -2 logL / N + const``) and
``I`` the expected information per case of the augmented model (lavaan's default
``information="expected"``, also for MLR; by missing-data pattern for FIML),
partitioned into added (1) and model (2) parameters,

    V   = I_11 - I_12 I_22^-1 I_21,
    MI  = N (g_1 / 2)^2 / diag(V),          (a 1-df score test)
    EPC = -(g_1 / 2) / diag(V)              (one Newton step for the added parameter).

``sepc_lv`` and ``sepc_all`` standardise the EPC as the parameter would be standardised
with the fitted model's standard deviations (lavaan's ``sepc.lv``, ``sepc.all``; see
:func:`standardized_epc`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import FitState
from .matrices import MatrixModel
from .ml import complete_blocks, objective_gradient, pattern_blocks, pattern_expected_information

__all__ = ["candidate_rows", "lavaan_order", "modification_indices", "standardized_epc"]


def candidate_rows(table: pd.DataFrame, ov_names: list[str], lv_names: list[str],
                   ngroups: int) -> pd.DataFrame:
    """The omitted parameters that lavaan's ``modindices()`` reports: per group the
    cross-loadings ``f =~ x``, factor covariances ``f ~~ g`` and residual covariances
    ``x ~~ y`` that are not rows of ``table``."""
    have = set(zip(table["lhs"], table["op"], table["rhs"], table["group"], strict=True))
    have |= {(r, o, lh, g) for lh, o, r, g in have if o == "~~"}
    rows = []
    for g in range(1, ngroups + 1):
        for f in lv_names:
            rows += [(f, "=~", v, g) for v in ov_names if (f, "=~", v, g) not in have]
        for names in (lv_names, ov_names):
            for i, a in enumerate(names):
                rows += [(a, "~~", b, g) for b in names[i + 1:] if (a, "~~", b, g) not in have]
    return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "group"])


def lavaan_order(extra: pd.DataFrame, ov_names: list[str]) -> pd.DataFrame:
    """lavaan's order of added rows within a group (``lav_partable_full``): loadings,
    covariances of observed variables (or latent responses), factor covariances."""
    rank = np.where(extra["op"] == "=~", 0, np.where(extra["lhs"].isin(ov_names), 1, 2))
    return (extra.assign(_rank=rank, _pos=np.arange(len(extra)))
            .sort_values(["group", "_rank", "_pos"]).drop(columns=["_rank", "_pos"])
            .reset_index(drop=True))


def _fixed_rows(table: pd.DataFrame) -> np.ndarray:
    """Fixed rows lavaan frees for the test (``lav_object_extended(all.free = TRUE)``):
    marker loadings, fixed covariances and intercepts/means. Fixed variances are left
    out: lavaan standardises their EPC through the estimate (its ``cov.std``), and freeing
    a marker-identified factor's variance is never identified anyway."""
    ops = table["op"].isin(["=~", "~~", "~1"]) & ~((table["op"] == "~~")
                                                    & (table["lhs"] == table["rhs"]))
    return ((table["free"] == 0) & ops).to_numpy()


def _extended(state: FitState) -> tuple[pd.DataFrame, MatrixModel, np.ndarray]:
    model = state.model
    table = state.table[["lhs", "op", "rhs", "group", "free", "ustart", "label"]].copy()
    fixed = _fixed_rows(table)
    omitted = lavaan_order(candidate_rows(state.table, model.ov_names, model.lv_names,
                                          model.ngroups), model.ov_names)
    n_fixed = int(fixed.sum())
    table.loc[fixed, "free"] = model.npar + np.arange(1, n_fixed + 1)
    rows = pd.concat([table.loc[fixed, ["lhs", "op", "rhs", "group"]], omitted],
                     ignore_index=True)
    omitted = omitted.assign(free=model.npar + n_fixed + np.arange(1, len(omitted) + 1),
                             ustart=0.0, label="")
    extended = MatrixModel(pd.concat([table, omitted], ignore_index=True), model.ov_names,
                           model.lv_names)
    x = np.concatenate([state.x, table.loc[fixed, "ustart"].to_numpy(dtype=float),
                        np.zeros(len(omitted))])
    return rows, extended, x


def _blocks(state: FitState):
    if state.missing == "fiml":
        return pattern_blocks(state.groups)
    return complete_blocks(state.groups)


def standardized_epc(extra: pd.DataFrame, epc: np.ndarray, state: FitState
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``sepc_lv`` and ``sepc_all`` of each tested parameter, as lavaan: loadings by
    ``sd(f)`` and ``sd(f)/sd(x)``; covariances of observed variables (latent responses) by
    the residual sds (``sepc_lv`` unchanged); factor covariances by the factor sds; an
    intercept by ``sd(x)`` (``sepc_lv`` unchanged); a factor mean by ``sd(f)``; a scale
    factor ``~*~`` keeps its EPC with ``sepc_all = sign(EPC)``."""
    sepc_lv, sepc_all = np.array(epc, dtype=float), np.array(epc, dtype=float)
    mats = [state.model.matrices(state.x, g) for g in range(state.model.ngroups)]
    lv = {f: i for i, f in enumerate(state.model.lv_names)}
    ov = {v: i for i, v in enumerate(state.model.ov_names)}
    for k, (lhs, op, rhs, g) in enumerate(zip(extra["lhs"], extra["op"], extra["rhs"],
                                               extra["group"], strict=True)):
        m = mats[g - 1]
        if op == "=~":
            sepc_lv[k] = epc[k] * np.sqrt(m.psi[lv[lhs], lv[lhs]])
            sepc_all[k] = sepc_lv[k] / np.sqrt(m.implied_cov()[ov[rhs], ov[rhs]])
        elif op == "~*~":
            sepc_all[k] = np.sign(epc[k])
        elif op == "~1" and lhs in lv:
            sepc_lv[k] = sepc_all[k] = epc[k] / np.sqrt(m.psi[lv[lhs], lv[lhs]])
        elif op == "~1":
            sepc_all[k] = epc[k] / np.sqrt(m.implied_cov()[ov[lhs], ov[lhs]])
        elif lhs in lv:
            sepc_lv[k] = sepc_all[k] = epc[k] / np.sqrt(m.psi[lv[lhs], lv[lhs]]
                                                        * m.psi[lv[rhs], lv[rhs]])
        else:
            sepc_all[k] = epc[k] / np.sqrt(m.theta[ov[lhs], ov[lhs]] * m.theta[ov[rhs], ov[rhs]])
    return sepc_lv, sepc_all


def modification_indices(state: FitState) -> pd.DataFrame:
    """Modification indices of every tested parameter (see module docstring)."""
    rows, model, x = _extended(state)
    if rows.empty:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all"])
    n = sum(state.nobs)
    blocks = _blocks(state)
    grad = objective_gradient(model, x, blocks, state.meanstructure, n)
    info = pattern_expected_information(model, x, blocks, state.meanstructure) / n
    k = state.model.npar
    v = info[k:, k:] - info[k:, :k] @ np.linalg.solve(info[:k, :k], info[:k, k:])
    score = grad[k:] / 2.0
    v_diag = np.diag(v).copy()
    v_diag[v_diag < np.finfo(float).eps ** (1 / 3)] = np.nan
    out = rows.copy()
    out["mi"], out["epc"] = n * score**2 / v_diag, -score / v_diag
    out = out[~np.isnan(out["mi"].to_numpy())].reset_index(drop=True)
    out["sepc_lv"], out["sepc_all"] = standardized_epc(out, out["epc"].to_numpy(), state)
    if model.ngroups == 1:
        out = out.drop(columns="group")
    return out
