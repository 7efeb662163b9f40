"""Client covariates: age, gender, criminal history, substance use, baseline risk.

A latent criminal-history propensity ``H = c z_str + sqrt(1 - c^2) e`` (``z_str`` the
dyad's stroefheid, ``c = history_stroefheid_correlation``) drives the number of prior
convictions, substance use and baseline risk, which is how prior convictions come to
confound stroefheid's effect on rearrest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri
from scipy.stats import poisson

if TYPE_CHECKING:
    from .parameters import SimulationParameters

__all__ = ["covariate_design", "draw_covariates", "prior_standardisation"]

_STR = 3  # index of stroefheid among the drivers


def prior_standardisation(params: SimulationParameters) -> tuple[float, float]:
    """Population mean and SD of ``log(1 + prior_convictions)``.

    Exact up to quadrature: 60-point Gauss-Hermite over H ~ N(0, 1) (nodes of weight
    < 1e-15 dropped) and the Poisson probabilities of 0..(enough) convictions given H.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    keep = weights > 1e-15
    nodes, weights = nodes[keep], weights[keep] / weights[keep].sum()
    s = params.prior_convictions_dispersion
    rate = np.exp(np.log(params.prior_convictions_mean) - s**2 / 2 + s * nodes)
    counts = np.arange(int(poisson.ppf(1 - 1e-14, rate.max())) + 50)
    pmf = poisson.pmf(counts[None, :], rate[:, None])
    values = np.log1p(counts)
    mean = float(weights @ (pmf @ values))
    second = float(weights @ (pmf @ values**2))
    return mean, float(np.sqrt(second - mean**2))


def draw_covariates(rng: np.random.Generator, drivers: np.ndarray,
                    params: SimulationParameters) -> dict:
    """Draw every covariate for ``len(drivers)`` clients (drivers: (n, 5), see population)."""
    n = drivers.shape[0]
    c = params.history_stroefheid_correlation
    history = c * drivers[:, _STR] + np.sqrt(1 - c**2) * rng.standard_normal(n)
    s = params.prior_convictions_dispersion
    rate = np.exp(np.log(params.prior_convictions_mean) - s**2 / 2 + s * history)
    prior = rng.poisson(rate)
    b = params.substance_history_loading
    cut = ndtri(1 - params.substance_use_prevalence)
    substance = (b * history + np.sqrt(1 - b**2) * rng.standard_normal(n) > cut).astype(int)
    low, high = params.age_range
    age = np.clip(np.rint(params.age_mean + params.age_sd * rng.standard_normal(n)), low, high)
    male = rng.random(n) < params.male_proportion
    risk_latent = (0.5 * history + 0.4 * (substance - params.substance_use_prevalence)
                   + 0.75 * rng.standard_normal(n))
    risk = np.clip(np.rint(params.risk_baseline_mean + params.risk_baseline_sd * risk_latent),
                   0, 95)
    planned = rng.choice(np.asarray(params.planned_days_values, dtype=int), size=n,
                         p=np.asarray(params.planned_days_probabilities, dtype=float))
    return {
        "age": age.astype(int),
        "gender": np.where(male, "male", "female"),
        "prior_convictions": prior.astype(int),
        "substance_use": substance,
        "risk_baseline": risk.astype(int),
        "planned_days": planned.astype(int),
        "history": history,
    }


def covariate_design(covariates: dict, params: SimulationParameters, prior_scale: tuple[float,
                     float]) -> dict:
    """The covariates as they enter the outcome models.

    ``prior_convictions``: (log(1 + count) - mean) / SD with population constants;
    ``age``: (age - age_mean) / 10; ``substance_use``: 0/1.
    """
    center, scale = prior_scale
    return {
        "prior_convictions": (np.log1p(covariates["prior_convictions"]) - center) / scale,
        "age": (covariates["age"] - params.age_mean) / 10.0,
        "substance_use": covariates["substance_use"].astype(float),
    }
