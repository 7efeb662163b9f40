"""Multiple-group categorical CFA with simple structure (delta parameterisation).

The model side of ordinal measurement invariance across independent groups, as lavaan's
``cfa(..., ordered = TRUE, group = g, group.equal = ...)`` parameterises it:

* configural (``equal=()``): every group has its own loadings, thresholds and factor
  (co)variances; scale factors 1 and latent means 0 everywhere;
* metric (``equal=("loadings",)``): loadings shared;
* scalar (``equal=("loadings", "thresholds")``): loadings and thresholds shared; in every
  group after the first the latent means and the scale factors ``Delta`` (lavaan's
  ``~*~``) are free.

With scale factors :math:`\\delta` and latent means :math:`\\alpha` the implied statistics
of a group are :math:`t_{ik} = \\delta_i (\\tau_{ik} - \\lambda_i' \\alpha)` and
:math:`r_{ij} = \\delta_i \\delta_j (\\Lambda \\Psi \\Lambda')_{ij}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ordinal import (
    GroupedOrdinalSampleStats,
    _check_pattern,
    _pairs,
    delta_implied_derivatives,
    simple_structure_model,
)

__all__ = ["MultiGroupSimpleStructureModel", "multigroup_simple_structure_model",
           "scaled_delta_derivatives", "scaled_delta_implied"]

_FUNC = "multigroup_simple_structure_model"
_EQUAL = ("loadings", "thresholds")


def _common(mats: dict[str, np.ndarray]) -> np.ndarray:
    """Lambda Psi Lambda' (+ the off-diagonal residual covariances, if given)."""
    common = mats["lambda"] @ mats["psi"] @ mats["lambda"].T
    return common + mats["theta"] if "theta" in mats else common


def _location(mats: dict[str, np.ndarray]) -> np.ndarray:
    """nu + Lambda alpha (nu = 0 unless given)."""
    shift = mats["lambda"] @ mats["alpha"]
    return shift + mats["nu"] if "nu" in mats else shift


def scaled_delta_implied(mats: dict[str, np.ndarray], item: np.ndarray) -> np.ndarray:
    """Implied ``[delta_i (tau_ik - nu_i - lambda_i' alpha), delta_i delta_j Sigma_ij]``.

    ``mats`` holds ``lambda, psi, tau, alpha, delta`` and optionally ``nu`` and ``theta``
    (off-diagonal residual covariances, zero diagonal); ``item[k]`` is the item of
    threshold ``k``. Statistics in the order of the sample statistics vector.
    """
    rows, cols = _pairs(mats["lambda"].shape[0])
    delta = mats["delta"]
    tau = delta[item] * (mats["tau"] - _location(mats)[item])
    corr = delta[rows] * delta[cols] * _common(mats)[rows, cols]
    return np.concatenate([tau, corr])


def scaled_delta_derivatives(mats: dict[str, np.ndarray], item: np.ndarray
                             ) -> dict[str, np.ndarray]:
    """Derivatives of :func:`scaled_delta_implied` w.r.t. the matrix elements.

    Keys ``lambda`` (column ``i*m + f``), ``psi`` (column ``f*m + g``), ``tau``, ``alpha``,
    ``delta``, ``nu`` (column per item) and ``theta`` (column per item pair, in the order of
    the correlations).
    """
    lam, psi, delta, alpha = mats["lambda"], mats["psi"], mats["delta"], mats["alpha"]
    p, m = lam.shape
    nth = item.size
    rows, cols = _pairs(p)
    base = delta_implied_derivatives(lam, psi, nth)
    scale = np.concatenate([np.ones(nth), delta[rows] * delta[cols]])[:, None]
    d_lambda, d_psi = base["lambda"] * scale, base["psi"] * scale
    th = np.arange(nth)
    for f in range(m):  # thresholds move with the latent means: -delta_i alpha_f
        d_lambda[th, item * m + f] = -delta[item] * alpha[f]
    d_tau = np.zeros((nth + rows.size, nth))
    d_tau[th, th] = delta[item]
    d_alpha = np.zeros((nth + rows.size, m))
    d_alpha[:nth] = -delta[item][:, None] * lam[item]
    d_nu = np.zeros((nth + rows.size, p))
    d_nu[th, item] = -delta[item]
    common = _common(mats)[rows, cols]
    d_delta = np.zeros((nth + rows.size, p))
    d_delta[th, item] = mats["tau"] - _location(mats)[item]
    pair = nth + np.arange(rows.size)
    d_delta[pair, rows] += delta[cols] * common
    d_delta[pair, cols] += delta[rows] * common
    d_theta = np.zeros((nth + rows.size, rows.size))
    d_theta[pair, np.arange(rows.size)] = delta[rows] * delta[cols]
    return {"lambda": d_lambda, "psi": d_psi, "tau": d_tau, "alpha": d_alpha,
            "delta": d_delta, "nu": d_nu, "theta": d_theta}


