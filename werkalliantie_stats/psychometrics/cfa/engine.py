"""Fitting one model: data -> estimates, covariance of the estimates, tests.

``fit_model`` runs the pipeline for one parameter table: moments of the data
(sample moments, or EM moments of the saturated model for incomplete data), the
optimiser, the covariance matrix of the estimates (expected information for
complete-data ML, observed information for FIML, the sandwich for MLR), the model
and baseline chi-square tests and the log-likelihoods.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from werkalliantie_stats.exceptions import HeywoodCaseWarning, NonPositiveDefiniteWarning

from .estimate import optimise, start_values
from .fit import TestStatistic
from .matrices import MatrixModel
from .ml import (
    LOG_2PI,
    complete_blocks,
    em_saturated,
    expected_information,
    objective,
    objective_at_moments,
    observed_hessian,
    pattern_blocks,
)
from .robust import casewise_scores, fiml_trace_h1, scaling_trace_h1

__all__ = ["FitState", "baseline_table", "baseline_test", "fit_model"]


@dataclass(frozen=True)
class FitState:
    """Everything later steps need about one fitted model."""

    table: pd.DataFrame
    model: MatrixModel
    x: np.ndarray
    vcov: np.ndarray
    groups: list[np.ndarray] = field(repr=False)
    samples: list[tuple[np.ndarray, np.ndarray]] = field(repr=False)
    meanstructure: bool = False
    estimator: str = "ML"
    missing: str = "listwise"
    converged: bool = True
    iterations: int = 0
    test: TestStatistic | None = None
    logl: float = math.nan
    logl_h1: float = math.nan
    trace_h1: float = math.nan

    @property
    def nobs(self) -> list[int]:
        """Cases per group."""
        return [y.shape[0] for y in self.groups]

    def implied(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Model-implied ``(Sigma, mu)`` per group."""
        out = []
        for g in range(self.model.ngroups):
            mats = self.model.matrices(self.x, g)
            out.append((mats.implied_cov(), mats.implied_mean()))
        return out


def baseline_table(ov_names: list[str], ngroups: int, meanstructure: bool) -> pd.DataFrame:
    """Independence model: free variances (and means) only, per group."""
    rows = []
    for g in range(1, ngroups + 1):
        rows += [{"lhs": v, "op": "~~", "rhs": v, "group": g} for v in ov_names]
        if meanstructure:
            rows += [{"lhs": v, "op": "~1", "rhs": "", "group": g} for v in ov_names]
    table = pd.DataFrame(rows)
    table["free"] = np.arange(1, len(table) + 1)
    table["ustart"] = np.nan
    table["start"] = np.nan
    table["label"] = ""
    return table


