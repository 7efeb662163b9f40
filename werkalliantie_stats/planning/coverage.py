"""Coverage and recovery: bias, RMSE and CI coverage against the generator's truth."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from ..simulate import SimulationParameters
from .analyses import ANALYSES
from .engine import run_replications
from .montecarlo import bias, coverage, mean_with_se, rmse
from .power import _check_params, _check_run_args
from .targets import population_targets

__all__ = ["CoverageResult", "coverage_study"]

FUNC = "coverage_study"


@dataclass(frozen=True, eq=False)
class CoverageResult(ResultMixin):
    """Result of :func:`coverage_study`.

    Attributes
    ----------
    table : DataFrame
        One row per analysis and term: ``target`` and ``target_kind`` (see
        :mod:`werkalliantie_stats.planning.targets`), ``scale`` (``log`` for ORs/HRs:
        estimates, targets and bias are log ratios; ``identity`` for alpha/omega),
        ``reps``, ``n_failed``, ``mean_estimate``, ``bias``, ``bias_mc_se``, ``rmse``,
        ``rmse_mc_se``, ``coverage``, ``coverage_mc_se`` (NaN for omega, which has no
        CI), ``ci_width``, ``model_se`` (mean reported SE) and ``empirical_se`` (SD of
        the estimates).
    replications : DataFrame
        Every fit of every replication.
    n_dyads, reps, seed : int
    level : float
        Nominal CI level (0.95).
    """

    table: pd.DataFrame
    replications: pd.DataFrame
    n_dyads: int
    reps: int
    seed: int
    level: float
    _title = "Coverage and recovery study"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        cols = ["analysis", "term", "target", "bias", "bias_mc_se", "rmse", "coverage",
                "coverage_mc_se", "reps"]
        head = (f"{self.reps} simulated studies of {self.n_dyads} dyads, seed {self.seed}, "
                f"nominal coverage {self.level}")
        return "\n".join([self._title, "=" * len(self._title), head, "",
                          format_table(self.table[cols].set_index("analysis"), digits)])


def _metrics(group: pd.DataFrame, target: float) -> dict:
    ok = group[~group["failed"]]
    est = ok["estimate"].to_numpy(float)
    b, b_se = bias(est, target)
    r, r_se = rmse(est, target)
    has_ci = ok["ci_lower"].notna().all() and len(ok)
    c, c_se = coverage(ok["ci_lower"], ok["ci_upper"], target) if has_ci else (np.nan, np.nan)
    width, _ = mean_with_se((ok["ci_upper"] - ok["ci_lower"]).to_numpy(float))
    return {"reps": len(ok), "n_failed": int(group["failed"].sum()),
            "mean_estimate": float(est.mean()) if est.size else np.nan, "bias": b,
            "bias_mc_se": b_se, "rmse": r, "rmse_mc_se": r_se, "coverage": c,
            "coverage_mc_se": c_se, "ci_width": width, "model_se": float(ok["std_error"].mean()),
            "empirical_se": float(est.std(ddof=1)) if est.size > 1 else np.nan}


def coverage_table(replications: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Bias, RMSE and coverage per analysis and term (MC SEs as in :mod:`.montecarlo`)."""
    keyed = targets.set_index(["analysis", "term"])
    rows = []
    for (analysis, term), group in replications.groupby(["analysis", "term"], sort=False):
        if (analysis, term) not in keyed.index:
            continue
        t = keyed.loc[(analysis, term)]
        rows.append({"analysis": analysis, "term": term, "target": float(t["target"]),
                     "target_kind": t["target_kind"], "scale": group["scale"].iloc[0],
                     **_metrics(group, float(t["target"]))})
    return pd.DataFrame(rows)


