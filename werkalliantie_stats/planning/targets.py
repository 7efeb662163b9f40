"""Population targets of the coverage study, from the generator's truth.

* ORs/HRs: the generating log effects (``params``), the targets of the *true* model
  (fitted on the latent drivers with the generator's covariates). The same targets are
  used for the observed-score models, whose estimates are attenuated by measurement
  error, so bias and under-coverage there measure attenuation, not a faulty estimator.
* Fine–Gray: a subdistribution HR has no closed form under the cause-specific Weibull
  generating model; its target is the *least-false* value, the Fine–Gray fit of the
  latent model on one very large simulated sample (default 200,000 dyads).
* Cronbach's alpha: the exact population alpha of the observed items
  (``truth["population"]["cronbach_alpha"]``).
* omega_total: the one-factor omega_total of the exact population item correlation
  matrix (the same ``omega`` applied to the population matrix).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..outcomes import fine_gray
from ..psychometrics import omega
from ..simulate import SimulationParameters, simulate_tables
from ..simulate.layout import SUBSCALES
from ..simulate.population import _subscale_moments, population_summary
from .analyses import REARREST_TERMS, latent_frame

__all__ = ["population_targets"]

_EFFECTS = {"dropout": "dropout_effects", "risk": "risk_increase_effects",
            "rearrest_cs": "rearrest_effects"}


def _effect_targets(params: SimulationParameters) -> list[dict]:
    rows = []
    for analysis, name in _EFFECTS.items():
        for term, value in getattr(params, name).items():
            for suffix, kind in (("_latent", "generating effect (true model)"),
                                 ("", "generating effect (observed scores: attenuated)")):
                rows.append({"analysis": analysis + suffix, "term": term,
                             "target": float(value), "target_kind": kind})
    return rows


def _reliability_targets(params: SimulationParameters) -> list[dict]:
    alphas = population_summary(params)["cronbach_alpha"]
    item_cov = _subscale_moments(params)["item_cov"]
    rows = []
    for r, rater in enumerate(("client", "officer")):
        for s, sub in enumerate(SUBSCALES):
            block = item_cov[r][5 * s:5 * s + 5, 5 * s:5 * s + 5]
            sd = np.sqrt(np.diag(block))
            corr = pd.DataFrame(block / np.outer(sd, sd))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                omega_t = omega(corr, n_factors=1, n_obs=1000).omega_total
            rows.append({"analysis": "alpha", "term": f"{rater}:{sub}",
                         "target": float(alphas[rater][sub]), "target_kind": "population alpha"})
            rows.append({"analysis": "omega", "term": f"{rater}:{sub}", "target": float(omega_t),
                         "target_kind": "population omega_total (one factor)"})
    return rows


def fine_gray_targets(params: SimulationParameters, n: int, seed: int) -> list[dict]:
    """Least-false Fine–Gray log sHRs: the latent-model fit on ``n`` simulated dyads."""
    _quest, sup, truth, lat = simulate_tables(n, seed=seed, params=params, return_latent=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fine_gray(latent_frame(lat, sup, truth), "event_day", "event", "rearrest",
                        list(REARREST_TERMS), censored="none")
    table = fit.table.set_index("term")
    rows = []
    for suffix, kind in (("_latent", f"least-false sHR (latent model, n = {n})"),
                         ("", f"least-false sHR of latent model (n = {n}; observed: "
                              "attenuated)")):
        rows += [{"analysis": "rearrest_fg" + suffix, "term": t,
                  "target": float(table.loc[t, "estimate"]), "target_kind": kind}
                 for t in REARREST_TERMS]
    return rows


def population_targets(params: SimulationParameters, fine_gray_n: int = 200_000,
                       seed: int = 1) -> pd.DataFrame:
    """Every target of the coverage study: ``analysis, term, target, target_kind``."""
    rows = _effect_targets(params) + _reliability_targets(params)
    if fine_gray_n:
        rows += fine_gray_targets(params, fine_gray_n, seed)
    return pd.DataFrame(rows)
