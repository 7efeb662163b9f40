"""Diagonally weighted least squares (DWLS) with lavaan's WLSMV inference.

:func:`fit_dwls` fits any model that gives its implied statistics vector and Jacobian to
ordinal sample statistics (:func:`~.ordinal.ordinal_sample_statistics`): DWLS estimates,
robust ("sandwich") standard errors as lavaan ``se="robust.sem"``, the mean-and-variance
adjusted ("scaled-shifted") chi-square, the independence baseline, and CFI/TLI/RMSEA in
their standard, scaled and robust (catML, Savalei 2021) versions, plus SRMR.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.linalg import block_diag

from ..._results import ResultMixin, format_table
from ...exceptions import ConvergenceWarning, HeywoodCaseWarning
from .ordinal import GroupedOrdinalSampleStats, OrdinalSampleStats, _pairs

__all__ = [
    "DWLSDifferenceTest",
    "DWLSResult",
    "ImpliedModel",
    "fit_dwls",
    "scaled_difference_test",
    "scaled_shifted_test",
]

_FUNC = "fit_dwls"


class ImpliedModel(Protocol):
    """What :func:`fit_dwls` needs from a model."""

    def implied(self, theta: np.ndarray) -> np.ndarray: ...  # pragma: no cover

    def jacobian(self, theta: np.ndarray) -> np.ndarray: ...  # pragma: no cover


@dataclass(frozen=True)
class DWLSResult(ResultMixin):
    r"""A DWLS (WLSMV) fit.

    Attributes
    ----------
    estimates : pandas.DataFrame
        One row per free parameter (indexed by its label), in lavaan's shape: ``lhs, op,
        rhs, group, est, se, z, pvalue, ci_lower, ci_upper`` (95%).
    fit_measures : pandas.Series
        lavaan's fit measure names with ``_`` for ``.``: ``chisq, df, pvalue, chisq_scaled,
        df_scaled, pvalue_scaled, chisq_scaling_factor, chisq_shift_parameter,
        baseline_chisq, ..., cfi, tli, cfi_scaled, tli_scaled, cfi_robust, tli_robust,
        rmsea, rmsea_ci_lower, ..., rmsea_scaled, ..., rmsea_robust, ..., srmr``.
    theta, vcov : numpy.ndarray
        Estimates and their sandwich covariance matrix.
    implied : numpy.ndarray
        Implied statistics at the estimates.
    fmin : float
        lavaan's ``fmin``: :math:`\sum_g (N_g - 1) F_g / (2N)` (one group: half the DWLS
        discrepancy times (N - 1) / N).
    converged : bool
        Whether the Gauss–Newton iterations met their criterion.
    """

    estimates: pd.DataFrame
    fit_measures: pd.Series
    theta: np.ndarray = field(repr=False)
    vcov: np.ndarray = field(repr=False)
    implied: np.ndarray = field(repr=False)
    fmin: float = float("nan")
    converged: bool = True
    iterations: int = 0
    model: object = field(default=None, repr=False, compare=False)
    stats: object = field(default=None, repr=False, compare=False)
    _title = "DWLS (WLSMV) fit"

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates."""
        return self.estimates

    def confidence_interval(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """Wald intervals ``est +- z * se`` at ``confidence_level``."""
        z = stats.norm.ppf(0.5 + confidence_level / 2)
        est, se = self.estimates["est"], self.estimates["se"]
        return pd.DataFrame({"ci_lower": est - z * se, "ci_upper": est + z * se})

    def summary(self, digits: int = 3) -> str:
        """Test statistics, fit indices and estimates as text (lavaan-like)."""
        fm = self.fit_measures
        lines = [self._title, "=" * len(self._title),
                 f"{'':<40}{'Standard':>12}{'Scaled':>12}",
                 f"{'Test statistic':<40}{fm['chisq']:>12.3f}{fm['chisq_scaled']:>12.3f}",
                 f"{'Degrees of freedom':<40}{fm['df']:>12.0f}{fm['df_scaled']:>12.0f}",
                 f"{'P-value (Chi-square)':<40}{fm['pvalue']:>12.3f}{fm['pvalue_scaled']:>12.3f}",
                 f"{'Scaling correction factor':<40}{'':>12}"
                 f"{fm['chisq_scaling_factor']:>12.3f}",
                 f"{'Shift parameter':<40}{'':>12}{fm['chisq_shift_parameter']:>12.3f}", ""]
        for name in ("cfi", "tli", "rmsea", "srmr"):
            scaled = fm.get(f"{name}_scaled", np.nan)
            lines.append(f"{name.upper():<40}{fm[name]:>12.3f}{scaled:>12.3f}")
        for name in ("cfi_robust", "tli_robust", "rmsea_robust"):
            lines.append(f"{name:<40}{'':>12}{fm[name]:>12.3f}")
        return "\n".join([*lines, "", format_table(self.estimates, digits)])


# --------------------------------------------------------------------------- groups


@dataclass(frozen=True)
class _Stacked:
    """The groups' statistics stacked as lavaan combines them (fg = N_g / N)."""

    groups: tuple
    vector: np.ndarray
    objective_weights: np.ndarray  # (N_g - 1) w_g: lavaan's fit function, times 2N
    v: np.ndarray  # fg * w_g: the weights of the information and the tests
    gamma: np.ndarray  # blockdiag(Gamma_g / fg)
    offsets: np.ndarray
    nobs: int

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def split(self, x: np.ndarray) -> list[np.ndarray]:
        """Per-group pieces of a stacked vector (or of a matrix's rows)."""
        return [x[a:b] for a, b in itertools.pairwise(self.offsets)]

    def fractions(self) -> np.ndarray:
        return np.array([g.nobs for g in self.groups]) / self.nobs


def _stack(stats_) -> _Stacked:
    groups = (stats_,) if isinstance(stats_, OrdinalSampleStats) else tuple(
        stats_.by_group[label] for label in stats_.group_labels)
    total = sum(g.nobs for g in groups)
    fg = [g.nobs / total for g in groups]
    return _Stacked(
        groups=groups, vector=np.concatenate([g.vector for g in groups]),
        objective_weights=np.concatenate([(g.nobs - 1) * g.weights for g in groups]),
        v=np.concatenate([f * g.weights for f, g in zip(fg, groups, strict=True)]),
        gamma=block_diag(*[g.gamma / f for f, g in zip(fg, groups, strict=True)]),
        offsets=np.cumsum([0] + [g.vector.size for g in groups]), nobs=total)


# --------------------------------------------------------------------------- estimation


def _gauss_newton(stack: _Stacked, model, theta, max_iter, tol):
    s, w = stack.vector, stack.objective_weights

    def discrepancy(t):
        r = s - model.implied(t)
        return float(np.sum(w * r * r))

    f_old = discrepancy(theta)
    for iteration in range(1, max_iter + 1):
        jac = model.jacobian(theta)
        resid = s - model.implied(theta)
        info = jac.T @ (w[:, None] * jac)
        step = np.linalg.solve(info, jac.T @ (w * resid))
        new, f_new = theta + step, discrepancy(theta + step)
        for _ in range(40):
            if f_new <= f_old:
                break
            step = step / 2
            new, f_new = theta + step, discrepancy(theta + step)
        theta = new
        if np.max(np.abs(step)) < tol or abs(f_old - f_new) < 1e-15 * max(f_old, 1.0):
            return theta, f_new, True, iteration
        f_old = f_new
    return theta, f_old, False, max_iter


def _sandwich(jac, stack: _Stacked):
    """E^-1 (D'V Gamma V D) E^-1 / (N - G) with E = D'VD, V = fg W_g, Gamma = Gamma_g / fg
    (lavaan se = "robust.sem"; lavaan divides by N - G for estimators other than ML)."""
    vd = stack.v[:, None] * jac
    e_inv = np.linalg.inv(jac.T @ vd)
    middle = vd.T @ stack.gamma @ vd
    return e_inv @ middle @ e_inv / (stack.nobs - stack.n_groups), e_inv


def scaled_shifted_test(chisq: float, df: float, jac: np.ndarray | None, w: np.ndarray,
                        gamma: np.ndarray) -> dict[str, float]:
    r"""Mean-and-variance adjusted (scaled-shifted) test statistic for DWLS.

    Parameters
    ----------
    chisq : float
        The standard test statistic :math:`T`.
    df : float
        Its degrees of freedom.
    jac : numpy.ndarray or None
        Model Jacobian (None for a model without free parameters).
    w : numpy.ndarray
        Diagonal of the weight matrix (with groups: :math:`f_g W_g` stacked).
    gamma : numpy.ndarray
        Asymptotic covariance of the statistics (with groups: :math:`\oplus \Gamma_g / f_g`).

    Returns
    -------
    dict
        ``stat`` (the scaled-shifted statistic), ``scaling_factor`` (:math:`1/a`),
        ``shift`` (:math:`b`), ``trace_ugamma`` and ``trace_ugamma2``.

    Notes
    -----
    :math:`U = W - W \Delta (\Delta' W \Delta)^{-1} \Delta' W`,
    :math:`a = \sqrt{df / \mathrm{tr}((U\Gamma)^2)}`, :math:`b = df - a\,\mathrm{tr}(U\Gamma)`,
    :math:`T_{ss} = a T + b` (lavaan ``test = "scaled.shifted"``). For df = 0 the statistic is
    returned unchanged with NaN scaling (lavaan: NA).

    References
    ----------
    1. Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction.
       Mplus technical appendix.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([1.0, 2.0, 4.0])
    >>> out = scaled_shifted_test(5.0, 2, np.array([[1.0], [1.0], [1.0]]), w, np.diag(1 / w))
    >>> round(float(out["stat"]), 10), round(float(out["scaling_factor"]), 10)
    (5.0, 1.0)
    >>> # In R: lavInspect(fit, "test")$scaled.shifted
    """
    ug = _u_gamma(jac, w, gamma)
    if df <= 0:  # saturated model: lavaan reports the standard statistic, scaling NA
        return {"stat": chisq, "scaling_factor": np.nan, "shift": np.nan,
                "trace_ugamma": np.nan, "trace_ugamma2": np.nan}
    trace1 = float(np.trace(ug))
    trace2 = float(np.sum(ug * ug.T))
    a = np.sqrt(df / trace2)
    shift = df - a * trace1
    return {"stat": chisq * a + shift, "scaling_factor": 1.0 / a, "shift": shift,
            "trace_ugamma": trace1, "trace_ugamma2": trace2}


def _u_gamma(jac, w, gamma):
    wg = w[:, None] * gamma
    if jac is None or jac.shape[1] == 0:
        return wg
    wd = w[:, None] * jac
    e_inv = np.linalg.inv(jac.T @ wd)
    return wg - wd @ (e_inv @ (wd.T @ gamma))


# --------------------------------------------------------------------------- fit indices


def _cfi(x2, df, x2_null, df_null, c_hat=1.0, c_null=1.0):
    t1 = max(x2 - c_hat * df, 0.0)
    t2 = max(x2 - c_hat * df, x2_null - c_null * df_null, 0.0)
    return 1.0 if np.isclose(t1, 0.0) and np.isclose(t2, 0.0) else 1.0 - t1 / t2


def _tli(x2, df, x2_null, df_null, c_hat=1.0, c_null=1.0):
    t1 = (x2 - c_hat * df) * df_null
    t2 = (x2_null - c_null * df_null) * df
    return 1.0 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def _rni(x2, df, x2_null, df_null, c_hat=1.0, c_null=1.0):
    t2 = x2_null - c_null * df_null
    return np.nan if np.isclose(t2, 0.0) else 1.0 - (x2 - c_hat * df) / t2


def _other_incremental(x2, df, x2_null, df_null, suffix=""):
    """lavaan's nnfi (= tli), rfi, nfi, pnfi, ifi and rni (lav_fit_* functions)."""
    nfi = np.nan if df > df_null or np.isclose(x2_null, 0.0) else (
        (x2_null - x2) / x2_null if df > 0 else 1.0)
    rfi = 1.0
    if df > df_null:
        rfi = np.nan
    elif df > 0 and df_null > 0:
        t1, t2 = x2_null / df_null - x2 / df, x2_null / df_null
        rfi = 1.0 if t1 < 0 or t2 < 0 else t1 / t2
    t2_ifi = x2_null - df
    ifi = 1.0 if t2_ifi < 0 else (np.nan if np.isclose(t2_ifi, 0.0)
                                  else (x2_null - x2) / t2_ifi)
    pnfi = (df / df_null) * (x2_null - x2) / x2_null if df_null > 0 and x2_null > 0 else np.nan
    return {f"nnfi{suffix}": _tli(x2, df, x2_null, df_null), f"rfi{suffix}": rfi,
            f"nfi{suffix}": nfi, f"pnfi{suffix}": pnfi, f"ifi{suffix}": ifi,
            f"rni{suffix}": _rni(x2, df, x2_null, df_null)}


def _rmsea(x2, df, n, c_hat=1.0, n_groups=1):
    if df <= 0:
        return 0.0
    return float(np.sqrt(max((x2 / n) / df - c_hat / n, 0.0)) * np.sqrt(n_groups))


def _rmsea_ci(x2, df, n, c_hat=1.0, level=0.90, n_groups=1):
    """Confidence interval from the noncentral chi-square (lavaan's lav_fit_rmsea_ci)."""
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam):
        return stats.ncx2.cdf(x2, df, lam) if lam > 0 else stats.chi2.cdf(x2, df)

    lower = 0.0
    if df >= 1 and cdf(0.0) - upper_p >= 0:
        lam = optimize.brentq(lambda v: cdf(v) - upper_p, 0.0, x2, xtol=1e-12)
        lower = np.sqrt(c_hat * lam / (n * df)) * np.sqrt(n_groups)
    n_rmsea = max(n, 4 * x2)
    upper = 0.0
    if df >= 1 and not (cdf(n_rmsea) - lower_p > 0 or cdf(0.0) - lower_p < 0):
        lam = optimize.brentq(lambda v: cdf(v) - lower_p, 0.0, n_rmsea, xtol=1e-12)
        upper = np.sqrt(c_hat * lam / (n * df)) * np.sqrt(n_groups)
    return float(lower), float(upper)


