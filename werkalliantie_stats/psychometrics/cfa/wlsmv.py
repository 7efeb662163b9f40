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
from .ordinal import OrdinalSampleStats, _pairs, _usable_rows, ordinal_sample_statistics
from .ordinal_groups import scaled_delta_derivatives, scaled_delta_implied
from .partable import ModelSpec, _number_free, _slot, build_partable
from .results import CFAResult
from .standardize import r_squared, standardized_values
from .syntax import Statement

__all__ = ["PartableOrdinalModel", "fit_wlsmv", "ordinal_partable"]

_MATRIX_OPS = ("=~", "~~", "~1")
ORDINAL_GROUP_EQUAL = ("loadings", "thresholds", "lv.variances", "lv.covariances", "means")


_ORDINAL_OPS = ("|", "~*~")


def _check_statements(statements: Sequence[Statement], ov_names: list[str]) -> None:
    for s in statements:
        if s.op in _ORDINAL_OPS and s.lhs not in ov_names:
            raise ModelSyntaxError(f"line {s.line}: {s.lhs!r} in '{s.lhs} {s.op} ...' is not "
                                   "an indicator of the model; thresholds and scale factors "
                                   "belong to ordered items")
        if s.op == "~~" and s.lhs in ov_names and any(t.name == s.lhs for t in s.terms):
            raise ModelSyntaxError(f"line {s.line}: the residual variance of ordered item "
                                   f"{s.lhs!r} is not a parameter in the delta "
                                   "parameterisation (it is 1/delta^2 minus its common "
                                   f"variance); remove this line or free its scale factor "
                                   f"('{s.lhs} ~*~ NA*{s.lhs}')")


def _threshold_number(statement: Statement, name: str, counts: dict[str, int]) -> int:
    k = int(name[1:]) if name[:1] == "t" and name[1:].isdigit() else 0
    if not 1 <= k <= counts[statement.lhs]:
        raise ModelSyntaxError(
            f"line {statement.line}: threshold {name!r} of {statement.lhs!r} does not exist: "
            f"the item has {counts[statement.lhs] + 1} observed categories, so thresholds "
            f"t1..t{counts[statement.lhs]}")
    return k


def _user_ordinal_rows(statements: Sequence[Statement], counts: dict[str, int], group: int,
                       ngroups: int) -> dict[tuple[str, str, str], dict]:
    """The user's threshold (``x | a*t1``) and scale (``x ~*~ NA*x``) rows of a group."""
    out = {}
    for s in statements:
        if s.op not in _ORDINAL_OPS:
            continue
        for term in s.terms:
            if s.op == "|":
                _threshold_number(s, term.name, counts)
            slot = _slot(term.modifiers, group - 1, ngroups, s)
            fixed = slot["fixed"]
            row = {"user": 1, "free": int(fixed is None),
                   "ustart": math.nan if fixed is None else fixed, "start": slot["start"]}
            out[(s.lhs, s.op, term.name)] = row | ({"label": slot["label"]} if slot["label"]
                                                   else {})
    return out