@dataclass(frozen=True)
class MultiGroupSimpleStructureModel:
    """Simple-structure categorical CFA for several groups; see the module docstring.

    ``free`` lists each parameter as ``(kind, group, row, col)`` with kind in
    ``{"lambda", "psi", "tau", "alpha", "delta"}`` and ``group`` None when the parameter
    is shared by all groups. ``param_names`` use lavaan's labels with ``.g<k>`` appended for
    parameters of group k > 1 (``A=~A2``, ``A=~A2.g2``, ``A1~*~A1.g2``, ``A~1.g2``).
    """

    items: tuple[str, ...]
    factors: tuple[str, ...]
    item_factor: tuple[int, ...]
    group_labels: tuple[str, ...]
    equal: tuple[str, ...]
    std_lv: bool
    threshold_item: tuple[int, ...]
    free: tuple[tuple[str, int | None, int, int], ...]
    param_names: tuple[str, ...]

    @property
    def n_free(self) -> int:
        """Number of free parameters."""
        return len(self.free)

    @property
    def catml_defined(self) -> bool:
        """lavaan 0.6.14 reports no robust (catML) fit indices once scale factors are free
        (thresholds equal); :func:`fit_dwls` then returns NaN for them as well."""
        return "thresholds" not in self.equal

    def matrices(self, theta: np.ndarray, group: int) -> dict[str, np.ndarray]:
        """Lambda, Psi, tau, alpha and delta of ``group`` for parameters ``theta``."""
        p, m = len(self.items), len(self.factors)
        mats = {"lambda": np.zeros((p, m)), "psi": np.eye(m) if self.std_lv else np.zeros((m, m)),
                "tau": np.zeros(len(self.threshold_item)), "alpha": np.zeros(m),
                "delta": np.ones(p)}
        if not self.std_lv:
            for f in range(m):
                mats["lambda"][self.item_factor.index(f), f] = 1.0
        for value, (kind, g, r, c) in zip(theta, self.free, strict=True):
            if g is not None and g != group:
                continue
            if kind == "lambda":
                mats["lambda"][r, c] = value
            elif kind == "psi":
                mats["psi"][r, c] = mats["psi"][c, r] = value
            else:
                mats[kind][r] = value
        return mats

    def _group_implied(self, mats: dict[str, np.ndarray]) -> np.ndarray:
        return scaled_delta_implied(mats, np.array(self.threshold_item))

    def implied(self, theta: np.ndarray) -> np.ndarray:
        """Implied statistics of all groups, stacked in ``group_labels`` order."""
        return np.concatenate([self._group_implied(self.matrices(theta, g))
                               for g in range(len(self.group_labels))])

    def _group_derivatives(self, mats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return scaled_delta_derivatives(mats, np.array(self.threshold_item))

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        """d implied / d theta, groups stacked by rows."""
        m = len(self.factors)
        blocks = []
        for g in range(len(self.group_labels)):
            parts = self._group_derivatives(self.matrices(theta, g))
            n_rows = parts["tau"].shape[0]
            cols = []
            for kind, owner, r, c in self.free:
                if owner is not None and owner != g:
                    cols.append(np.zeros(n_rows))
                elif kind in ("lambda", "psi"):
                    cols.append(parts[kind][:, r * m + c])
                else:
                    cols.append(parts[kind][:, r])
            blocks.append(np.column_stack(cols))
        return np.vstack(blocks)

    def residual_variances(self, theta: np.ndarray) -> np.ndarray:
        """1/delta_i^2 - (Lambda Psi Lambda')_ii per group, stacked."""
        out = []
        for g in range(len(self.group_labels)):
            mats = self.matrices(theta, g)
            common = np.einsum("if,fg,ig->i", mats["lambda"], mats["psi"], mats["lambda"])
            out.append(1.0 / mats["delta"] ** 2 - common)
        return np.concatenate(out)

    def start(self, stats: GroupedOrdinalSampleStats) -> np.ndarray:
        """Single-group starting values of each group; shared parameters from group 1;
        latent means 0 and scale factors 1."""
        pattern = {f: [self.items[i] for i, k in enumerate(self.item_factor) if k == j]
                   for j, f in enumerate(self.factors)}
        per_group = []
        for label in self.group_labels:
            single = simple_structure_model(pattern, stats[label], std_lv=self.std_lv)
            per_group.append({(kind, r, c): v for (kind, r, c), v
                              in zip(single.free, single.start(stats[label]), strict=True)})
        values = []
        for kind, owner, r, c in self.free:
            if kind == "alpha":
                values.append(0.0)
            elif kind == "delta":
                values.append(1.0)
            else:  # a variance freed in later groups under std_lv starts at 1
                values.append(per_group[owner or 0].get((kind, r, c), 1.0))
        return np.array(values)

    def orient(self, theta: np.ndarray) -> np.ndarray:
        """With ``std_lv``, flip factors so that each group's first loading of every factor
        is positive (lavaan's reported solution); marker models are returned unchanged."""
        if not self.std_lv:
            return theta
        groups, m = len(self.group_labels), len(self.factors)
        sign = np.ones((groups, m))
        for g in range(groups):
            lam = self.matrices(theta, g)["lambda"]
            for f in range(m):
                sign[g, f] = -1.0 if lam[self.item_factor.index(f), f] < 0 else 1.0
        out = np.array(theta, dtype=float)
        for k, (kind, owner, r, c) in enumerate(self.free):
            g = owner or 0
            if kind == "lambda":
                out[k] *= sign[g, c]
            elif kind == "psi":
                out[k] *= sign[g, r] * sign[g, c]
            elif kind == "alpha":
                out[k] *= sign[g, r]
        return out


def multigroup_simple_structure_model(pattern: dict[str, list[str]],
                                      stats: GroupedOrdinalSampleStats,
                                      equal: tuple[str, ...] = (), std_lv: bool = False
                                      ) -> MultiGroupSimpleStructureModel:
    """Build a multiple-group simple-structure categorical CFA for DWLS.

    Parameters
    ----------
    pattern : dict of str to list of str
        Factor name -> its items; unless ``std_lv``, the first item of each factor is the
        marker (loading 1).
    stats : GroupedOrdinalSampleStats
        Per-group statistics from ``ordinal_sample_statistics(data, group=...)``.
    equal : tuple of str
        Parameters held equal across groups: ``()`` (configural), ``("loadings",)``
        (metric) or ``("loadings", "thresholds")`` (scalar), as lavaan's ``group.equal``.
    std_lv : bool, default False
        Identify the factors by unit variances (lavaan ``std.lv = TRUE``): all loadings
        free, factor variances 1 in the first group and, once loadings are equal, free in
        the others.

    Returns
    -------
    MultiGroupSimpleStructureModel
        With ``implied``, ``jacobian``, ``start`` and ``param_names`` for
        :func:`~werkalliantie_stats.psychometrics.cfa.dwls.fit_dwls`.

    Notes
    -----
    Delta parameterisation (lavaan's default): in group *g* the implied thresholds are
    :math:`t_{ik} = \\delta_i (\\tau_{ik} - \\lambda_i' \\alpha_g)` and the implied
    polychorics :math:`r_{ij} = \\delta_i \\delta_j (\\Lambda \\Psi_g \\Lambda')_{ij}`, with
    residual variances :math:`\\theta_{ii} = \\delta_i^{-2} - (\\Lambda \\Psi_g
    \\Lambda')_{ii}`. With thresholds equal, identification fixes :math:`\\alpha = 0`,
    :math:`\\delta = 1` in the first group and frees both in the others (Millsap &
    Yun-Tein, 2004).

    References
    ----------
    1. Millsap, R. E., & Yun-Tein, J. (2004). Assessing factorial invariance in
       ordered-categorical measures. Multivariate Behavioral Research, 39, 479-515.
    2. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
       Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.ordinal import ordinal_sample_statistics
    >>> rng = np.random.default_rng(3)
    >>> y = 0.8 * rng.normal(size=(400, 1)) + 0.6 * rng.normal(size=(400, 3))
    >>> data = pd.DataFrame(np.digitize(y, [-0.5, 0.5]) + 1, columns=["a", "b", "c"])
    >>> data["g"] = np.repeat(["x", "y"], 200)
    >>> stats = ordinal_sample_statistics(data, items=["a", "b", "c"], group="g")
    >>> model = multigroup_simple_structure_model({"F": ["a", "b", "c"]}, stats,
    ...                                           equal=("loadings", "thresholds"))
    >>> model.param_names[-5:]
    ('F~~F.g2', 'F~1.g2', 'a~*~a.g2', 'b~*~b.g2', 'c~*~c.g2')
    >>> # In R: cfa("F =~ a + b + c", data, ordered = TRUE, estimator = "WLSMV", group = "g",
    >>> #           group.equal = c("loadings", "thresholds"))
    """
    if not isinstance(stats, GroupedOrdinalSampleStats):
        raise TypeError(f"{_FUNC}: `stats` must be GroupedOrdinalSampleStats (call "
                        "ordinal_sample_statistics with group=...), got "
                        f"{type(stats).__name__}")
    equal = tuple(equal)
    unknown = [e for e in equal if e not in _EQUAL]
    if unknown or ("thresholds" in equal and "loadings" not in equal):
        raise ValueError(f"{_FUNC}: `equal` must be (), ('loadings',) or ('loadings', "
                         f"'thresholds'), got {equal!r}")
    labels = stats.group_labels
    first = stats[labels[0]]
    items = list(first.items)
    _check_pattern(pattern, items)
    counts = first.thresholds_per_item
    for label in labels[1:]:
        if stats[label].thresholds_per_item != counts:
            raise ValueError(f"{_FUNC}: groups {labels[0]!r} and {label!r} have different "
                             f"numbers of categories ({counts} vs "
                             f"{stats[label].thresholds_per_item}); merge categories so "
                             "that every group uses the same ones")
    factors = tuple(pattern)
    item_factor = tuple(next(f for f, fac in enumerate(factors) if it in pattern[fac])
                        for it in items)
    threshold_item = tuple(i for i, it in enumerate(items) for _ in range(counts[it]))
    free, names = _free_parameters(pattern, factors, items, counts, len(labels), equal,
                                   std_lv)
    return MultiGroupSimpleStructureModel(
        items=tuple(items), factors=factors, item_factor=item_factor, group_labels=labels,
        equal=equal, std_lv=std_lv, threshold_item=threshold_item, free=tuple(free),
        param_names=tuple(names))


def _free_parameters(pattern, factors, items, counts, n_groups, equal, std_lv):
    free, names = [], []

    def add(kind, group, r, c, label, shared):
        owner = None if shared else group
        free.append((kind, owner, r, c))
        names.append(label if shared or group == 0 else f"{label}.g{group + 1}")

    for g in range(n_groups):
        if g == 0 or "loadings" not in equal:
            for f, fac in enumerate(factors):
                for item in pattern[fac][0 if std_lv else 1:]:
                    add("lambda", g, items.index(item), f, f"{fac}=~{item}",
                        "loadings" in equal)
        if g == 0 or "thresholds" not in equal:
            k = 0
            for item in items:
                for t in range(counts[item]):
                    add("tau", g, k, 0, f"{item}|t{t + 1}", "thresholds" in equal)
                    k += 1
        if not std_lv or (g > 0 and "loadings" in equal):
            for f, fac in enumerate(factors):
                add("psi", g, f, f, f"{fac}~~{fac}", False)
        for j in range(len(factors)):
            for f in range(j + 1, len(factors)):
                add("psi", g, f, j, f"{factors[j]}~~{factors[f]}", False)
        if g > 0 and "thresholds" in equal:
            for f, fac in enumerate(factors):
                add("alpha", g, f, 0, f"{fac}~1", False)
            for i, item in enumerate(items):
                add("delta", g, i, 0, f"{item}~*~{item}", False)
    return free, names
