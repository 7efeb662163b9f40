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
from functools import cached_property

import numpy as np
import pandas as pd

from werkalliantie_stats.exceptions import HeywoodCaseWarning, NonPositiveDefiniteWarning

from .estimate import optimise, start_values
from .fiml_corrected import (
    CorrectedTest,
    SaturatedInformation,
    fiml_corrected,
    independence_corrected,
    saturated_information,
)
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
from .robust import casewise_scores, scaling_trace_h1

__all__ = ["FitState", "SampleData", "baseline", "baseline_table", "baseline_test", "fit_model"]


@dataclass(frozen=True)
class SampleData:
    """The data of one analysis, summarised once and shared by every model fitted to it.

    ``groups`` hold the item arrays per group (NaN for missing under FIML). Pattern
    blocks, sample (or EM) moments, the h1 log-likelihood, the h1 traces and
    information and the baseline tests are computed on first use and then reused, so
    that a sequence of models on the same data (invariance steps) pays for them once.
    """

    groups: list[np.ndarray] = field(repr=False)
    missing: str = "listwise"
    meanstructure: bool = False
    baselines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def fiml(self) -> bool:
        return self.missing == "fiml"

    @property
    def nobs(self) -> list[int]:
        return [y.shape[0] for y in self.groups]

    @cached_property
    def blocks(self) -> list:
        return pattern_blocks(self.groups) if self.fiml else complete_blocks(self.groups)

    @cached_property
    def samples(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return _sample_moments(self.groups, self.fiml)

    @cached_property
    def logl_h1(self) -> float:
        return _h1_loglik(self.groups, self.samples, self.blocks, self.fiml)

    @cached_property
    def saturated_info(self) -> SaturatedInformation:
        """h1 information (FIML only)."""
        return saturated_information(self.groups, self.samples)

    @cached_property
    def trace_h1(self) -> float:
        if self.fiml:
            return self.saturated_info.trace_h1
        return scaling_trace_h1(self.groups, self.samples, self.meanstructure)


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
    corrected: CorrectedTest | None = None

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


def _corrected(model, x, data: SampleData, df: int, estimator: str) -> CorrectedTest | None:
    """lavaan's FIML-corrected tests for the robust indices (FIML with a mean structure)."""
    if not (data.fiml and data.meanstructure):
        return None
    robust = estimator == "MLR"
    key = ("corrected", robust)
    if key not in data.baselines:
        data.baselines[key] = independence_corrected(data.groups, data.samples,
                                                     data.saturated_info, robust)
    return fiml_corrected(model, x, data.groups, data.samples, data.saturated_info, df,
                          robust, data.baselines[key])


def fit_model(table: pd.DataFrame, ov_names: list[str], lv_names: list[str],
              data: SampleData, *, estimator: str = "ML", check: bool = True,
              corrected: bool = True) -> FitState:
    """Fit the parameter table to ``data`` (see module docstring).

    Start values come from :func:`start_values`; a ``start`` column of the table (user
    ``start(v)`` modifiers, or the estimates of a previous, nested model) wins.
    ``corrected=False`` skips lavaan's FIML-corrected robust statistics.
    """
    meanstructure = data.meanstructure
    model = MatrixModel(table, ov_names, lv_names)
    groups, blocks, samples, nobs = data.groups, data.blocks, data.samples, data.nobs
    ntotal = sum(nobs)
    x0 = start_values(table, model, [s[0] for s in samples], [s[1] for s in samples])
    x, iterations, converged = optimise(model, x0, blocks, meanstructure, nobs)
    if check:
        _check_solution(model, x)
    value = objective(model, x, blocks, meanstructure, ntotal)
    logl = _loglik(value, blocks, ntotal)
    moments = [(m.implied_cov(), m.implied_mean())
               for m in (model.matrices(x, g) for g in range(model.ngroups))]
    vcov, trace_h0 = _vcov(model, x, groups, blocks, meanstructure, estimator, data.missing,
                           moments)
    df = sum(_moment_count(y.shape[1], meanstructure) for y in groups) - model.npar
    chisq = max(2.0 * (data.logl_h1 - logl), 0.0)
    scaling = math.nan
    if trace_h0 is not None and df > 0:
        scaling = (data.trace_h1 - trace_h0) / df
    extra = _corrected(model, x, data, df, estimator) if corrected else None
    return FitState(table, model, x, vcov, groups, samples, meanstructure, estimator,
                    data.missing, converged, iterations, TestStatistic(chisq, df, scaling), logl,
                    data.logl_h1, data.trace_h1 if trace_h0 is not None else math.nan, extra)


def _independence_moments(data: SampleData) -> list[tuple[np.ndarray, np.ndarray]]:
    """ML estimates of the independence model per group: (variances, means)."""
    if data.fiml:
        return [(np.nanvar(y, axis=0), np.nanmean(y, axis=0)) for y in data.groups]
    return [(y.var(axis=0), y.mean(axis=0)) for y in data.groups]


def baseline_test(data: SampleData) -> TestStatistic:
    """Test of the independence model in closed form (ML, complete data or FIML).

    Its ML estimates are each variable's mean and variance (from the cases observing it),
    so that ``chisq_b = 2 (logL_H1 - logL_b)`` on ``G p (p - 1) / 2`` degrees of freedom.
    """
    logl = 0.0
    for pat, (var, mean) in zip(data.blocks, _independence_moments(data), strict=True):
        logl += -0.5 * (pat.nvalues * LOG_2PI + objective_at_moments(pat, np.diag(var), mean))
    p = data.groups[0].shape[1]
    df = len(data.groups) * p * (p - 1) // 2
    return TestStatistic(max(2.0 * (data.logl_h1 - logl), 0.0), df)


def baseline(data: SampleData, ov_names: list[str], estimator: str) -> TestStatistic:
    """The independence model's test, computed once per data set and estimator.

    MLR needs its Yuan-Bentler scaling, so the model is fitted (from its closed-form
    estimates, which the optimiser accepts at once); ML uses :func:`baseline_test`.
    """
    if estimator not in data.baselines:
        if estimator == "MLR":
            table = baseline_table(ov_names, len(data.groups), data.meanstructure)
            starts = [np.concatenate([v, m] if data.meanstructure else [v])
                      for v, m in _independence_moments(data)]
            table["start"] = np.concatenate(starts)
            test = fit_model(table, ov_names, [], data, estimator=estimator, check=False,
                             corrected=False).test
        else:
            test = baseline_test(data)
        data.baselines[estimator] = test
    return data.baselines[estimator]


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
