"""The public entry point :func:`cfa`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from werkalliantie_stats._validation import check_columns, check_frame, numeric_frame

from .engine import SampleData, baseline, fit_model
from .fit import fit_measures, srmr
from .partable import ModelSpec, build_partable, check_model_columns, model_variables
from .results import CFAResult, estimates_frame, r_squared_frame
from .syntax import parse_model
from .wlsmv import fit_wlsmv

__all__ = ["cfa", "cfa_sequence"]

_ESTIMATORS = ("ML", "MLR", "WLSMV")
_MISSING = ("listwise", "fiml", "pairwise")
_SE = ("standard", "bootstrap")


def _check_se(se: str, estimator: str, bootstrap) -> None:
    if se not in _SE:
        raise ValueError(f"cfa: `se` must be one of {list(_SE)}, got {se!r}")
    if se == "bootstrap" and estimator == "WLSMV":
        raise ValueError("cfa: se='bootstrap' is available for estimator='ML' or 'MLR'; "
                         "with estimator='WLSMV' use its robust standard errors "
                         "(se='standard'), or fit the items as continuous with "
                         "estimator='MLR' and se='bootstrap'")
    if se == "bootstrap" and (isinstance(bootstrap, bool)
                              or not isinstance(bootstrap, (int, np.integer)) or bootstrap < 2):
        raise ValueError(f"cfa: `bootstrap` (number of draws) must be an int >= 2, "
                         f"got {bootstrap!r}")


def _with_bootstrap(res: CFAResult, n_boot: int, seed) -> CFAResult:
    """Replace the Wald se/z/pvalue/CI columns by percentile-bootstrap ones (lavaan)."""
    from .bootstrap import bootstrap_cfa

    boot = bootstrap_cfa(res, n_boot, seed=seed, ci_level=res.ci_level)
    est = res.estimates.copy()
    cols = ["se", "z", "pvalue", "ci_lower", "ci_upper"]
    est[cols] = boot.estimates[cols].to_numpy()
    return replace(res, estimates=est, bootstrap=boot)


def _check_options(estimator: str, missing: str, ci_level: float) -> tuple[str, str]:
    est = str(estimator).upper()
    if est not in _ESTIMATORS:
        raise ValueError(f"cfa: `estimator` must be one of {list(_ESTIMATORS)}, got "
                         f"{estimator!r} (ordered items: estimator='WLSMV')")
    miss = {"ml": "fiml", "fiml": "fiml", "listwise": "listwise",
            "pairwise": "pairwise"}.get(str(missing).lower())
    if miss is None:
        raise ValueError(f"cfa: `missing` must be one of {list(_MISSING)}, got {missing!r}")
    if miss == "pairwise" and est != "WLSMV":
        raise ValueError(f"cfa: `missing` 'pairwise' is for ordered items "
                         f"(estimator='WLSMV'), got estimator={estimator!r}; with ML/MLR use "
                         "missing='fiml' (lavaan's missing='ml')")
    if not 0 < ci_level < 1:
        raise ValueError(f"cfa: `ci_level` must lie in (0, 1), got {ci_level!r}")
    return est, miss


def _ordered_items(ordered, estimator: str, ov_names: list[str]) -> list[str]:
    if ordered is None:
        return list(ov_names) if estimator == "WLSMV" else []
    if isinstance(ordered, bool):
        chosen = list(ov_names) if ordered else []
    elif isinstance(ordered, str) or not isinstance(ordered, Sequence):
        raise TypeError(f"cfa: `ordered` must be None, True/False or a list of item names, "
                        f"got {ordered!r}")
    else:
        chosen = [str(v) for v in ordered]
    unknown = [v for v in chosen if v not in ov_names]
    if unknown:
        raise ValueError(f"cfa: `ordered` names {unknown[:3]} that are not indicators of the "
                         f"model ({ov_names[:10]})")
    if chosen and estimator != "WLSMV":
        raise ValueError(f"cfa: ordered items (e.g. {chosen[0]!r}) need estimator='WLSMV', "
                         f"got estimator={estimator!r}")
    if estimator == "WLSMV" and sorted(chosen) != sorted(ov_names):
        rest = [v for v in ov_names if v not in chosen]
        raise ValueError(f"cfa: estimator='WLSMV' treats every indicator as ordered; "
                         f"{rest[:3]} are not in `ordered` (mixed continuous/ordered "
                         "indicators are not supported). Use ordered=True or list them all.")
    return chosen


def _fit_ordered(data, statements, ov_names, lv_names, *, group, miss, std_lv, ci_level,
                 model, group_equal, group_partial) -> CFAResult:
    if group is not None:
        split_groups(data, ov_names, group, "listwise")  # checks the group column
    if miss == "fiml":
        raise ValueError("cfa: with estimator='WLSMV' `missing` must be 'listwise' (lavaan's "
                         "default for ordered data) or 'pairwise', got missing='fiml'; for "
                         "full-information ML use estimator='MLR' with missing='fiml'")
    return fit_wlsmv(data, statements, ov_names, lv_names, std_lv=std_lv,
                     ci_level=ci_level, model_text=model, group=group,
                     group_equal=group_equal, group_partial=group_partial, missing=miss)


def split_groups(data: pd.DataFrame, ov_names: list[str], group: str | None, missing: str,
                 func: str = "cfa") -> tuple[list[np.ndarray], tuple, tuple]:
    """Per-group item arrays (listwise deletion unless FIML), group labels, row labels."""
    if all(pd.api.types.is_numeric_dtype(data[c]) for c in ov_names):
        y = data[ov_names].to_numpy(dtype=float)
    else:
        y = numeric_frame(data, func, ov_names).to_numpy(dtype=float)
    if group is None:
        labels, codes = (None,), np.zeros(len(data), dtype=int)
    else:
        check_columns(data, [group], func)
        keys = data[group]
        labels = tuple(pd.unique(keys.dropna()))
        if len(labels) < 2:
            raise ValueError(f"{func}: `group` column {group!r} has {len(labels)} distinct "
                             f"value(s), e.g. {labels[:1]!r}; need at least two groups")
        codes = keys.map({k: i for i, k in enumerate(labels)}).to_numpy()
    keep = ~pd.isna(codes)
    keep &= ~np.isnan(y).any(axis=1) if missing == "listwise" else ~np.isnan(y).all(axis=1)
    groups = [y[keep & (codes == g)] for g in range(len(labels))]
    index = tuple(data.index[keep & (codes == g)] for g in range(len(labels)))
    for label, arr in zip(labels, groups, strict=False):
        if arr.shape[0] <= len(ov_names):
            raise ValueError(f"{func}: group {label!r} has {arr.shape[0]} usable cases for "
                             f"{len(ov_names)} indicators; need more cases than indicators")
    return groups, labels, index


def cfa(data: pd.DataFrame, model: str, *, estimator: str = "ML", group: str | None = None,
        group_equal: Sequence[str] = (), group_partial: Sequence[str] = (),
        std_lv: bool = False, missing: str = "listwise", meanstructure: bool | None = None,
        ci_level: float = 0.95, ordered: bool | Sequence[str] | None = None,
        se: str = "standard", bootstrap: int = 1000,
        seed: int | np.random.Generator | None = None) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, as lavaan's ``cfa()``.

    Parameters
    ----------
    data : DataFrame
        One row per case; the model's indicators are matched to columns by name.
    model : str
        lavaan-style model text: ``f =~ x1 + x2``, ``x1 ~~ x2``, ``x1 ~ 1``, with
        modifiers ``a*x`` (label/equality), ``1*x`` (fixed), ``NA*x`` (free),
        ``start(0.5)*x`` and per-group vectors ``c(a, b)*x``.
    estimator : {"ML", "MLR", "WLSMV"}
        ``"MLR"``: ML estimates with Huber-White standard errors and the
        Yuan-Bentler scaled test (lavaan ``estimator="MLR"``). ``"WLSMV"``: the
        indicators are ordered categories; DWLS on thresholds and polychoric
        correlations with robust standard errors and the scaled-shifted test
        (lavaan ``cfa(..., ordered=TRUE, estimator="WLSMV")``, delta parameterisation,
        listwise or pairwise deletion); the estimates gain lavaan's threshold rows
        ``x | t1``.
    group : str, optional
        Column defining groups, fitted jointly (group order: first appearance).
    group_equal : sequence of str
        Cross-group equalities: ``"loadings", "intercepts", "means", "residuals",
        "residual.covariances", "lv.variances", "lv.covariances"``.
    group_partial : sequence of str
        Parameters exempt from ``group_equal``, e.g. ``("f=~x2", "x3~1")``.
    std_lv : bool
        Identify factors by unit variance (all loadings free) instead of a marker.
    missing : {"listwise", "fiml", "pairwise"}
        ``"fiml"`` (ML/MLR): casewise (full-information) likelihood, lavaan
        ``missing="ml"``. ``"pairwise"`` (WLSMV): lavaan's ``missing="pairwise"`` —
        thresholds from each item's answered cases, polychorics from each pair's jointly
        answered cases, their Gamma from the casewise scores with missing answers
        scoring zero; ``ntotal`` counts the cases with at least one answer.
    meanstructure : bool, optional
        Model intercepts; default True with groups or FIML, else False.
    ci_level : float
        Level of the Wald confidence intervals.
    ordered : bool or sequence of str, optional
        Which indicators are ordered categorical. ``None`` (default) means all of them
        with ``estimator="WLSMV"`` and none otherwise; ``True`` means all; a list must
        name every indicator of the model (mixed continuous/ordered indicators are not
        supported) and requires ``estimator="WLSMV"``.
    se : {"standard", "bootstrap"}
        ``"bootstrap"`` (ML/MLR): the ``se, z, pvalue, ci_lower, ci_upper`` columns come
        from ``bootstrap`` nonparametric draws (percentile CIs), as lavaan's
        ``se = "bootstrap"``; the draws are in ``result.bootstrap``
        (:func:`bootstrap_cfa`). Fit measures are unchanged.
    bootstrap : int
        Number of bootstrap draws with ``se="bootstrap"``.
    seed : int or numpy Generator, optional
        Seed of the bootstrap draws.

    Returns
    -------
    CFAResult

    Notes
    -----
    With ``Sigma = Lambda Psi Lambda' + Theta`` and ``mu = nu + Lambda alpha`` per group
    the estimates minimise
    ``F = sum_g (n_g/N) [log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p
    + (ybar_g - mu_g)' Sigma_g^-1 (ybar_g - mu_g)]`` (sample covariances with
    divisor n); ``chisq = N F``. Standard errors come from the expected information
    (complete data), the observed information (FIML) or the sandwich (MLR). Under FIML
    the robust CFI/TLI/RMSEA are lavaan's FIML-corrected ones (ref. 5): the complete-data
    statistic ``T3`` of the estimates against the EM moments with scaling
    ``c3 = tr(Wc Wm^-1 U Wm^-1) / df`` (ML) or ``tr(U Wm^-1 Wc Wm^-1 U Gamma) / df``
    (MLR), ``U = Wm - Wm Delta E^-1 Delta' Wm`` (see ``fiml_corrected.py``).

    WLSMV (ordered items, delta parameterisation): with sample thresholds and
    polychorics ``s``, their asymptotic covariance ``Gamma`` and
    ``W = diag(Gamma)^-1``, the estimates minimise ``F = (s - sigma)' W (s - sigma)``
    with ``sigma = [tau, offdiag(Lambda Psi Lambda' + Theta)]``; ``chisq = (N - 1) F``;
    ``Var = E^-1 Delta' W Gamma W Delta E^-1 / (N - 1)`` with ``E = Delta' W Delta``;
    the scaled-shifted test and fit indices as in docs/methods/cfa-ordinal.md.

    References
    ----------
    1. Joreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. Psychometrika, 34, 183-202.
    2. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       Journal of Statistical Software, 48(2), 1-36.
    3. Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean
       and covariance structure analysis with nonnormal missing data. Sociological
       Methodology, 30, 165-200.
    4. Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using
       weighted least squares and quadratic estimating equations in latent variable
       modeling with categorical and continuous outcomes. Unpublished manuscript.
    5. Zhang, X., & Savalei, V. (2023). New computations for RMSEA and CFI following
       FIML and TS estimation with missing data. Psychological Methods, 28, 263-283.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> data = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(300, 4)),
    ...                     columns=["a", "b", "c", "d"])
    >>> res = cfa(data, "f =~ a + b + c + d")   # In R: lavaan::cfa("f =~ a + b + c + d", data)
    >>> int(res.fit_measures["df"])
    2
    >>> res.estimates.loc[1, ["lhs", "op", "rhs"]].tolist()
    ['f', '=~', 'b']
    >>> boot = cfa(data, "f =~ a + b + c + d", se="bootstrap", bootstrap=50, seed=1)
    >>> # In R: lavaan::cfa("f =~ a + b + c + d", data, se = "bootstrap", bootstrap = 50)
    >>> boot.bootstrap.n_boot, bool(boot.estimates.loc[1, "se"] > 0)
    (50, True)
    >>> codes = data.apply(lambda col: np.digitize(col, [-0.5, 0.5]) + 1)
    >>> ordinal = cfa(codes, "f =~ a + b + c + d", estimator="WLSMV")
    >>> # In R: lavaan::cfa("f =~ a + b + c + d", codes, ordered = TRUE, estimator = "WLSMV")
    >>> ordinal.estimates.loc[4, ["lhs", "op", "rhs"]].tolist()
    ['a', '|', 't1']
    >>> int(ordinal.fit_measures["df"])
    2
    >>> holes = codes.astype(float).mask(rng.random(codes.shape) < 0.05)
    >>> pairwise = cfa(holes, "f =~ a + b + c + d", estimator="WLSMV", missing="pairwise")
    >>> # In R: lavaan::cfa(..., ordered = TRUE, estimator = "WLSMV", missing = "pairwise")
    >>> int(pairwise.fit_measures["ntotal"]), len(holes.dropna())
    (300, 244)
    """
    check_frame(data, "cfa")
    est, miss = _check_options(estimator, missing, ci_level)
    _check_se(se, est, bootstrap)
    statements = parse_model(model)
    check_model_columns(statements, list(data.columns), "cfa")
    ov_names, lv_names = model_variables(statements)
    ordered_items = _ordered_items(ordered, est, ov_names)
    if ordered_items:
        return _fit_ordered(data, statements, ov_names, lv_names, group=group, miss=miss,
                            std_lv=std_lv, ci_level=ci_level, model=model,
                            group_equal=group_equal, group_partial=group_partial)
    groups, labels, index = split_groups(data, ov_names, group, miss)
    has_means = any(s.op == "~1" for s in statements)
    if meanstructure is None:
        meanstructure = group is not None or miss == "fiml" or has_means
    sample = SampleData(groups, miss, bool(meanstructure))
    res = fit_continuous(sample, statements, ov_names, lv_names, est=est, labels=labels,
                         index=index, model_text=model, std_lv=std_lv, ci_level=ci_level,
                         group_equal=group_equal, group_partial=group_partial)
    return _with_bootstrap(res, bootstrap, seed) if se == "bootstrap" else res