def _rmsea_pvalue(x2, df, n, h0, c_hat=1.0, close=True, n_groups=1):
    if df <= 0:
        return np.nan
    ncp = n * df * h0 ** 2 / c_hat / n_groups
    cdf = stats.ncx2.cdf(x2, df, ncp)
    return float(1 - cdf) if close else float(cdf)


def _rmsea_block(x2, df, stack, suffix="", c_hat=1.0, x2_ci=None):
    n, g = stack.nobs - stack.n_groups, stack.n_groups
    x2_ci = x2 if x2_ci is None else x2_ci
    lower, upper = _rmsea_ci(x2_ci, df, n, c_hat, n_groups=g)
    return {f"rmsea{suffix}": _rmsea(x2, df, n, c_hat, g),
            f"rmsea_ci_lower{suffix}": lower, f"rmsea_ci_upper{suffix}": upper,
            f"rmsea_pvalue{suffix}": _rmsea_pvalue(x2_ci, df, n, 0.05, c_hat, n_groups=g),
            f"rmsea_notclose_pvalue{suffix}": _rmsea_pvalue(x2_ci, df, n, 0.08, c_hat,
                                                            close=False, n_groups=g)}


def _implied_correlation(group: OrdinalSampleStats, implied: np.ndarray) -> np.ndarray:
    p = len(group.items)
    rows, cols = _pairs(p)
    sigma = np.eye(p)
    sigma[rows, cols] = sigma[cols, rows] = implied[group.n_thresholds:]
    return sigma


