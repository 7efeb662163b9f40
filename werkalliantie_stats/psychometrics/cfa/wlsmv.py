"""``cfa(estimator="WLSMV")``: the parameter table wired to the ordinal building blocks.

The route is the engine's own: statements -> :func:`build_partable` (with lavaan's
categorical defaults added here) -> :class:`MatrixModel` cells -> the delta-parameterised
implied statistics (:func:`delta_implied`) and their Jacobian (:func:`compose_jacobian`)
-> :func:`fit_dwls` -> a :class:`CFAResult` in lavaan's shape.

lavaan's categorical defaults (``ordered=TRUE``, ``parameterization="delta"``): one free
threshold row ``x | t<k>`` per category boundary; residual variances of ordered items are
not parameters (they are ``1 - (Lambda Psi Lambda')_ii``, reported with se 0); intercepts
fixed at 0; scale factors ``x ~*~ x`` fixed at 1; factor means fixed at 0. Row order as
lavaan's ``parameterEstimates()``: user rows, thresholds, variances and covariances,
scales, intercepts and means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from werkalliantie_stats.exceptions import ModelSyntaxError

from .dwls import fit_dwls
from .engine import FitState
from .matrices import MatrixModel
from .ordinal import (
    OrdinalSampleStats,
    compose_jacobian,
    delta_implied,
    delta_implied_derivatives,
    ordinal_sample_statistics,
)
from .partable import ModelSpec, _number_free, build_partable
from .results import CFAResult
from .standardize import r_squared, standardized_values
from .syntax import Statement

__all__ = ["PartableOrdinalModel", "fit_wlsmv", "ordinal_partable"]

_MATRIX_OPS = ("=~", "~~", "~1")


def _check_statements(statements: Sequence[Statement], ov_names: list[str]) -> None:
    for s in statements:
        if s.op == "|":
            raise ModelSyntaxError(f"line {s.line}: threshold lines ('{s.lhs} | t1 + ...') "
                                   "are added automatically by estimator='WLSMV' (all "
                                   "thresholds free); remove this line")
        if s.op == "~~" and s.lhs in ov_names and any(t.name == s.lhs for t in s.terms):
            raise ModelSyntaxError(f"line {s.line}: the residual variance of ordered item "
                                   f"{s.lhs!r} is not a parameter in the delta "
                                   "parameterisation (it is 1 - its common variance); "
                                   "remove this line")
        if s.op == "~1" and s.lhs in ov_names:
            raise ModelSyntaxError(f"line {s.line}: the intercept of ordered item {s.lhs!r} "
                                   "is fixed at 0 (its thresholds are free); remove this line")


def ordinal_partable(statements: Sequence[Statement], ov_names: list[str],
                     counts: dict[str, int], std_lv: bool = False) -> pd.DataFrame:
    """Parameter table of a single-group CFA of ordered items (lavaan's defaults).

    Parameters
    ----------
    statements : sequence of Statement
        From :func:`~werkalliantie_stats.psychometrics.cfa.syntax.parse_model`.
    ov_names : list of str
        The (ordered) indicators in model order.
    counts : dict of str to int
        Number of thresholds (categories - 1) of each item.
    std_lv : bool
        Identify factors by unit variance instead of a marker loading.

    Returns
    -------
    pandas.DataFrame
        lavaan's parameter table: ``id, lhs, op, rhs, user, group, free, ustart, label,
        start``, rows in ``parameterEstimates()`` order.

    Notes
    -----
    Delta parameterisation: ``y*`` has unit variance, so ``Theta_ii = 1 - (Lambda Psi
    Lambda')_ii`` (fixed rows, filled in after the fit), intercepts 0, scales
    ``x ~*~ x`` 1 and one free threshold ``x | t<k>`` per category boundary. Free
    parameters are numbered in row order (loadings, thresholds, factor (co)variances).

    References
    ----------
    1. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal
       of Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> from werkalliantie_stats.psychometrics.cfa.syntax import parse_model
    >>> table = ordinal_partable(parse_model("f =~ a + b + c"), ["a", "b", "c"],
    ...                          {"a": 2, "b": 2, "c": 2})
    >>> table.loc[table["op"] == "|", "free"].tolist()  # In R: lavParTable(fit)
    [3, 4, 5, 6, 7, 8]
    >>> table["op"].unique().tolist()
    ['=~', '|', '~~', '~*~', '~1']
    """
    _check_statements(statements, ov_names)
    base = build_partable(statements, ModelSpec(ngroups=1, std_lv=std_lv, meanstructure=True))
    base = base.drop(columns=["id", "plabel"])
    ov = base["lhs"].isin(ov_names)
    resid = ov & (base["op"] == "~~") & (base["lhs"] == base["rhs"])
    base.loc[resid, ["free", "ustart"]] = [0, math.nan]
    base.loc[ov & (base["op"] == "~1"), ["free", "ustart"]] = [0, 0.0]
    thresholds = pd.DataFrame(
        [{"lhs": v, "op": "|", "rhs": f"t{k}", "user": 0, "group": 1, "free": 1,
          "ustart": math.nan, "label": "", "start": math.nan}
         for v in ov_names for k in range(1, counts[v] + 1)])
    scales = pd.DataFrame([{"lhs": v, "op": "~*~", "rhs": v, "user": 0, "group": 1, "free": 0,
                            "ustart": 1.0, "label": "", "start": math.nan} for v in ov_names])
    user = base["user"] == 1
    means = base["op"] == "~1"
    table = pd.concat([base[user], thresholds, base[~user & ~means], scales, base[~user & means]],
                      ignore_index=True)
    table["free"] = (table["free"] > 0).astype(int)
    _number_free(table)
    table.insert(0, "id", np.arange(1, len(table) + 1))
    return table


@dataclass
class PartableOrdinalModel:
    """Implied statistics and Jacobian of a parameter table (delta parameterisation).

    The model object :func:`fit_dwls` takes for ``cfa(estimator="WLSMV")``:
    ``implied(x) = [tau, offdiag(Lambda Psi Lambda' + Theta)]`` in the order of
    :attr:`OrdinalSampleStats.vector`; the Jacobian composes the matrix-element derivatives
    of :func:`delta_implied_derivatives` with the table's free-parameter -> cell map.
    """

    table: pd.DataFrame
    ov_names: list[str]
    lv_names: list[str]

    def __post_init__(self) -> None:
        self.matrix_rows = self.table["op"].isin(_MATRIX_OPS).to_numpy()
        self.matrix_model = MatrixModel(self.table[self.matrix_rows], self.ov_names,
                                        self.lv_names)
        self.n_free = int(self.table["free"].max())
        th = self.table[self.table["op"] == "|"]
        self.n_tau = len(th)
        self.tau_free = th["free"].to_numpy() - 1
        p = len(self.ov_names)
        rows, cols = np.tril_indices(p, -1)
        order = np.lexsort((rows, cols))  # strict lower triangle, column by column
        self.pair_rows, self.pair_cols = rows[order], cols[order]
        self._cells, self._theta = self._parameter_cells()
        self.items = tuple(self.ov_names)
        loads = self.table[self.table["op"] == "=~"]
        self._loads = np.array([np.isin(self.ov_names, loads.loc[loads["lhs"] == f, "rhs"])
                                for f in self.lv_names]).reshape(len(self.lv_names), p)

    def _parameter_cells(self) -> tuple[list[list], dict[int, list[int]]]:
        cells: list[list] = [[] for _ in range(self.n_free)]
        theta: dict[int, list[int]] = {}
        pair_pos = {(int(r), int(c)): k for k, (r, c) in
                    enumerate(zip(self.pair_rows, self.pair_cols, strict=True))}
        mm = self.matrix_model.cells
        for mat, r, c, k in zip(mm["matrix"], mm["row"], mm["col"], mm["free"], strict=True):
            if k == 0:
                continue
            if mat == "theta":
                key = (max(r, c), min(r, c))
                theta.setdefault(int(k) - 1, []).append(self.n_tau + pair_pos[key])
            else:
                cells[int(k) - 1].append((mat, int(max(r, c) if mat == "psi" else r),
                                           int(min(r, c) if mat == "psi" else c)))
        for pos, k in enumerate(self.tau_free):
            cells[int(k)].append(("tau", pos, 0))
        return cells, theta

    def parts(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(Lambda, Psi, Theta, tau) at ``x`` (Theta off-diagonal only)."""
        mats = self.matrix_model.matrices(x, 0)
        theta = np.nan_to_num(mats.theta - np.diag(np.diag(mats.theta)))
        return mats.lambda_, mats.psi, theta, x[self.tau_free]

    def implied(self, x: np.ndarray) -> np.ndarray:
        """Implied statistics vector at ``x``."""
        lam, psi, theta, tau = self.parts(x)
        out = delta_implied(lam, psi, tau)
        out[self.n_tau:] += theta[self.pair_rows, self.pair_cols]
        return out

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """d implied / d x, shape (n_stats, n_free) (lavaan's ``delta``)."""
        lam, psi, _, _ = self.parts(x)
        parts = delta_implied_derivatives(lam, psi, self.n_tau)
        n_stats = parts["tau"].shape[0]
        jac = np.zeros((n_stats, self.n_free))
        with_cells = [k for k in range(self.n_free) if self._cells[k]]
        if with_cells:
            jac[:, with_cells] = compose_jacobian(parts, [self._cells[k] for k in with_cells],
                                                  lam.shape[1])
        for k, positions in self._theta.items():
            jac[positions, k] += 1.0
        return jac

    def residual_variances(self, x: np.ndarray) -> np.ndarray:
        """``1 - (Lambda Psi Lambda')_ii`` of every item."""
        lam, psi, _, _ = self.parts(x)
        return 1.0 - np.einsum("if,fg,ig->i", lam, psi, lam)

    def start(self, stats: OrdinalSampleStats) -> np.ndarray:
        """Sample thresholds; loadings from each factor's first principal axis of the
        polychorics; factor variances from the marker; covariances 0; a user's
        ``start()`` wins."""
        corr = stats.correlation.to_numpy()
        lam_fixed = self.matrix_model.matrices(np.zeros(self.n_free), 0).lambda_
        axis, scale = np.zeros(lam_fixed.shape), np.ones(lam_fixed.shape[1])
        for f in range(lam_fixed.shape[1]):
            idx = np.flatnonzero(self._loads_on(f))
            values, vectors = np.linalg.eigh(corr[np.ix_(idx, idx)])
            load = vectors[:, -1] * np.sqrt(max(values[-1], 1e-6))
            marker = [i for i in idx if lam_fixed[i, f] != 0]
            if marker:
                pos = list(idx).index(marker[0])
                load = load * np.sign(load[pos] * lam_fixed[marker[0], f] or 1.0)
                scale[f] = load[pos] / lam_fixed[marker[0], f]
            axis[idx, f] = np.clip(load, -0.95, 0.95)
        x = np.zeros(self.n_free)
        x[self.tau_free] = stats.vector[:self.n_tau]
        for k, cells in enumerate(self._cells):
            for mat, r, c in cells:
                if mat == "lambda":
                    x[k] = axis[r, c] / scale[c]
                elif mat == "psi" and r == c:
                    x[k] = scale[r] ** 2
        user = self.table["start"].to_numpy(dtype=float)
        free = self.table["free"].to_numpy()
        pick = (free > 0) & ~np.isnan(user)
        x[free[pick] - 1] = user[pick]
        return x

    def _loads_on(self, f: int) -> np.ndarray:
        return self._loads[f]

    def orient(self, x: np.ndarray) -> np.ndarray:
        """Flip factors whose loadings are all free so that their first loading is positive
        (the solution lavaan reports under ``std_lv``)."""
        lam, _, _, _ = self.parts(x)
        out = np.array(x, dtype=float)
        sign = np.ones(len(self.lv_names))
        for f in range(len(self.lv_names)):
            first = np.flatnonzero(self._loads_on(f))[0]
            free_first = any(("lambda", first, f) in cells for cells in self._cells)
            sign[f] = -1.0 if free_first and lam[first, f] < 0 else 1.0
        for k, cells in enumerate(self._cells):
            for mat, r, c in cells[:1]:
                if mat == "lambda":
                    out[k] *= sign[c]
                elif mat == "psi":
                    out[k] *= sign[r] * sign[c]
        return out


def _final_table(model: PartableOrdinalModel, x: np.ndarray) -> pd.DataFrame:
    """The table with each ordered item's residual variance filled in (fixed rows)."""
    table = model.table.copy()
    resid = model.residual_variances(x)
    index = {v: i for i, v in enumerate(model.ov_names)}
    pick = ((table["op"] == "~~") & (table["lhs"] == table["rhs"])
            & table["lhs"].isin(model.ov_names)).to_numpy()
    table.loc[pick, "ustart"] = [resid[index[v]] for v in table.loc[pick, "lhs"]]
    return table


def _estimates(table: pd.DataFrame, mm: MatrixModel, rows: np.ndarray, x: np.ndarray,
               vcov: np.ndarray, ci_level: float) -> pd.DataFrame:
    free = table["free"].to_numpy()
    est = np.where(free > 0, x[np.maximum(free - 1, 0)], table["ustart"].to_numpy(dtype=float))
    se_free = np.sqrt(np.clip(np.diag(vcov), 0, None))
    se = np.where(free > 0, se_free[np.maximum(free - 1, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(free > 0, est / se, np.nan)
    crit = sps.norm.ppf(0.5 + ci_level / 2)
    std_lv, std_all = est.copy(), est.copy()  # thresholds and scales: y* has unit variance
    std_lv[rows], std_all[rows] = standardized_values(mm, table[rows], x)
    return pd.DataFrame({"lhs": table["lhs"], "op": table["op"], "rhs": table["rhs"],
                         "label": table["label"], "est": est, "se": se, "z": z,
                         "pvalue": 2 * sps.norm.sf(np.abs(z)), "ci_lower": est - crit * se,
                         "ci_upper": est + crit * se, "std_lv": std_lv,
                         "std_all": std_all}).reset_index(drop=True)


def fit_wlsmv(data: pd.DataFrame, statements: Sequence[Statement], ov_names: list[str],
              lv_names: list[str], *, std_lv: bool, ci_level: float,
              model_text: str) -> CFAResult:
    """Single-group WLSMV fit of ordered items: what ``cfa(estimator="WLSMV")`` runs.

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses (integer codes); incomplete rows are dropped (listwise).
    statements : sequence of Statement
        The parsed model.
    ov_names, lv_names : list of str
        Indicators and factors in model order.
    std_lv : bool
        Unit-variance identification.
    ci_level : float
        Level of the Wald intervals.
    model_text : str
        The model as given (kept on the result).

    Returns
    -------
    CFAResult
        Estimates with lavaan's rows (thresholds, fixed residual variances, scales,
        intercepts), WLSMV fit measures, R-squared ``= 1 - Theta_ii``.

    Notes
    -----
    :func:`ordinal_sample_statistics` gives thresholds, polychorics ``s``, ``Gamma`` and
    ``W = diag(Gamma)^-1``; :func:`fit_dwls` minimises ``(s - sigma(x))' W (s - sigma(x))``
    with ``sigma = [tau, offdiag(Lambda Psi Lambda' + Theta)]`` and gives the sandwich
    SEs, the scaled-shifted test and the fit indices (docs/methods/cfa-ordinal.md).

    References
    ----------
    1. Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using
       weighted least squares and quadratic estimating equations in latent variable
       modeling with categorical and continuous outcomes. Unpublished manuscript.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.syntax import parse_model
    >>> rng = np.random.default_rng(1)
    >>> y = 0.8 * rng.normal(size=(300, 1)) + 0.6 * rng.normal(size=(300, 3))
    >>> data = pd.DataFrame(np.digitize(y, [-0.5, 0.5]) + 1, columns=["a", "b", "c"])
    >>> res = fit_wlsmv(data, parse_model("f =~ a + b + c"), ["a", "b", "c"], ["f"],
    ...                 std_lv=False, ci_level=0.95, model_text="f =~ a + b + c")
    >>> int(res.fit_measures["df"])  # In R: cfa(..., ordered = TRUE, estimator = "WLSMV")
    0
    """
    frame = data[ov_names]
    stats = ordinal_sample_statistics(frame, items=ov_names)
    table = ordinal_partable(statements, ov_names, stats.thresholds_per_item, std_lv)
    model = PartableOrdinalModel(table, ov_names, lv_names)
    fit = fit_dwls(stats, model, start=model.start(stats))
    final = _final_table(model, fit.theta)
    rows = model.matrix_rows
    mm = MatrixModel(final[rows], ov_names, lv_names)
    corr = stats.correlation.to_numpy()
    codes = frame.dropna().to_numpy(dtype=float)
    index = frame.dropna().index
    state = FitState(final, mm, fit.theta, fit.vcov, [codes], [(corr, np.zeros(len(ov_names)))],
                     meanstructure=True, estimator="WLSMV", missing="listwise",
                     converged=fit.converged, iterations=fit.iterations)
    return CFAResult(_estimates(final, mm, rows, fit.theta, fit.vcov, ci_level),
                     fit.fit_measures, r_squared(mm, fit.theta), "WLSMV", "listwise",
                     (stats.nobs,), (None,), fit.converged, ci_level, state, (index,),
                     model_text)
