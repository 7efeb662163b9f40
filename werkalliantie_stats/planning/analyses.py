"""One replication: draw a study, fit the analyses of interest, return tidy rows.

The per-replication pipeline is deliberately lean: the generator's tables are already in
the normalised form, so the :class:`Study` is built without re-validation; scores come
from :func:`score_subscales`; models are the package's own estimators (no reports,
no plots). Every analysis returns rows with the same columns (:data:`ROW_COLUMNS`).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

from ..instrument import load_instrument
from ..outcomes import cause_specific_cox, fine_gray, logistic
from ..psychometrics import cronbach_alpha, omega
from ..scoring import score_subscales
from ..simulate import simulate_tables
from ..simulate.layout import ITEMS, SUBSCALES
from ..study import Study
from .cfa_analyses import CFA_RATERS, cfa_fit_rows, invariance_rows

__all__ = ["ANALYSES", "MEASUREMENT_ANALYSES", "ROW_COLUMNS", "TARGET_TERMS", "replicate_once"]

POSITIVE = ("communicatie", "binding", "vertrouwen")
COVARIATES = ("prior_convictions", "substance_use", "age")
ROW_COLUMNS = ("analysis", "term", "scale", "estimate", "std_error", "ci_lower", "ci_upper",
               "p_value", "n_warnings", "failed")

DROPOUT_TERMS = ("positive", "stroefheid", *COVARIATES)
REARREST_TERMS = (*SUBSCALES, *COVARIATES)
RISK_TERMS = ("positive", "prior_convictions", "substance_use")
TARGET_TERMS = {"dropout": "positive", "rearrest_cs": "vertrouwen", "rearrest_fg": "vertrouwen",
                "risk": "positive"}
"""The alliance term whose effect each outcome analysis tests."""


@functools.lru_cache(maxsize=1)
def _instrument():
    return load_instrument()


def _dyad_scores(study: Study) -> pd.DataFrame:
    """Wave-1 dyad scores: mean of client and officer subscale means, standardised."""
    scores = score_subscales(study)
    wave1 = scores[scores["wave"] == 1]
    dyad = wave1.groupby("dyad_id", sort=True)[list(SUBSCALES)].mean()
    z = (dyad - dyad.mean()) / dyad.std(ddof=1)
    positive = z[list(POSITIVE)].mean(axis=1)
    z["positive"] = (positive - positive.mean()) / positive.std(ddof=1)
    return z


def _covariates(supervision: pd.DataFrame) -> pd.DataFrame:
    """Covariates as the generator uses them, standardised with sample moments."""
    prior = np.log1p(supervision["prior_convictions"].to_numpy(dtype=float))
    age = supervision["age"].to_numpy(dtype=float)
    return pd.DataFrame({
        "prior_convictions": (prior - prior.mean()) / prior.std(ddof=1),
        "substance_use": supervision["substance_use"].to_numpy(dtype=float),
        "age": (age - age.mean()) / 10.0,
    }, index=supervision["dyad_id"].to_numpy())


def observed_frame(quest: pd.DataFrame, sup: pd.DataFrame) -> pd.DataFrame:
    """One row per dyad: outcomes, officer, standardised observed scores and covariates."""
    study = Study(questionnaires=quest, supervision=sup, instrument=_instrument())
    frame = _dyad_scores(study).join(_covariates(sup))
    outcomes = sup.set_index("dyad_id")[["officer_id", "dropout", "risk_increase", "event",
                                         "event_day"]]
    return frame.join(outcomes).reset_index(names="dyad_id")


def latent_frame(latent: pd.DataFrame, sup: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """As :func:`observed_frame` but with the true latent drivers and the generator's own
    covariate scaling (population constants), so the fitted model is the true model."""
    pop = truth["population"]
    prior = np.log1p(sup["prior_convictions"].to_numpy(dtype=float))
    frame = pd.DataFrame({
        **{s: latent[f"dyad_{s}"].to_numpy() for s in SUBSCALES},
        "positive": latent["dyad_positive"].to_numpy(),
        "prior_convictions": (prior - pop["prior_convictions_log1p_mean"])
        / pop["prior_convictions_log1p_sd"],
        "substance_use": sup["substance_use"].to_numpy(dtype=float),
        "age": (sup["age"].to_numpy(dtype=float) - truth["parameters"]["age_mean"]) / 10.0,
    })
    for col in ("dyad_id", "officer_id", "dropout", "risk_increase", "event", "event_day"):
        frame[col] = sup[col].to_numpy()
    return frame


def _table_rows(name: str, table: pd.DataFrame, terms, n_warn: int) -> list[dict]:
    rows = []
    for term in terms:
        r = table.loc[table["term"] == term].iloc[0] if "term" in table else table.loc[term]
        rows.append({"analysis": name, "term": term, "scale": "log",
                     "estimate": float(r["estimate"]), "std_error": _se(r),
                     "ci_lower": float(r["ci_lower"]), "ci_upper": float(r["ci_upper"]),
                     "p_value": float(r["p_value"]), "n_warnings": n_warn, "failed": False})
    return rows


def _se(row: pd.Series) -> float:
    robust = row.get("robust_se", np.nan)
    return float(robust) if np.isfinite(robust) else float(row["std_error"])


def _failed(name: str, terms) -> list[dict]:
    return [{"analysis": name, "term": t, "scale": "log", "estimate": np.nan,
             "std_error": np.nan, "ci_lower": np.nan, "ci_upper": np.nan, "p_value": np.nan,
             "n_warnings": 0, "failed": True} for t in terms]


def _guarded(name: str, terms, fit) -> list[dict]:
    """Run ``fit`` counting warnings; a fit that raises becomes a failed row."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = fit()
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return _failed(name, terms)
    return _table_rows(name, table, terms, len(caught))