def _ml_information(sigma: np.ndarray) -> np.ndarray:
    """0.5 D'(S^-1 x S^-1)D restricted to the correlations (off-diagonal elements)."""
    rows, cols = _pairs(sigma.shape[0])
    inv = np.linalg.inv(sigma)
    return (inv[np.ix_(rows, rows)] * inv[np.ix_(cols, cols)]
            + inv[np.ix_(rows, cols)] * inv[np.ix_(cols, rows)])


def _catml(stack: _Stacked, implied, jac, e_inv, df):
    """Savalei's (2021) catML quantities: ML discrepancy of the polychorics at the DWLS
    estimates, and its scaling constants for the model and the baseline."""
    fg = stack.fractions()
    x2 = x2_null = 0.0
    v_blocks, w_c, gamma_c, d_c = [], [], [], []
    for f, group, imp, d in zip(fg, stack.groups, stack.split(implied), stack.split(jac),
                                strict=True):
        sample = group.correlation.to_numpy()
        if np.linalg.eigvalsh(sample)[0] < np.sqrt(np.finfo(float).eps):
            return None
        sigma = _implied_correlation(group, imp)
        p, nth = sample.shape[0], group.n_thresholds
        logdet_r = np.linalg.slogdet(sample)[1]
        x2 += group.nobs * (np.linalg.slogdet(sigma)[1] - logdet_r
                            + np.trace(sample @ np.linalg.inv(sigma)) - p)
        x2_null -= group.nobs * logdet_r
        v_blocks.append(f * _ml_information(sigma))
        w_c.append(f * group.weights[nth:])
        gamma_c.append(group.gamma[nth:, nth:] / f)
        d_c.append(d[nth:])
    w_c, gamma_c, d_c = np.concatenate(w_c), block_diag(*gamma_c), np.vstack(d_c)
    wiu = np.eye(w_c.size) - d_c @ e_inv @ (d_c.T * w_c[None, :])
    ks = np.trace(wiu.T @ block_diag(*v_blocks) @ wiu @ gamma_c)
    return {"x2": x2, "c_hat": ks / df, "x2_null": x2_null,
            "c_null": np.trace(gamma_c) / w_c.size}


