"""Nonparametric bootstrap of a fitted CFA: :func:`bootstrap_cfa` and its result."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from werkalliantie_stats._results import ResultMixin
from werkalliantie_stats._validation import as_rng
from werkalliantie_stats.exceptions import ConvergenceWarning, HeywoodCaseWarning

from .boot_ci import CI_TYPES, bootstrap_intervals
from .boot_engine import bollen_stine_data, draw_chisq, draw_counts, draw_moments, refit_draws
from .ml import complete_blocks, pattern_blocks
from .results import CFAResult

__all__ = ["CFABootstrapResult", "bootstrap_cfa"]

_FUNC = "bootstrap_cfa"
_TYPES = ("ordinary", "bollen.stine")
_KEYS = ["lhs", "op", "rhs", "group", "label"]


@dataclass(frozen=True)
class CFABootstrapResult(ResultMixin):
    """Bootstrap draws of a fitted CFA with bootstrap standard errors and CIs.

    Attributes
    ----------
    estimates : DataFrame
        One row per parameter-table row: ``lhs, op, rhs, [group], label, est, se, z,
        pvalue, ci_lower, ci_upper``; ``est`` is the full-sample estimate, ``se`` the SD
        of the successful draws with divisor R (lavaan's ``se = "bootstrap"``), the CI of
        type ``ci_type`` at ``ci_level``.
    draws : DataFrame
        ``n_boot x n_free`` estimates of the free parameters (columns ``lhs op rhs``,
        ``.g2``... for later groups); a failed draw is a row of NaN.
    n_boot, n_failed, n_nonadmissible : int
        Draws made, draws that did not converge (dropped), converged draws with a
        negative variance estimate (kept, as lavaan does).
    ci_level : float
    ci_type : str
        ``"perc"``, ``"norm"``, ``"basic"`` or ``"bca.simple"``.
    indices : ndarray
        ``n_boot x N`` resampled case positions (0-based, in the fit's case order:
        group 1's cases, then group 2's, ...).
    type : str
        ``"ordinary"`` or ``"bollen.stine"`` (draws from the rotated data).
    chisq : float
        The fitted model's chi-square ``T``.
    chisq_draws : ndarray
        Chi-square of each draw's fit (complete data; NaN for failed draws and FIML).
    pvalue_bollen_stine : float
        With ``type="bollen.stine"``: ``#{T_b > T} / R`` over the converged draws
        (lavaan ``test = "bollen.stine"``); NaN otherwise.
    """

    estimates: pd.DataFrame
    draws: pd.DataFrame
    n_boot: int
    n_failed: int
    n_nonadmissible: int
    ci_level: float
    ci_type: str
    indices: np.ndarray = field(repr=False, compare=False)
    row_param: np.ndarray = field(repr=False, compare=False)
    type: str = "ordinary"
    chisq: float = float("nan")
    chisq_draws: np.ndarray = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    pvalue_bollen_stine: float = float("nan")
    _title = "CFA bootstrap"

    def to_frame(self) -> pd.DataFrame:
        """The estimates with bootstrap SEs and CIs."""
        return self.estimates

    def _ok_draws(self) -> np.ndarray:
        t = self.draws.to_numpy()
        return t[~np.isnan(t).any(axis=1)]

    def _est_free(self) -> np.ndarray:
        est = np.zeros(self.draws.shape[1])
        free = self.row_param >= 0
        est[self.row_param[free]] = self.estimates["est"].to_numpy()[free]
        return est

    def standard_errors(self, ddof: int = 0) -> pd.Series:
        """Bootstrap SE of each row: SD of the successful draws (0 for fixed rows).

        ``ddof=0`` (divisor R) is lavaan's ``se = "bootstrap"``; ``ddof=1`` is R's
        ``sd()`` of ``bootstrapLavaan`` output.
        """
        sd = self._ok_draws().std(axis=0, ddof=ddof)
        free = self.row_param >= 0
        return pd.Series(np.where(free, sd[np.maximum(self.row_param, 0)], 0.0),
                         index=self.estimates.index, name="se")

    def confidence_interval(self, ci_type: str | None = None,
                            ci_level: float | None = None) -> pd.DataFrame:
        """``ci_lower``/``ci_upper`` of each row for another type or level."""
        kind = _check_ci_type(ci_type or self.ci_type, "CFABootstrapResult.confidence_interval")
        level = _check_level(self.ci_level if ci_level is None else ci_level,
                             "CFABootstrapResult.confidence_interval")
        limits = _row_intervals(self._ok_draws(), self._est_free(), self.row_param,
                                self.estimates["est"].to_numpy(), level, kind)
        keys = [c for c in _KEYS if c in self.estimates.columns]
        out = self.estimates[keys].copy()
        out["ci_lower"], out["ci_upper"] = limits[:, 0], limits[:, 1]
        return out


def _check_ci_type(ci_type, func: str) -> str:
    if ci_type not in CI_TYPES:
        raise ValueError(f"{func}: `ci_type` must be one of {list(CI_TYPES)}, got {ci_type!r}")
    return ci_type


def _check_level(level, func: str) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"{func}: `ci_level` must lie in (0, 1), got {level!r}")
    return float(level)


def _check_fit(fit) -> None:
    if not isinstance(fit, CFAResult):
        raise TypeError(f"{_FUNC}: `fit` must be a CFAResult from cfa(), got "
                        f"{type(fit).__name__}")
    if fit.estimator == "WLSMV":
        raise ValueError(f"{_FUNC}: the bootstrap is available for ML and MLR fits; this "
                         "model was fitted with estimator='WLSMV' (ordered items). Use its "
                         "robust standard errors, or refit with estimator='ML'/'MLR' to "
                         "bootstrap the items treated as continuous.")


def _check_n_boot(n_boot) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)):
        raise TypeError(f"{_FUNC}: `n_boot` must be an int, got {n_boot!r}")
    if n_boot < 2:
        raise ValueError(f"{_FUNC}: `n_boot` must be at least 2, got {n_boot}")
    return int(n_boot)


def _check_indices(indices, nobs: tuple[int, ...], n_boot) -> np.ndarray:
    arr = np.asarray(indices)
    total = sum(nobs)
    if arr.ndim != 2 or arr.shape[1] != total:
        raise ValueError(f"{_FUNC}: `indices` must be an n_boot x {total} array (one row "
                         f"per draw, one column per case of the fit), got shape {arr.shape}")
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(int)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{_FUNC}: `indices` must hold integers, got dtype {arr.dtype} "
                        f"(e.g. {arr.ravel()[:1]!r})")
    _check_n_boot(arr.shape[0])
    if n_boot is not None and n_boot != arr.shape[0]:
        raise ValueError(f"{_FUNC}: `n_boot`={n_boot} but `indices` has {arr.shape[0]} rows; "
                         "leave n_boot out when you pass indices")
    start = 0
    for g, n in enumerate(nobs):
        block = arr[:, start:start + n]
        bad = (block < start) | (block >= start + n)
        if bad.any():
            where = "" if len(nobs) == 1 else f" (group {g + 1} columns {start}..{start + n - 1})"
            raise ValueError(f"{_FUNC}: `indices` must lie in [{start}, {start + n - 1}]"
                             f"{where}; got {block[bad][0]}")
        start += n
    return arr


def _draw_indices(nobs: tuple[int, ...], n_boot: int, seed) -> np.ndarray:
    rng = as_rng(seed)
    offsets = np.cumsum((0, *tuple(nobs[:-1])))
    return np.hstack([rng.integers(off, off + n, size=(n_boot, n))
                      for off, n in zip(offsets, nobs, strict=True)])


def _refit(state, indices: np.ndarray, groups: list[np.ndarray]):
    """Estimates (B, q), converged flags and chi-squares of the draws from ``groups``."""
    moments, start = [], 0
    for g, y in enumerate(groups):
        n = y.shape[0]
        counts = draw_counts(indices[:, start:start + n] - start, n)
        moments.append(draw_moments(g, y, counts))
        start += n
    fiml = state.missing == "fiml"
    blocks = pattern_blocks(state.groups) if fiml else complete_blocks(state.groups)
    xs, converged = refit_draws(state.model, state.x, moments, blocks, state.meanstructure,
                                state.nobs)
    chisq = (np.full(len(xs), np.nan) if fiml
             else draw_chisq(state.model, xs, moments, state.meanstructure, state.nobs))
    return xs, converged, chisq


def _check_type(boot_type, fit: CFAResult) -> str:
    if boot_type not in _TYPES:
        raise ValueError(f"{_FUNC}: `type` must be one of {list(_TYPES)}, got {boot_type!r}")
    if boot_type == "bollen.stine" and fit.missing == "fiml":
        raise ValueError(f"{_FUNC}: type='bollen.stine' needs complete data (as lavaan); this "
                         "model was fitted with missing='fiml'. Refit with "
                         "missing='listwise' or use type='ordinary'.")
    return boot_type


def _column_names(table: pd.DataFrame, npar: int) -> list[str]:
    names = [""] * npar
    for lhs, op, rhs, group, free in zip(table["lhs"], table["op"], table["rhs"],
                                         table["group"], table["free"], strict=True):
        if free > 0 and not names[free - 1]:
            names[free - 1] = f"{lhs}{op}{rhs}" + (f".g{group}" if group > 1 else "")
    return names


def _nonadmissible(model, xs: np.ndarray) -> int:
    bad = np.zeros(len(xs), dtype=bool)
    for g in range(model.ngroups):
        mats = model.batch_matrices(xs, g)
        bad |= (np.diagonal(mats["theta"], axis1=1, axis2=2) < 0).any(axis=1)
        bad |= (np.diagonal(mats["psi"], axis1=1, axis2=2) < 0).any(axis=1)
    return int(bad.sum())


def _row_intervals(t, est_free, row_param, est_rows, level, ci_type) -> np.ndarray:
    """Per-row limits: the parameter's CI for free rows, ``(est, est)`` for fixed ones."""
    limits = np.column_stack([est_rows, est_rows]).astype(float)
    free = row_param >= 0
    if len(t) < 2:
        limits[free] = np.nan
        return limits
    per_param = bootstrap_intervals(t, est_free, level, ci_type)
    limits[free] = per_param[row_param[free]]
    return limits


def _estimates(fit: CFAResult, draws: pd.DataFrame, row_param, level, ci_type):
    keys = [c for c in _KEYS if c in fit.estimates.columns]
    out = fit.estimates[[*keys, "est"]].copy()
    t = draws.to_numpy()
    t = t[~np.isnan(t).any(axis=1)]
    free = row_param >= 0
    est = out["est"].to_numpy()
    est_free = np.zeros(t.shape[1])
    est_free[row_param[free]] = est[free]
    sd = t.std(axis=0, ddof=0) if len(t) >= 2 else np.full(t.shape[1], np.nan)
    se = np.where(free, sd[np.maximum(row_param, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(free, est / se, np.nan)
    limits = _row_intervals(t, est_free, row_param, est, level, ci_type)
    out["se"], out["z"], out["pvalue"] = se, z, 2 * stats.norm.sf(np.abs(z))
    out["ci_lower"], out["ci_upper"] = limits[:, 0], limits[:, 1]
    return out


def _warn(n_failed: int, n_bad: int, n_boot: int) -> None:
    if n_failed:
        warnings.warn(f"{_FUNC}: {n_failed} of {n_boot} bootstrap draws did not converge and "
                      f"were dropped (as lavaan does); SEs and CIs use the other "
                      f"{n_boot - n_failed}. Many failures point to a weakly identified "
                      "model: check it, or use more cases.", ConvergenceWarning, stacklevel=3)
    if n_bad:
        warnings.warn(f"{_FUNC}: {n_bad} of {n_boot} bootstrap draws have a negative variance "
                      "estimate (Heywood case); they are kept, as lavaan does. Many such "
                      "draws suggest weak indicators or a misspecified model.",
                      HeywoodCaseWarning, stacklevel=3)


def bootstrap_cfa(fit: CFAResult, n_boot: int | None = None, *,
                  seed: int | np.random.Generator | None = None,
                  indices: np.ndarray | None = None, ci_level: float | None = None,
                  ci_type: str = "perc", type: str = "ordinary") -> CFABootstrapResult:
    """Nonparametric bootstrap of a fitted ML/MLR CFA, as lavaan's ``bootstrapLavaan``.

    Parameters
    ----------
    fit : CFAResult
        A model fitted by :func:`cfa` with ``estimator="ML"`` or ``"MLR"`` (listwise or
        ``missing="fiml"``, one or more groups).
    n_boot : int, optional
        Number of resamples (default 1000; with ``indices`` it is their number of rows).
    seed : int or numpy Generator, optional
        Seed of the resampling.
    indices : array of int, optional
        ``n_boot x N`` resampled case positions, 0-based, in the fit's case order (group
        1's cases first; with groups each group's block of columns must point into that
        group). Replaces the random draws, e.g. to reproduce another program's.
    ci_level : float, optional
        Level of the intervals (default: the fit's ``ci_level``).
    ci_type : {"perc", "norm", "basic", "bca.simple"}
        Interval type of ``estimates`` (others via ``confidence_interval``).
    type : {"ordinary", "bollen.stine"}
        ``"bollen.stine"`` resamples the data rotated to fit the model exactly and gives
        the Bollen-Stine p-value of the chi-square test (complete data only); as in
        lavaan, the SEs and CIs then come from those draws too.

    Returns
    -------
    CFABootstrapResult

    Notes
    -----
    Each draw resamples ``n_g`` cases with replacement within every group ``g`` and
    refits the model by ML (FIML with missing data), starting from the full-sample
    estimates. The bootstrap SE of parameter ``j`` is
    ``se_j = sqrt(sum_b (t_bj - tbar_j)^2 / R)`` over the ``R`` converged draws (lavaan's
    divisor R; ``standard_errors(ddof=1)`` gives ``sd()``). Draws that do not converge
    are dropped with a ``ConvergenceWarning``. With ``a = (1 - level)/2``: ``perc`` takes
    the ``a``/``1 - a`` quantiles by ``boot``'s ``norm.inter`` interpolation, ``basic``
    ``2 est - q``, ``norm`` ``est - (tbar - est) -/+ z_{1-a} se``, ``bca.simple``
    quantiles at ``Phi(2 w + z)`` with ``w = Phi^-1(#{t < est}/R)``. Bollen-Stine:
    each group's data are first rotated, ``Z = (Y - ybar) S^-1/2 Sigma^1/2 (+ mu)``, and
    ``p = #{T_b > T} / R`` with ``T_b`` the chi-square of draw ``b``. An MLR fit has the
    ML estimates, so its bootstrap is the ML one (lavaan 0.6 refuses ``se="bootstrap"``
    with ``estimator="MLR"``).

    References
    ----------
    1. Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman
       & Hall.
    2. Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their application.
       Cambridge University Press.
    3. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       Journal of Statistical Software, 48(2), 1-36.
    4. Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit measures in
       structural equation models. Sociological Methods & Research, 21, 205-229.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa import cfa
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> data = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(scale=0.6, size=(300, 4)),
    ...                     columns=["a", "b", "c", "d"])
    >>> fit = cfa(data, "f =~ a + b + c + d")
    >>> boot = bootstrap_cfa(fit, 200, seed=1)
    >>> # In R: bootstrapLavaan(fit, R = 200); parameterEstimates(cfa(..., se = "bootstrap"))
    >>> boot.draws.shape
    (200, 8)
    >>> bool(abs(boot.estimates.loc[1, "se"] - fit.estimates.loc[1, "se"]) < 0.02)
    True
    >>> boot.confidence_interval("bca.simple").columns.tolist()[-2:]
    ['ci_lower', 'ci_upper']
    >>> bs = bootstrap_cfa(fit, 200, seed=1, type="bollen.stine")
    >>> # In R: cfa(..., test = "bollen.stine", bootstrap = 200)@test$bollen.stine$pvalue
    >>> bool(0 <= bs.pvalue_bollen_stine <= 1)
    True
    """
    _check_fit(fit)
    boot_type = _check_type(type, fit)
    kind = _check_ci_type(ci_type, _FUNC)
    level = _check_level(fit.ci_level if ci_level is None else ci_level, _FUNC)
    if indices is not None:
        idx = _check_indices(indices, fit.n_obs, n_boot)
    else:
        idx = _draw_indices(fit.n_obs, _check_n_boot(1000 if n_boot is None else n_boot), seed)
    state = fit.state
    groups = state.groups
    if boot_type == "bollen.stine":
        groups = bollen_stine_data(groups, state.implied(), state.meanstructure)
    xs, converged, chisq_draws = _refit(state, idx, groups)
    table = state.table
    draws = pd.DataFrame(xs, columns=_column_names(table, state.model.npar))
    row_param = table["free"].to_numpy().astype(int) - 1
    n_failed = int((~converged).sum())
    n_bad = _nonadmissible(state.model, xs[converged])
    _warn(n_failed, n_bad, len(idx))
    chisq = float(fit.fit_measures["chisq"])
    ok = chisq_draws[converged]
    pvalue = (float((ok > chisq).sum() / len(ok)) if boot_type == "bollen.stine" and len(ok)
              else float("nan"))
    return CFABootstrapResult(_estimates(fit, draws, row_param, level, kind), draws, len(idx),
                              n_failed, n_bad, level, kind, idx, row_param, boot_type, chisq,
                              chisq_draws, pvalue)