def fit_continuous(sample: SampleData, statements, ov_names: list[str], lv_names: list[str], *,
                   est: str, labels: tuple, index: tuple, model_text: str, std_lv: bool = False,
                   ci_level: float = 0.95, group_equal: Sequence[str] = (),
                   group_partial: Sequence[str] = (),
                   starts: pd.DataFrame | None = None) -> CFAResult:
    """ML/MLR (complete data or FIML) fit of parsed ``statements`` to ``sample``.

    ``starts``: the estimates table of a previous fit on the same data (an earlier,
    nested invariance step); its estimates start the optimiser where the rows match.
    """
    spec = ModelSpec(ngroups=len(sample.groups), std_lv=std_lv,
                     meanstructure=sample.meanstructure, group_equal=tuple(group_equal),
                     group_partial=tuple(group_partial))
    table = build_partable(statements, spec)
    try:
        state = fit_model(table if starts is None else _warm_start(table, starts), ov_names,
                          lv_names, sample, estimator=est)
    except ValueError:  # the previous estimates give a non-PD start: use the default one
        if starts is None:
            raise
        state = fit_model(table, ov_names, lv_names, sample, estimator=est)
    base = baseline(sample, ov_names, est)
    measures = fit_measures(state.test, base, ntotal=sum(state.nobs),
                            ngroups=len(sample.groups), npar=state.model.npar, logl=state.logl,
                            unrestricted_logl=state.logl_h1,
                            srmr_value=srmr(state.samples, state.implied(), state.nobs,
                                            spec.meanstructure),
                            corrected=state.corrected)
    return CFAResult(estimates_frame(state, ci_level), measures, r_squared_frame(state), est,
                     sample.missing, tuple(state.nobs), labels, state.converged, ci_level, state,
                     index, model_text)