def _srmr(stack: _Stacked, implied):
    total = 0.0
    for f, group, imp in zip(stack.fractions(), stack.groups, stack.split(implied),
                             strict=True):
        nth, p = group.n_thresholds, len(group.items)
        resid = group.vector[nth:] - imp[nth:]
        total += f * float(np.sqrt(np.sum(resid ** 2) / (p * (p + 1) / 2)))
    return total


def _baseline(stack: _Stacked):
    """Independence model: correlations 0, thresholds saturated in every group."""
    chisq, columns, df = 0.0, [], 0
    for group, (a, _) in zip(stack.groups, itertools.pairwise(stack.offsets), strict=True):
        nth = group.n_thresholds
        r = group.vector[nth:]
        chisq += (group.nobs - 1) * float(np.sum(group.weights[nth:] * r * r))
        columns.extend(range(a, a + nth))
        df += r.size
    null_jac = np.eye(stack.vector.size)[:, columns]
    return chisq, df, scaled_shifted_test(chisq, df, null_jac, stack.v, stack.gamma)


def _fit_measures(stack: _Stacked, implied, jac, e_inv, f_total, n_free, catml=True):
    df = stack.vector.size - n_free
    chisq = f_total
    test = scaled_shifted_test(chisq, df, jac, stack.v, stack.gamma)
    chisq_null, df_null, null = _baseline(stack)
    fm = {"npar": n_free, "fmin": f_total / (2 * stack.nobs), "chisq": chisq, "df": df,
          "pvalue": stats.chi2.sf(chisq, df), "chisq_scaled": test["stat"], "df_scaled": df,
          "pvalue_scaled": stats.chi2.sf(test["stat"], df),
          "chisq_scaling_factor": test["scaling_factor"],
          "chisq_shift_parameter": test["shift"],
          "baseline_chisq": chisq_null, "baseline_df": df_null,
          "baseline_pvalue": stats.chi2.sf(chisq_null, df_null),
          "baseline_chisq_scaled": null["stat"], "baseline_df_scaled": df_null,
          "baseline_pvalue_scaled": stats.chi2.sf(null["stat"], df_null),
          "baseline_chisq_scaling_factor": null["scaling_factor"],
          "cfi": _cfi(chisq, df, chisq_null, df_null),
          "tli": _tli(chisq, df, chisq_null, df_null),
          "cfi_scaled": _cfi(test["stat"], df, null["stat"], df_null),
          "tli_scaled": _tli(test["stat"], df, null["stat"], df_null)}
    fm.update(_other_incremental(chisq, df, chisq_null, df_null))
    fm.update(_other_incremental(test["stat"], df, null["stat"], df_null, "_scaled"))
    fm.update(_robust_measures(stack, implied, jac, e_inv, df, df_null, catml))
    fm.update(_rmsea_block(chisq, df, stack))
    fm.update(_rmsea_block(test["stat"], df, stack, "_scaled"))
    fm["srmr"] = _srmr(stack, implied)
    fm["ntotal"] = stack.nobs
    return pd.Series(fm, dtype=float)