def _sample_moments(groups: list[np.ndarray], fiml: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for y in groups:
        if fiml:
            mean, cov, _ = em_saturated(y)
        else:
            mean = y.mean(axis=0)
            cov = (y - mean).T @ (y - mean) / y.shape[0]
        out.append((cov, mean))
    return out


def _loglik(value: float, blocks, ntotal: int) -> float:
    const = sum(pat.nvalues for pat in blocks) * LOG_2PI / ntotal
    return -0.5 * ntotal * (value + const)


def _observed_information(model, x, blocks, meanstructure, ntotal) -> np.ndarray:
    """Hessian of ``-logL`` (N/2 times the Hessian of f, see :func:`observed_hessian`)."""
    return 0.5 * ntotal * observed_hessian(model, x, blocks, meanstructure, ntotal)


def _robust_parts(state_model, x, groups, meanstructure, moments, blocks, ntotal):
    a = _observed_information(state_model, x, blocks, meanstructure, ntotal) / ntotal
    use = [(s, m if meanstructure else y.mean(axis=0))
           for (s, m), y in zip(moments, groups, strict=True)]
    jacs = [state_model.jacobian(x, g) for g in range(state_model.ngroups)]
    scores = casewise_scores(groups, use, jacs, meanstructure)
    b = scores.T @ scores / ntotal
    return a, b


def _check_solution(model: MatrixModel, x: np.ndarray) -> None:
    for g in range(model.ngroups):
        mats = model.matrices(x, g)
        neg = [v for v, t in zip(model.ov_names, np.diag(mats.theta), strict=False) if t < 0]
        neg += [f for f, t in zip(model.lv_names, np.diag(mats.psi), strict=False) if t < 0]
        if neg:
            warnings.warn(f"cfa: negative variance estimate(s) for {neg} (Heywood case, "
                          f"group {g + 1}); the model may be misspecified or the sample too "
                          "small. Check these variables, drop or merge weak indicators, or "
                          "fix the variance at a small positive value.",
                          HeywoodCaseWarning, stacklevel=4)
        if len(model.lv_names) and np.linalg.eigvalsh(mats.psi).min() < 0:
            warnings.warn(f"cfa: the covariance matrix of the factors is not positive definite "
                          f"(group {g + 1}); a factor correlation may exceed 1. Consider "
                          "merging highly correlated factors or respecifying the model.",
                          NonPositiveDefiniteWarning, stacklevel=4)


def _vcov(model, x, groups, blocks, meanstructure, estimator, missing, moments):
    ntotal = sum(y.shape[0] for y in groups)
    if estimator == "MLR":
        a, b = _robust_parts(model, x, groups, meanstructure, moments, blocks, ntotal)
        a_inv = np.linalg.inv(a)
        return a_inv @ b @ a_inv / ntotal, float(np.trace(a_inv @ b))
    if missing == "fiml":
        return np.linalg.inv(_observed_information(model, x, blocks, meanstructure, ntotal)), None
    nobs = [y.shape[0] for y in groups]
    return np.linalg.inv(expected_information(model, x, nobs, meanstructure)), None


def fit_model(table: pd.DataFrame, ov_names: list[str], lv_names: list[str],
              groups: list[np.ndarray], *, meanstructure: bool, estimator: str = "ML",
              missing: str = "listwise", check: bool = True,
              samples: list[tuple[np.ndarray, np.ndarray]] | None = None,
              trace_h1: float = math.nan) -> FitState:
    """Fit the parameter table to the data of each group (see module docstring)."""
    fiml = missing == "fiml"
    model = MatrixModel(table, ov_names, lv_names)
    blocks = pattern_blocks(groups) if fiml else complete_blocks(groups)
    nobs = [y.shape[0] for y in groups]
    ntotal = sum(nobs)
    samples = samples if samples is not None else _sample_moments(groups, fiml)
    x0 = start_values(table, model, [s[0] for s in samples], [s[1] for s in samples])
    x, iterations, converged = optimise(model, x0, blocks, meanstructure, nobs)
    if check:
        _check_solution(model, x)
    value = objective(model, x, blocks, meanstructure, ntotal)
    logl = _loglik(value, blocks, ntotal)
    logl_h1 = _h1_loglik(groups, samples, blocks, fiml)
    moments = [(m.implied_cov(), m.implied_mean())
               for m in (model.matrices(x, g) for g in range(model.ngroups))]
    vcov, trace_h0 = _vcov(model, x, groups, blocks, meanstructure, estimator, missing, moments)
    df = sum(_moment_count(y.shape[1], meanstructure) for y in groups) - model.npar
    chisq = max(2.0 * (logl_h1 - logl), 0.0)
    scaling = math.nan
    if trace_h0 is not None and df > 0:
        if math.isnan(trace_h1):
            trace_h1 = (fiml_trace_h1(groups, samples) if fiml
                        else scaling_trace_h1(groups, samples, meanstructure))
        scaling = (trace_h1 - trace_h0) / df
    return FitState(table, model, x, vcov, groups, samples, meanstructure, estimator, missing,
                    converged, iterations, TestStatistic(chisq, df, scaling), logl, logl_h1,
                    trace_h1)


def baseline_test(state: FitState) -> TestStatistic:
    """Test of the independence model in closed form (ML, complete data or FIML).

    Its ML estimates are each variable's mean and variance (from the cases observing it),
    so that ``chisq_b = 2 (logL_H1 - logL_b)`` on ``G p (p - 1) / 2`` degrees of freedom.
    """
    fiml = state.missing == "fiml"
    blocks = pattern_blocks(state.groups) if fiml else complete_blocks(state.groups)
    logl = 0.0
    for pat, y in zip(blocks, state.groups, strict=True):
        if fiml:
            mean, var = np.nanmean(y, axis=0), np.nanvar(y, axis=0)
        else:
            mean, var = y.mean(axis=0), y.var(axis=0)
        logl += -0.5 * (pat.nvalues * LOG_2PI + objective_at_moments(pat, np.diag(var), mean))
    p = len(state.model.ov_names)
    df = state.model.ngroups * p * (p - 1) // 2
    return TestStatistic(max(2.0 * (state.logl_h1 - logl), 0.0), df)


def _moment_count(p: int, meanstructure: bool) -> int:
    return p * (p + 1) // 2 + (p if meanstructure else 0)


def _h1_loglik(groups, samples, blocks, fiml: bool) -> float:
    total = 0.0
    if not fiml:
        for y, (cov, _) in zip(groups, samples, strict=False):
            n, p = y.shape
            total += -0.5 * n * (p * LOG_2PI + np.linalg.slogdet(cov)[1] + p)
        return total
    for pat in blocks:
        cov, mean = samples[pat.group]
        value = objective_at_moments(pat, cov, mean)
        total += -0.5 * (pat.nvalues * LOG_2PI + value)
    return total