def _warm_start(table: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Fill the ``start`` column from a previous fit's ``est`` (matching rows only)."""
    key = ["lhs", "op", "rhs", "group"]
    prev = previous[[*key, "est"]] if "group" in previous.columns else (
        previous[["lhs", "op", "rhs", "est"]].assign(group=1))
    merged = table[key].merge(prev, on=key, how="left")
    table = table.copy()
    table["start"] = np.where(np.isnan(table["start"].to_numpy(dtype=float)),
                              merged["est"].to_numpy(dtype=float), table["start"])
    return table


def cfa_sequence(data: pd.DataFrame, models: dict[str, str], *, estimator: str = "ML",
                 missing: str = "listwise", func: str = "cfa") -> dict[str, CFAResult]:
    """Fit several single-group models on the same indicators and cases, in order.

    The data are summarised once (patterns, EM moments, h1 information, baseline) and
    each model starts from the estimates of the one before (nested invariance steps).
    Each result equals ``cfa(data, models[name], estimator=estimator, missing=missing)``.
    WLSMV, or models on different indicators, are fitted one by one with :func:`cfa`.
    """
    check_frame(data, func)
    est, miss = _check_options(estimator, missing, 0.95)
    parsed = {name: parse_model(text) for name, text in models.items()}
    variables = [model_variables(st) for st in parsed.values()]
    if est == "WLSMV" or any(v[0] != variables[0][0] for v in variables):
        return {name: cfa(data, text, estimator=est, missing=miss)
                for name, text in models.items()}
    for statements in parsed.values():
        check_model_columns(statements, list(data.columns), func)
    ov_names = variables[0][0]
    groups, labels, index = split_groups(data, ov_names, None, miss, func)
    has_means = any(s.op == "~1" for st in parsed.values() for s in st)
    sample = SampleData(groups, miss, miss == "fiml" or has_means)
    out: dict[str, CFAResult] = {}
    previous = None
    for (name, statements), (_, lv_names) in zip(parsed.items(), variables, strict=True):
        previous = fit_continuous(sample, statements, ov_names, lv_names, est=est,
                                  labels=labels, index=index, model_text=models[name],
                                  starts=None if previous is None else previous.estimates)
        out[name] = previous
    return out
