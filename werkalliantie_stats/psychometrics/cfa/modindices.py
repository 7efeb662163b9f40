"""Modification indices and expected parameter changes (score tests), as lavaan.

Every parameter that the model fixes at zero and that lavaan's ``modindices()``
considers (cross-loadings ``f =~ x``, residual covariances ``x ~~ y``, factor
covariances fixed at zero) is added to the model as a free parameter at value 0.
With ``g`` the gradient of the ML function ``f`` (``f = -2 logL / N + const``) and
``I`` the expected information per case of the augmented model (lavaan's default
``information="expected"``, also for MLR; by missing-data pattern for FIML),
partitioned into added (1) and model (2) parameters,

    V   = I_11 - I_12 I_22^-1 I_21,
    MI  = N (g_1 / 2)^2 / diag(V),          (a 1-df score test)
    EPC = -(g_1 / 2) / diag(V)              (one Newton step for the added parameter).

``sepc_lv`` and ``sepc_all`` standardise the EPC as the parameter would be standardised
with the fitted model's standard deviations (lavaan's ``sepc.lv``, ``sepc.all``):
cross-loadings by ``sd(f)`` and ``sd(f)/sd(x)``, residual covariances by the residual
standard deviations, factor covariances by the factor standard deviations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import FitState
from .matrices import MatrixModel
from .ml import complete_blocks, objective_gradient, pattern_blocks, pattern_expected_information

__all__ = ["candidate_rows", "modification_indices", "standardized_epc"]


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


def _candidates(state: FitState) -> pd.DataFrame:
    model = state.model
    out = candidate_rows(state.table, model.ov_names, model.lv_names, model.ngroups)
    out["free"] = model.npar + np.arange(1, len(out) + 1)
    out["ustart"] = 0.0
    out["label"] = ""
    return out


def _blocks(state: FitState):
    if state.missing == "fiml":
        return pattern_blocks(state.groups)
    return complete_blocks(state.groups)


def standardized_epc(extra: pd.DataFrame, epc: np.ndarray, state: FitState
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``sepc_lv`` and ``sepc_all`` of each added parameter (see the module docstring)."""
    sepc_lv, sepc_all = np.empty(len(epc)), np.empty(len(epc))
    mats = [state.model.matrices(state.x, g) for g in range(state.model.ngroups)]
    lv = {f: i for i, f in enumerate(state.model.lv_names)}
    ov = {v: i for i, v in enumerate(state.model.ov_names)}
    for k, (lhs, op, rhs, g) in enumerate(zip(extra["lhs"], extra["op"], extra["rhs"],
                                               extra["group"], strict=True)):
        m = mats[g - 1]
        if op == "=~":
            sd_f = np.sqrt(m.psi[lv[lhs], lv[lhs]])
            sepc_lv[k] = epc[k] * sd_f
            sepc_all[k] = sepc_lv[k] / np.sqrt(m.implied_cov()[ov[rhs], ov[rhs]])
        elif lhs in lv:
            sepc_lv[k] = sepc_all[k] = epc[k] / np.sqrt(m.psi[lv[lhs], lv[lhs]]
                                                        * m.psi[lv[rhs], lv[rhs]])
        else:
            sepc_lv[k] = epc[k]
            sepc_all[k] = epc[k] / np.sqrt(m.theta[ov[lhs], ov[lhs]] * m.theta[ov[rhs], ov[rhs]])
    return sepc_lv, sepc_all


def modification_indices(state: FitState) -> pd.DataFrame:
    """Modification indices of every omitted parameter (see module docstring)."""
    extra = _candidates(state)
    if extra.empty:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all"])
    base = state.table[["lhs", "op", "rhs", "group", "free", "ustart", "label"]]
    table = pd.concat([base, extra], ignore_index=True)
    model = MatrixModel(table, state.model.ov_names, state.model.lv_names)
    x = np.concatenate([state.x, np.zeros(len(extra))])
    n = sum(state.nobs)
    blocks = _blocks(state)
    grad = objective_gradient(model, x, blocks, state.meanstructure, n)
    info = pattern_expected_information(model, x, blocks, state.meanstructure) / n
    k = state.model.npar
    v = info[k:, k:] - info[k:, :k] @ np.linalg.solve(info[:k, :k], info[:k, k:])
    score = grad[k:] / 2.0
    v_diag = np.diag(v).copy()
    v_diag[v_diag < np.finfo(float).eps ** (1 / 3)] = np.nan
    mi = n * score**2 / v_diag
    epc = -score / v_diag
    out = extra[["lhs", "op", "rhs", "group"]].copy()
    out["mi"], out["epc"] = mi, epc
    out["sepc_lv"], out["sepc_all"] = standardized_epc(extra, epc, state)
    if model.ngroups == 1:
        out = out.drop(columns="group")
    return out.reset_index(drop=True)
