"""Standardised solutions (lavaan's ``std.lv`` and ``std.all``) and R-squared.

``std_lv`` rescales the factors to unit variance: loadings ``lambda_ij sqrt(psi_jj)``,
factor (co)variances ``psi_jk / sqrt(psi_jj psi_kk)``, factor means
``alpha_j / sqrt(psi_jj)``. ``std_all`` also rescales the indicators by their implied
standard deviations ``sqrt(sigma_ii)``: loadings ``lambda_ij sqrt(psi_jj / sigma_ii)``,
residual variances ``theta_ii / sigma_ii``, residual covariances as correlations of
the residuals ``theta_ik / sqrt(theta_ii theta_kk)`` (as lavaan), intercepts
``nu_i / sqrt(sigma_ii)``. R-squared of indicator i is ``1 - theta_ii / sigma_ii``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .matrices import MatrixModel

__all__ = ["r_squared", "standardized_values"]


def _row_std(op, lhs, rhs, value, lv_sd, ov_sd, res_sd):
    if op == "=~":
        return value * lv_sd[lhs], value * lv_sd[lhs] / ov_sd[rhs]
    if op == "~1":
        if lhs in lv_sd:
            return value / lv_sd[lhs], value / lv_sd[lhs]
        return value, value / ov_sd[lhs]
    if lhs in lv_sd:
        std = value / (lv_sd[lhs] * lv_sd[rhs])
        return std, std
    if lhs == rhs:
        return value, value / ov_sd[lhs] ** 2
    return value, value / (res_sd[lhs] * res_sd[rhs])


def _sd_map(names: list[str], cov: np.ndarray) -> dict[str, float]:
    return dict(zip(names, np.sqrt(np.clip(np.diag(cov), 0, None)), strict=True))


def standardized_values(model: MatrixModel, table: pd.DataFrame, x: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Per-row ``std_lv`` and ``std_all`` values of the parameter table at ``x``."""
    values = model.partable_values(x)
    std_lv, std_all = np.empty(len(table)), np.empty(len(table))
    sds = []
    for g in range(model.ngroups):
        mats = model.matrices(x, g)
        lv_sd = _sd_map(model.lv_names, mats.psi)
        ov_sd = _sd_map(model.ov_names, mats.implied_cov())
        res_sd = _sd_map(model.ov_names, mats.theta)
        sds.append((lv_sd, ov_sd, res_sd))
    for pos, (op, lhs, rhs, group) in enumerate(zip(table["op"], table["lhs"], table["rhs"],
                                                    table["group"], strict=False)):
        with np.errstate(divide="ignore", invalid="ignore"):
            std_lv[pos], std_all[pos] = _row_std(op, lhs, rhs, values[pos], *sds[group - 1])
    return std_lv, std_all


def r_squared(model: MatrixModel, x: np.ndarray) -> pd.DataFrame:
    """R-squared of every indicator, one column per group (``1 - theta_ii / sigma_ii``)."""
    cols = {}
    for g in range(model.ngroups):
        mats = model.matrices(x, g)
        cols[g + 1] = 1.0 - np.diag(mats.theta) / np.diag(mats.implied_cov())
    return pd.DataFrame(cols, index=pd.Index(model.ov_names, name="indicator"))
