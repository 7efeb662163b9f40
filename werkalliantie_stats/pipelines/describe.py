"""Descriptive tables of a study: sample, missingness, outcomes, subscale scores."""

from __future__ import annotations

import pandas as pd

from ..scoring import alliance_quality, score_subscales
from ..study import Study

__all__ = ["describe_sample", "describe_subscales", "item_missingness", "outcome_rates",
           "quality_distribution"]


def describe_sample(study: Study) -> pd.DataFrame:
    """Counts of dyads, officers, clients and questionnaires (one row per quantity)."""
    q = study.questionnaires
    per_officer = q.groupby("officer_id")["dyad_id"].nunique()
    rows = {
        "dyads": study.n_dyads,
        "officers": study.n_officers,
        "clients": q["client_id"].nunique(),
        "clients_per_officer_mean": per_officer.mean(),
        "clients_per_officer_max": per_officer.max(),
    }
    for (rater, wave), count in q.groupby(["rater", "wave"]).size().items():
        rows[f"questionnaires_{rater}_wave{wave}"] = count
    return pd.DataFrame({"value": pd.Series(rows, dtype="float64")})


def clients_per_officer(study: Study) -> pd.DataFrame:
    """How many officers have 1, 2, 3, ... clients."""
    counts = study.questionnaires.groupby("officer_id")["dyad_id"].nunique().value_counts()
    return counts.sort_index().rename_axis("clients_per_officer").to_frame("officers")


def item_missingness(study: Study) -> pd.DataFrame:
    """Share of missing responses per item, by rater and wave (rows: items)."""
    q = study.questionnaires
    items = list(study.instrument.item_ids)
    share = q.groupby(["rater", "wave"])[items].agg(lambda s: s.isna().mean()).T
    share.columns = [f"{rater}_wave{wave}" for rater, wave in share.columns]
    return share


def outcome_rates(study: Study) -> pd.DataFrame:
    """Base rates of the supervision outcomes (empty when the study has none)."""
    s = study.supervision
    if s is None:
        return pd.DataFrame(columns=["n", "events", "rate"])
    rows = {}
    for column in ("dropout", "rearrest", "risk_increase", "officer_change"):
        if column in s.columns:
            values = s[column].dropna().astype(float)
            rows[column] = {"n": len(values), "events": values.sum(), "rate": values.mean()}
    if "event" in s.columns:
        for code, count in s["event"].value_counts().items():
            rows[f"first_event_{code}"] = {"n": len(s), "events": count, "rate": count / len(s)}
    return pd.DataFrame.from_dict(rows, orient="index")


def describe_subscales(study: Study) -> pd.DataFrame:
    """n, mean, sd, min, median, max of each subscale score by rater and wave."""
    scores = score_subscales(study)
    long = scores.melt(id_vars=["rater", "wave"], value_vars=list(study.instrument.subscales),
                       var_name="subscale", value_name="score")
    grouped = long.groupby(["subscale", "rater", "wave"], sort=False)["score"]
    table = grouped.agg(n="count", mean="mean", sd="std", min="min", median="median", max="max")
    return table


def quality_distribution(study: Study) -> pd.DataFrame:
    """Per wave: dyads rated by both raters, number and share with good alliance quality."""
    table = alliance_quality(study).table
    grouped = table.groupby(level="wave")
    out = pd.DataFrame({"dyads": grouped.size(),
                        "rated_by_both": grouped["good"].count(),
                        "good": grouped["good"].sum().astype(float)})
    out["share_good"] = out["good"] / out["rated_by_both"]
    out["alliance_index_mean"] = grouped["alliance_index"].mean()
    return out
