"""Report sections on the questionnaire: items, factorability, factors, reliability, agreement.

Each function fills a :class:`SectionBuilder` by calling the psychometrics modules; none
computes a statistic itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..psychometrics import (
    bartlett_sphericity,
    client_officer_agreement,
    efa,
    item_analysis,
    kmo,
    map_test,
    parallel_analysis,
    reliability_table,
)
from ..psychometrics.correlation import correlation_matrix
from ..study import Study
from . import describe
from ._result import SectionBuilder

__all__ = [
    "RATERS",
    "agreement_section",
    "efa_section",
    "factorability_section",
    "item_section",
    "quality_section",
    "recovered_subscales",
    "reliability_section",
    "retention_section",
    "sample_section",
    "subscale_loading_pattern",
]

RATERS = ("client", "officer")


class Correlations:
    """Polychoric correlations of each rater's items, computed once and shared by KMO,
    Bartlett, parallel analysis, MAP and EFA (each accepts a matrix with ``n_obs``)."""

    def __init__(self, study: Study, wave: int = 1):
        self.study, self.wave, self._cache = study, wave, {}

    def __call__(self, rater: str) -> tuple[pd.DataFrame, float]:
        if rater not in self._cache:
            items = self.study.items(rater=rater, wave=self.wave)
            source = correlation_matrix(items, "polychoric", "replicate")
            self._cache[rater] = (source.matrix, float(source.n_obs))
        return self._cache[rater]


def sample_section(study: Study, b: SectionBuilder) -> None:
    """Dyads, officers, clients per officer, questionnaires, missingness, outcome rates."""
    b.table("sample", describe.describe_sample(study))
    b.table("clients_per_officer", describe.clients_per_officer(study))
    b.table("item_missingness", describe.item_missingness(study))
    if study.supervision is not None:
        b.table("outcome_rates", describe.outcome_rates(study))


def item_section(study: Study, b: SectionBuilder, wave: int = 1) -> None:
    """Item statistics per subscale (re-keyed) and the response distributions per rater."""
    frames = []
    for rater in RATERS:
        for subscale in study.instrument.subscales:
            items = study.items(rater=rater, wave=wave, subscale=subscale)
            stats = item_analysis(items).to_frame()
            stats.insert(0, "subscale", subscale)
            stats.insert(0, "rater", rater)
            frames.append(stats)
        b.figure(f"item_distributions_{rater}", "reliability.item_distributions",
                 study.items(rater=rater, wave=wave, rekey=False),
                 categories=study.instrument.scale.codes)
    table = pd.concat(frames).rename_axis("item").set_index("rater", append=True)
    b.table("item_statistics", table.reorder_levels(["rater", "item"]))


def factorability_section(study: Study, b: SectionBuilder, corr: Correlations) -> None:
    """KMO and Bartlett's test on the polychoric correlations, per rater."""
    rows = {}
    for rater in RATERS:
        matrix, n_obs = corr(rater)
        k = kmo(matrix)
        bt = bartlett_sphericity(matrix, n_obs=n_obs)
        rows[rater] = {"n": n_obs, "kmo": k.overall, "kmo_min_item": float(np.min(k.per_item)),
                       "bartlett_chisq": bt.statistic, "bartlett_df": float(bt.df),
                       "bartlett_p": bt.p_value}
    b.table("factorability", pd.DataFrame.from_dict(rows, orient="index").rename_axis("rater"))


def retention_section(study: Study, b: SectionBuilder, corr: Correlations, seed,
                      n_iter: int = 50) -> dict[str, tuple[int, int]]:
    """Parallel analysis (95th percentile of eigenvalues of normal data of the same size)
    and Velicer's MAP on the polychoric correlations, per rater."""
    rows, found = {}, {}
    for rater in RATERS:
        matrix, n_obs = corr(rater)
        pa = parallel_analysis(matrix, n_iter=n_iter, seed=seed, n_obs=int(n_obs))
        mp = map_test(matrix)
        rows[rater] = {"parallel_factors": float(pa.n_factors),
                       "parallel_components": float(pa.n_components),
                       "map_factors": float(mp.n_factors)}
        found[rater] = (int(pa.n_factors), int(mp.n_factors))
        b.table(f"parallel_analysis_{rater}", pa.to_frame())
        b.figure(f"scree_{rater}", "psychometrics.scree", pa)
    b.table("retention", pd.DataFrame.from_dict(rows, orient="index").rename_axis("rater"))
    return found


def subscale_loading_pattern(loadings: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Per subscale: the factor most of its items load on, and how many items do."""
    primary = loadings.abs().idxmax(axis=1)
    rows = {}
    for subscale in study.instrument.subscales:
        own = primary[list(study.instrument.items_of(subscale))]
        factor = own.mode().iloc[0]
        rows[subscale] = {"factor": factor, "items": float(len(own)),
                          "items_on_factor": float((own == factor).sum()),
                          "mean_abs_loading": float(loadings.loc[own.index, factor].abs().mean())}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("subscale")


def recovered_subscales(pattern: pd.DataFrame) -> int:
    """Subscales whose items all load mainly on one factor that no other subscale takes."""
    own = pattern["items_on_factor"] == pattern["items"]
    unique = ~pattern["factor"].duplicated(keep=False)
    return int((own & unique).sum())


def efa_section(study: Study, b: SectionBuilder, corr: Correlations) -> dict[str, int]:
    """Four-factor (one per subscale) minres EFA with oblimin on polychoric correlations."""
    n_factors = len(study.instrument.subscales)
    recovered = {}
    for rater in RATERS:
        matrix, n_obs = corr(rater)
        fit = efa(matrix, n_factors, n_obs=n_obs, scores=None)
        loadings = fit.loadings.copy()
        loadings["communality"] = fit.communalities
        b.table(f"efa_loadings_{rater}", loadings)
        b.table(f"efa_phi_{rater}", fit.phi)
        pattern = subscale_loading_pattern(fit.loadings, study)
        b.table(f"efa_pattern_{rater}", pattern)
        b.figure(f"efa_loadings_{rater}", "psychometrics.loading_heatmap", fit)
        recovered[rater] = recovered_subscales(pattern)
    return recovered


def reliability_section(study: Study, b: SectionBuilder) -> pd.DataFrame:
    """Alpha (Feldt CI), ordinal alpha and omega per subscale x rater x wave."""
    table = reliability_table(study).to_frame()
    b.table("reliability", table)
    forest = table.xs(1, level="wave").copy()
    forest.index = [f"{s} ({r})" for s, r in forest.index]
    b.figure("reliability_forest", "reliability.reliability_forest",
             forest[["alpha", "ci_lower", "ci_upper"]])
    return table


def agreement_section(study: Study, b: SectionBuilder) -> None:
    """Client-officer agreement per subscale (ICC, correlation, Bland-Altman), per wave."""
    waves = sorted(study.questionnaires["wave"].unique())
    frames = {wave: client_officer_agreement(study, wave=int(wave)).to_frame() for wave in waves}
    b.table("agreement", pd.concat(frames, names=["wave"]))


def quality_section(study: Study, b: SectionBuilder) -> None:
    """Subscale scores and the alliance-quality classification per wave."""
    b.table("subscale_descriptives", describe.describe_subscales(study))
    b.table("alliance_quality", describe.quality_distribution(study))