def _robust_measures(stack, implied, jac, e_inv, df, df_null, available=True):
    cat = _catml(stack, implied, jac, e_inv, df) if df > 0 and available else None
    if cat is None:
        keys = ["cfi_robust", "tli_robust", "nnfi_robust", "rni_robust", "rmsea_robust",
                "rmsea_ci_lower_robust", "rmsea_ci_upper_robust", "rmsea_pvalue_robust",
                "rmsea_notclose_pvalue_robust"]
        return dict.fromkeys(keys, np.nan)
    c, c0 = cat["c_hat"], cat["c_null"]
    tli = _tli(cat["x2"], df, cat["x2_null"], df_null, c, c0)
    out = {"cfi_robust": _cfi(cat["x2"], df, cat["x2_null"], df_null, c, c0),
           "tli_robust": tli, "nnfi_robust": tli,
           "rni_robust": _rni(cat["x2"], df, cat["x2_null"], df_null, c, c0)}
    out.update(_rmsea_block(cat["x2"], df, stack, "_robust", c_hat=c, x2_ci=cat["x2"] / c))
    return out


# --------------------------------------------------------------------------- public


def _check_inputs(stats_, model, start):
    if not isinstance(stats_, OrdinalSampleStats | GroupedOrdinalSampleStats):
        raise TypeError(f"{_FUNC}: `stats` must be an OrdinalSampleStats or "
                        "GroupedOrdinalSampleStats (from ordinal_sample_statistics), got "
                        f"{type(stats_).__name__}")
    for method in ("implied", "jacobian"):
        if not callable(getattr(model, method, None)):
            raise TypeError(f"{_FUNC}: `model` needs a method {method}(theta); "
                            f"{type(model).__name__} has none")
    if start is None:
        if not callable(getattr(model, "start", None)):
            raise TypeError(f"{_FUNC}: give `start` (the model has no start(stats) method)")
        start = model.start(stats_)
    start = np.asarray(start, dtype=float)
    n_free = getattr(model, "n_free", start.size)
    if start.ndim != 1 or start.size != n_free or not np.all(np.isfinite(start)):
        raise ValueError(f"{_FUNC}: `start` must be {n_free} finite values (one per free "
                         f"parameter), got shape {start.shape}, e.g. {start.ravel()[:3]}")
    size = model.implied(start).size
    expected = _stack(stats_).vector.size
    if size != expected:
        raise ValueError(f"{_FUNC}: `model.implied` returns {size} statistics but `stats` "
                         f"has {expected}; build the model on the same items, categories "
                         "and groups")
    if model.jacobian(start).shape != (size, start.size):
        raise ValueError(f"{_FUNC}: `model.jacobian` must have shape ({size}, {start.size}), "
                         f"got {model.jacobian(start).shape}")
    return start


_OPERATORS = ("~*~", "=~", "~~", "~1", "|")


def _split_label(label: str) -> tuple[str, str, str, int]:
    """'A=~A2.g2' -> ('A', '=~', 'A2', 2): lavaan's lhs, op, rhs and group of a label."""
    group = 1
    head, dot, tail = label.rpartition(".g")
    if dot and tail.isdigit():
        label, group = head, int(tail)
    for op in _OPERATORS:
        if op in label:
            lhs, _, rhs = label.partition(op)
            return lhs, op, rhs, group
    return label, "", "", group