def _dropout(frame, suffix=""):
    return _guarded("dropout" + suffix, DROPOUT_TERMS, lambda: logistic(
        frame, "dropout", list(DROPOUT_TERMS), cluster="officer_id").table)


def _risk(frame, suffix=""):
    return _guarded("risk" + suffix, RISK_TERMS, lambda: logistic(
        frame, "risk_increase", list(RISK_TERMS), cluster="officer_id").table)


def _rearrest_cs(frame, suffix=""):
    return _guarded("rearrest_cs" + suffix, REARREST_TERMS, lambda: cause_specific_cox(
        frame, "event_day", "event", "rearrest", list(REARREST_TERMS), censored="none",
        cluster="officer_id").table)


def _rearrest_fg(frame, suffix=""):
    return _guarded("rearrest_fg" + suffix, REARREST_TERMS, lambda: fine_gray(
        frame, "event_day", "event", "rearrest", list(REARREST_TERMS), censored="none",
        cluster="officer_id").table)


def _reliability_rows(quest: pd.DataFrame, with_omega: bool) -> list[dict]:
    """Cronbach's alpha (Feldt CI) and optionally one-factor omega_total per rater and
    subscale, wave 1, reverse-worded items re-keyed."""
    study = Study(questionnaires=quest, supervision=None, instrument=_instrument())
    rows = []
    for rater in ("client", "officer"):
        items = study.items(rater=rater, wave=1)
        for s, sub in enumerate(SUBSCALES):
            block = items[list(ITEMS[5 * s:5 * s + 5])]
            rows.extend(_alpha_row(block, rater, sub))
            if with_omega:
                rows.extend(_omega_row(block, rater, sub))
    return rows


def _alpha_row(block, rater, sub) -> list[dict]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cronbach_alpha(block)
    return [{"analysis": "alpha", "term": f"{rater}:{sub}", "scale": "identity",
             "estimate": res.alpha, "std_error": res.ase, "ci_lower": res.ci_lower,
             "ci_upper": res.ci_upper, "p_value": np.nan, "n_warnings": len(caught),
             "failed": False}]


def _omega_row(block, rater, sub) -> list[dict]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = omega(block, n_factors=1)
    n_warn = sum(1 for w in caught if "one factor" not in str(w.message))
    return [{"analysis": "omega", "term": f"{rater}:{sub}", "scale": "identity",
             "estimate": res.omega_total, "std_error": np.nan, "ci_lower": np.nan,
             "ci_upper": np.nan, "p_value": np.nan, "n_warnings": n_warn, "failed": False}]


_MODELS = {"dropout": _dropout, "risk": _risk, "rearrest_cs": _rearrest_cs,
           "rearrest_fg": _rearrest_fg}
ANALYSES = (*_MODELS, "alpha", "omega")
"""Every analysis of the coverage study; ``*_latent`` variants are added by
``latent=True`` (the same model fitted on the true latent drivers)."""
MEASUREMENT_ANALYSES = (*(f"cfa_fit:{r}" for r in CFA_RATERS), "invariance")
"""Power-only measurement analyses (:mod:`.cfa_analyses`): WLSMV fit of the four-factor
model per rater (``cfa_fit:<rater>``) and client-vs-officer invariance."""


def replicate_once(n_dyads: int, params, analyses: tuple[str, ...], seed,
                   latent: bool = False) -> list[dict]:
    """Simulate one study (seeded by ``seed``, a SeedSequence) and run ``analyses``."""
    rng = np.random.default_rng(seed)
    quest, sup, truth, lat = simulate_tables(n_dyads, seed=rng, params=params,
                                             return_latent=True)
    rows: list[dict] = []
    models = [a for a in analyses if a in _MODELS]
    if models:
        observed = observed_frame(quest, sup)
        truth_frame = latent_frame(lat, sup, truth) if latent else None
        for name in models:
            rows.extend(_MODELS[name](observed))
            if latent:
                rows.extend(_MODELS[name](truth_frame, "_latent"))
    if "alpha" in analyses or "omega" in analyses:
        rows.extend(r for r in _reliability_rows(quest, "omega" in analyses)
                    if r["analysis"] in analyses)
    for name in analyses:
        if name.startswith("cfa_fit:"):
            rows.extend(cfa_fit_rows(quest, name.split(":", 1)[1]))
    if "invariance" in analyses:
        rows.extend(invariance_rows(quest))
    return rows
