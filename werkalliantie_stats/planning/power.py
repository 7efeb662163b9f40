"""Monte Carlo power and sample size for the working-alliance study design."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import ResultMixin, format_table
from ..simulate import SimulationParameters
from . import design
from .analyses import TARGET_TERMS
from .engine import BACKENDS, run_replications
from .measurement_power import MEASUREMENT, check_cutoffs, measurement_table_rows
from .montecarlo import exact_interval, mean_with_se, proportion

__all__ = ["PowerResult", "power", "smallest_n"]

FUNC = "power"
_GRID = ["analysis", "term", "clients_per_officer", "effect"]


@dataclass(frozen=True, eq=False)
class PowerResult(ResultMixin):
    """Result of :func:`power`.

    Attributes
    ----------
    table : DataFrame
        One row per analysis x design cell: ``analysis`` (``dropout``, ``rearrest_cs``,
        ``rearrest_fg``, ``risk``, ``alpha``), ``term``, ``n_dyads``,
        ``clients_per_officer`` (mean caseload), ``effect`` (generating OR/HR of the
        design; for alpha rows the design's effect, NaN when the default was used),
        ``reps`` (successful fits), ``n_failed``, ``power`` and ``mc_se`` (NaN for alpha),
        ``power_ci_lower``/``power_ci_upper`` (exact 95% Clopper–Pearson
        interval of the rejection rate), ``mean_estimate`` (OR/HR: exp of the mean log
        estimate; alpha: mean alpha), ``ci_width`` (mean CI width on the reported scale) and
        ``ci_width_mc_se``, ``warned`` (share of fits that raised a warning).
        With the measurement outcomes (``cfa_fit``, ``invariance``) ``power`` is the
        probability of the event in ``criterion`` (e.g. ``cfi_scaled >= 0.95``, or the
        invariance test rejecting), ``mean_estimate`` the mean fit index or difference
        statistic, ``effect`` the officer loading departure (invariance; NaN for cfa_fit
        under the default parameters), and ``nonconverged`` / ``empty_category`` the
        shares of all replications of the cell whose fit did not converge / whose data
        had an unused response category (NaN for the other outcomes).
    smallest_n : DataFrame
        Per analysis and design: ``n_required`` (the smallest n reaching
        ``target_power``, linearly interpolated between grid sizes and rounded up) and
        ``status`` (``interpolated``, ``at or below smallest n``, ``not reached``).
        Rows whose rate is a type I error (invariance tests at ``effect`` 0, the exact-fit
        chi-square of the correct CFA model) are left out.
    replications : DataFrame
        Every fit of every replication (``cell, rep, analysis, term, estimate, ...``).
    alpha, target_power : float
        Significance level and target power.
    reps, seed : int
    """

    table: pd.DataFrame
    smallest_n: pd.DataFrame
    replications: pd.DataFrame
    alpha: float
    target_power: float
    reps: int
    seed: int
    _title = "Monte Carlo power"

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self, digits: int = 3) -> str:
        cols = ["analysis", "term", "n_dyads", "effect", "reps", "power", "mc_se",
                "mean_estimate", "ci_width"]
        if "criterion" in self.table.columns:
            cols += ["n_failed", "empty_category", "nonconverged"]
        lines = [self._title, "=" * len(self._title),
                 f"reps per cell {self.reps}, seed {self.seed}, alpha {self.alpha}, "
                 f"target power {self.target_power}", "",
                 format_table(self.table[cols].set_index("analysis"), digits)]
        if len(self.smallest_n):
            lines += ["", f"Smallest n with power >= {self.target_power} (interpolated):",
                      format_table(self.smallest_n.set_index("analysis"), digits)]
        return "\n".join(lines)


def _check_run_args(reps, seed, n_jobs, backend, scheduler, alpha, target_power) -> None:
    if not isinstance(reps, (int, np.integer)) or isinstance(reps, bool) or reps < 2:
        raise ValueError(f"{FUNC}: `reps` must be a whole number >= 2, got {reps!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"{FUNC}: `seed` must be a non-negative int (the run must be "
                         f"reproducible), got {seed!r}")
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise ValueError(f"{FUNC}: `n_jobs` must be a whole number >= 1, got {n_jobs!r}")
    if backend not in BACKENDS:
        raise ValueError(f"{FUNC}: `backend` must be one of {BACKENDS}, got {backend!r}")
    if backend == "dask" and scheduler is None:
        raise ValueError(f"{FUNC}: backend='dask' needs `scheduler`, the address of a running "
                         f"dask.distributed scheduler, e.g. 'tcp://10.0.0.5:8786'")
    for name, value in (("alpha", alpha), ("target_power", target_power)):
        if not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ValueError(f"{FUNC}: `{name}` must be in (0, 1), got {value!r}")


def _check_params(params):
    if params is None:
        return SimulationParameters()
    if not isinstance(params, SimulationParameters):
        raise TypeError(f"{FUNC}: `params` must be a SimulationParameters, got "
                        f"{type(params).__name__}")
    return params


def _target_rows(reps_frame: pd.DataFrame) -> pd.DataFrame:
    if reps_frame.empty:
        return reps_frame
    keep = reps_frame["analysis"].eq("alpha") | reps_frame.apply(
        lambda r: TARGET_TERMS.get(r["analysis"]) == r["term"], axis=1)
    return reps_frame[keep]


def _summarise(group: pd.DataFrame, alpha: float) -> dict:
    ok = group[~group["failed"]]
    log_scale = (ok["scale"] == "log").all()
    width = ok["ci_upper"] - ok["ci_lower"]
    if log_scale:
        width = np.exp(ok["ci_upper"]) - np.exp(ok["ci_lower"])
        hits = ok["p_value"].to_numpy() < alpha
        p, se = proportion(hits)
        lower, upper = exact_interval(int(hits.sum()), hits.size)
        estimate = float(np.exp(ok["estimate"].mean())) if len(ok) else np.nan
    else:
        p, se, estimate = np.nan, np.nan, float(ok["estimate"].mean())
        lower = upper = np.nan
    w, w_se = mean_with_se(width.to_numpy())
    return {"reps": len(ok), "n_failed": int(group["failed"].sum()), "power": p,
            "mc_se": se, "power_ci_lower": lower, "power_ci_upper": upper,
            "mean_estimate": estimate, "ci_width": w, "ci_width_mc_se": w_se,
            "warned": float((ok["n_warnings"] > 0).mean()) if len(ok) else np.nan}


def smallest_n(table: pd.DataFrame, target: float) -> pd.DataFrame:
    """Smallest ``n_dyads`` with power >= ``target`` per analysis and design.

    Between the two grid sizes that bracket the target, n is interpolated linearly in
    power: ``n = n_lo + (target - p_lo) (n_hi - n_lo) / (p_hi - p_lo)``, rounded up
    (after rounding to 6 decimals, so that floating-point noise such as
    250.00000000000006 gives 250).
    The first grid size whose power reaches the target defines the bracket, so a
    non-monotone curve (MC noise) uses the first crossing.
    """
    rows = []
    tested = table[table["power"].notna()]
    for key, group in tested.groupby(_GRID, sort=False, dropna=False):
        g = group.sort_values("n_dyads")
        n, p = g["n_dyads"].to_numpy(float), g["power"].to_numpy(float)
        hit = np.flatnonzero(p >= target)
        if hit.size == 0:
            value, status = np.nan, "not reached"
        elif hit[0] == 0:
            value, status = n[0], "at or below smallest n"
        else:
            i = hit[0]
            value = n[i - 1] + (target - p[i - 1]) * (n[i] - n[i - 1]) / (p[i] - p[i - 1])
            value, status = float(math.ceil(round(value, 6))), "interpolated"
        rows.append({**dict(zip(_GRID, key, strict=True)), "n_required": value,
                     "status": status})
    return pd.DataFrame(rows, columns=[*_GRID, "n_required", "status"])


def _sizing_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Rows for which a smallest n makes sense: not the invariance tests when invariance
    holds (their rate is the type I error) and not the exact-fit chi-square of a correct
    CFA model (ditto)."""
    null = ((table["analysis"] == "invariance") & (table["effect"] == 0)) | (
        (table["analysis"] == "cfa_fit") & table["term"].str.endswith(":chisq_scaled"))
    return table[~null]


def _cells(outcomes, sizes, effects, caseload, params, recalibrate,
           raters=("client",)) -> tuple[list, list]:
    cells, labels = [], []
    analyses = design.analyses_for(outcomes, raters)
    for effect in effects:
        p = design.design_params(params, outcomes, effect, caseload, recalibrate)
        for n in sizes:
            cells.append({"n_dyads": n, "params": p.to_dict(), "analyses": list(analyses)})
            labels.append({"n_dyads": n, "clients_per_officer": design.mean_caseload(p),
                           "effect": effect})
    return cells, labels


def _effect_label(row: pd.Series, params: SimulationParameters, outcomes) -> float:
    if not np.isnan(row["effect"]) or row["analysis"] in ("alpha", "cfa_fit"):
        return row["effect"]
    if row["analysis"] == "invariance":
        return design.loading_departure(params)
    outcome = {"dropout": "dropout", "risk": "risk"}.get(row["analysis"], "rearrest")
    name, key = design.EFFECT_KEYS[outcome]
    return float(np.exp(getattr(params, name)[key]))


def power(outcome="rearrest", n_dyads=(150, 200, 267, 400), clients_per_officer=None,
          effect=None, reps: int = 500, seed: int = 2024, n_jobs: int = 1,
          backend: str = "loky", scheduler=None, out=None,
          params: SimulationParameters | None = None, alpha: float = 0.05,
          target_power: float = 0.8, recalibrate: bool = True, chunk_size: int = 10,
          progress: bool = True, rater="client", cutoffs=None) -> PowerResult:
    """Monte Carlo power of the alliance analyses for a grid of study sizes and effects.

    Parameters
    ----------
    outcome : str or list of str
        ``"dropout"`` (logistic OR per SD of positive alliance, officer-clustered SEs),
        ``"rearrest"`` (cause-specific Cox and Fine–Gray HR per SD of trust), ``"risk"``
        (rising risk, logistic OR per SD of positive alliance), ``"reliability"``
        (width of the Feldt CI of Cronbach's alpha per rater and subscale),
        ``"cfa_fit"`` (the four-factor WLSMV model of ``rater``'s wave-1 ratings meets the
        CFI and RMSEA cut-offs) and/or ``"invariance"`` (the client-vs-officer WLSMV
        invariance test rejects, metric and scalar step).
    n_dyads : int or sequence of int
        Numbers of client–officer dyads to simulate.
    clients_per_officer : int or sequence of float, optional
        Caseload: an int k gives every officer k study clients; a sequence gives the
        probabilities of 1, 2, ... clients (the generator's ``officer_sizes``). Default:
        the generator's (mean 1.48).
    effect : float or sequence of float, optional
        Generating odds/hazard ratio per SD of the latent alliance driver of each chosen
        outcome (dropout: positive alliance; rearrest: trust; risk: positive alliance).
        Default: the values in ``params`` (OR .67, HR .78, OR .80). Use 1 for the null.
        For ``"invariance"``: the drop of the officer loading below the client loading of
        the second item of each subscale (``design.DEPARTURE_ITEMS``; the other officer
        loadings are set equal to the client's); 0 means invariance holds. Default: the
        loadings in ``params`` (equal). Ratio outcomes and invariance cannot share one
        call with ``effect`` set.
    reps : int
        Simulated studies per design cell.
    seed : int
        Seeds the whole run (see Notes); same seed, same numbers, whatever ``n_jobs`` or
        ``backend``.
    n_jobs : int
        Local worker processes (joblib/loky) when ``backend="loky"``.
    backend : {"loky", "dask"}
        ``"dask"`` runs the chunks on an existing dask.distributed cluster.
    scheduler : str or dask.distributed.Client, optional
        Scheduler address (``"tcp://host:8786"``) or a Client, for ``backend="dask"``.
    out : path, optional
        Folder that receives one Parquet file per finished chunk; rerunning the same
        call resumes, and a folder of another run is refused.
    params : SimulationParameters, optional
        Any generating value can be changed here (``dataclasses.replace``).
    alpha : float
        Two-sided significance level of the Wald tests.
    target_power : float
        Power sought in ``smallest_n``.
    recalibrate : bool
        After changing ``effect``, re-solve the outcome intercepts so that the marginal
        outcome rates stay at their targets (``simulate.calibration.calibrate_intercepts``
        on 200,000 Monte Carlo draws).
    chunk_size : int
        Replications per chunk (unit of work and of storage).
    progress : bool
        Progress bar with ETA on standard error (only when it is a terminal).
    rater : {"client", "officer"} or sequence of them
        Whose ratings the ``"cfa_fit"`` model is fitted to (one fit per rater).
    cutoffs : dict, optional
        Decision rules of the measurement outcomes, default
        ``{"cfi": 0.95, "rmsea": 0.06, "delta_cfi": -0.01}`` (fit: CFI >= cfi and RMSEA
        <= rmsea; invariance: ΔCFI <= delta_cfi). Applied when the run is summarised, so
        a stored run (``out``) can be re-summarised with other cut-offs.

    Returns
    -------
    PowerResult

    Notes
    -----
    Each replication draws a study with :func:`simulate_tables`, scores it
    (wave-1 dyad score = mean of client and officer subscale means, standardised; positive
    alliance = standardised mean of the three positive dyad scores) and fits the adjusted
    models with the generator's covariates (prior convictions as standardised
    ``log(1 + count)``, substance use, age per 10 years): dropout ~ positive + stroefheid +
    covariates; rearrest ~ four subscales + covariates (cause-specific Cox and Fine–Gray,
    dropout competing); risk ~ positive + prior + substance. Power is the share of
    successful fits with Wald ``p < alpha`` for the alliance term,

    .. math:: \\hat P = R^{-1}\\sum_r 1[p_r < \\alpha],\\qquad
              \\mathrm{SE}_{MC} = \\sqrt{\\hat P (1 - \\hat P) / R}.

    Replication k of the run (cell-major) is seeded by child k of
    ``SeedSequence(seed).spawn(n_cells * reps)``. Observed scores carry measurement
    error, so the observed-score effect is attenuated relative to the latent ``effect``;
    power refers to the analysis a researcher would run on observed scores.

    Measurement outcomes use the wave-1 ratings with reverse-worded items re-keyed and
    lavaan's WLSMV (delta parameterisation, listwise deletion). ``cfa_fit`` reports
    :math:`P(\\mathrm{CFI}_{scaled} \\ge c)`, :math:`P(\\mathrm{RMSEA}_{scaled} \\le r)`,
    both jointly, and the rejection rate of the scaled exact-fit test (lavaan's
    ``cfi.scaled`` / ``rmsea.scaled``). ``invariance`` fits configural, metric and scalar
    models with the rater as an independent group (an approximation: both ratings
    describe the same dyad) and reports the rejection rate of lavaan's scaled-shifted
    difference test and :math:`P(\\Delta\\mathrm{CFI}_{scaled} \\le d)` per step; at
    ``effect`` 0 these are type I error rates. Categories used by one rater and not by
    the other are merged first (recorded in ``empty_category``). Details in
    ``docs/methods/planning.md``.

    References
    ----------
    1. Muthén, L. K. & Muthén, B. O. (2002). How to use a Monte Carlo study to decide on
       sample size and determine power. Structural Equation Modeling, 9, 599-620.
    2. Morris, T. P., White, I. R. & Crowther, M. J. (2019). Using simulation studies to
       evaluate statistical methods. Statistics in Medicine, 38, 2074-2102.
    3. Landau, S. & Stahl, D. (2013). Sample size and power calculations for medical
       studies by simulation when closed form expressions are not available. Statistical
       Methods in Medical Research, 22, 324-345.
    4. Hu, L. & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
       structure analysis. Structural Equation Modeling, 6, 1-55.
    5. Cheung, G. W. & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for
       testing measurement invariance. Structural Equation Modeling, 9, 233-255.
    6. Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
       invariance. Structural Equation Modeling, 14, 464-504.

    Examples
    --------
    >>> from werkalliantie_stats.planning import power
    >>> res = power("dropout", n_dyads=[100, 200], reps=4, seed=1, progress=False)
    >>> res.table[["n_dyads", "reps", "power"]].shape
    (2, 3)
    >>> bool(res.table["power"].between(0, 1).all())
    True
    >>> # In R: no direct twin; e.g. simr::powerSim(glmer(...), nsim = 4) per sample size
    >>> fit = power("cfa_fit", n_dyads=[120], reps=2, seed=3, progress=False)
    >>> fit.table["term"].tolist()
    ['client:cfi_and_rmsea', 'client:cfi_scaled', 'client:chisq_scaled', 'client:rmsea_scaled']
    >>> # In R: simsem::sim(nRep = 2, model = cfa(...), generate = ..., n = 120)
    """
    outcomes = design.check_outcomes(outcome, FUNC)
    sizes = design.check_sizes(n_dyads, FUNC)
    params = _check_params(params)
    effects = design.check_effects(effect, outcomes, FUNC, params)
    _check_run_args(reps, seed, n_jobs, backend, scheduler, alpha, target_power)
    raters = design.check_raters(rater, FUNC)
    cut = check_cutoffs(cutoffs, FUNC)
    caseload = design.caseload(clients_per_officer, FUNC)
    cells, labels = _cells(outcomes, sizes, effects, caseload, params, recalibrate, raters)
    settings = {"kind": "power", "cells": cells, "reps": int(reps), "seed": int(seed),
                "chunk_size": int(chunk_size)}
    reps_frame = run_replications(cells, int(reps), int(seed), n_jobs=int(n_jobs),
                                  backend=backend, scheduler=scheduler, out=out,
                                  settings=settings, chunk_size=int(chunk_size),
                                  progress=progress, func=FUNC)
    table = _power_table(reps_frame, labels, alpha, params, outcomes, cut)
    return PowerResult(table=table, smallest_n=smallest_n(_sizing_rows(table), target_power),
                       replications=reps_frame, alpha=float(alpha),
                       target_power=float(target_power), reps=int(reps), seed=int(seed))


def _cell_label(cell: int, labels: list[dict]) -> dict:
    label = labels[cell]
    return {"n_dyads": label["n_dyads"], "clients_per_officer": label["clients_per_officer"],
            "effect": np.nan if label["effect"] is None else label["effect"]}


def _power_table(reps_frame, labels, alpha, params, outcomes, cutoffs) -> pd.DataFrame:
    rows = []
    targets = _target_rows(reps_frame[~reps_frame["analysis"].isin(MEASUREMENT)])
    for (cell, analysis, term), group in targets.groupby(["cell", "analysis", "term"],
                                                         sort=False):
        rows.append({"analysis": analysis, "term": term, **_cell_label(cell, labels),
                     **_summarise(group, alpha)})
    for row in measurement_table_rows(reps_frame, alpha, cutoffs):
        cell = row.pop("cell")
        rows.append({"analysis": row.pop("analysis"), "term": row.pop("term"),
                     **_cell_label(cell, labels), **row})
    table = pd.DataFrame(rows)
    table["effect"] = table.apply(_effect_label, axis=1, args=(params, outcomes))
    order = ["analysis", "term", "clients_per_officer", "effect", "n_dyads"]
    return table.sort_values(order, kind="stable").reset_index(drop=True)