def _estimates_table(model, theta, se):
    names = getattr(model, "param_names", None) or [f"theta{k}" for k in range(theta.size)]
    lhs, op, rhs, group = zip(*(_split_label(n) for n in names), strict=True)
    z = theta / se
    crit = stats.norm.ppf(0.975)
    return pd.DataFrame({"lhs": lhs, "op": op, "rhs": rhs, "group": group, "est": theta,
                         "se": se, "z": z, "pvalue": 2 * stats.norm.sf(np.abs(z)),
                         "ci_lower": theta - crit * se, "ci_upper": theta + crit * se},
                        index=pd.Index(list(names), name="parameter"))


def _warn_heywood(model, theta, caller: str = _FUNC):
    residual = getattr(model, "residual_variances", None)
    if residual is None:
        return
    values = residual(theta)
    if np.any(values < 0):
        bad = [model.items[i] for i in np.flatnonzero(values < 0)]
        warnings.warn(f"{caller}: negative residual variance(s) 1 - lambda' psi lambda for "
                      f"{bad} (a Heywood case, e.g. {values.min():.3f}); the model may be "
                      "misspecified or a factor over-extracted — inspect those items' "
                      "loadings and consider dropping or merging items.",
                      HeywoodCaseWarning, stacklevel=3)


def fit_dwls(stats: OrdinalSampleStats | GroupedOrdinalSampleStats, model: ImpliedModel,
             start: np.ndarray | None = None, max_iter: int = 200,
             tol: float = 1e-10, caller: str = _FUNC) -> DWLSResult:
    """Fit a model to ordinal sample statistics by DWLS, with lavaan's WLSMV inference.

    Parameters
    ----------
    stats : OrdinalSampleStats or GroupedOrdinalSampleStats
        Thresholds, polychorics and Gamma from :func:`ordinal_sample_statistics`; with
        groups, the model's implied vector and Jacobian stack the groups in
        ``stats.group_labels`` order.
    model : object
        Any object with ``implied(theta)`` (the implied statistics vector, in the order of
        ``stats.vector``) and ``jacobian(theta)`` (shape ``(n_stats, n_free)``); optional
        ``param_names``, ``start(stats)``, ``orient(theta)`` (choose among sign-equivalent
        solutions), ``residual_variances(theta)`` and ``catml_defined`` (False where
        lavaan reports no robust CFI/TLI/RMSEA, e.g. with free scale factors). See
        :func:`~werkalliantie_stats.psychometrics.cfa.ordinal.simple_structure_model`.
    start : array, optional
        Starting values; default ``model.start(stats)``.
    max_iter, tol : int, float
        Gauss–Newton iteration limit and step tolerance.
    caller : str
        The public function named in warnings (e.g. ``"cfa"`` when :func:`cfa` runs this
        fit); default ``"fit_dwls"``.

    Returns
    -------
    DWLSResult
        ``estimates``, ``fit_measures`` (lavaan names with ``_``), ``theta``, ``vcov``.

    Notes
    -----
    With statistics :math:`s`, weights :math:`W = \\mathrm{diag}(\\Gamma)^{-1}`, implied
    :math:`\\sigma(\\theta)` and Jacobian :math:`\\Delta`, DWLS minimises
    :math:`F = (s - \\sigma)' W (s - \\sigma)` (Gauss–Newton steps
    :math:`(\\Delta' W \\Delta)^{-1} \\Delta' W (s - \\sigma)`). lavaan's ``fmin`` is
    :math:`\\tfrac12 F (N-1)/N` and :math:`T = 2 N \\, \\mathrm{fmin} = (N - 1) F`.
    Standard errors: :math:`\\mathrm{Var}(\\hat\\theta) = E^{-1} \\Delta' W \\Gamma W \\Delta
    E^{-1} / (N - 1)` (lavaan's divisor for DWLS) with :math:`E = \\Delta' W \\Delta`.
    With :math:`U = W - W \\Delta E^{-1} \\Delta' W`, the scaled-shifted statistic is
    :math:`T a + b`, :math:`a = \\sqrt{df / \\mathrm{tr}((U\\Gamma)^2)}`,
    :math:`b = df - a\\,\\mathrm{tr}(U\\Gamma)`.
    The baseline fixes all correlations at 0 (thresholds saturated). RMSEA uses
    :math:`N - 1`: :math:`\\sqrt{\\max(T/((N-1) df) - 1/(N-1), 0)}`. Robust CFI/TLI/RMSEA
    follow Savalei (2021) as lavaan 0.6.14: the normal-theory ML discrepancy of the
    polychoric matrix at the DWLS estimates, :math:`T_3 = N F_{ML}`, with
    :math:`\\hat c = \\mathrm{tr}(M' V M \\Gamma_\\rho) / df`, :math:`M = I - \\Delta_\\rho E^{-1}
    \\Delta_\\rho' W_\\rho`, :math:`V` the ML expected information of the implied
    correlations; for the baseline :math:`T_0 = -N \\log|R|`, :math:`\\hat c_0 =
    \\mathrm{tr}(\\Gamma_\\rho) / df_0`. SRMR is the root mean square of the correlation
    residuals over :math:`p(p+1)/2` elements (lavaan's ``srmr`` for categorical data).

    With groups (lavaan's multiple-group conventions, :math:`f_g = N_g / N`): the objective
    is :math:`\\sum_g (N_g - 1) F_g` (which is :math:`T`), :math:`E = \\sum_g f_g \\Delta_g'
    W_g \\Delta_g`, the sandwich divides by :math:`N - G`, the tests use
    :math:`V = \\oplus f_g W_g` and :math:`\\Gamma = \\oplus \\Gamma_g / f_g`, RMSEA uses
    :math:`N - G` and is multiplied by :math:`\\sqrt{G}`, and SRMR is
    :math:`\\sum_g f_g \\mathrm{SRMR}_g`.

    References
    ----------
    1. Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using weighted
       least squares and quadratic estimating equations in latent variable modeling with
       categorical and continuous outcomes. Unpublished manuscript.
    2. Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction.
       Mplus technical appendix.
    3. Savalei, V. (2021). Improving fit indices in structural equation modeling with
       categorical data. Multivariate Behavioral Research, 56, 390-407.
    4. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
       Statistical Software, 48(2), 1-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.ordinal import (
    ...     ordinal_sample_statistics, simple_structure_model)
    >>> rng = np.random.default_rng(7)
    >>> y = 0.7 * rng.normal(size=(500, 1)) + 0.7 * rng.normal(size=(500, 4))
    >>> data = pd.DataFrame(np.digitize(y, [-0.8, 0.0, 0.8]) + 1,
    ...                     columns=["i1", "i2", "i3", "i4"])
    >>> stats = ordinal_sample_statistics(data)
    >>> model = simple_structure_model({"F": ["i1", "i2", "i3", "i4"]}, stats, std_lv=True)
    >>> fit = fit_dwls(stats, model)
    >>> round(float(fit.estimates.loc["F=~i1", "est"]), 2), int(fit.fit_measures["df"])
    (0.7, 2)
    >>> # In R: cfa("F =~ i1 + i2 + i3 + i4", data, ordered = TRUE, estimator = "WLSMV",
    >>> #           std.lv = TRUE)
    """
    theta = _check_inputs(stats, model, start)
    stack = _stack(stats)
    theta, f_total, converged, iterations = _gauss_newton(stack, model, theta, max_iter, tol)
    if not converged:
        warnings.warn(f"{caller}: DWLS did not converge in {max_iter} iterations; raise "
                      "`max_iter`, give better `start` values, or simplify the model.",
                      ConvergenceWarning, stacklevel=2)
    orient = getattr(model, "orient", None)
    theta = orient(theta) if callable(orient) else theta
    _warn_heywood(model, theta, caller)
    jac = model.jacobian(theta)
    vcov, e_inv = _sandwich(jac, stack)
    implied = model.implied(theta)
    measures = _fit_measures(stack, implied, jac, e_inv, f_total, theta.size,
                             catml=getattr(model, "catml_defined", True))
    return DWLSResult(estimates=_estimates_table(model, theta, np.sqrt(np.diag(vcov))),
                      fit_measures=measures, theta=theta, vcov=vcov, implied=implied,
                      fmin=float(measures["fmin"]), converged=converged,
                      iterations=iterations, model=model, stats=stats)