def ordinal_partable(statements: Sequence[Statement], ov_names: list[str],
                     counts: dict[str, int], std_lv: bool = False, ngroups: int = 1,
                     group_equal: Sequence[str] = (),
                     group_partial: Sequence[str] = ()) -> pd.DataFrame:
    """Parameter table of a CFA of ordered items (lavaan's defaults).

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
    ngroups : int
        Number of groups.
    group_equal, group_partial : sequence of str
        Cross-group equalities (``"loadings"``, ``"thresholds"``, ``"lv.variances"``,
        ``"lv.covariances"``, ``"means"``) and exemptions (``"f=~x"``, ``"x|t1"``).

    Returns
    -------
    pandas.DataFrame
        lavaan's parameter table: ``id, lhs, op, rhs, user, group, free, ustart, label,
        start``, rows in ``parameterEstimates()`` order.

    Notes
    -----
    Delta parameterisation: ``y*`` has unit variance, so ``Theta_ii = 1 - (Lambda Psi
    Lambda')_ii`` (fixed rows, filled in after the fit), intercepts 0, scales
    ``x ~*~ x`` 1 and one free threshold ``x | t<k>`` per category boundary. Threshold,
    scale and intercept lines the model gives (``x | a*t1``, ``x ~*~ NA*x``,
    ``x ~ NA*1``) replace these defaults, as in semTools' ``measEq.syntax`` output; then
    ``Theta_ii = 1/delta_i^2 - (Lambda Psi Lambda')_ii``. Free
    parameters are numbered in row order (loadings, thresholds, factor (co)variances).
    With groups and equal thresholds the scales and the factor means are free in groups
    2..G (Millsap & Yun-Tein 2004; lavaan's default).

    References
    ----------
    1. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal
       of Statistical Software, 48(2), 1-36.
    2. Millsap, R. E., & Yun-Tein, J. (2004). Assessing factorial invariance in
       ordered-categorical measures. Multivariate Behavioral Research, 39, 479-515.

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
    equal = tuple(group_equal)
    bad = [e for e in equal if e not in ORDINAL_GROUP_EQUAL]
    if bad:
        raise ValueError(f"cfa: with estimator='WLSMV' `group_equal` entries must be among "
                         f"{list(ORDINAL_GROUP_EQUAL)} (intercepts and residual variances are "
                         f"not parameters of ordered items), got {bad[0]!r}")
    th_partial = {e.replace(" ", "") for e in group_partial if "|" in e}
    spec = ModelSpec(ngroups=ngroups, std_lv=std_lv, meanstructure=True,
                     group_equal=tuple(e for e in equal if e != "thresholds"),
                     group_partial=tuple(e for e in group_partial if "|" not in e))
    matrix_statements = [s for s in statements if s.op not in _ORDINAL_OPS]
    base = build_partable(matrix_statements, spec).drop(columns=["id", "plabel"])
    ov = base["lhs"].isin(ov_names)
    default = base["user"] == 0
    resid = ov & (base["op"] == "~~") & (base["lhs"] == base["rhs"])
    base.loc[resid, ["free", "ustart"]] = [0, math.nan]
    base.loc[ov & (base["op"] == "~1") & default, ["free", "ustart"]] = [0, 0.0]
    same = "thresholds" in equal
    lv_means = ~ov & (base["op"] == "~1") & (base["group"] > 1) & default
    base.loc[lv_means, "free"] = int(same and "means" not in equal)
    base.loc[lv_means, "ustart"] = math.nan if same and "means" not in equal else 0.0
    blocks = [_group_block(base[base["group"] == g], ov_names, counts, g, same, th_partial,
                           _user_ordinal_rows(statements, counts, g, ngroups))
              for g in range(1, ngroups + 1)]
    table = pd.concat(blocks, ignore_index=True)
    table["free"] = (table["free"] > 0).astype(int)
    _number_free(table)
    table.insert(0, "id", np.arange(1, len(table) + 1))
    return table


def _group_block(base: pd.DataFrame, ov_names: list[str], counts: dict[str, int], group: int,
                 same: bool, partial: set[str], user_rows: dict | None = None) -> pd.DataFrame:
    """One group's rows in lavaan's order: user, thresholds, (co)variances, scales, means.

    Thresholds and scales the user wrote (``user_rows``) replace the defaults in place."""
    def label(v, k):
        return f".{v}|t{k}." if same and f"{v}|t{k}" not in partial else ""

    mine = user_rows or {}

    def rows(records: list[dict]) -> pd.DataFrame:
        return pd.DataFrame([r | mine.get((r["lhs"], r["op"], r["rhs"]), {}) for r in records])

    thresholds = rows([{"lhs": v, "op": "|", "rhs": f"t{k}", "user": 0, "group": group,
                        "free": 1, "ustart": math.nan, "label": label(v, k),
                        "start": math.nan}
                       for v in ov_names for k in range(1, counts[v] + 1)])
    free_scale = int(same and group > 1)
    scales = rows([{"lhs": v, "op": "~*~", "rhs": v, "user": 0, "group": group,
                    "free": free_scale, "ustart": math.nan if free_scale else 1.0,
                    "label": "", "start": math.nan} for v in ov_names])
    user = base["user"] == 1
    means = base["op"] == "~1"
    return pd.concat([base[user], thresholds, base[~user & ~means], scales, base[~user & means]])


@dataclass
class PartableOrdinalModel:
    """Implied statistics and Jacobian of a parameter table (delta parameterisation).

    The model object :func:`fit_dwls` takes for ``cfa(estimator="WLSMV")``. In group *g*
    the implied statistics are ``t_ik = delta_i (tau_ik - nu_i - lambda_i' alpha)`` and
    ``r_ij = delta_i delta_j (Lambda Psi Lambda' + Theta)_ij`` (:func:`scaled_delta_implied`;
    one group without free scales: ``[tau, offdiag(Lambda Psi Lambda' + Theta)]``), groups
    stacked in order; the Jacobian sums the matrix-element derivatives
    (:func:`scaled_delta_derivatives`) over the cells each free parameter fills.
    """

    table: pd.DataFrame
    ov_names: list[str]
    lv_names: list[str]

    def __post_init__(self) -> None:
        self.matrix_rows = self.table["op"].isin(_MATRIX_OPS).to_numpy()
        self.matrix_model = MatrixModel(self.table[self.matrix_rows], self.ov_names,
                                        self.lv_names)
        self.ngroups = self.matrix_model.ngroups
        self.n_free = int(self.table["free"].max())
        p = len(self.ov_names)
        rows, cols = _pairs(p)
        self._pair_pos = {(int(r), int(c)): k for k, (r, c) in
                          enumerate(zip(rows, cols, strict=True))}
        self._groups = [self._group_maps(g) for g in range(1, self.ngroups + 1)]
        self.items = tuple(self.ov_names) * self.ngroups
        loads = self.table[(self.table["op"] == "=~") & (self.table["group"] == 1)]
        self._loads = np.array([np.isin(self.ov_names, loads.loc[loads["lhs"] == f, "rhs"])
                                for f in self.lv_names]).reshape(len(self.lv_names), p)
        self.catml_defined = not bool(((self.table["op"] == "~*~")
                                       & (self.table["free"] > 0)).any())

    def _vector(self, rows: pd.DataFrame) -> dict[str, np.ndarray]:
        return {"free": rows["free"].to_numpy() - 1,
                "fixed": rows["ustart"].to_numpy(dtype=float)}

    def _group_maps(self, group: int) -> dict:
        t = self.table[self.table["group"] == group]
        index = {v: i for i, v in enumerate(self.ov_names)}
        th = t[t["op"] == "|"]
        scales = t[t["op"] == "~*~"].set_index("lhs").loc[self.ov_names].reset_index()
        cells = []  # (kind, column in the derivative block, parameter index)
        m = len(self.lv_names)
        mm = self.matrix_model.cells
        pick = (mm["group"] == group) & (mm["free"] > 0)
        for mat, r, c, k in zip(mm["matrix"][pick], mm["row"][pick], mm["col"][pick],
                                mm["free"][pick], strict=True):
            if mat in ("lambda", "psi"):
                cells.append((mat, int(r) * m + int(c), int(k) - 1))
            elif mat == "theta":
                cells.append(("theta", self._pair_pos[(max(r, c), min(r, c))], int(k) - 1))
            else:
                cells.append((mat, int(r), int(k) - 1))
        for kind, rows in (("tau", th), ("delta", scales)):
            for col, k in enumerate(rows["free"].to_numpy()):
                if k > 0:
                    cells.append((kind, col, int(k) - 1))
        by_kind = {}
        for kind in {c[0] for c in cells}:
            picked = [(col, k) for kd, col, k in cells if kd == kind]
            by_kind[kind] = (np.array([c for c, _ in picked]), np.array([k for _, k in picked]))
        return {"item": np.array([index[v] for v in th["lhs"]]), "tau": self._vector(th),
                "delta": self._vector(scales), "cells": cells, "by_kind": by_kind}

    @staticmethod
    def _fill(spec: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
        free = spec["free"]
        return np.where(free >= 0, x[np.maximum(free, 0)], spec["fixed"])

    def mats(self, x: np.ndarray, group: int = 0) -> dict[str, np.ndarray]:
        """Lambda, Psi, Theta (off-diagonal), nu, alpha, tau and delta of a group."""
        gm = self.matrix_model.matrices(x, group)
        maps = self._groups[group]
        theta = np.nan_to_num(gm.theta - np.diag(np.diag(gm.theta)))
        return {"lambda": gm.lambda_, "psi": gm.psi, "theta": theta, "nu": gm.nu,
                "alpha": gm.alpha, "tau": self._fill(maps["tau"], x),
                "delta": self._fill(maps["delta"], x)}

    def implied(self, x: np.ndarray) -> np.ndarray:
        """Implied statistics vector at ``x`` (groups stacked)."""
        return np.concatenate([scaled_delta_implied(self.mats(x, g), self._groups[g]["item"])
                               for g in range(self.ngroups)])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """d implied / d x, shape (n_stats, n_free) (lavaan's ``delta``)."""
        blocks = []
        for g in range(self.ngroups):
            parts = scaled_delta_derivatives(self.mats(x, g), self._groups[g]["item"])
            jac_t = np.zeros((self.n_free, parts["tau"].shape[0]))
            for kind, (cols, ks) in self._groups[g]["by_kind"].items():
                np.add.at(jac_t, ks, parts[kind][:, cols].T)
            blocks.append(jac_t.T)
        return np.vstack(blocks)

    def residual_variances(self, x: np.ndarray) -> np.ndarray:
        """``1 / delta_i^2 - (Lambda Psi Lambda')_ii`` of every item, groups stacked."""
        out = []
        for g in range(self.ngroups):
            mats = self.mats(x, g)
            common = np.einsum("if,fg,ig->i", mats["lambda"], mats["psi"], mats["lambda"])
            out.append(1.0 / mats["delta"] ** 2 - common)
        return np.concatenate(out)

    def start(self, stats) -> np.ndarray:
        """Per group: sample thresholds; loadings from each factor's first principal axis of
        the polychorics; factor variances from the marker; covariances and latent means 0;
        scales 1; a parameter shared by groups starts at its first group's value; a
        user's ``start()`` wins."""
        groups = [stats] if isinstance(stats, OrdinalSampleStats) else [
            stats.by_group[label] for label in stats.group_labels]
        x = np.full(self.n_free, np.nan)
        for g, group_stats in enumerate(groups):
            for k, value in self._group_start(g, group_stats).items():
                if np.isnan(x[k]):
                    x[k] = value
        x = np.where(np.isnan(x), 0.0, x)
        user = self.table["start"].to_numpy(dtype=float)
        free = self.table["free"].to_numpy()
        pick = (free > 0) & ~np.isnan(user)
        x[free[pick] - 1] = user[pick]
        return x

    def _group_start(self, g: int, stats: OrdinalSampleStats) -> dict[int, float]:
        corr = stats.correlation.to_numpy()
        lam_fixed = self.matrix_model.matrices(np.zeros(self.n_free), g).lambda_
        m = lam_fixed.shape[1]
        axis, scale = np.zeros(lam_fixed.shape), np.ones(m)
        for f in range(m):
            idx = np.flatnonzero(self._loads[f])
            values, vectors = np.linalg.eigh(corr[np.ix_(idx, idx)])
            load = vectors[:, -1] * np.sqrt(max(values[-1], 1e-6))
            marker = [i for i in idx if lam_fixed[i, f] != 0]
            if marker:
                pos = list(idx).index(marker[0])
                load = load * np.sign(load[pos] * lam_fixed[marker[0], f] or 1.0)
                scale[f] = load[pos] / lam_fixed[marker[0], f]
            axis[idx, f] = np.clip(load, -0.95, 0.95)
        out: dict[int, float] = {}
        n_tau = self._groups[g]["item"].size
        for kind, col, k in self._groups[g]["cells"]:
            if kind == "tau":
                out[k] = stats.vector[:n_tau][col]
            elif kind == "lambda":
                out[k] = axis[col // m, col % m] / scale[col % m]
            elif kind == "psi" and col // m == col % m:
                out[k] = scale[col // m] ** 2
            elif kind == "delta":
                out[k] = 1.0
            else:
                out[k] = 0.0
        return out

    def orient(self, x: np.ndarray) -> np.ndarray:
        """Flip factors whose first loading is free and negative (per group) so that it is
        positive: the solution lavaan reports under ``std_lv``."""
        out = np.array(x, dtype=float)
        m = len(self.lv_names)
        done: set[int] = set()
        for g in range(self.ngroups):
            lam = self.mats(x, g)["lambda"]
            cells = self._groups[g]["cells"]
            sign = np.ones(m)
            for f in range(m):
                first = np.flatnonzero(self._loads[f])[0]
                free_first = any(kind == "lambda" and col == first * m + f
                                 for kind, col, _ in cells)
                sign[f] = -1.0 if free_first and lam[first, f] < 0 else 1.0
            for kind, col, k in cells:
                if k in done:
                    continue
                done.add(k)
                if kind == "lambda":
                    out[k] *= sign[col % m]
                elif kind == "psi":
                    out[k] *= sign[col // m] * sign[col % m]
                elif kind == "alpha":
                    out[k] *= sign[col]
        return out


def _final_table(model: PartableOrdinalModel, x: np.ndarray) -> pd.DataFrame:
    """The table with each ordered item's residual variance filled in (fixed rows)."""
    table = model.table.copy()
    resid = model.residual_variances(x)
    p = len(model.ov_names)
    index = {v: i for i, v in enumerate(model.ov_names)}
    pick = ((table["op"] == "~~") & (table["lhs"] == table["rhs"])
            & table["lhs"].isin(model.ov_names)).to_numpy()
    table.loc[pick, "ustart"] = [resid[(g - 1) * p + index[v]] for v, g in
                                 zip(table.loc[pick, "lhs"], table.loc[pick, "group"],
                                     strict=True)]
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
    std_lv, std_all = est.copy(), est.copy()
    std_lv[rows], std_all[rows] = standardized_values(mm, table[rows], x)
    sd = {(g + 1, v): float(s) for g in range(mm.ngroups) for v, s in
          zip(mm.ov_names, np.sqrt(np.diag(mm.matrices(x, g).implied_cov())), strict=True)}
    ops, lhs, group = table["op"].to_numpy(), table["lhs"].to_numpy(), table["group"].to_numpy()
    for k in np.flatnonzero(ops == "|"):  # thresholds in the metric of y* (sd 1/delta)
        std_all[k] = est[k] / sd[(group[k], lhs[k])]
    std_all[ops == "~*~"] = 1.0
    out = pd.DataFrame({"lhs": table["lhs"], "op": table["op"], "rhs": table["rhs"],
                        "group": table["group"], "label": table["label"], "est": est,
                        "se": se, "z": z, "pvalue": 2 * sps.norm.sf(np.abs(z)),
                        "ci_lower": est - crit * se, "ci_upper": est + crit * se,
                        "std_lv": std_lv, "std_all": std_all}).reset_index(drop=True)
    return out if mm.ngroups > 1 else out.drop(columns="group")


def fit_wlsmv(data: pd.DataFrame, statements: Sequence[Statement], ov_names: list[str],
              lv_names: list[str], *, std_lv: bool, ci_level: float, model_text: str,
              group: str | None = None, group_equal: Sequence[str] = (),
              group_partial: Sequence[str] = (), stats=None,
              missing: str = "listwise", caller: str = "cfa") -> CFAResult:
    """WLSMV fit of ordered items: what ``cfa(estimator="WLSMV")`` runs.

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses (integer codes); incomplete rows are dropped (listwise) or, with
        ``missing="pairwise"``, only rows without any answer.
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
    group : str, optional
        Grouping column (groups in order of appearance).
    group_equal, group_partial : sequence of str
        As :func:`ordinal_partable`.
    stats : OrdinalSampleStats or GroupedOrdinalSampleStats, optional
        Sample statistics already computed from the same rows (nested models of one data
        set share them); default computed here.
    missing : {"listwise", "pairwise"}
        Deletion of incomplete rows, as lavaan's ``missing=`` for ordered data
        (:func:`ordinal_sample_statistics`).
    caller : str
        The public function named in warnings (``"cfa"``, ``"measurement_invariance"``).

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
    frame = data.loc[_usable_rows(data[ov_names], missing), list(dict.fromkeys(
        ov_names if group is None else [*ov_names, group]))]
    if group is not None:
        frame = frame[frame[group].notna()]
    if stats is None:
        stats = ordinal_sample_statistics(frame, items=ov_names, group=group, missing=missing)
    groups = [stats] if group is None else [stats[g] for g in stats.group_labels]
    counts = _common_counts(groups)
    table = ordinal_partable(statements, ov_names, counts, std_lv, len(groups), group_equal,
                             group_partial)
    model = PartableOrdinalModel(table, ov_names, lv_names)
    fit = fit_dwls(stats, model, start=model.start(stats), caller=caller)
    final = _final_table(model, fit.theta)
    rows = model.matrix_rows
    mm = MatrixModel(final[rows], ov_names, lv_names)
    keys = [None] if group is None else list(stats.group_labels)
    parts = [frame if k is None else frame[frame[group].astype(str) == k] for k in keys]
    samples = [(s.correlation.to_numpy(), np.zeros(len(ov_names))) for s in groups]
    state = FitState(final, mm, fit.theta, fit.vcov,
                     [part[ov_names].to_numpy(dtype=float) for part in parts], samples,
                     meanstructure=True, estimator="WLSMV", missing=missing,
                     converged=fit.converged, iterations=fit.iterations)
    labels = (None,) if group is None else tuple(stats.group_labels)
    return CFAResult(_estimates(final, mm, rows, fit.theta, fit.vcov, ci_level),
                     fit.fit_measures, r_squared(mm, fit.theta), "WLSMV", missing,
                     tuple(s.nobs for s in groups), labels, fit.converged, ci_level, state,
                     tuple(part.index for part in parts), model_text, fit)


def _common_counts(groups: list[OrdinalSampleStats]) -> dict[str, int]:
    counts = groups[0].thresholds_per_item
    for other in groups[1:]:
        if other.thresholds_per_item != counts:
            differ = [v for v in counts if other.thresholds_per_item[v] != counts[v]]
            raise ValueError(f"cfa: with estimator='WLSMV' every group must use the same "
                             f"categories; item(s) {differ[:3]} differ between groups "
                             f"{groups[0].group!r} and {other.group!r}. Merge those "
                             "categories in all groups first.")
    return counts
