"""Report sections on supervision outcomes: dropout, rearrest (competing risks), rising risk.

The predictor is the Menger–Donker alliance-quality classification at the start of
supervision (wave 1): *good* when both client and officer rate the positive subscales high
and stroefheid low (:func:`alliance_quality`). Every model calls the outcomes modules.
"""

from __future__ import annotations

import pandas as pd

from ..outcomes import (
    cause_specific_cox,
    cumulative_incidence,
    fine_gray,
    kaplan_meier,
    logistic,
    logrank_test,
)
from ..outcomes import outcome_frame as study_outcome_frame
from ..study import Study
from ._result import SectionBuilder

__all__ = [
    "COVARIATES",
    "binary_outcome_section",
    "claim_models",
    "outcome_frame",
    "survival_section",
]

COVARIATES = ("age", "prior_convictions", "substance_use")
CLUSTER = "officer_id"
EVENT_NONE = "none"


def outcome_frame(study: Study, wave: int = 1) -> pd.DataFrame:
    """:func:`~werkalliantie_stats.outcomes.outcome_frame` restricted to dyads classified at
    ``wave`` (rated by both raters), with ``quality`` ("good"/"not good"). The number left
    out is ``frame.attrs["unclassified"]``."""
    full = study_outcome_frame(study, wave=wave)
    frame = full[full["good"].notna()].reset_index(drop=True)
    frame["quality"] = frame["good"].map({1.0: "good", 0.0: "not good"})
    for column in COVARIATES:
        if column in frame.columns:
            frame[column] = frame[column].astype(float)
    frame.attrs["unclassified"] = int(full["good"].isna().sum())
    return frame


def _covariates(frame: pd.DataFrame) -> list[str]:
    return [c for c in COVARIATES if c in frame.columns and frame[c].notna().all()]


def _cluster(frame: pd.DataFrame) -> str | None:
    return CLUSTER if CLUSTER in frame.columns and frame[CLUSTER].nunique() < len(frame) else None


def claim_models(frame: pd.DataFrame, cluster: bool = True) -> dict[str, pd.Series]:
    """The unadjusted effect of good alliance quality on each outcome (the claims table):
    odds ratios for dropout and rising risk, the cause-specific hazard ratio of rearrest."""
    group = _cluster(frame) if cluster else None
    out = {}
    for outcome in ("dropout", "risk_increase"):
        if outcome in frame.columns:
            out[outcome] = logistic(frame, outcome, ["good"], cluster=group).table.loc["good"]
    if {"event", "event_day"} <= set(frame.columns):
        fit = cause_specific_cox(frame, "event_day", "event", "rearrest", ["good"],
                                 censored=EVENT_NONE, cluster=group)
        out["rearrest"] = fit.table.loc["good"]
    return out


def binary_outcome_section(frame: pd.DataFrame, b: SectionBuilder) -> None:
    """Logistic models of dropout and rising risk on good alliance quality, unadjusted and
    adjusted for the covariates, with officer-clustered standard errors."""
    covariates, group = _covariates(frame), _cluster(frame)
    for outcome in ("dropout", "risk_increase"):
        if outcome not in frame.columns:
            continue
        crude = logistic(frame, outcome, ["good"], cluster=group).table
        adjusted = logistic(frame, outcome, ["good", *covariates], cluster=group).table
        b.table(f"logistic_{outcome}", pd.concat({"unadjusted": crude, "adjusted": adjusted},
                                                 names=["model"]))
        b.figure(f"forest_{outcome}", "outcomes.forest_plot", adjusted)
    b.notes.append(f"{frame.attrs.get('unclassified', 0)} dyad(s) without a wave-1 rating by "
                   f"both raters are not in the outcome models.")


def survival_section(frame: pd.DataFrame, b: SectionBuilder) -> None:
    """Event-free survival by quality (KM, log-rank), cumulative incidence of dropout and
    rearrest as competing first events, cause-specific Cox and Fine–Gray models."""
    covariates, group = _covariates(frame), _cluster(frame)
    surv = frame.assign(any_event=(frame["event"] != EVENT_NONE).astype(float))
    km = kaplan_meier(surv, "event_day", "any_event", group="quality")
    b.table("km_event_free", km.table)
    b.figure("km_event_free", "survival.km_plot", km)
    lr = logrank_test(surv, "event_day", "any_event", group="quality")
    b.table("logrank", pd.DataFrame({"chisq": [lr.chisq], "df": [float(lr.df)],
                                     "p_value": [lr.p_value]}, index=["quality"]))
    cif = cumulative_incidence(frame, "event_day", "event", group="quality",
                               censored=EVENT_NONE)
    b.table("cumulative_incidence", cif.table)
    b.figure("cumulative_incidence", "survival.cumulative_incidence_plot", cif, ci=False)
    models = {}
    for cause in ("dropout", "rearrest"):
        models[("cause_specific", cause)] = cause_specific_cox(
            frame, "event_day", "event", cause, ["good", *covariates], censored=EVENT_NONE,
            cluster=group).table
        models[("fine_gray", cause)] = fine_gray(
            frame, "event_day", "event", cause, ["good", *covariates], censored=EVENT_NONE,
            cluster=group).table
    b.table("competing_risks", pd.concat(models, names=["model", "cause"]))
    b.figure("forest_rearrest", "outcomes.forest_plot", models[("cause_specific", "rearrest")])