def coverage_study(reps: int = 1000, n_dyads: int = 267, seed: int = 20260267,
                   analyses=ANALYSES, n_jobs: int = 1, backend: str = "loky",
                   scheduler=None, out=None, params: SimulationParameters | None = None,
                   fine_gray_n: int = 200_000, chunk_size: int = 10,
                   progress: bool = True) -> CoverageResult:
    """Bias, RMSE and 95% CI coverage of the package's estimators on simulated studies.

    Parameters
    ----------
    reps : int
        Number of simulated studies.
    n_dyads : int
        Dyads per study (267: the reference study).
    seed : int
        Seeds the whole run, as in :func:`power`.
    analyses : sequence of str
        Any of ``dropout``, ``risk``, ``rearrest_cs``, ``rearrest_fg`` (each fitted on the
        observed scores and, as ``<name>_latent``, on the true latent drivers), ``alpha``
        and ``omega``.
    n_jobs, backend, scheduler, out, chunk_size, progress
        Execution, as in :func:`power`.
    params : SimulationParameters, optional
        Generating values (default ``SimulationParameters()``).
    fine_gray_n : int
        Size of the single large sample whose latent-model Fine–Gray fit defines the
        least-false subdistribution HRs (0 skips Fine–Gray targets).

    Returns
    -------
    CoverageResult

    Notes
    -----
    For target :math:`\\theta`, estimates :math:`\\hat\\theta_r` and intervals
    :math:`[L_r, U_r]` of :math:`R` successful fits: bias :math:`\\bar{\\hat\\theta} -
    \\theta` (MC SE :math:`s_{\\hat\\theta}/\\sqrt R`), RMSE
    :math:`\\sqrt{R^{-1}\\sum(\\hat\\theta_r-\\theta)^2}` (delta-method MC SE) and coverage
    :math:`\\hat c = R^{-1}\\sum 1[L_r\\le\\theta\\le U_r]` (MC SE
    :math:`\\sqrt{\\hat c(1-\\hat c)/R}`). Targets and the attenuation of observed-score
    effects are described in :mod:`werkalliantie_stats.planning.targets`. ORs use
    officer-clustered SEs (``sandwich::vcovCL``), Cox and Fine–Gray robust SEs clustered
    by officer, alpha Feldt's interval.

    References
    ----------
    1. Morris, T. P., White, I. R. & Crowther, M. J. (2019). Using simulation studies to
       evaluate statistical methods. Statistics in Medicine, 38, 2074-2102.
    2. Struthers, C. A. & Kalbfleisch, J. D. (1986). Misspecified proportional hazard
       models. Biometrika, 73, 363-369 (least-false parameters).

    Examples
    --------
    >>> from werkalliantie_stats.planning import coverage_study
    >>> res = coverage_study(reps=3, n_dyads=120, seed=5, analyses=["alpha"],
    ...                      progress=False)
    >>> sorted(res.table["analysis"].unique())
    ['alpha']
    >>> bool(res.table["coverage"].between(0, 1).all())
    True
    >>> # In R: no single twin; psych::alpha.ci / survival::coxph fitted per data set
    """
    _check_run_args(reps, seed, n_jobs, backend, scheduler, 0.05, 0.8)
    if not isinstance(n_dyads, (int, np.integer)) or n_dyads < 20:
        raise ValueError(f"{FUNC}: `n_dyads` must be a whole number >= 20, got {n_dyads!r}")
    names = [analyses] if isinstance(analyses, str) else list(analyses)
    bad = [a for a in names if a not in ANALYSES]
    if bad or not names:
        raise ValueError(f"{FUNC}: `analyses` must be among {ANALYSES}, got "
                         f"{bad[0] if bad else analyses!r}")
    params = _check_params(params)
    cells = [{"n_dyads": int(n_dyads), "params": params.to_dict(), "analyses": names}]
    settings = {"kind": "coverage", "cells": cells, "reps": int(reps), "seed": int(seed),
                "chunk_size": int(chunk_size)}
    reps_frame = run_replications(cells, int(reps), int(seed), n_jobs=int(n_jobs),
                                  backend=backend, scheduler=scheduler, out=out,
                                  settings=settings, latent=True, chunk_size=int(chunk_size),
                                  progress=progress, func=FUNC)
    fg_n = fine_gray_n if "rearrest_fg" in names else 0
    targets = population_targets(params, fine_gray_n=fg_n, seed=int(seed))
    return CoverageResult(table=coverage_table(reps_frame, targets), replications=reps_frame,
                          n_dyads=int(n_dyads), reps=int(reps), seed=int(seed), level=0.95)
