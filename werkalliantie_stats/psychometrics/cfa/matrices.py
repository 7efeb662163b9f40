"""Parameter table -> LISREL matrices, implied moments and their derivatives.

For each group the measurement model is ``y = nu + Lambda eta + eps`` with
``Cov(eta) = Psi``, ``E(eta) = alpha`` and ``Cov(eps) = Theta``, so that

    Sigma = Lambda Psi Lambda' + Theta,    mu = nu + Lambda alpha.

:class:`MatrixModel` holds, for every group, the fixed values of the matrices and the
map from each free parameter (an index into the estimation vector ``x``) to its
``(matrix, row, col)`` cells; rows of the parameter table that share a label share an
index, which imposes equality constraints. It gives the matrices for any ``x``
(:meth:`MatrixModel.matrices`), the implied moments and their analytic Jacobians.
The ordinal (DWLS) estimator reuses the same map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["GroupMatrices", "MatrixModel", "cell_map"]

_MATRICES = ("lambda", "theta", "psi", "nu", "alpha")


@dataclass(frozen=True)
class GroupMatrices:
    """The model matrices of one group."""

    lambda_: np.ndarray
    theta: np.ndarray
    psi: np.ndarray
    nu: np.ndarray
    alpha: np.ndarray

    def implied_cov(self) -> np.ndarray:
        """Sigma = Lambda Psi Lambda' + Theta."""
        return self.lambda_ @ self.psi @ self.lambda_.T + self.theta

    def implied_mean(self) -> np.ndarray:
        """mu = nu + Lambda alpha."""
        return self.nu + self.lambda_ @ self.alpha


def _cell(row: pd.Series, ov_index: dict, lv_index: dict) -> tuple[str, int, int]:
    op, lhs, rhs = row["op"], row["lhs"], row["rhs"]
    if op == "=~":
        return "lambda", ov_index[rhs], lv_index[lhs]
    if op == "~1":
        return ("alpha", lv_index[lhs], 0) if lhs in lv_index else ("nu", ov_index[lhs], 0)
    if lhs in lv_index:
        return "psi", lv_index[lhs], lv_index[rhs]
    return "theta", ov_index[lhs], ov_index[rhs]


def cell_map(partable: pd.DataFrame, ov_names: list[str], lv_names: list[str]) -> pd.DataFrame:
    """Parameter table rows -> ``(group, matrix, row, col, free)`` (0-based cells).

    ``free`` is the 1-based index into the estimation vector, 0 for a fixed cell.
    """
    ov_index = {v: i for i, v in enumerate(ov_names)}
    lv_index = {f: j for j, f in enumerate(lv_names)}
    cells = [_cell(r, ov_index, lv_index) for _, r in partable.iterrows()]
    return pd.DataFrame({"group": partable["group"].to_numpy(),
                         "matrix": [c[0] for c in cells],
                         "row": [c[1] for c in cells], "col": [c[2] for c in cells],
                         "free": partable["free"].to_numpy(),
                         "value": partable["ustart"].to_numpy(dtype=float)})


