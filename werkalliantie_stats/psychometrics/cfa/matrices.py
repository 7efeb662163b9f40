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

__all__ = ["GroupMatrices", "MatrixModel", "cell_map", "records"]


def records(table: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows of ``table`` as dicts of plain Python values (faster than ``to_dict``)."""
    values = [table[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]

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


def _cell(row: dict, ov_index: dict, lv_index: dict) -> tuple[str, int, int]:
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
    cells = [_cell(r, ov_index, lv_index)
             for r in records(partable, ["lhs", "op", "rhs"])]
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
        arrays = {c: self.cells[c].to_numpy() for c in self.cells.columns}
        self._templates = [self._template(arrays, g) for g in range(1, self.ngroups + 1)]
        self._free = [self._free_cells(arrays, g) for g in range(1, self.ngroups + 1)]

    def _template(self, cells: dict, group: int) -> dict[str, np.ndarray]:
        out = {k: np.zeros(s) for k, s in self._shapes.items()}
        pick = (cells["group"] == group) & (cells["free"] == 0)
        for mat, r, c, v in zip(cells["matrix"][pick], cells["row"][pick], cells["col"][pick],
                                cells["value"][pick], strict=True):
            out[mat][r, c] = v
            if mat in ("theta", "psi"):
                out[mat][c, r] = v
        return out

    @staticmethod
    def _free_cells(cells: dict, group: int) -> dict[str, tuple[np.ndarray, ...]]:
        base = (cells["group"] == group) & (cells["free"] > 0)
        out = {}
        for mat in _MATRICES:
            pick = base & (cells["matrix"] == mat)
            out[mat] = (cells["row"][pick].astype(int), cells["col"][pick].astype(int),
                        cells["free"][pick].astype(int) - 1)
        return out

    @property
    def is_nonlinear(self) -> bool:
        """Whether Sigma or mu is nonlinear in ``x`` (a free loading exists)."""
        return any(len(free["lambda"][2]) for free in self._free)

    def matrices(self, x: np.ndarray, group: int = 0) -> GroupMatrices:
        """Model matrices of group ``group`` (0-based) at parameter vector ``x``."""
        mats = {k: v.copy() for k, v in self._templates[group].items()}
        for mat, (rows, cols, idx) in self._free[group].items():
            mats[mat][rows, cols] = x[idx]
            if mat in ("theta", "psi"):
                mats[mat][cols, rows] = x[idx]
        return GroupMatrices(mats["lambda"], mats["theta"], mats["psi"],
                             mats["nu"][:, 0], mats["alpha"][:, 0])

    def batch_matrices(self, xs: np.ndarray, group: int = 0) -> dict[str, np.ndarray]:
        """Model matrices of group ``group`` for a stack of parameter vectors.

        ``xs`` is ``(B, npar)``; returns ``lambda`` (B, p, m), ``theta`` (B, p, p),
        ``psi`` (B, m, m), ``nu`` (B, p) and ``alpha`` (B, m).
        """
        nb = xs.shape[0]
        mats = {k: np.repeat(v[None], nb, axis=0) for k, v in self._templates[group].items()}
        for mat, (rows, cols, idx) in self._free[group].items():
            mats[mat][:, rows, cols] = xs[:, idx]
            if mat in ("theta", "psi"):
                mats[mat][:, cols, rows] = xs[:, idx]
        mats["nu"], mats["alpha"] = mats["nu"][:, :, 0], mats["alpha"][:, :, 0]
        return mats

    def free_cells(self, group: int = 0) -> dict[str, tuple[np.ndarray, ...]]:
        """Per matrix: ``(rows, cols, index)`` of the free cells of group ``group``."""
        return self._free[group]

    def jacobian(self, x: np.ndarray, group: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Derivatives of Sigma (p x p x npar) and mu (p x npar) with respect to ``x``."""
        mats = self.matrices(x, group)
        lam, psi = mats.lambda_, mats.psi
        p = lam.shape[0]
        cols = np.arange(p)[None, :]
        d_sigma = np.zeros((p, p, self.npar))
        d_mu = np.zeros((p, self.npar))
        free = self._free[group]
        i, j, k = free["lambda"]
        if len(k):
            rows = (psi @ lam.T)[j]
            np.add.at(d_sigma, (i[:, None], cols, k[:, None]), rows)
            np.add.at(d_sigma, (cols, i[:, None], k[:, None]), rows)
            np.add.at(d_mu, (i, k), mats.alpha[j])
        j, h, k = free["psi"]
        if len(k):
            outer = np.einsum("an,bn->abn", lam[:, j], lam[:, h])
            outer = outer + np.where(j != h, 1.0, 0.0) * outer.transpose(1, 0, 2)
            np.add.at(d_sigma.transpose(2, 0, 1), k, outer.transpose(2, 0, 1))
        i, h, k = free["theta"]
        if len(k):
            np.add.at(d_sigma, (i, h, k), 1.0)
            off = i != h
            np.add.at(d_sigma, (h[off], i[off], k[off]), 1.0)
        i, _, k = free["nu"]
        np.add.at(d_mu, (i, k), 1.0)
        j, _, k = free["alpha"]
        if len(k):
            np.add.at(d_mu.T, k, lam[:, j].T)
        return d_sigma, d_mu

    def curvature(self, x: np.ndarray, group: int, g_sigma: np.ndarray,
                  g_mu: np.ndarray | None) -> np.ndarray:
        """``sum_ab G_ab d2Sigma_ab/dx_k dx_l + g_mu' d2mu/dx_k dx_l`` (npar x npar).

        Nonzero only for loading-loading (``2 G_ii' psi_jj'``), loading-factor
        (co)variance (``2 (G Lambda)_ib`` for each cell ``(j, b)`` of ``dPsi``) and
        loading-factor mean (``g_mu,i``) pairs.
        """
        mats = self.matrices(x, group)
        free = self._free[group]
        out = np.zeros((self.npar, self.npar))
        i, j, k = free["lambda"]
        if not len(k):
            return out
        np.add.at(out, (k[:, None], k[None, :]),
                  2.0 * g_sigma[np.ix_(i, i)] * mats.psi[np.ix_(j, j)])
        g_lam = g_sigma @ mats.lambda_
        for a, b, kp in zip(*free["psi"], strict=True):
            cells = [(a, b)] if a == b else [(a, b), (b, a)]
            value = sum(2.0 * (j == c) * g_lam[i, d] for c, d in cells)
            np.add.at(out, (k, np.full(len(k), kp)), value)
            np.add.at(out, (np.full(len(k), kp), k), value)
        if g_mu is not None:
            for a, _, kp in zip(*free["alpha"], strict=True):
                value = (j == a) * g_mu[i]
                np.add.at(out, (k, np.full(len(k), kp)), value)
                np.add.at(out, (np.full(len(k), kp), k), value)
        return out

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