# --------------------------------------------------------------------------- nested models


@dataclass(frozen=True)
class DWLSDifferenceTest(ResultMixin):
    """Scaled-shifted chi-square difference test of two nested DWLS fits (Satorra 2000)."""

    chisq_diff: float
    df_diff: int
    pvalue: float
    chisq_restricted: float
    chisq_unrestricted: float
    a: float
    b: float
    trace_ugamma: float
    trace_ugamma2: float
    _title = "Scaled chi-square difference test (method satorra.2000, scaled-shifted)"


def _orthogonal_complement(h: np.ndarray) -> np.ndarray:
    q, r = np.linalg.qr(h, mode="complete")
    rank = int(np.sum(np.abs(np.diag(r)) > 1e-10 * max(1.0, np.abs(r).max())))
    return q[:, rank:]


def scaled_difference_test(unrestricted: DWLSResult, restricted: DWLSResult
                           ) -> DWLSDifferenceTest:
    r"""Satorra's (2000) scaled-shifted difference test of nested WLSMV models.

    lavaan's ``lavTestLRT(fit1, fit0)`` for DWLS fits (``method = "satorra.2000"``,
    ``scaled.shifted = TRUE``, ``A.method = "delta"``).

    Parameters
    ----------
    unrestricted, restricted : DWLSResult
        Fits of the less and the more restricted model to the same statistics.

    Returns
    -------
    DWLSDifferenceTest
        ``chisq_diff`` (the scaled-shifted difference), ``df_diff``, ``pvalue``.

    Notes
    -----
    With :math:`\Delta_1, \Delta_0` the Jacobians of the two models at their estimates,
    :math:`H = \Delta_1^+ \Delta_0` and :math:`A` a basis of the orthogonal complement of
    :math:`H`'s columns (the restrictions, locally), :math:`P = \Delta_1' V \Delta_1`,
    :math:`M = P^{-1} A' (A P^{-1} A')^{+} A P^{-1}`, :math:`U = V \Delta_1 M \Delta_1' V`
    with :math:`V = \oplus W_g` and :math:`\Gamma = \oplus f_g \Gamma_g` for the second
    moment, :math:`\mathrm{tr}(U\Gamma)` weighted by :math:`f_g` per group;
    :math:`a = \sqrt{m / \mathrm{tr}((U\Gamma)^2)}`, :math:`b = m - a\,\mathrm{tr}(U
    \Gamma)`, :math:`T_d = (T_0 - T_1) a + b` on :math:`m = df_0 - df_1` degrees of freedom.

    References
    ----------
    1. Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of
       moment structures. In R. D. H. Heijmans et al. (Eds.), Innovations in multivariate
       statistical analysis (pp. 233-247). Kluwer.
    2. Asparouhov, T., & Muthén, B. (2006). Robust chi square difference testing with mean
       and variance adjusted test statistics. Mplus Web Note 10.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from werkalliantie_stats.psychometrics.cfa.ordinal import (
    ...     ordinal_sample_statistics, simple_structure_model)
    >>> rng = np.random.default_rng(5)
    >>> f = rng.normal(size=(600, 2)) @ np.array([[1.0, 0.5], [0.0, 0.85]])
    >>> y = np.repeat(f, 3, axis=1) * 0.7 + 0.7 * rng.normal(size=(600, 6))
    >>> data = pd.DataFrame(np.digitize(y, [-0.5, 0.5]) + 1,
    ...                     columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> stats = ordinal_sample_statistics(data)
    >>> two = simple_structure_model({"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"]}, stats)
    >>> one = simple_structure_model({"G": list(data.columns)}, stats)
    >>> test = scaled_difference_test(fit_dwls(stats, two), fit_dwls(stats, one))
    >>> test.df_diff, bool(test.pvalue < 0.001)
    (1, True)
    >>> # In R: lavTestLRT(fit_two, fit_one)
    """
    for name, fit in (("unrestricted", unrestricted), ("restricted", restricted)):
        if not isinstance(fit, DWLSResult) or fit.model is None:
            raise TypeError(f"scaled_difference_test: `{name}` must be a DWLSResult from "
                            f"fit_dwls, got {type(fit).__name__}")
    t1, r1 = unrestricted.fit_measures["chisq"], int(unrestricted.fit_measures["df"])
    t0, r0 = restricted.fit_measures["chisq"], int(restricted.fit_measures["df"])
    m = r0 - r1
    if m <= 0:
        raise ValueError(f"scaled_difference_test: `restricted` must have more degrees of "
                         f"freedom than `unrestricted` (got {r0} and {r1}); swap them?")
    stack = _stack(unrestricted.stats)
    d1 = unrestricted.model.jacobian(unrestricted.theta)
    d0 = restricted.model.jacobian(restricted.theta)
    a_mat = _orthogonal_complement(np.linalg.pinv(d1) @ d0).T
    p_inv = np.linalg.inv(d1.T @ (stack.v[:, None] * d1))
    apa = a_mat @ p_inv @ a_mat.T
    middle = p_inv @ a_mat.T @ np.linalg.pinv(apa) @ a_mat @ p_inv
    fg = stack.fractions()
    w_all = np.concatenate([g.weights for g in stack.groups])
    gamma_f = block_diag(*[f * g.gamma for f, g in zip(fg, stack.groups, strict=True)])
    wd = w_all[:, None] * d1
    u = wd @ middle @ wd.T
    ug = u @ gamma_f
    trace1 = float(np.trace(ug))
    trace2 = float(np.sum(ug * ug.T))
    a = np.sqrt(m / trace2)
    b = m - a * trace1
    stat = (t0 - t1) * a + b
    return DWLSDifferenceTest(chisq_diff=float(stat), df_diff=m,
                              pvalue=float(stats.chi2.sf(stat, m)), chisq_restricted=t0,
                              chisq_unrestricted=t1, a=float(a), b=float(b),
                              trace_ugamma=trace1, trace_ugamma2=trace2)