class MatrixModel:
    """Free-parameter <-> matrix-cell map for all groups, with implied moments.

    Parameters
    ----------
    partable : DataFrame
        The parameter table from :func:`build_partable`.
    ov_names, lv_names : list of str
        Observed and latent variable names (matrix row/column order).
    """

    def __init__(self, partable: pd.DataFrame, ov_names: list[str], lv_names: list[str]):
        self.ov_names = list(ov_names)
        self.lv_names = list(lv_names)
        self.ngroups = int(partable["group"].max())
        self.npar = int(partable["free"].max())
        self.cells = cell_map(partable, self.ov_names, self.lv_names)
        p, m = len(ov_names), len(lv_names)
        self._shapes = {"lambda": (p, m), "theta": (p, p), "psi": (m, m),
                        "nu": (p, 1), "alpha": (m, 1)}
        self._templates = [self._template(g) for g in range(1, self.ngroups + 1)]
        self._free = [self._free_cells(g) for g in range(1, self.ngroups + 1)]

    def _template(self, group: int) -> dict[str, np.ndarray]:
        out = {k: np.zeros(s) for k, s in self._shapes.items()}
        fixed = self.cells[(self.cells["group"] == group) & (self.cells["free"] == 0)]
        for mat, r, c, v in zip(fixed["matrix"], fixed["row"], fixed["col"], fixed["value"],
                                strict=True):
            out[mat][r, c] = v
            if mat in ("theta", "psi"):
                out[mat][c, r] = v
        return out

    def _free_cells(self, group: int) -> dict[str, tuple[np.ndarray, ...]]:
        sub = self.cells[(self.cells["group"] == group) & (self.cells["free"] > 0)]
        out = {}
        for mat in _MATRICES:
            s = sub[sub["matrix"] == mat]
            out[mat] = (s["row"].to_numpy(), s["col"].to_numpy(), s["free"].to_numpy() - 1)
        return out

    def matrices(self, x: np.ndarray, group: int = 0) -> GroupMatrices:
        """Model matrices of group ``group`` (0-based) at parameter vector ``x``."""
        mats = {k: v.copy() for k, v in self._templates[group].items()}
        for mat, (rows, cols, idx) in self._free[group].items():
            mats[mat][rows, cols] = x[idx]
            if mat in ("theta", "psi"):
                mats[mat][cols, rows] = x[idx]
        return GroupMatrices(mats["lambda"], mats["theta"], mats["psi"],
                             mats["nu"][:, 0], mats["alpha"][:, 0])

    def jacobian(self, x: np.ndarray, group: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Derivatives of Sigma (p x p x npar) and mu (p x npar) with respect to ``x``."""
        mats = self.matrices(x, group)
        lam, psi = mats.lambda_, mats.psi
        p = lam.shape[0]
        d_sigma = np.zeros((p, p, self.npar))
        d_mu = np.zeros((p, self.npar))
        psi_lam_t = psi @ lam.T
        rows, cols, idx = self._free[group]["lambda"]
        for i, j, k in zip(rows, cols, idx, strict=False):
            d_sigma[i, :, k] += psi_lam_t[j]
            d_sigma[:, i, k] += psi_lam_t[j]
            d_mu[i, k] += mats.alpha[j]
        rows, cols, idx = self._free[group]["psi"]
        for j, h, k in zip(rows, cols, idx, strict=False):
            outer = np.outer(lam[:, j], lam[:, h])
            d_sigma[:, :, k] += outer if j == h else outer + outer.T
        rows, cols, idx = self._free[group]["theta"]
        for i, h, k in zip(rows, cols, idx, strict=False):
            d_sigma[i, h, k] += 1.0
            if i != h:
                d_sigma[h, i, k] += 1.0
        rows, _, idx = self._free[group]["nu"]
        for i, k in zip(rows, idx, strict=False):
            d_mu[i, k] += 1.0
        rows, _, idx = self._free[group]["alpha"]
        for j, k in zip(rows, idx, strict=False):
            d_mu[:, k] += lam[:, j]
        return d_sigma, d_mu

    def x_from_partable(self, values: np.ndarray) -> np.ndarray:
        """Collapse per-row values into the parameter vector (first row of each index)."""
        x = np.zeros(self.npar)
        free = self.cells["free"].to_numpy()
        for value, k in zip(values, free, strict=False):
            if k > 0:
                x[k - 1] = value
        return x

    def partable_values(self, x: np.ndarray) -> np.ndarray:
        """Per-row values: ``x`` for free rows, the fixed value otherwise."""
        free = self.cells["free"].to_numpy()
        fixed = self.cells["value"].to_numpy(dtype=float)
        return np.where(free > 0, x[np.maximum(free - 1, 0)], fixed)
